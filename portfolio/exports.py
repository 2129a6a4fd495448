"""The register as CSV and XLSX. Both formats come from the same rows, and
pmo.spreadsheets makes every text cell formula-safe."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from pmo.spreadsheets import Column
from portfolio.models import Project
from portfolio.rag import rag_label
from prioritisation.selectors import current_ranges

User = get_user_model()

REGISTER_COLUMNS = [
    Column("Reference"),
    Column("Title"),
    Column("Stage"),
    Column("Stage reason"),
    Column("Type"),
    Column("MTFP savings category"),
    Column("Delivery approach"),
    Column("Workstream"),
    Column("Lead directorate"),
    Column("Services affected"),
    Column("Sponsor"),
    Column("Project manager"),
    Column("Delivery confidence"),
    Column("Prioritisation range"),
    Column("Last update", "date"),
    Column("Update due"),
    Column("Planned start", "date"),
    Column("Planned end", "date"),
    Column("Forecast end", "date"),
    Column("Capital investment", "money"),
    Column("Revenue investment", "money"),
    Column("Total investment", "money"),
    Column("Funding source"),
    Column("External id"),
]


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


# Read as plain values rather than Project instances: building 10,000 model
# instances (and their workstream, directorate and two users), a prefetch
# queryset per row and a get_FOO_display() call per choice cost more than
# writing the workbook.
ROW_FIELDS = (
    "pk",
    "reference",
    "title",
    "stage",
    "stage_reason",
    "project_type",
    "mtfp_category",
    "delivery_approach",
    "workstream__name",
    "lead_directorate__name",
    "sponsor_id",
    "project_manager_id",
    "current_rag",
    "last_update_period",
    "update_is_due",
    "planned_start",
    "planned_end",
    "forecast_end",
    "capital_investment",
    "revenue_investment",
    "funding_source",
    "external_id",
)


def _labels(field_name: str) -> dict:
    return dict(Project._meta.get_field(field_name).flatchoices)


def _services_by_project(projects: QuerySet[Project]) -> dict[int, str]:
    """{project id: "Service a; Service b"} in one query, in the services'
    own order (directorate, then name), as the register shows them."""
    names: dict[int, list[str]] = defaultdict(list)
    links = (
        Project.services.through.objects.filter(project__in=projects.values("pk"))
        .order_by("service__directorate__name", "service__name")
        .values_list("project_id", "service__name")
    )
    for project_id, name in links:
        names[project_id].append(name)
    return {project_id: "; ".join(services) for project_id, services in names.items()}


def register_rows(projects: QuerySet[Project]) -> Iterator[list]:
    """One row per project of the (already filtered) register, in its order."""
    # Every current range in two queries, rather than a list of ids as long
    # as the register.
    ranges = current_ranges()
    services = _services_by_project(projects)
    rows = list(projects.values_list(*ROW_FIELDS))
    people = {
        user.pk: _person(user)
        for user in User.objects.filter(
            pk__in={row[i] for row in rows for i in (10, 11) if row[i] is not None}
        )
    }
    stage, project_type, category, approach = map(
        _labels, ("stage", "project_type", "mtfp_category", "delivery_approach")
    )
    for (
        pk,
        reference,
        title,
        stage_code,
        stage_reason,
        type_code,
        category_code,
        approach_code,
        workstream,
        directorate,
        sponsor_id,
        manager_id,
        current_rag,
        last_update,
        update_is_due,
        planned_start,
        planned_end,
        forecast_end,
        capital,
        revenue,
        funding_source,
        external_id,
    ) in rows:
        info = ranges.get(pk)
        yield [
            reference,
            title,
            stage.get(stage_code, stage_code),
            stage_reason,
            project_type.get(type_code, type_code),
            category.get(category_code, category_code) if category_code else "",
            approach.get(approach_code, approach_code),
            workstream or "",
            directorate,
            services.get(pk, ""),
            people.get(sponsor_id, ""),
            people.get(manager_id, ""),
            rag_label(current_rag) if current_rag else "No update",
            info.label if info else "Not scored",
            last_update,
            "Yes" if update_is_due else "No",
            planned_start,
            planned_end,
            forecast_end,
            capital,
            revenue,
            capital + revenue,
            funding_source,
            external_id,
        ]


def filename(extension: str) -> str:
    return f"project-register-{timezone.localdate():%Y-%m-%d}.{extension}"
