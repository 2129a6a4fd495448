"""E-mail notices: recorded once per event and person, sent as chosen, logged."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from pmo import notifications
from pmo.models import Delivery, Notice, NoticeKind, NotificationPreference
from pmo.permissions import Role
from pmo.tasks import send_digests_task, send_notices_task
from tests.portfolio.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(recipients, key="event:1", kind=NoticeKind.GATE, **extra):
    return notifications.notify(
        kind=kind,
        event_key=key,
        recipients=recipients,
        subject="Gate decision needed: TP-0001",
        body="The board meets on 14 Dec 2026.\n\nRecord the decision on the Gates tab.",
        path="/projects/TP-0001/?tab=gates#gates",
        **extra,
    )


def test_a_notice_is_sent_once_with_a_text_and_an_html_part(django_capture_on_commit_callbacks):
    user = UserFactory(email="sam@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user])
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([user]) == []  # the same event again records nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@council.example"]
    assert message.subject == "Gate decision needed: TP-0001"
    link = "http://127.0.0.1:8000/projects/TP-0001/?tab=gates#gates"
    assert link in message.body
    assert "The board meets on 14 Dec 2026." in message.body
    assert "/account/notifications/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "<p" in html and "Record the decision on the Gates tab." in html
    notice = Notice.objects.get()
    assert notice.sent_at is not None and notice.attempts == 1


def test_the_actor_inactive_users_and_users_without_an_address_are_not_told():
    actor, other = UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)
    no_address = UserFactory(email="")
    _notify([actor, other, gone, no_address, None, other], actor=actor)
    assert list(Notice.objects.values_list("recipient", flat=True)) == [other.pk]


def test_a_user_who_said_no_gets_nothing_and_a_digest_waits_for_the_morning(
    django_capture_on_commit_callbacks,
):
    never, digest = UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=never, kind=NoticeKind.GATE, delivery=Delivery.OFF)
    NotificationPreference.objects.create(
        user=digest, kind=NoticeKind.GATE, delivery=Delivery.DIGEST
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify([never, digest], key="gate:1")
        _notify([digest], key="gate:2")
    assert mail.outbox == []
    assert send_digests_task() == 1
    assert send_digests_task() == 0  # nothing is sent twice
    (message,) = mail.outbox
    assert message.to == [digest.email]
    assert message.subject == "Transformation PMO: 2 notices"
    assert message.body.count("Gate decision needed: TP-0001") == 2
    assert Notice.objects.filter(recipient=digest, sent_at__isnull=True).count() == 0


def test_packs_go_to_clt_by_default_and_to_others_only_if_they_subscribe():
    clt = UserFactory(groups=[Group.objects.get(name=Role.CLT.value)])
    viewer = UserFactory(groups=[Group.objects.get(name=Role.VIEWER.value)])
    assert notifications.default_delivery(clt, NoticeKind.PACK) == Delivery.IMMEDIATE
    assert notifications.default_delivery(viewer, NoticeKind.PACK) == Delivery.OFF
    assert notifications.subscribers(NoticeKind.PACK) == []
    notifications.preferences_save(user=viewer, deliveries={NoticeKind.PACK: Delivery.DIGEST})
    assert notifications.subscribers(NoticeKind.PACK) == [viewer]


def test_a_mail_server_that_is_down_is_recorded_and_the_sweep_sends_later(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user])  # the save that raised it is not affected
    notice = Notice.objects.get()
    assert notice.sent_at is None and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notices_task() == 1
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.error == ""
    assert len(mail.outbox) == 1


def test_a_notice_that_keeps_failing_stops_after_five_attempts(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    _notify([UserFactory()])
    for _ in range(notifications.MAX_ATTEMPTS + 2):
        send_notices_task()
    assert Notice.objects.get().attempts == notifications.MAX_ATTEMPTS


# --- Pages --------------------------------------------------------------------


def test_each_user_chooses_their_own_notices(client_as, roles):
    client = client_as(Role.PROJECT_MANAGER)
    page = client.get("/account/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "pm@council.example" in html
    for kind in NoticeKind:
        assert kind.label in html
    choices = {kind: Delivery.IMMEDIATE for kind in NoticeKind.values}
    choices[NoticeKind.MILESTONE_OVERDUE] = Delivery.DIGEST
    choices[NoticeKind.PACK] = Delivery.OFF
    response = client.post("/account/notifications/", choices)
    assert response.status_code == 302
    saved = notifications.preferences_of(roles[Role.PROJECT_MANAGER])
    assert saved[NoticeKind.MILESTONE_OVERDUE] == Delivery.DIGEST
    assert saved[NoticeKind.UPDATE_DUE] == Delivery.IMMEDIATE
    assert "Read the notice log" not in html  # PMO only


def test_a_choice_left_out_is_refused_with_a_specific_error(client_as, roles):
    client = client_as(Role.SPONSOR)
    choices = {kind: Delivery.IMMEDIATE for kind in NoticeKind.values}
    del choices[NoticeKind.RED]
    choices[NoticeKind.GATE] = "sometimes"
    response = client.post("/account/notifications/", choices)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose how to hear that a project is reported Red" in html
    assert "Select a valid choice" in html
    assert not NotificationPreference.objects.filter(user=roles[Role.SPONSOR]).exists()


def test_pmo_read_and_filter_the_notice_log(client_as, roles):
    sam = UserFactory(first_name="Sam", last_name="Okafor", email="sam@council.example")
    alex = UserFactory(first_name="Alex", last_name="Reid", email="alex@council.example")
    _notify([sam, alex], key="gate:7")
    _notify([sam], key="red:3", kind=NoticeKind.RED)
    Notice.objects.filter(recipient=alex).update(
        error="SMTPRecipientsRefused: no such user", attempts=notifications.MAX_ATTEMPTS
    )
    send_notices_task()
    client = client_as(Role.PMO)
    html = client.get("/notices/").content.decode()
    assert "3 notices." in html
    assert "sam@council.example" in html and "alex@council.example" in html
    html = client.get("/notices/?recipient=okafor").content.decode()
    assert "2 notices." in html and "alex@council.example" not in html
    html = client.get("/notices/?kind=red").content.decode()
    assert "1 notice." in html
    html = client.get("/notices/?status=failed").content.decode()
    assert "1 notice." in html and "SMTPRecipientsRefused: no such user" in html
    html = client.get("/notices/?kind=nonsense").content.decode()
    assert "3 notices." in html and 'id="ignored-filters"' in html
    assert "Read the notice log" in client.get("/account/notifications/").content.decode()
