import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SESSION_STARTED_KEY = "pmo_session_started"


class AbsoluteSessionTimeoutMiddleware:
    """Ends a session a fixed time after sign-in, however active it has been.

    The idle timeout is the session cookie's age, renewed on every request;
    this caps the whole session so a stolen cookie cannot live forever.
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
        return self.get_response(request)
