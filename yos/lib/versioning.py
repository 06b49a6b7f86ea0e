"""No lost updates: an edit saves only over the version it was loaded at.

Edit forms carry the record's version in a hidden field (VersionedFormMixin).
save_if_current bumps the version with a conditional UPDATE, which also locks
the row until commit, then saves the instance so the history row is written
as usual. A stale save raises StaleRecord and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.db.models import F


class StaleRecord(Exception):
    """Someone saved the record after this form was loaded."""

    def __init__(self, current: models.Model):
        super().__init__("The record was changed by someone else")
        self.current = current


class VersionedFormMixin:
    """Adds a hidden `loaded_version` to a ModelForm of a DomainModel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=getattr(self.instance, "version", 1)
        )
        # A crispy layout is built from the fields that existed before this one:
        # add the hidden field to it, or the form would post no version at all.
        helper = getattr(self, "helper", None)
        layout = getattr(helper, "layout", None)
        if layout is not None and "loaded_version" not in {
            p.name for p in layout.get_field_names()
        }:
            layout.append("loaded_version")


def save_if_current(instance: models.Model, loaded_version: int | None, *, by) -> models.Model:
    """Save instance (already changed in memory) if its row is still at
    loaded_version; else raise StaleRecord with the current row."""
    model = type(instance)
    with transaction.atomic():
        if instance.pk is not None and loaded_version is not None:
            bumped = model._default_manager.filter(pk=instance.pk, version=loaded_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise StaleRecord(model._default_manager.get(pk=instance.pk))
            instance.version = loaded_version + 1
        instance._history_user = by
        instance.save()
    return instance
