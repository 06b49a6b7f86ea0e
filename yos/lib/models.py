"""The base every domain record shares: audit history and a version number."""

import secrets

from django.db import models
from simple_history.models import HistoricalRecords


class DomainModel(models.Model):
    """A domain record: history kept by django-simple-history on every save,
    and a version number that edit forms carry so a stale save is refused
    (no lost updates; see yos.lib.versioning)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_reference(prefix: str) -> str:
    """A random reference such as C7K2M9QX: readable over the phone, guessing
    one tells nothing, and the unique constraint catches the rare clash."""
    return prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
