"""The daily reminder run against the demo council, sent through a real SMTP
server on 127.0.0.1 (aiosmtpd): each reminder arrives once, to the project's
manager (and, once escalated, its sponsor), with a link that opens."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from pmo.models import Notice
from portfolio.models import Project
from portfolio.tasks import send_reminders_task

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd's handler: keeps every message that arrives."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[list[str], email.message.EmailMessage]]:
        taken, self.messages = self.messages, []
        return taken


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def _link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    (link,) = re.findall(r"http://127\.0\.0\.1:8000/projects/\S+", text)
    assert f'href="{link}"' in html
    return link


def _opens_for(client, address: str, link: str) -> int:
    user = get_user_model().objects.get(email=address)
    client.force_login(user)
    parts = urlsplit(link)
    return client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path).status_code


def test_the_daily_run_sends_due_then_overdue_reminders_once_each(
    smtp, client, django_capture_on_commit_callbacks
):
    call_command("seed_demo", password="demo-pass-2026", stdout=open("/dev/null", "w"))
    assert not Notice.objects.exists()  # loading the demo tells nobody anything
    month = timezone.localdate().replace(day=1)
    due = list(Project.objects.update_due(month).select_related("project_manager", "sponsor"))
    assert due, "the demo council has projects whose update is due this month"

    def run(day: int) -> list[tuple[str, email.message.EmailMessage]]:
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders_task(month.replace(day=day).isoformat())
        return [(to[0], m) for to, m in smtp.take() if m["Subject"].startswith("Monthly update")]

    # From five days before the 25th: each manager hears once per project.
    arrived = run(20) + run(21)
    deadline = f"25 {month:%b %Y}"
    assert sorted((to, m["Subject"]) for to, m in arrived) == sorted(
        (p.project_manager.email, f"Monthly update for {p} due by {deadline}")
        for p in due
        if p.project_manager
    )
    for to, message in arrived:
        assert _opens_for(client, to, _link(message)) == 200

    # The day after the deadline, the managers; three days on, managers and
    # sponsors, once however often the run fires.
    overdue = run(26)
    assert sorted(to for to, _ in overdue) == sorted(to for to, _ in arrived)
    escalated = run(28) + run(28)
    people = [p.project_manager for p in due] + [p.sponsor for p in due]
    assert sorted(to for to, _ in escalated) == sorted(u.email for u in people if u)
    assert {m["Subject"] for _, m in escalated} == {
        f"Monthly update for {p} is overdue" for p in due
    }
    for address, message in escalated:
        assert _opens_for(client, address, _link(message)) == 200
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0
