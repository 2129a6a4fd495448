"""Sign-in: throttling with django-axes, session rotation, logout, timeouts."""

import time

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from pmo.middleware import SESSION_STARTED_KEY
from pmo.permissions import Role
from tests.portfolio.factories import PASSWORD


def _attempt(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_it_signs_in_and_rotates_the_session_key(client, roles):
    client.get("/login/")
    before = client.cookies.get("sessionid")
    response = _attempt(client, "pmo", PASSWORD)
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)


@pytest.mark.django_db
def test_it_shows_a_specific_error_for_a_wrong_password(client, roles):
    response = _attempt(client, "pmo", "not the password")
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Please enter a correct username and password" in response.content


@pytest.mark.django_db
def test_it_locks_out_after_five_failures_but_lets_other_users_in(client, roles, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "pmo", "guess")
    locked = _attempt(client, "pmo", PASSWORD)
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    assert _attempt(client, "viewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_lockout_expires_after_the_cool_off(client, roles, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "pmo", "guess")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME + 1)
    )
    assert _attempt(client, "pmo", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(client, roles):
    _attempt(client, "pmo", PASSWORD)
    session_key = client.cookies["sessionid"].value
    client.post("/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_session_ends_after_the_absolute_timeout(client_as, settings):
    client = client_as(Role.PMO)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_idle_timeout_is_thirty_minutes_renewed_at_most_each_minute(settings):
    # Renewal itself is tested in tests/sweeps/test_sessions_and_headers.py.
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_RENEW_SECONDS == 60


@pytest.mark.django_db
def test_a_user_with_no_role_is_refused(client):
    from tests.portfolio.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


@pytest.mark.django_db
def test_an_unknown_page_uses_the_service_design(client_as):
    response = client_as(Role.VIEWER).get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-header" in response.content


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2id_and_older_hashes_are_upgraded_at_sign_in(
    client, settings
):
    from django.contrib.auth.hashers import identify_hasher, make_password

    from tests.portfolio.factories import UserFactory

    settings.PASSWORD_HASHERS = settings.STRONG_PASSWORD_HASHERS
    user = UserFactory(username="older")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert _attempt(client, "older", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    details = identify_hasher(user.password).decode(user.password)
    # OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    assert (details["memory_cost"], details["time_cost"], details["parallelism"]) == (
        19 * 1024,
        2,
        1,
    )
    client.logout()
    assert _attempt(client, "older", "not the password").status_code == 200
    assert _attempt(client, "older", PASSWORD).status_code == 302
