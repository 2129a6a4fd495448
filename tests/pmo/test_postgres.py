"""The suite runs on PostgreSQL in CI: prove the database really is it, and
that the database-computed fields behave there as on SQLite."""

import pytest
from django.db import connection

from tests.portfolio.factories import RiskFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL; DATABASE_URL points at {connection.vendor}")


def test_the_database_is_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_a_risk_score_is_computed_by_the_database():
    risk = RiskFactory(likelihood=4, impact=5)
    risk.refresh_from_db()
    assert risk.score == 20
