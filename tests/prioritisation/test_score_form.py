"""/projects/<reference>/score/: the assessment form, drafting, submitting
and moderation."""

import pytest

from pmo.permissions import Role
from prioritisation.models import Assessment, AssessmentStatus
from prioritisation.selectors import active_model, scored_projects
from tests.portfolio.factories import ProjectFactory
from tests.prioritisation.factories import score

pytestmark = pytest.mark.django_db


def _form(level=3, **per_code):
    data = {}
    for c in active_model().criteria.all():
        data[f"level_{c.pk}"] = per_code.get(c.code, level)
        data[f"rationale_{c.pk}"] = f"Evidence for {c.name}."
    return data


def test_the_form_shows_each_criterions_level_descriptors_beside_its_score(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    response = client_as(Role.PROJECT_MANAGER).get(f"/projects/{project.reference}/score/")
    page = response.content.decode()
    complexity = active_model().criteria.get(code="complexity")
    for level in range(1, 6):
        radio = f'id="id_level_{complexity.pk}_{level - 1}"'
        assert radio in page
        hint_id = f"id_level_{complexity.pk}_{level - 1}-hint"
        assert f'id="{hint_id}" class="govuk-hint govuk-radios__hint">' in page
        assert f'govuk-radios__hint">{complexity.descriptor(level)}</div>' in page
    assert f'name="rationale_{complexity.pk}"' in page


def test_a_missing_score_or_rationale_gives_an_error_for_each_criterion(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    data = _form()
    complexity = active_model().criteria.get(code="complexity")
    alignment = active_model().criteria.get(code="alignment")
    del data[f"level_{complexity.pk}"]
    data[f"rationale_{alignment.pk}"] = "  "
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{project.reference}/score/", data | {"action": "submit"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_level_{complexity.pk}_0">Select a score for Complexity</a>' in page
    message = "Enter the rationale for Alignment with corporate priorities"
    assert f'<a href="#id_rationale_{alignment.pk}">{message}</a>' in page
    assert page.count('class="govuk-error-message"') == 2
    assert not Assessment.objects.filter(project=project).exists()


def test_an_empty_form_gives_twenty_errors(client_as, roles):
    project = ProjectFactory(sponsor=roles[Role.SPONSOR])
    response = client_as(Role.SPONSOR).post(f"/projects/{project.reference}/score/", {})
    assert len(response.context["form"].errors) == 20


def test_a_project_manager_submits_scores_for_their_own_project(client_as, roles):
    pm = roles[Role.PROJECT_MANAGER]
    project = ProjectFactory(project_manager=pm)
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{project.reference}/score/", _form(4) | {"action": "submit"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.reference}/?tab=scores#scores"
    assessment = Assessment.objects.get(project=project)
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.assessor == pm
    assert (assessment.impact, assessment.risk, assessment.tier) == (75, 75, 1)
    assert not assessment.is_current
    # Only moderated assessments count on the grid.
    assert scored_projects() == []


def test_a_project_manager_cannot_score_someone_elses_project(client_as):
    project = ProjectFactory()
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{project.reference}/score/", _form() | {"action": "submit"}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_a_project_manager_cannot_moderate(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    response = client_as(Role.PROJECT_MANAGER).post(
        f"/projects/{project.reference}/score/", _form() | {"action": "moderate"}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_pmo_moderates_a_submitted_assessment_and_it_becomes_current(client_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    earlier = score(project, impact=2, risk=2)
    submitted = score(project, impact=4, risk=2, moderate=False, by=roles[Role.PROJECT_MANAGER])
    response = client_as(Role.PMO).post(
        f"/projects/{project.reference}/score/",
        _form(4, complexity=3)
        | {
            "action": "moderate",
            "version": submitted.version,
            "moderation_note": "Panel raised complexity.",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    earlier.refresh_from_db()
    assert submitted.status == AssessmentStatus.MODERATED and submitted.is_current
    assert submitted.assessor == roles[Role.PROJECT_MANAGER]
    assert submitted.moderated_by == roles[Role.PMO]
    assert submitted.moderation_note == "Panel raised complexity."
    assert not earlier.is_current and earlier.status == AssessmentStatus.MODERATED
    assert [row.assessment_id for row in scored_projects()] == [submitted.pk]


def test_a_stale_edit_of_an_open_assessment_is_refused_and_keeps_the_input(client_as, roles):
    pm = roles[Role.PROJECT_MANAGER]
    project = ProjectFactory(project_manager=pm)
    draft = score(project, impact=2, risk=2, moderate=False, submit=False, by=pm)
    Assessment.objects.filter(pk=draft.pk).update(version=draft.version + 1)
    complexity = active_model().criteria.get(code="complexity")
    data = _form(5) | {"action": "draft", "version": draft.version}
    data[f"rationale_{complexity.pk}"] = "My careful reasoning."
    response = client_as(Role.PROJECT_MANAGER).post(f"/projects/{project.reference}/score/", data)
    page = response.content.decode()
    assert "Someone else saved this assessment" in page
    assert "My careful reasoning." in page
    draft.refresh_from_db()
    assert draft.impact == 25


def test_the_form_starts_from_the_current_scores(client_as, roles):
    project = ProjectFactory(sponsor=roles[Role.SPONSOR])
    score(project, impact=4, risk=2)
    response = client_as(Role.SPONSOR).get(f"/projects/{project.reference}/score/")
    complexity = active_model().criteria.get(code="complexity")
    form = response.context["form"]
    assert form[f"level_{complexity.pk}"].value() == 2
    assert form[f"rationale_{complexity.pk}"].value() == "Because complexity is 2."


def test_the_scores_tab_shows_the_range_the_rationale_and_the_history(client_as):
    project = ProjectFactory()
    score(project, impact=2, risk=2)
    score(project, impact=5, risk=1)
    client = client_as(Role.VIEWER)
    page = client.get(f"/projects/{project.reference}/?tab=scores").content.decode()
    assert f'href="/projects/{project.reference}/?tab=scores#scores">Scores</a>' in page
    html = client.get(f"/projects/{project.reference}/tabs/scores/").content.decode()
    assert html in page  # the fragment is the panel the page renders for ?tab=scores
    assert "Tier 2: Strategic priority" in html
    assert "Because complexity is 1." in html
    assert html.count("Moderated") >= 2
    assert "Score this project" not in html


def test_a_draft_started_by_someone_else_meanwhile_is_not_overwritten(client_as, roles):
    pm = roles[Role.PROJECT_MANAGER]
    project = ProjectFactory(project_manager=pm, sponsor=roles[Role.SPONSOR])
    client = client_as(Role.PROJECT_MANAGER)
    form_version = client.get(f"/projects/{project.reference}/score/").context["form"]["version"]
    assert form_version.value() == 0
    theirs = score(project, impact=5, moderate=False, submit=False, by=roles[Role.SPONSOR])
    response = client.post(
        f"/projects/{project.reference}/score/", _form(1) | {"action": "draft", "version": 0}
    )
    assert "Someone else saved this assessment" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.impact == 100
