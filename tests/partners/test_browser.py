"""In Chromium: the PMO records a partnership review and sees it on the
partner page; every partner page has no WCAG 2.2 A/AA violations."""

import datetime
from decimal import Decimal

import pytest

from pmo.permissions import Role
from portfolio.partners.models import PartnershipReview
from tests.partners.factories import (
    BreakClauseFactory,
    ContractFactory,
    EngagementCostFactory,
    EngagementFactory,
    PartnerFactory,
    ReviewFactory,
)
from tests.portfolio.factories import WorkstreamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partner(roles):
    today = datetime.date.today()
    partner = PartnerFactory(
        name="Meridian Change Partners", contacts="Gemma Hollis, gemma@meridian.example"
    )
    contract = ContractFactory(
        partner=partner,
        reference="TC-2024-0417",
        value=Decimal("900000"),
        start_date=today.replace(day=1) - datetime.timedelta(days=700),
        end_date=today + datetime.timedelta(days=120),
    )
    BreakClauseFactory(
        contract=contract,
        break_date=today + datetime.timedelta(days=90),
        notice_date=today + datetime.timedelta(days=30),
    )
    engagement = EngagementFactory(
        partner=partner,
        contract=contract,
        title="Front door redesign",
        start_date=contract.start_date,
        end_date=contract.end_date,
        kt_skills="Demand analysis",
        kt_counterpart="Service manager",
    )
    first_year = (
        engagement.start_date.year
        if engagement.start_date.month >= 4
        else engagement.start_date.year - 1
    )
    for offset, (partner_cost, internal) in enumerate(
        [(300_000, 50_000), (200_000, 120_000), (80_000, 150_000)]
    ):
        EngagementCostFactory(
            engagement=engagement,
            financial_year=first_year + offset,
            partner_cost=Decimal(partner_cost),
            internal_cost=Decimal(internal),
        )
    EngagementFactory(
        partner=partner,
        project=None,
        workstream=WorkstreamFactory(name="Customer and Digital"),
        title="Diagnostic",
        start_date=contract.start_date,
        end_date=contract.start_date + datetime.timedelta(days=100),
        kt_status="transferred",
        kt_evidence="Method re-run by the PMO.",
    )
    for months_ago, score in [(7, 2), (4, 3)]:
        ReviewFactory(
            partner=partner,
            reviewer=roles[Role.PMO],
            review_date=today - datetime.timedelta(days=30 * months_ago),
            delivery=score,
            knowledge_transfer=score,
        )
    return partner


def test_pmo_records_a_review_and_sees_it_on_the_partner_page(page_as, partner, axe_violations):
    page = page_as(Role.PMO)
    page.goto(f"/partners/{partner.pk}/")
    page.get_by_role("button", name="Record a review").click()
    page.wait_for_url(f"**/partners/{partner.pk}/reviews/new/")
    # Submitting without a narrative or ratings shows specific errors.
    page.get_by_role("button", name="Save review").click()
    summary = page.locator(".govuk-error-summary")
    assert "Choose a rating from 1 to 5 for delivery" in summary.inner_text()
    assert "Enter a narrative" in summary.inner_text()
    page.screenshot(path="test-results/partners-review-errors.png", full_page=True)
    assert axe_violations(page) == []

    for legend, value in [
        ("Delivery", "4"),
        ("Value for money", "3"),
        ("Relationship, trust and openness", "5"),
        ("Knowledge transfer", "4"),
        ("Social value", "2"),
    ]:
        page.get_by_role("group", name=legend, exact=True).get_by_label(value, exact=True).check()
    page.get_by_label("Narrative").fill("Handover of the demand dashboard is ahead of plan.")
    page.get_by_label("Agreed actions (optional)").fill("Name a counterpart for the data work.")
    page.get_by_role("button", name="Save review").click()
    page.wait_for_url(f"**/partners/{partner.pk}/")

    assert "saved" in page.locator(".govuk-notification-banner").inner_text()
    latest = page.locator("#reviews-table tbody tr").first
    assert "Handover of the demand dashboard is ahead of plan." in latest.inner_text()
    assert latest.locator("td").nth(0).inner_text() == "4"
    assert latest.locator("td").nth(2).inner_text() == "5"
    review = PartnershipReview.objects.get(narrative__startswith="Handover")
    assert (review.delivery, review.relationship, review.social_value) == (4, 5, 2)
    page.screenshot(path="test-results/partners-detail-after-review.png", full_page=True)


@pytest.mark.parametrize(
    ("role", "path", "name"),
    [
        (Role.PMO, "/partners/", "list-pmo"),
        (Role.VIEWER, "/partners/", "list-viewer"),
        (Role.PMO, "/partners/{pk}/", "detail-pmo"),
        (Role.FINANCE, "/partners/{pk}/", "detail-finance"),
        (Role.VIEWER, "/partners/{pk}/", "detail-viewer"),
        (Role.PMO, "/partners/new/", "partner-form"),
        (Role.PMO, "/partners/{pk}/contracts/new/", "contract-form"),
        (Role.PMO, "/partners/{pk}/engagements/new/", "engagement-form"),
        (Role.PMO, "/partners/{pk}/reviews/new/", "review-form"),
    ],
)
def test_partner_pages_have_no_accessibility_violations(
    page_as, partner, axe_violations, role, path, name
):
    page = page_as(role)
    page.goto(path.format(pk=partner.pk))
    if name == "detail-pmo":
        page.wait_for_selector(".pmo-chart .main-svg")
    page.screenshot(path=f"test-results/partners-{name}.png", full_page=True)
    assert axe_violations(page) == []


def test_the_overrun_warning_is_accessible(page_as, partner, axe_violations):
    engagement = partner.engagements.get(title="Front door redesign")
    page = page_as(Role.PMO)
    page.goto(f"/partners/engagements/{engagement.pk}/edit/")
    page.get_by_label("Cost line 3: partner cost").fill("£500,000")
    page.get_by_role("button", name="Save engagement").click()
    assert "more than the contract value" in page.locator(".govuk-error-summary").inner_text()
    page.screenshot(path="test-results/partners-engagement-overrun.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_label("I understand these costs exceed the contract value").check()
    page.get_by_role("button", name="Save engagement").click()
    page.wait_for_url(f"**/partners/{partner.pk}/")


def test_the_demo_partners_read_well_and_pass_axe(page_as, axe_violations):
    from django.core.management import call_command

    from portfolio.partners.models import Partner
    from tests.portfolio.factories import PASSWORD

    # The demo's "pmo" is the roles fixture's user: keep its password.
    call_command("seed_demo", password=PASSWORD)
    page = page_as(Role.PMO)
    page.goto("/partners/")
    assert page.locator("#partners-table tbody tr").count() == 3
    page.screenshot(path="test-results/partners-demo-list.png", full_page=True)
    assert axe_violations(page) == []
    for partner in Partner.objects.all():
        page.goto(f"/partners/{partner.pk}/")
        page.wait_for_selector(".pmo-chart .main-svg")
        page.screenshot(path=f"test-results/partners-demo-{partner.pk}.png", full_page=True)
        page.locator(".govuk-grid-row", has=page.locator(".pmo-chart")).screenshot(
            path=f"test-results/partners-demo-{partner.pk}-reliance.png"
        )
        assert axe_violations(page) == []
