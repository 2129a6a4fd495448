import datetime
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo import extensions
from pmo.permissions import Role
from portfolio import services
from tests.portfolio.factories import GateDecisionFactory, ProjectFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


def test_it_shows_every_register_tab(client_as):
    project = ProjectFactory()
    html = client_as(Role.VIEWER).get(f"/projects/{project.reference}/").content.decode()
    for tab in ("overview", "updates", "milestones", "raid", "dependencies", "gates", "history"):
        assert f'href="/projects/{project.reference}/?tab={tab}#{tab}"' in html
        assert f'id="{tab}"' in html


def test_the_current_rag_is_the_latest_update(client_as):
    project = ProjectFactory()
    StatusUpdateFactory(project=project, period="2026-09-01", delivery_confidence="R")
    StatusUpdateFactory(project=project, period="2026-10-01", delivery_confidence="AG")
    html = client_as(Role.VIEWER).get(f"/projects/{project.reference}/").content.decode()
    assert 'Delivery confidence: <strong class="govuk-tag govuk-tag--turquoise">Amber/Green' in html


def test_history_shows_who_changed_what_and_a_gate_override(client_as, roles):
    project = ProjectFactory(stage="business_case", title="Before")
    services.project_update(
        project=project,
        user=roles[Role.PMO],
        version=1,
        title="After",
        stage="delivery",
        gate_override_reason="Statutory deadline in April.",
    )
    client = client_as(Role.VIEWER)
    html = client.get(f"/projects/{project.reference}/?tab=history").content.decode()
    fragment = client.get(f"/projects/{project.reference}/tabs/history/").content.decode()
    assert fragment in html  # the page renders the very panel htmx would load
    history = html.split('id="history">')[1]
    assert "Title: Before → After" in history
    assert "Stage: Business case → Delivery" in history
    assert "gate 1 overridden by PMO: Statutory deadline in April." in history
    assert roles[Role.PMO].get_full_name() in history


def test_edit_links_follow_permissions(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    GateDecisionFactory(project=project)
    pm = client_as(Role.PROJECT_MANAGER)
    pm_html = pm.get(f"/projects/{project.reference}/?tab=raid").content
    assert b"/risks/new/" in pm_html
    assert b'/edit/" class="govuk-button govuk-button--secondary"' not in pm_html
    assert b"/gates/new/" not in pm.get(f"/projects/{project.reference}/tabs/gates/").content
    pmo_gates = client_as(Role.PMO).get(f"/projects/{project.reference}/tabs/gates/").content
    assert b"/gates/new/" in pmo_gates
    viewer_html = client_as(Role.VIEWER).get(f"/projects/{project.reference}/?tab=raid").content
    assert b"/risks/new/" not in viewer_html


def test_other_apps_add_their_own_tabs(client_as, monkeypatch, tmp_path, settings):
    (tmp_path / "_test_tab.html").write_text("<p>Score {{ score }} for {{ project.reference }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [engine | {"DIRS": [*engine["DIRS"], tmp_path]}]
    computed = []

    def lazy_context():
        computed.append(True)
        return {"score": 7}

    fake = types.ModuleType("fake_tabs")
    fake.tabs = lambda request, project: [
        {"id": "scores", "label": "Scores", "template": "_test_tab.html", "context": {"score": 42}},
        {"id": "lazy", "label": "Lazy", "template": "_test_tab.html", "context": lazy_context},
    ]
    monkeypatch.setattr(extensions, "PROJECT_TABS", [("fake", fake.tabs)])
    project = ProjectFactory()
    client = client_as(Role.VIEWER)

    html = client.get(f"/projects/{project.reference}/").content.decode()
    assert (
        f'<a class="govuk-tabs__tab" href="/projects/{project.reference}/?tab=scores#scores">'
        "Scores</a>"
    ) in html
    assert f"<p>Score 42 for {project.reference}</p>" not in html  # not the active tab
    assert computed == []  # a context function runs only when its tab is shown

    scores = client.get(f"/projects/{project.reference}/?tab=scores").content.decode()
    assert f"<p>Score 42 for {project.reference}</p>" in scores
    lazy = client.get(f"/projects/{project.reference}/tabs/lazy/").content.decode()
    assert lazy == f"<p>Score 7 for {project.reference}</p>"
    assert computed == [True]


def test_an_unknown_reference_is_not_found(client_as):
    assert client_as(Role.VIEWER).get("/projects/TP-9999/").status_code == 404


def test_a_long_history_costs_no_extra_queries(client_as):
    """The History tab names each record's project from the project already
    read: 1 update and 12 updates cost the same number of queries."""
    client = client_as(Role.PMO)
    short = ProjectFactory()
    StatusUpdateFactory(project=short, period=datetime.date(2026, 1, 1))
    long = ProjectFactory()
    for month in range(1, 13):
        StatusUpdateFactory(project=long, period=datetime.date(2025, month, 1))
    client.get("/")  # the session's first request writes it; later ones don't
    with CaptureQueriesContext(connection) as one:
        client.get(f"/projects/{short.reference}/tabs/history/")
    with CaptureQueriesContext(connection) as twelve:
        client.get(f"/projects/{long.reference}/tabs/history/")
    assert len(twelve) == len(one)
