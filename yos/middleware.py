"""Session idle timeout and no-store caching for signed-in pages."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request.

    The absolute limit is SESSION_COOKIE_AGE, set once at sign-in and not
    renewed (SESSION_SAVE_EVERY_REQUEST stays off).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute so every request is not a session save.
            if now - last >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages with personal data must not be kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
