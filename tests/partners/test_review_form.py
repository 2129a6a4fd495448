"""Recording a partnership review: ratings 1-5 and a narrative are required."""

import datetime

import pytest

from pmo.permissions import Role
from portfolio.partners.models import PartnershipReview
from tests.partners.factories import PartnerFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _data(reviewer, **overrides):
    data = {
        "review_date": "2026-11-20",
        "reviewer": reviewer.pk,
        "delivery": "4",
        "value_for_money": "3",
        "relationship": "5",
        "knowledge_transfer": "2",
        "social_value": "3",
        "narrative": "Delivery strong; handover slow.",
        "agreed_actions": "Name a counterpart.",
        "version": "",
    }
    return data | overrides


def test_it_records_a_review(client_as, roles):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/reviews/new/", _data(roles[Role.PMO])
    )
    assert response.status_code == 302
    review = PartnershipReview.objects.get()
    assert review.partner == partner
    assert review.review_date == datetime.date(2026, 11, 20)
    assert review.ratings == {
        "delivery": 4,
        "value_for_money": 3,
        "relationship": 5,
        "knowledge_transfer": 2,
        "social_value": 3,
    }


@pytest.mark.parametrize("value", ["0", "6", "-1"])
def test_it_refuses_a_rating_out_of_range(client_as, roles, value):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/reviews/new/", _data(roles[Role.PMO], value_for_money=value)
    )
    assert response.status_code == 200
    assert "The value for money rating must be from 1 to 5" in response.content.decode()
    assert not PartnershipReview.objects.exists()


@pytest.mark.parametrize("narrative", ["", "   "])
def test_it_refuses_a_review_with_no_narrative(client_as, roles, narrative):
    partner = PartnerFactory()
    response = client_as(Role.PMO).post(
        f"/partners/{partner.pk}/reviews/new/", _data(roles[Role.PMO], narrative=narrative)
    )
    page = response.content.decode()
    assert (
        page.count("Enter a narrative: say how the partnership is working") == 2
    )  # summary + field
    assert not PartnershipReview.objects.exists()


def test_it_edits_a_review_at_the_version_read(client_as, roles):
    review = ReviewFactory(delivery=2)
    client = client_as(Role.PMO)
    response = client.post(
        f"/partners/reviews/{review.pk}/edit/", _data(roles[Role.PMO], delivery="3", version="1")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.delivery, review.version) == (3, 2)
    stale = client.post(
        f"/partners/reviews/{review.pk}/edit/", _data(roles[Role.PMO], delivery="5", version="1")
    )
    assert "changed by someone else" in stale.content.decode()
    review.refresh_from_db()
    assert review.delivery == 3
