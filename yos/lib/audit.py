"""Read-access logging and the named system user that jobs act as."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

from yos.models import AccessLog

SYSTEM_USERNAME = "system"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def log_read(
    request: HttpRequest,
    obj: models.Model,
    *,
    action: str = AccessLog.Action.VIEW,
    reason: str = "",
) -> AccessLog:
    """Record that request.user read (or downloaded) obj: who, what, when, where.

    Stores a reference to the record, never a copy of its personal data.
    """
    return AccessLog.objects.create(
        user=request.user,
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        ip_address=client_ip(request),
        reason=reason,
    )


def system_user():
    """The named, unusable-password user that nightly jobs and commands act as,
    so every history row they write has a user (the row recording its own
    creation included: it is attributed to itself)."""
    model = get_user_model()
    try:
        return model.objects.get(username=SYSTEM_USERNAME)
    except model.DoesNotExist:
        pass
    user = model(username=SYSTEM_USERNAME, first_name="Nightly", last_name="job", is_active=False)
    user.set_unusable_password()
    user._history_user = user  # the pk is set by the time the history row is written
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created meanwhile by another process
        return model.objects.get(username=SYSTEM_USERNAME)
    return user
