"""Keyboard-only walkthroughs in Chromium (Tab, Shift+Tab, typing, Enter,
Space; no clicks): score a project, record an actual, sign it off as a
different Finance user, generate a pack. Creating a project and submitting
a monthly update by keyboard are in tests/portfolio/test_browser_register.py.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from benefits.models import BenefitActual, BenefitYear
from benefits.money import financial_year_of
from pmo.models import ReportRun
from pmo.permissions import Role
from prioritisation.models import Assessment
from prioritisation.selectors import active_model
from tests.benefits.factories import BenefitYearFactory, FinancialBenefitFactory
from tests.portfolio.factories import PASSWORD, ProjectFactory, UserFactory
from tests.portfolio.test_browser_register import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FY = financial_year_of(timezone.localdate())


def _enter(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def test_a_project_manager_scores_their_project_by_keyboard(page_as, roles):
    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    criteria = list(active_model().criteria.order_by("pk"))
    page = page_as(Role.PROJECT_MANAGER)
    page.goto(f"/projects/{project.reference}/score/")
    for criterion in criteria:
        tab_to(page, f"#id_level_{criterion.pk}_0")
        page.keyboard.press("Space")
        tab_to(page, f"#id_rationale_{criterion.pk}")
        page.keyboard.type(f"Scored low on {criterion.name.lower()} after review.")
    _enter(page, "button[value='submit']")
    page.wait_for_url(f"**/projects/{project.reference}/?tab=scores#scores")
    expect(page.locator(".govuk-notification-banner, .govuk-panel").first).to_contain_text(
        "Scores submitted to the PMO for moderation"
    )
    assessment = Assessment.objects.get(project=project)
    assert (assessment.status, assessment.submitted_at is not None) == ("submitted", True)


def _sign_in_by_keyboard(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def test_finance_records_an_actual_and_another_finance_user_signs_it_off_by_keyboard(
    page_as, roles, browser, live_server
):
    from django.contrib.auth.models import Group

    project = ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    benefit = FinancialBenefitFactory(project=project, title="Contact centre staffing")
    BenefitYearFactory(benefit=benefit, year=FY)
    UserFactory(
        username="f.finance",
        first_name="Femi",
        last_name="Adeyemi",
        groups=[Group.objects.get(name=Role.FINANCE.value)],
    )

    page = page_as(Role.FINANCE)
    page.goto(f"/benefits/{benefit.pk}/")
    _enter(page, f"a[href='/benefits/{benefit.pk}/actuals/add/']")
    page.wait_for_url(f"**/benefits/{benefit.pk}/actuals/add/")
    tab_to(page, "#id_month")
    today = timezone.localdate()
    page.keyboard.type(f"{today:%m}{today:%Y}")
    tab_to(page, "#id_amount")
    page.keyboard.type("12,345.67")
    tab_to(page, "#id_evidence")
    page.keyboard.type("Two vacant posts deleted in the establishment")
    _enter(page, "#main-content form[method='post'] button[type=submit]")
    page.wait_for_url(f"**/benefits/{benefit.pk}/")
    expect(page.locator("body")).to_contain_text("Actual recorded")
    expect(page.locator("#profile-table")).to_contain_text("£12,345.67")
    assert BenefitActual.objects.get(benefit=benefit).entered_by == roles[Role.FINANCE]

    signer = _sign_in_by_keyboard(browser, live_server, "f.finance")
    signer.goto(f"/benefits/{benefit.pk}/")
    _enter(signer, f"a[href='/benefits/{benefit.pk}/years/{FY}/sign-off/']")
    signer.wait_for_url("**/sign-off/")
    tab_to(signer, "#id_note")
    signer.keyboard.type("Agreed to the establishment report")
    # The year is still running: the officer confirms it, knowing later
    # actuals become adjustments.
    tab_to(signer, "#id_confirm_running_year")
    signer.keyboard.press("Space")
    tab_to(signer, "#main-content form[method='post'] button[type=submit]")
    signer.keyboard.press("Space")
    signer.wait_for_url(f"**/benefits/{benefit.pk}/**")
    row = signer.locator(f"#year-{FY}")
    expect(row).to_contain_text("Signed off")
    expect(row).to_contain_text("£12,345.67")
    assert BenefitYear.objects.get(benefit=benefit, year=FY).signed_off_by.username == "f.finance"
    signer.context.close()


def test_the_pmo_generates_a_pack_by_keyboard(page_as, roles):
    ProjectFactory(project_manager=roles[Role.PROJECT_MANAGER])
    page = page_as(Role.PMO)
    page.goto("/reports/")
    _enter(page, "form[action='/reports/generate/'] button[type=submit]")
    # With no broker the pack is built inside that request: this waits for it
    # (on a loaded machine, longer than Playwright's 5 s), it times nothing.
    expect(page.locator("#generate-result")).not_to_be_empty(timeout=30_000)
    run = ReportRun.objects.get()
    assert run.status == "succeeded", run.error
    page.goto(f"/reports/{run.pk}/")
    expect(page.locator(f"a[href='/reports/{run.pk}/download/xlsx/']")).to_be_visible()
