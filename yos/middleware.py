"""Session limits, method and header hardening, no-store caching."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed

from yos.lib.ids import MAX_ID

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"


def record_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver: the moment the absolute limit counts from.
    Django cycles the session key at sign-in and keeps its data, so this is
    written into the new session."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request, and
    SESSION_COOKIE_AGE (8 hours) after they signed in, however busy the
    session is. The server-side expiry alone cannot do the second: every
    session save moves it to now + SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            signed_in_at = session.get(SIGNED_IN_AT)
            last = session.get(LAST_SEEN, now)
            if not isinstance(signed_in_at, int):
                # A session from before the sign-in time was recorded: it
                # counts from now, so it too ends within the limit.
                session[SIGNED_IN_AT] = signed_in_at = now
            idle = now - last > settings.SESSION_IDLE_SECONDS
            too_old = now - signed_in_at >= settings.SESSION_COOKIE_AGE
            if idle or too_old:
                logout(request)
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute so every request is not a session save.
            if now - last >= 60 or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


class HardeningMiddleware:
    """Answers only the methods the service uses (TRACE and OPTIONS get a bare
    405, never a rendered page), gives every response a Permissions-Policy,
    and answers 404 for an id in the URL too large for any table (SQLite
    raises OverflowError on such a number; one bound for every <int:…>)."""

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            response = HttpResponseNotAllowed(self.ALLOWED)
            response["Content-Type"] = "text/plain; charset=utf-8"
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                raise Http404("Page not found")
        return None


class NoStoreMiddleware:
    """Pages with personal data must not be kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
