"""The demo council (seed_demo) as a world for sweeping every page.

Browser tests run on a transactional database that is flushed after each
test, so `demo_world` seeds on demand: seed_demo is idempotent and fast
(about ten seconds), and each browser test starts from the same council.
"""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from tests.portfolio.factories import PASSWORD, AssumptionFactory, DecisionFactory

# Patterns that are not HTML pages: files, actions that only take POST, the
# liveness probe, and Django's admin (its own product).
NOT_PAGES = {
    "healthz",
    "logout",
    "portfolio:export_csv",
    "portfolio:export_xlsx",
    "portfolio:import_template",
    "portfolio:import_problems",
    "portfolio:update_no_change",
    "prioritisation:ranking_export",
    "prioritisation:set_phase",
    "prioritisation:model_draft_create",
    "prioritisation:model_activate",
    "prioritisation:calibration_remove",
    "benefits:export_xlsx",
    "benefits:export_csv",
    "benefits:approve",
    "benefits:resolve_flag",
    "benefits:forecast_cell",
    "reports:download",
    "reports:publish",
    "reports:generate",
    "partners:export",
    # A tab's panel as an htmx fragment: the sweep scans each tab as the
    # active tab of the project page instead (see project_tab_urls).
    "portfolio:tab",
}


def seed_demo_world() -> dict:
    from benefits.models import FinancialBenefit, NonFinancialBenefit
    from pmo import reports
    from pmo.models import ReportRun, ReportType
    from portfolio.models import Project
    from portfolio.partners.models import Contract, Engagement, Partner, PartnershipReview
    from prioritisation.models import ScoringModel

    call_command("seed_demo", password=PASSWORD, verbosity=0)
    benefit = (
        FinancialBenefit.objects.filter(project__project_manager__username="pm")
        .order_by("pk")
        .first()
    )
    project = (
        benefit.project
        if benefit
        else Project.objects.filter(project_manager__username="pm").first()
    )
    # The demo council records no assumptions or decisions, and has no report
    # yet: give the sweep one of each.
    if not project.assumptions.exists():
        AssumptionFactory(project=project)
    if not project.decisions.exists():
        DecisionFactory(project=project)
    if not ReportRun.objects.exists():
        reports.report_run_request(
            report_type=ReportType.PORTFOLIO, period=datetime.date(2026, 10, 1), enqueue=False
        )
    year = benefit.years.order_by("year").values_list("year", flat=True).first()
    import_run = _checked_import(project)
    mapping_run = _import_to_map(project)
    partner = Partner.objects.order_by("pk").first()
    return {
        "project": project,
        "benefit": benefit,
        "year": year,
        "outcome": NonFinancialBenefit.objects.order_by("pk").first(),
        "partner": partner,
        "contract": Contract.objects.order_by("pk").first(),
        "engagement": Engagement.objects.order_by("pk").first(),
        "review": PartnershipReview.objects.order_by("pk").first(),
        "model": ScoringModel.objects.order_by("-number").first(),
        "report_run": ReportRun.objects.order_by("pk").first(),
        "import_run": import_run,
        "mapping_run": mapping_run,
    }


def _checked_import(project):
    """A small file checked for the PMO user the sweeps sign in as: a new
    project, an update and an unknown person, so the page shows every part."""
    from pmo.permissions import Role
    from portfolio import import_mapping, import_runs
    from tests.conftest import ROLE_USERNAMES
    from tests.portfolio.factories import UserFactory

    directorate = project.lead_directorate.name
    content = (
        "Reference,Title,Directorate,SRO\n"
        f"{project.reference},{project.title} (renamed),,\n"
        f",Sweep depot,{directorate},Dana Whitfield\n"
    ).encode()
    raw = import_mapping.read_tables("register.csv", content)
    run = import_runs.start(raw, UserFactory(username=ROLE_USERNAMES[Role.PMO]))
    import_runs.choose_mapping(run, import_mapping.guess_mapping(raw), raw)
    import_runs.check(run.pk)
    run.refresh_from_db()
    return run


def _import_to_map(project):
    """A file waiting on its columns page, with a money column in £m, ratings
    to match (one not known) and a month's rating column."""
    from django.contrib.auth import get_user_model

    from pmo.permissions import Role
    from portfolio import import_mapping, import_runs
    from tests.conftest import ROLE_USERNAMES

    content = (
        "Project name,Department,Stage,Whole life cost (£m),DCA March 2023,Notes\n"
        f"Sweep library,{project.lead_directorate.name},Early planning,305,Exempt,x\n"
        f"Sweep depot,{project.lead_directorate.name},Delivery,1.5,Amber,y\n"
    ).encode()
    raw = import_mapping.read_tables("portfolio.csv", content)
    user = get_user_model().objects.get(username=ROLE_USERNAMES[Role.PMO])
    return import_runs.start(raw, user)


def _record(project, kind):
    """The kind's first record on this project, else on any of the same
    manager's projects, else anywhere."""
    mine = getattr(project, _RELATED[kind]).order_by("pk").first()
    if mine:
        return mine
    model = getattr(project, _RELATED[kind]).model
    owner = "source" if kind == "dependencies" else "project"
    managed = {f"{owner}__project_manager": project.project_manager}
    return (
        model.objects.filter(**managed).order_by("pk").first()
        or model.objects.order_by("pk").first()
    )


_RELATED = {
    "milestones": "milestones",
    "risks": "risks",
    "issues": "issues",
    "assumptions": "assumptions",
    "decisions": "decisions",
    "dependencies": "dependencies_out",
    "gates": "gate_decisions",
}


def kwargs_for(name: str, pattern: URLPattern, world: dict) -> dict | None:
    """URL kwargs for one pattern from the demo world; None if the demo has
    no object for it (the caller reports that as a gap, not a pass)."""
    wanted = set(pattern.pattern.converters)
    if not wanted:
        return {}
    kind = pattern.default_args.get("kind")
    found: dict = {}
    project = world["project"]
    if kind and "pk" in wanted:
        record = _record(project, kind)
        if record is None:
            return None
        owner = record.source if kind == "dependencies" else record.project
        return {"reference": owner.reference, "pk": record.pk}
    for key in wanted:
        if key == "reference":
            found[key] = project.reference
        elif key == "pk" and name.startswith("benefits:outcome"):
            found[key] = world["outcome"] and world["outcome"].pk
        elif key == "pk" and name.startswith("benefits:"):
            found[key] = world["benefit"].pk
        elif key == "year":
            found[key] = world["year"]
        elif key == "number":
            found[key] = world["model"].number
        elif key == "partner_pk":
            found[key] = world["partner"].pk
        elif key == "pk" and name.startswith("partners:"):
            source = name.split(":")[1].split("_")[0]
            obj = {"edit": "partner", "detail": "partner"}.get(source, source)
            found[key] = world[obj] and world[obj].pk
        elif key == "pk" and name == "portfolio:import_columns":
            found[key] = world["mapping_run"].pk
        elif key == "pk" and name.startswith("portfolio:import"):
            found[key] = world["import_run"].pk
        elif key == "pk" and name.startswith("reports:"):
            found[key] = world["report_run"] and world["report_run"].pk
        else:
            found[key] = None
    return None if None in found.values() else found


def page_patterns(resolver=None, namespace="", skip=NOT_PAGES):
    """(name, pattern) for every named HTML page of the app (every named
    route but admin's, with `skip` for a different set left out)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from page_patterns(entry, ns, skip)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            if name not in skip:
                yield name, entry
