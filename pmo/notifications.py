"""E-mail notices: who hears of what, once, and how.

The apps raise events through `notify()` with their own words and the path
of the page the notice is about; this module knows nothing of projects or
benefits. It records one Notice per person per event (the notice log), and
the constraint on (event_key, recipient) makes that idempotent: an event
raised twice, or a reminder run fired twice, sends nothing new.

Each person chooses per kind: straight away, in the morning's digest, or
not at all (NotificationPreference; no row means `default_delivery`).
Straight-away notices are sent by a Celery task once the event's
transaction commits (in-process when no broker is set); anything not sent
then, because the mail server or broker was away, is picked up by the
sweep that beat runs every 15 minutes. Nothing here ever turns a committed
save into an error page.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pmo.models import Delivery, Notice, NoticeKind, NotificationPreference
from pmo.permissions import Role, roles_of

logger = logging.getLogger(__name__)

# After this many failed attempts a notice stays in the log, unsent, with
# its error, rather than being tried for ever.
MAX_ATTEMPTS = 5

_suppressed = contextvars.ContextVar("notices_suppressed", default=False)


# Who gets each kind of notice, for the preferences page.
KIND_HELP = {
    NoticeKind.UPDATE_DUE: "Project managers, before the monthly deadline.",
    NoticeKind.UPDATE_OVERDUE: (
        "Project managers once the deadline passes, then their sponsors too."
    ),
    NoticeKind.MODERATION: "PMO, when a score is submitted.",
    NoticeKind.SIGN_OFF: "Finance officers, when actuals are recorded by someone else.",
    NoticeKind.GATE: "Sponsors and PMO, when a scheduled gate board is near.",
    NoticeKind.PACK: "CLT, and anyone else who asks for it here, when a monthly pack is published.",
    NoticeKind.MILESTONE_OVERDUE: "Project managers, when a milestone passes its date.",
    NoticeKind.RED: "Sponsors and PMO, when a project's update reports Red.",
}


def default_delivery(user, kind: str) -> str:
    """Everyone hears of their own work straight away; packs go to CLT
    unless they say otherwise, and to anyone else who subscribes."""
    if kind == NoticeKind.PACK and Role.CLT not in roles_of(user):
        return Delivery.OFF
    return Delivery.IMMEDIATE


def preferences_of(user) -> dict[str, str]:
    """The user's delivery for every kind, defaults filled in."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind) or default_delivery(user, kind) for kind in NoticeKind}


@transaction.atomic
def preferences_save(*, user, deliveries: dict[str, str]) -> None:
    for kind, delivery in deliveries.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=NoticeKind(kind), defaults={"delivery": Delivery(delivery)}
        )


def subscribers(kind: str) -> list:
    """Users who asked for a kind they would not get by default."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            notification_preferences__kind=kind,
            notification_preferences__delivery__in=[Delivery.IMMEDIATE, Delivery.DIGEST],
        )
        .distinct()
    )


@contextmanager
def suppressed() -> Iterator[None]:
    """No notices inside: for loading demo data, whose events did not
    happen to anyone today."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def absolute_url(path: str) -> str:
    return settings.PMO_BASE_URL.rstrip("/") + path


