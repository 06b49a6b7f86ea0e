"""Read-access logging and the named system user that jobs act as."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
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
    so every history row they write has a user."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Nightly", "last_name": "job", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
