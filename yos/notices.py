"""Decisions on a user's own requests, on their home page until read.

A supervisor's decision (a breach referral approved or refused; at merge, a
case closure and a contract termination) is written here with
``notify_decision`` in the decision's own transaction: the person who asked
sees it on their home page ("Decisions on your requests") until they mark it
read, and is e-mailed where NOTIFY_BY_EMAIL is on (off by default). Only the
recipient ever sees a notice (yos.access.visible_notices).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import NoReverseMatch
from django.utils import timezone

from yos import access
from yos.models import Notice
from yos.tasks import enqueue_on_commit, send_email

PANEL_LIMIT = 20
NOT_YOURS = "This notice is not yours"
EMAIL_FOOTER = "Sign in to the service to see it on your home page."


def email_if_enabled(user, *, subject: str, body: str) -> bool:
    """E-mail the user through Django's e-mail backend, after the current
    transaction commits (yos.tasks.send_email), only where NOTIFY_BY_EMAIL is
    on and they have an address. The body names no child or family: the
    e-mail leaves the service, the details stay in it."""
    if not getattr(settings, "NOTIFY_BY_EMAIL", False) or not user.email:
        return False
    enqueue_on_commit(send_email, [user.email], subject, body)
    return True


def notify_decision(*, recipient, subject: models.Model, message: str, by) -> Notice:
    """Tell `recipient` of a decision on their request about `subject` (the
    record the notice links to), in one sentence. Saved with its history by
    `by`; e-mailed after commit where NOTIFY_BY_EMAIL is on."""
    notice = Notice(
        recipient=recipient,
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        message=message[: Notice._meta.get_field("message").max_length],
        created_by=by,
    )
    notice._history_user = by
    notice.save()
    email_if_enabled(
        recipient,
        subject="A decision on your request",
        body=f"{by} has made a decision on one of your requests.\n\n{EMAIL_FOOTER}",
    )
    return notice


@transaction.atomic
def notice_mark_read(*, notice: Notice, by) -> Notice:
    """The recipient marks a notice read (audited). Marking it again changes
    nothing; anyone else is refused."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.recipient_id != by.pk:
        raise PermissionDenied(NOT_YOURS)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice._history_user = by
        notice._change_reason = "Marked as read"
        notice.save()
    return notice


def unread_notices(user) -> models.QuerySet:
    return (
        access.visible_notices(user)
        .filter(read_at__isnull=True)
        .select_related("created_by", "content_type")
        .prefetch_related("subject")
    )


def home_panels(user) -> list[dict]:
    """The user's unread decisions, newest first (nothing when there are none)."""
    notices = list(unread_notices(user)[: PANEL_LIMIT + 1])
    if not notices:
        return []
    rows = []
    for notice in notices[:PANEL_LIMIT]:
        try:
            url = notice.get_absolute_url()
        except NoReverseMatch:  # a record with no page still shows its notice
            url = ""
        rows.append((notice, url))
    return [
        {
            "template": "yos/notices_panel.html",
            "rows": rows,
            "more": len(notices) > PANEL_LIMIT,
        }
    ]
