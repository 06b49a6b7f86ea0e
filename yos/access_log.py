"""The administrators' access log in words: who (their full name), what kind
of record and which one ("Parenting contract PC-… for Jamie Ashdown"),
filtered by a user's name and a kind of record, never by numeric ids typed in.

A victim is named by its reference only: victims' details are for victim
workers (PRODUCT.md), and the log is for auditing who read what.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from yos.lib.ids import parse_id

# "for <child>" after the record's own name, for the records named by a reference.
_FOR = {
    "cases.case": "child",
    "orders.parentingorder": "child",
    "contracts.parentingcontract": "pupil",
}
_SELECT = {"cases.case": ["child"], "orders.parentingorder": ["child"]}
_SELECT["contracts.parentingcontract"] = ["pupil"]
_KIND_LABELS = {"cases.adult": "Parent or carer", "cases.child": "Child"}


def kind_label(content_type: ContentType) -> str:
    key = f"{content_type.app_label}.{content_type.model}"
    if key in _KIND_LABELS:
        return _KIND_LABELS[key]
    model = content_type.model_class()
    if model is None:
        return "Record no longer kept"
    return str(model._meta.verbose_name).capitalize()


def record_label(content_type: ContentType, subject) -> str:
    """The record in words, prefixed with its kind unless its name says it."""
    kind = kind_label(content_type)
    if subject is None:
        return f"{kind} (no longer exists)"
    name = str(subject)
    label = name if name.lower().startswith(kind.lower()) else f"{kind}: {name}"
    key = f"{content_type.app_label}.{content_type.model}"
    if key in _FOR:
        label += f" for {getattr(subject, _FOR[key])}"
    return label


def kinds_logged() -> list[tuple[str, str]]:
    """(value, label) of every kind of record the log holds, by label."""
    ids = apps.get_model("yos", "AccessLog").objects.values_list("content_type_id", flat=True)
    types = ContentType.objects.filter(pk__in=ids.distinct())
    return sorted(((f"{t.app_label}.{t.model}", kind_label(t)) for t in types), key=lambda k: k[1])


def content_type_of(kind: str) -> ContentType | None:
    app_label, _, model = (kind or "").partition(".")
    if not app_label or not model:
        return None
    return ContentType.objects.filter(app_label=app_label[:100], model=model[:100]).first()


def filtered(entries: QuerySet, *, user: str, kind: str, record: str) -> QuerySet:
    """entries whose user's name or username has every word of user, of the
    kind, and (from a row's link) of one record."""
    for word in user.split()[:5]:
        entries = entries.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__username__icontains=word)
        )
    content_type = content_type_of(kind)
    if content_type is not None:
        entries = entries.filter(content_type=content_type)
        if (record_pk := parse_id(record)) is not None:
            entries = entries.filter(object_id=record_pk)
    return entries


def label_rows(entries) -> list[tuple[object, str]]:
    """(entry, record label) for a page of entries: one query per kind of record."""
    entries = list(entries)
    wanted: dict[int, set[int]] = {}
    for e in entries:
        wanted.setdefault(e.content_type_id, set()).add(e.object_id)
    found: dict[tuple[int, int], object] = {}
    types = {e.content_type_id: e.content_type for e in entries}
    for type_id, pks in wanted.items():
        content_type = types[type_id]
        model = content_type.model_class()
        if model is None:
            continue
        key = f"{content_type.app_label}.{content_type.model}"
        qs = model._base_manager.filter(pk__in=pks).select_related(*_SELECT.get(key, []))
        for obj in qs:
            found[(type_id, obj.pk)] = obj
    return [
        (e, record_label(e.content_type, found.get((e.content_type_id, e.object_id))))
        for e in entries
    ]
