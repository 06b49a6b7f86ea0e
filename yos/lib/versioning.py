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


# The one message for a save refused because someone else saved the record
# first (every app's edit pages show it above the form).
STALE_RECORD = (
    "Someone else changed this record while you were editing it. "
    "Your changes have not been saved: check the record and make them again."
)
# The form's version field missing or altered (not a page a person left open).
OUT_OF_DATE = "This page is out of date: open the record again, make your changes there and save"


class VersionedFormMixin:
    """Adds a hidden `loaded_version` to a form that edits a DomainModel: a
    ModelForm (the version of its instance) or a plain form given
    ``initial={"loaded_version": record.version}`` (closing a case, say)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        editing = (instance is not None and instance.pk is not None) or (
            self.initial.get("loaded_version") is not None
        )
        # Required when editing: a save that does not say which version it was
        # made on (a page from before versions, a hand-made request) could
        # only overwrite blindly, so it is refused with a message instead.
        self.fields["loaded_version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=editing,
            min_value=1,
            initial=getattr(instance, "version", None),
            error_messages={
                "required": OUT_OF_DATE,
                "invalid": OUT_OF_DATE,
                "min_value": OUT_OF_DATE,
            },
        )
        # A crispy layout is built from the fields that existed before this one:
        # add the hidden field to it, or the form would post no version at all.
        helper = getattr(self, "helper", None)
        # A helper laid out from the form's fields at render time (the
        # default, yos.forms.FieldsHelper) includes it by itself.
        layout = getattr(helper, "_layout", getattr(helper, "layout", None))
        if layout is not None and "loaded_version" not in {
            p.name for p in layout.get_field_names()
        }:
            layout.append("loaded_version")

    def clean(self):
        cleaned = super().clean()
        # A hidden field's error has nowhere to show next to: say it at the
        # top of the form (the error summary), in plain English.
        if "loaded_version" in self._errors:
            del self._errors["loaded_version"]
            self.add_error(None, OUT_OF_DATE)
        return cleaned


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
