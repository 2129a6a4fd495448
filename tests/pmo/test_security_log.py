"""One structured UTC line per sign-in success/failure, 403 and download."""

import logging
import re

import pytest

from pmo.security import UTCFormatter
from tests.portfolio.factories import PASSWORD, UserFactory


@pytest.fixture
def security_lines(caplog):
    caplog.set_level(logging.INFO, logger="pmo.security")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "pmo.security"]

    return lines


@pytest.mark.django_db
def test_a_failed_and_a_successful_sign_in_are_logged(client, roles, security_lines):
    client.post("/login/", {"username": "pmo", "password": "wrong"})
    client.post("/login/", {"username": "pmo", "password": PASSWORD})
    assert security_lines() == [
        'event=login_failed username="pmo" ip=127.0.0.1 path=/login/',
        'event=login_success username="pmo" ip=127.0.0.1 path=/login/',
    ]


@pytest.mark.django_db
def test_a_refusal_is_logged(client, security_lines):
    client.force_login(UserFactory(username="norole"))
    client.get("/")
    assert [line for line in security_lines() if "forbidden" in line] == [
        'event=forbidden username="norole" ip=127.0.0.1 path=/ method=GET status=403'
    ]


@pytest.mark.django_db
def test_a_lockout_is_logged(client, roles, settings, security_lines):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/login/", {"username": "viewer", "password": "guess"})
    assert any(line.startswith("event=login_locked_out") for line in security_lines())


def test_the_timestamp_is_utc():
    record = logging.LogRecord("pmo.security", logging.INFO, __file__, 1, "event=x", None, None)
    record.created = 1_795_000_000.0  # a fixed instant
    formatted = UTCFormatter("%(asctime)s %(message)s").format(record)
    assert re.fullmatch(r"2026-11-18T\d\d:\d\d:\d\dZ event=x", formatted)
