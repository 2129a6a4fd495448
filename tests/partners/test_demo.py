"""seed_demo adds three partners with engagements and two years of quarterly
reviews, and running it twice creates nothing twice."""

import pytest
from django.core.management import call_command

from portfolio.partners.models import (
    Contract,
    Engagement,
    EngagementCost,
    Partner,
    PartnershipReview,
    PartnerType,
)
from portfolio.partners.reliance import reliance_by_quarter, reliance_direction
from portfolio.partners.selectors import cost_lines, partner_detail

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (Partner, Contract, Engagement, EngagementCost, PartnershipReview)
    ]


def test_seed_demo_adds_three_partners_once(capsys):
    call_command("seed_demo", password="demo-password-1")
    first = _counts()
    call_command("seed_demo", password="demo-password-1")
    assert _counts() == first

    assert sorted(Partner.objects.values_list("partner_type", flat=True)) == sorted(
        [
            PartnerType.PRIVATE_CONSULTANCY,
            PartnerType.PUBLIC_SECTOR,
            PartnerType.VOLUNTARY_COMMUNITY,
        ]
    )
    for partner in Partner.objects.all():
        reviews = list(partner.reviews.order_by("review_date"))
        assert len(reviews) == 8
        assert (reviews[-1].review_date - reviews[0].review_date).days > 600  # two years
        detail = partner_detail(partner.pk)
        engagements = list(detail.engagements.all())
        assert engagements and all(e.project_id or e.workstream_id for e in engagements)
        for engagement in engagements:
            engagement.full_clean()
        # Reliance falls as council staff take the work on.
        assert reliance_direction(reliance_by_quarter(cost_lines(engagements))) == "falling"
    assert "partners: 3 strategic partners" in capsys.readouterr().out
