"""Sessions and security headers, beyond tests/pmo/test_login.py (rotation at
sign-in, logout, absolute timeout, throttling that still lets other users in:
test_it_locks_out_after_five_failures_but_lets_other_users_in) and
tests/pmo/test_deploy_check.py (headers on the sign-in page)."""

import datetime
import json
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pmo.middleware import POLL_HEADER, SESSION_RENEWED_KEY
from pmo.permissions import Role
from tests.pmo.test_deploy_check import PRODUCTION_ENV, _manage
from tests.portfolio.factories import PASSWORD
from tests.test_role_matrix import ROUTES, _sign_in, _world

pytestmark = pytest.mark.django_db


def _sign_in_through_the_form(client, username="pmo"):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def test_the_session_from_before_sign_in_is_destroyed_on_the_server(client, roles):
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key
    assert _sign_in_through_the_form(client).status_code == 302
    assert not Session.objects.filter(session_key=planted_key).exists()
    assert client.cookies["sessionid"].value != planted_key


def test_a_cookie_replayed_after_logout_is_signed_out(client, roles):
    _sign_in_through_the_form(client)
    stolen = client.cookies["sessionid"].value
    client.post("/logout/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_idle_session_expires_on_the_server(client, roles, settings):
    _sign_in_through_the_form(client)
    assert client.get("/").status_code == 200
    key = client.cookies["sessionid"].value
    idle = timezone.now() - datetime.timedelta(seconds=1)
    Session.objects.filter(session_key=key).update(expire_date=idle)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _last_renewed(client, seconds_ago: int) -> None:
    session = client.session
    session[SESSION_RENEWED_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_a_request_after_the_renewal_interval_pushes_the_idle_expiry_back(client, roles, settings):
    _sign_in_through_the_form(client)
    client.get("/")
    key = client.cookies["sessionid"].value
    _last_renewed(client, settings.SESSION_RENEW_SECONDS + 1)
    soon = timezone.now() + datetime.timedelta(seconds=60)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get("/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_requests_within_the_renewal_interval_do_not_write_the_session(client, roles, settings):
    _sign_in_through_the_form(client)
    client.get("/")
    key = client.cookies["sessionid"].value
    _last_renewed(client, settings.SESSION_RENEW_SECONDS - 30)
    soon = timezone.now() + datetime.timedelta(seconds=60)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date == soon


def test_a_post_without_the_csrf_token_is_refused(roles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles[Role.PMO])
    response = client.post(reverse("portfolio:new"), {"title": "Forged"})
    assert response.status_code == 403


def test_every_page_sends_the_security_headers(client):
    """Every GET route the PMO can open: CSP without inline script, no framing,
    nosniff, and a same-origin referrer."""
    world = _world()
    _sign_in(client, Role.PMO)
    checked = 0
    for route in ROUTES:
        if not route.get or route.get[Role.PMO] != 200:
            continue
        response = client.get(reverse(route.name, kwargs=route.kwargs(world)) + route.query)
        if route.name == "admin:index":
            continue  # Django's own admin: same middleware, its own inline scripts are none
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, route.name
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        assert response["X-Content-Type-Options"] == "nosniff", route.name
        assert response["Referrer-Policy"] == "same-origin", route.name
        assert response["X-Frame-Options"] == "DENY", route.name
        checked += 1
    assert checked > 40


PROBE = """
import json
import time
from django.test import Client
response = Client(HTTP_HOST="pmo.thamesford.example").get("/healthz", secure=True)
plain = Client(HTTP_HOST="pmo.thamesford.example").get("/healthz")
from django.conf import settings
print(json.dumps({
    "hsts": response.get("Strict-Transport-Security", ""),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "samesite": settings.SESSION_COOKIE_SAMESITE,
}))
"""


def test_production_settings_send_hsts_and_redirect_plain_http():
    result = _manage("shell", "-c", PROBE, env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in seen["hsts"]
    assert seen["plain_status"] == 301
    assert seen["plain_location"].startswith("https://")
    assert seen["session_cookie_secure"] and seen["csrf_cookie_secure"]
    assert seen["session_cookie_httponly"]
    assert seen["samesite"] == "Lax"


def test_a_progress_poll_does_not_keep_an_idle_session_alive(client, roles, settings):
    _sign_in_through_the_form(client)
    client.get("/")
    key = client.cookies["sessionid"].value
    _last_renewed(client, settings.SESSION_RENEW_SECONDS + 1)
    soon = timezone.now() + datetime.timedelta(seconds=60)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    client.get("/", headers={"HX-Request": "true", POLL_HEADER: "1"})

    assert Session.objects.get(session_key=key).expire_date == soon
