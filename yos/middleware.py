"""Session limits, method and header hardening, no-store caching."""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed

from yos import kept_post
from yos.lib.ids import MAX_ID

log = logging.getLogger("yos.security")

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
        request.session.pop(kept_post.SIGNED_OUT_REASON, None)


def seen_write_every() -> int:
    """Seconds between writes of LAST_SEEN: a minute, or a tenth of a short
    idle limit (a test server's), so the idle clock is never a minute behind."""
    return max(1, min(60, settings.SESSION_IDLE_SECONDS // 10))


def seconds_left(session, now: int | None = None) -> tuple[int, int]:
    """(seconds until the idle limit, seconds until the absolute limit) of a
    signed-in session, as the server counts them."""
    now = int(time.time()) if now is None else now
    last = session.get(LAST_SEEN, now)
    signed_in_at = session.get(SIGNED_IN_AT, now)
    if not isinstance(last, int):
        last = now
    if not isinstance(signed_in_at, int):
        signed_in_at = now
    idle = settings.SESSION_IDLE_SECONDS - (now - last)
    absolute = settings.SESSION_COOKIE_AGE - (now - signed_in_at)
    return max(0, idle), max(0, absolute)


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request, and
    SESSION_COOKIE_AGE (8 hours) after they signed in, however busy the
    session is. The server-side expiry alone cannot do the second: every
    session save moves it to now + SESSION_COOKIE_AGE.

    A form posted after the limit is kept for the same user (yos.kept_post),
    and the signed-out session says why, for the sign-in page. When the user
    is back (second factor given) on the kept form's page, process_view puts
    the kept values where the page's forms find them."""

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
            # At the limit, not a second after it: the page's count-down
            # (timeout-warning.mjs) reaches nought at last + limit, and says
            # "signed out" then, so the server must have ended it by then.
            idle = now - last >= settings.SESSION_IDLE_SECONDS
            too_old = now - signed_in_at >= settings.SESSION_COOKIE_AGE
            if idle or too_old:
                try:
                    token = kept_post.keep(request, request.user)
                except Exception:  # noqa: BLE001 - keeping is a kindness; signing out is the rule
                    log.exception("a post after the session ended could not be kept")
                    token = None
                logout(request)
                # The new, signed-out session: why, and what was kept.
                reason = kept_post.ABSOLUTE if too_old else kept_post.IDLE
                request.session[kept_post.SIGNED_OUT_REASON] = reason
                if token is not None:
                    request.session[kept_post.SESSION_TOKEN] = token
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute so every request is not a session save.
            if now - last >= seen_write_every() or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        response = self.get_response(request)
        kept_post.end_restore(getattr(request, "_yos_restoring", None))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Here, not in __call__: the messages middleware has run by now.
        if (
            request.user.is_authenticated
            and kept_post.SESSION_TOKEN in request.session
            and not _owes_second_factor(request)
        ):
            request._yos_restoring = kept_post.restore(request)
        return None


def _owes_second_factor(request) -> bool:
    from yos.access import needs_second_factor  # imports the models

    return needs_second_factor(request)


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
