from django.conf import settings

from yos.lib.words import duration


def service(request):
    context = {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(request, "session"):
        context["session_timeout"] = session_timeout(request.session)
    return context


def session_timeout(session) -> dict:
    """What the time-out warning (includes/timeout_warning.html) needs: the
    seconds left on the server's two clocks when the page was made."""
    from yos.middleware import seconds_left  # the middleware imports the models

    idle_left, absolute_left = seconds_left(session)
    warn = min(settings.SESSION_TIMEOUT_WARNING_SECONDS, settings.SESSION_IDLE_SECONDS)
    return {
        "idle_left": idle_left,
        "absolute_left": absolute_left,
        "warn": warn,
        "warn_words": duration(warn),
        "idle_words": duration(settings.SESSION_IDLE_SECONDS),
        "absolute_words": duration(settings.SESSION_COOKIE_AGE),
    }
