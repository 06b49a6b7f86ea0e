"""Nothing posted is lost when a session ends (WCAG 2.2.1).

When a signed-in user's session has ended (idle or absolute limit,
yos.middleware.IdleTimeoutMiddleware) and their browser posts a form, the
posted fields are kept in a KeptPost row for KEEP_FOR seconds, and the new,
signed-out session carries a signed token naming the user and the row. When
the same user has signed in again (with their second factor, if they owe
one) and opens the form's page, every form on it built from GDSFormMixin
shows the kept values (``restored_fields``) and a notice says so. The row is
deleted then, or when it expires.

Never kept: passwords, CSRF tokens, one-time codes, files (the notice asks
for the file again), posts to the sign-in, sign-out and two-factor pages,
and posts whose CSRF check fails. Another user signing in on the same
browser never sees the values: the token names the user, and the row is
looked up by the token's key *and* the signed-in user.
"""

from __future__ import annotations

import contextvars
import hashlib
import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone

KEEP_FOR = 30 * 60  # seconds: at most 30 minutes
SALT = "yos.kept-post"
SESSION_TOKEN = "yos_kept_post"  # in the signed-out session, then the new one
SIGNED_OUT_REASON = "yos_signed_out"  # "idle" or "absolute", for the sign-in page

IDLE = "idle"
ABSOLUTE = "absolute"

# Field names never kept, whatever the form.
NEVER_KEPT = re.compile(r"password|csrf|token|secret|^code$|current_code|pending", re.I)
# Pages whose posts are never kept (sign-in steps and the session itself).
NOT_KEPT_PAGES = {
    "login",
    "logout",
    "two-factor-setup",
    "two-factor-verify",
    "password-reset",
    "password-reset-confirm",
    "session-extend",
}
MAX_FIELDS = 500
MAX_VALUE = 20_000  # characters of one value

RESTORED = (
    "You were signed out before your changes were saved. What you entered has been put back: "
    "check it and save it again."
)
RESTORED_FILES = " Choose the file again: files are not kept."

_restored: contextvars.ContextVar[QueryDict | None] = contextvars.ContextVar(
    "yos_restored_post", default=None
)


def restored_fields() -> QueryDict | None:
    """The kept fields being restored in this request, or None."""
    return _restored.get()


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _keepable_page(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name in NOT_KEPT_PAGES or match.url_name in NOT_KEPT_PAGES:
        return False
    # Only pages for signed-in roles (a tuple of roles), not public ones.
    return isinstance(getattr(match.func, "access_policy", None), tuple)


def _csrf_ok(request: HttpRequest) -> bool:
    """The post passes Django's own CSRF check (the session cookie is
    SameSite=Lax, so a cross-site post never reaches here signed in, but a
    forged post must not be able to plant values in someone's form)."""
    checker = CsrfViewMiddleware(lambda r: None)

    def view(r):  # an ordinary view: the check applies in full
        return None

    return checker.process_view(request, view, (), {}) is None


def purge_expired() -> int:
    """Delete kept posts older than KEEP_FOR; how many."""
    from yos.models import KeptPost

    cutoff = timezone.now() - timedelta(seconds=KEEP_FOR)
    deleted, _ = KeptPost.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def keep(request: HttpRequest, user) -> str | None:
    """Keep what request posted for user; the signed token, or None when
    nothing may be kept. Call before the session is ended."""
    from yos.models import KeptPost

    if request.method != "POST" or not _keepable_page(request) or not _csrf_ok(request):
        return None
    fields = [
        [name, value[:MAX_VALUE]]
        for name in request.POST
        if not NEVER_KEPT.search(name)
        for value in request.POST.getlist(name)
    ][:MAX_FIELDS]
    if not fields:
        return None
    purge_expired()
    key = secrets.token_urlsafe(32)
    KeptPost.objects.create(
        user=user,
        key_hash=_hash(key),
        path=request.path[:500],
        fields=fields,
        had_files=bool(request.FILES),
    )
    return signing.dumps({"u": user.pk, "k": key}, salt=SALT)


def _token_data(token) -> dict | None:
    try:
        data = signing.loads(str(token), salt=SALT, max_age=KEEP_FOR)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str):
        return None
    return data


def restore(request: HttpRequest) -> contextvars.Token | None:
    """On a GET of the kept form's page by the user who posted it: put the
    kept fields where GDSFormMixin finds them for this request, delete the
    row, add the notice. Returns the context token to reset, or None."""
    from yos.models import KeptPost

    token = request.session.get(SESSION_TOKEN)
    if token is None or request.method != "GET":
        return None
    data = _token_data(token)
    if data is None or data.get("u") != request.user.pk:
        # Expired, forged, or another user's: it is never theirs to see.
        request.session.pop(SESSION_TOKEN, None)
        return None
    cutoff = timezone.now() - timedelta(seconds=KEEP_FOR)
    row = KeptPost.objects.filter(
        key_hash=_hash(data["k"]), user=request.user, created_at__gte=cutoff
    ).first()
    if row is None:
        request.session.pop(SESSION_TOKEN, None)
        return None
    if row.path != request.path:
        return None  # not the form's page (yet): keep it for when they get there
    request.session.pop(SESSION_TOKEN, None)
    values = QueryDict(mutable=True)
    for name, value in row.fields:
        values.appendlist(name, value)
    had_files = row.had_files
    row.delete()
    if hasattr(request, "_messages"):
        messages.warning(request, RESTORED + (RESTORED_FILES if had_files else ""))
    return _restored.set(values)


def end_restore(context_token: contextvars.Token | None) -> None:
    if context_token is not None:
        _restored.reset(context_token)


def initial_from(form, values: QueryDict) -> None:
    """Give an unbound form the kept values as its initial data (each field's
    widget reads its own names: a date's day, month and year, checkboxes'
    lists). A form none of whose fields were posted is left alone."""
    posted = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        widget = field.widget
        if getattr(widget, "needs_multipart_form", False):
            continue
        if widget.value_omitted_from_data(values, {}, key):
            continue
        posted[name] = widget.value_from_datadict(values, {}, key)
    # A checkbox is never "omitted" (unticked sends nothing): it alone does
    # not make a form the one that was posted.
    if not any(
        form.add_prefix(name) in values or f"{form.add_prefix(name)}_0" in values for name in posted
    ):
        return
    form.initial = {**form.initial, **posted}


def signed_out_message(reason: str | None) -> str | None:
    """Why the sign-in page is shown, in words."""
    from django.conf import settings

    from yos.lib.words import duration

    if reason == IDLE:
        return (
            "You were signed out because you were inactive for "
            f"{duration(settings.SESSION_IDLE_SECONDS)}."
        )
    if reason == ABSOLUTE:
        return (
            "You were signed out because you had been signed in for "
            f"{duration(settings.SESSION_COOKIE_AGE)}, the longest a session can last."
        )
    return None
