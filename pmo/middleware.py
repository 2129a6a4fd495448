import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SESSION_STARTED_KEY = "pmo_session_started"
SESSION_RENEWED_KEY = "pmo_session_renewed"
# Sent by a page's progress poll (hx-headers on the polling element). A poll
# is not the user at work: it must not keep an idle session alive, and it
# writes nothing, so it is answered even while a long import holds SQLite's
# one write lock.
POLL_HEADER = "PMO-Poll"


class AbsoluteSessionTimeoutMiddleware:
    """Ends a session a fixed time after sign-in, however active it has been,
    and keeps an active session alive.

    The idle timeout is the session's age, pushed back by saving the session
    when a request comes more than SESSION_RENEW_SECONDS after the last
    renewal (so not a write on every request); the absolute timeout caps the
    whole session so a stolen cookie cannot live forever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            renewed = request.session.get(SESSION_RENEWED_KEY, 0)
            polled = request.headers.get(POLL_HEADER) == "1"
            if now - renewed >= settings.SESSION_RENEW_SECONDS and not polled:
                request.session[SESSION_RENEWED_KEY] = now
        return self.get_response(request)
