"""E-mail to a member of staff about their own account (two-factor changes),
sent off the request path: a Celery task, run inline in the embedded default,
enqueued after the request's transaction commits so a failed request sends
nothing."""

from __future__ import annotations

from yos.tasks import enqueue_on_commit, send_email


def notify_user(user, *, subject: str, body: str) -> bool:
    """Queue an e-mail to the user's address; False when they have none."""
    if not user.email:
        return False
    enqueue_on_commit(send_email, [user.email], subject, body)
    return True