def notify(
    *,
    kind: str,
    event_key: str,
    recipients: Iterable,
    subject: str,
    body: str,
    path: str,
    actor=None,
) -> list[Notice]:
    """Record the notice of one event for each recipient who wants it, and
    send the straight-away ones once the caller's transaction commits.
    Nobody is told of what they did themselves (`actor`). Returns the
    notices recorded now; a person already told of this event is skipped."""
    if _suppressed.get():
        return []
    wanted: dict[int, Any] = {}
    for user in recipients:
        if user is None or not user.is_active or user.pk in wanted:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        if not user.email:
            logger.info("event=notice_no_address kind=%s user=%s", kind, user.pk)
            continue
        wanted[user.pk] = user
    if not wanted:
        return []
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=wanted, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    already = set(
        Notice.objects.filter(event_key=event_key, recipient_id__in=wanted).values_list(
            "recipient_id", flat=True
        )
    )
    notices = []
    for user_id, user in wanted.items():
        delivery = chosen.get(user_id) or default_delivery(user, kind)
        if delivery == Delivery.OFF or user_id in already:
            continue
        notices.append(
            Notice(
                kind=kind,
                event_key=event_key[:200],
                recipient=user,
                email=user.email,
                subject=subject[:250],
                body=body,
                link=absolute_url(path),
                delivery=delivery,
            )
        )
    # A concurrent raise of the same event loses quietly to the constraint.
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    if any(n.delivery == Delivery.IMMEDIATE for n in notices):
        transaction.on_commit(lambda: _enqueue_immediate(event_key))
    for notice in notices:
        logger.info(
            "event=notice_recorded kind=%s key=%s user=%s delivery=%s",
            kind,
            event_key,
            notice.recipient_id,
            notice.delivery,
        )
    return notices


def _enqueue_immediate(event_key: str) -> None:
    from pmo.tasks import send_notices_task

    try:
        send_notices_task.delay(event_key)
    except Exception:  # a broker outage: the 15-minute sweep sends them
        logger.exception("event=notice_enqueue_failed key=%s", event_key)


def _message(*, to: str, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "service_name": settings.PMO_SERVICE_NAME,
        "organisation_name": settings.PMO_ORGANISATION_NAME,
        "preferences_url": absolute_url(reverse("notification_preferences")),
    }
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def _send_locked(notices: list[Notice], message: EmailMultiAlternatives) -> bool:
    """Send one message for these notices (locked by the caller) and record
    the outcome on each of them."""
    now = timezone.now()
    try:
        message.send()
    except Exception as exc:  # SMTP and socket errors of every kind
        for notice in notices:
            notice.attempts += 1
            notice.error = f"{type(exc).__name__}: {exc}"[:1000]
            notice.save(update_fields=["attempts", "error"])
        logger.warning("event=notice_send_failed ids=%s error=%r", [n.pk for n in notices], exc)
        return False
    for notice in notices:
        notice.attempts += 1
        notice.sent_at, notice.error = now, ""
        notice.save(update_fields=["attempts", "sent_at", "error"])
    logger.info("event=notice_sent ids=%s to=%s", [n.pk for n in notices], message.to[0])
    return True


def _unsent(delivery: str):
    return Notice.objects.filter(
        delivery=delivery, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).select_related("recipient")


def send_immediate(event_key: str | None = None) -> int:
    """Send the unsent straight-away notices (of one event, or all of them,
    for the sweep), each under a row lock so two workers never send one
    twice. Returns how many were sent."""
    queryset = _unsent(Delivery.IMMEDIATE)
    if event_key is not None:
        queryset = queryset.filter(event_key=event_key)
    sent = 0
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            notice = _unsent(Delivery.IMMEDIATE).select_for_update(of=("self",)).filter(pk=pk)
            notice = notice.first()
            if notice is None:
                continue
            message = _message(
                to=notice.email,
                subject=notice.subject,
                template="notice",
                context={"notice": notice},
            )
            sent += _send_locked([notice], message)
    return sent


def send_digests() -> int:
    """One e-mail per person with every digest notice not yet sent to them.
    Returns how many e-mails were sent."""
    sent = 0
    for user_id in list(_unsent(Delivery.DIGEST).values_list("recipient_id", flat=True).distinct()):
        with transaction.atomic():
            notices = list(
                _unsent(Delivery.DIGEST)
                .select_for_update(of=("self",))
                .filter(recipient_id=user_id)
                .order_by("created_at", "pk")
            )
            if not notices:
                continue
            count = len(notices)
            subject = f"{settings.PMO_SERVICE_NAME}: {count} notice{'s' if count != 1 else ''}"
            message = _message(
                to=notices[-1].email,
                subject=subject,
                template="digest",
                context={"notices": notices},
            )
            sent += _send_locked(notices, message)
    return sent
