"""The History tab of any history-tracked record: who, when, what changed.

``history_entries(*records)`` reads the django-simple-history rows of one or
more records (of any models), pairs each row with the one before it and says
field by field what changed, in words: choice labels rather than codes, names
rather than ids, "Yes"/"No", dates as "5 October 2026". ``render_history``
is the view helper that renders a page with those entries (and logs the read).

Queries: one per model among the records, plus one per model that changed
foreign keys point at, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

# Bookkeeping fields that say nothing to a reader.
EXCLUDED_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
NOT_SET = "not set"

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime
    order: int  # the history row's id: breaks ties between rows saved in the same instant
    user: str
    action: str
    record: str
    url: str
    changes: list[Change] = field(default_factory=list)


def _sentence_case(text) -> str:
    """Upper-case the first letter only ("MAPPA involved" stays as it is)."""
    text = str(text)
    return text[:1].upper() + text[1:]


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in EXCLUDED_FIELDS]


def _in_words(f: models.Field, value, names: dict) -> str:
    """One stored value as a reader would say it."""
    if value is None or value == "":
        return NOT_SET
    if f.is_relation:
        return names.get((f.related_model, value), f"record {value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j F Y H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)


def history_entries(*records: models.Model) -> list[HistoryEntry]:
    """Every history row of records, newest first, each with its changes."""
    by_model: dict[type[models.Model], dict[int, models.Model]] = defaultdict(dict)
    for record in records:
        by_model[type(record)][record.pk] = record

    rows_by_model = {}
    fk_ids: dict[type[models.Model], set] = defaultdict(set)
    for model, objects in by_model.items():
        rows = list(
            model.history.model.objects.filter(id__in=list(objects))
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        rows_by_model[model] = rows
        for f in _fields(model):
            if f.is_relation:
                fk_ids[f.related_model].update(
                    v for r in rows if (v := getattr(r, f.attname)) is not None
                )
    names = {
        (related, pk): str(obj)
        for related, ids in fk_ids.items()
        if ids
        for pk, obj in related._default_manager.in_bulk(list(ids)).items()
    }

    entries: list[HistoryEntry] = []
    for model, rows in rows_by_model.items():
        fields = _fields(model)
        label = _sentence_case(model._meta.verbose_name)
        previous = None
        for row in rows:
            if previous is not None and previous.id != row.id:
                previous = None
            record = by_model[model][row.id]
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(previous, f.attname) if previous is not None else None
                if previous is None and new in (None, ""):
                    continue
                if previous is not None and old == new:
                    continue
                changes.append(
                    Change(
                        field=_sentence_case(f.verbose_name),
                        old=_in_words(f, old, names),
                        new=_in_words(f, new, names),
                    )
                )
            if changes or row.history_type != "~":
                entries.append(
                    HistoryEntry(
                        at=row.history_date,
                        order=row.history_id,
                        user=str(row.history_user) if row.history_user else "Not recorded",
                        action=ACTIONS.get(row.history_type, "Changed"),
                        record=f"{label}: {record}",
                        url=record.get_absolute_url(),
                        changes=changes,
                    )
                )
            previous = row
    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return entries


def render_history(
    request: HttpRequest,
    obj: models.Model,
    *,
    template: str,
    records: Iterable[models.Model] | None = None,
    context: dict | None = None,
    log: bool = True,
) -> HttpResponse:
    """Render template with ``history`` (the entries of obj, or of records when
    given, e.g. a child with its cases and sessions) and ``object``; the read is
    logged with yos.lib.audit.log_read unless log=False."""
    if log:
        from yos.lib.audit import log_read

        log_read(request, obj, reason="history")
    entries = history_entries(*(records if records is not None else [obj]))
    return render(request, template, {"object": obj, "history": entries, **(context or {})})
