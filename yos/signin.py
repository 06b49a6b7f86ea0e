"""Sign-in throttling: one spelling of a username, and the per-account limit.

django-axes locks a username from one client address after
AXES_FAILURE_LIMIT wrong passwords (settings). On top of that, an account
that has had ACCOUNT_FAILURE_LIMIT_PER_HOUR failures in the last hour, from
any number of addresses, refuses every sign-in until the hour has passed
(ASVS 2.2.1), counted from the failures axes logs (AccessFailureLog).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def normalise_username(value) -> str:
    """What a typed username means: NFKC (so full-width letters are the
    ASCII ones, as Django stores usernames) with surrounding spaces removed,
    the same as the sign-in form's username field does."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the username axes records and locks by."""
    if credentials and credentials.get("username") is not None:
        raw = credentials["username"]
    else:
        raw = getattr(request, "POST", {}).get("username", "")
    return normalise_username(raw)[:150]


def account_failures_last_hour(username: str) -> int:
    from axes.models import AccessFailureLog

    since = timezone.now() - timedelta(hours=1)
    return AccessFailureLog.objects.filter(
        username=normalise_username(username), attempt_time__gte=since
    ).count()


def account_locked(username: str) -> bool:
    """Whether the account has reached the slow, address-independent limit."""
    if not username:
        return False
    return account_failures_last_hour(username) >= settings.ACCOUNT_FAILURE_LIMIT_PER_HOUR
