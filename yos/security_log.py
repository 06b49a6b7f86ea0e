"""Security events in one log (SECURITY.md check 29, ASVS 7.1): sign-in
success and failure, sign-out, access refused (403) and CSRF failures, each
with the user, the client IP, the request ID (X-Request-ID from the proxy,
"-" without one) and the UTC time. Never a password or a session key: the
messages are built here from named fields only.

Signal receivers for the sign-in events are connected from
yos.apps.YosConfig.ready(); DeniedHandler sits on Django's own loggers
(settings.LOGGING), which report every 403 ("django.request") and CSRF
failure ("django.security.csrf") with the request attached.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

log = logging.getLogger("yos.security")


def _utc(timestamp: float | None = None) -> str:
    moment = datetime.fromtimestamp(timestamp, UTC) if timestamp else datetime.now(UTC)
    return moment.isoformat(timespec="seconds")


def _ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") if request is not None else None) or "-"


def _request_id(request) -> str:
    return (request.META.get("HTTP_X_REQUEST_ID") if request is not None else None) or "-"


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return f"{user.get_username()}#{user.pk}"


def event(name: str, request, *, user: str | None = None, at: str | None = None, **extra) -> None:
    """Log one security event as key=value pairs (values never secrets)."""
    fields = {
        "event": name,
        "user": user or _who(request),
        "ip": _ip(request),
        "request_id": _request_id(request),
        "at": at or _utc(),
        **extra,
    }
    level = logging.INFO if name in ("login_success", "logout") else logging.WARNING
    log.log(level, " ".join(f"{k}={v}" for k, v in fields.items()))


def on_login(sender, request, user, **kwargs):
    event("login_success", request, user=f"{user.get_username()}#{user.pk}")


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username tried: credentials also hold the password.
    username = str(credentials.get("username", ""))[:150].replace(" ", "_") or "-"
    event("login_failure", request, user=f"{username}(attempted)")


def on_logout(sender, request, user, **kwargs):
    who = f"{user.get_username()}#{user.pk}" if user is not None else "anonymous"
    event("logout", request, user=who)


class DeniedHandler(logging.Handler):
    """Turns Django's 403 and CSRF log records into security events."""

    def emit(self, record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != 403 or request is None:
            return
        try:
            name = "csrf_failure" if record.name == "django.security.csrf" else "forbidden"
            event(name, request, at=_utc(record.created), path=request.path[:200])
        except Exception:  # noqa: BLE001 - logging must never break a response
            self.handleError(record)


def connect() -> None:
    """The sign-in receivers. DeniedHandler is attached to Django's loggers by
    settings.LOGGING, so it survives any reconfiguration of logging."""
    user_logged_in.connect(on_login, dispatch_uid="yos.security_log.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="yos.security_log.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="yos.security_log.logout")
