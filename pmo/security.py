"""Security logging: one structured line, in UTC, for every sign-in success or
failure, every 403 and every export download.

Lines look like:
    2026-11-25T13:20:01Z event=login_failed username="pmo" ip=127.0.0.1 path=/login/
so a SIEM can parse them as key=value pairs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("pmo.security")


class UTCFormatter(logging.Formatter):
    # Annotated as logging.Formatter's own is, so mypy reads it as the plain
    # function it is rather than as a method taking self.
    converter: Callable[[float | None], time.struct_time] = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's API)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


def _quote(value) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{text}"'


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "-") if request is not None else "-"


def log_event(event: str, request=None, **extra) -> None:
    fields: dict = {}
    if request is not None:
        user = getattr(request, "user", None)
        if "username" in extra:
            fields["username"] = extra.pop("username")
        elif user is not None and user.is_authenticated:
            fields["username"] = user.get_username()
        fields["ip"] = client_ip(request)
        fields["path"] = request.path
    fields.update(extra)
    parts = [f"event={event}"]
    for key, value in fields.items():
        parts.append(f"{key}={_quote(value) if key in ('username', 'filename') else value}")
    logger.info(" ".join(parts))


@receiver(user_logged_in, dispatch_uid="pmo.security.logged_in")
def _logged_in(sender, request, user, **kwargs):
    log_event("login_success", request, username=user.get_username())


@receiver(user_login_failed, dispatch_uid="pmo.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    log_event("login_failed", request, username=credentials.get("username", ""))


@receiver(user_logged_out, dispatch_uid="pmo.security.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", request, username=user.get_username())


class SecurityLogMiddleware:
    """Logs refusals (403) and file downloads (any attachment response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            log_event("forbidden", request, method=request.method, status=403)
        elif response.status_code == 429:
            log_event("login_locked_out", request, method=request.method, status=429)
        else:
            disposition = response.get("Content-Disposition", "")
            if disposition.startswith("attachment"):
                filename = disposition.partition("filename=")[2].strip('"') or "-"
                log_event("export_download", request, filename=filename)
        return response
