"""Flags and letters: raised and resolved in bulk by the nightly job, shown on pages.

Writes: ``flags_sync`` makes the open flags of one kind exactly the set the
caller computed (raise the missing, resolve the ones whose condition no longer
holds, move a due date that changed), set-based and with history rows written
in the same transaction by the same user.

Reads: the extension hooks of yos/extensions.py (``home_panels``,
``child_panels``, ``family_panels``), each scoped through yos.access and
costing a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Cast
from django.urls import NoReverseMatch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from yos import access
from yos.models import Flag, JobRun, Letter

CONTRACT_KINDS = (
    Flag.Kind.CONTRACT_ENDING,
    Flag.Kind.CONTRACT_REVIEW_OVERDUE,
    Flag.Kind.CONTRACT_UNSIGNED,
)
PANEL_LIMIT = 50  # flags on one panel; the rest are counted, not listed


@dataclass(frozen=True)
class Wanted:
    """A flag that should be open: its due date and who it is scoped to."""

    due_on: date
    family_id: int | None = None
    school_id: int | None = None
    child_id: int | None = None


# --- Writes --------------------------------------------------------------------


def wanted_rows(
    queryset: models.QuerySet,
    *,
    object_id="pk",
    due_on,
    family=None,
    school=None,
    child=None,
) -> models.QuerySet:
    """The wanted flags of a step as a query (for ``flags_sync``): one row per
    flagged record with its id, due date and scope. Each argument is a field
    path or an expression on `queryset`'s model; the scope ones may be None."""

    def expr(value):
        if value is None:
            return Cast(Value(None), output_field=models.BigIntegerField())
        return F(value) if isinstance(value, str) else value

    return queryset.order_by().values(
        **{
            f"{WANTED_PREFIX}object": expr(object_id),
            f"{WANTED_PREFIX}due": expr(due_on),
            f"{WANTED_PREFIX}family": expr(family),
            f"{WANTED_PREFIX}school": expr(school),
            f"{WANTED_PREFIX}child": expr(child),
        }
    )


WANTED_PREFIX = "flag_"  # no model has fields named like this
SCOPE_COLUMNS = ("family_id", "school_id", "child_id")


def flags_sync(
    *,
    kind: str,
    model: type[models.Model],
    wanted: dict[int, Wanted] | models.QuerySet,
    by,
) -> dict[str, int]:
    """Make the open flags of `kind` on `model` exactly `wanted`. Returns
    {"raised", "resolved", "updated", "open"}.

    `wanted` is either a query from ``wanted_rows`` (the nightly steps: the
    work is done in the database and costs what the day changes, not what is
    open) or a dict object id → Wanted (small callers).

    Idempotent: a second call with the same `wanted` changes nothing. Runs in
    one transaction; every inserted or changed row gets a history row by `by`.
    """
    if isinstance(wanted, models.QuerySet):
        return _flags_sync_query(kind=kind, model=model, wanted=wanted, by=by)
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    with transaction.atomic():
        # The open flags as plain values (id and what may change): model
        # instances are made only for the flags that are resolved or moved.
        open_flags = {
            object_id: (pk, (due_on, family_id, school_id, child_id))
            for pk, object_id, due_on, family_id, school_id, child_id in Flag.objects.filter(
                kind=kind, content_type=content_type, resolved_at__isnull=True
            ).values_list("pk", "object_id", "due_on", "family_id", "school_id", "child_id")
        }
        # 1. Raise the flags that are wanted and not open.
        raise_ids = wanted.keys() - open_flags.keys()
        new = [
            Flag(
                kind=kind,
                content_type=content_type,
                object_id=object_id,
                due_on=wanted[object_id].due_on,
                family_id=wanted[object_id].family_id,
                school_id=wanted[object_id].school_id,
                child_id=wanted[object_id].child_id,
                raised_by=by,
            )
            for object_id in sorted(raise_ids)
        ]
        if new:
            bulk_create_with_history(new, Flag, batch_size=500, default_user=by)
        # 2. Resolve the open flags whose condition no longer holds.
        gone = [open_flags[object_id][0] for object_id in open_flags.keys() - wanted.keys()]
        resolved = list(Flag.objects.filter(pk__in=gone)) if gone else []
        for flag in resolved:
            flag.resolved_at, flag.resolved_by = now, by
        if resolved:
            bulk_update_with_history(
                resolved, Flag, ["resolved_at", "resolved_by"], batch_size=500, default_user=by
            )
        # 3. Move the due date (and scope) of open flags whose record changed.
        moves = {}
        for object_id in open_flags.keys() & wanted.keys():
            pk, current = open_flags[object_id]
            want = wanted[object_id]
            if current != (want.due_on, want.family_id, want.school_id, want.child_id):
                moves[pk] = want
        changed = list(Flag.objects.filter(pk__in=list(moves))) if moves else []
        for flag in changed:
            want = moves[flag.pk]
            flag.due_on, flag.family_id = want.due_on, want.family_id
            flag.school_id, flag.child_id = want.school_id, want.child_id
        if changed:
            _update_with_history(changed, by=by)
    return {
        "raised": len(new),
        "resolved": len(resolved),
        "updated": len(changed),
        "open": len(wanted),
    }


def flag_raise(*, kind: str, subject: models.Model, wanted: Wanted, by) -> Flag:
    """Raise one flag on `subject` unless one of `kind` is open (a service's
    version of flags_sync for a single record). Returns the open flag."""
    content_type = ContentType.objects.get_for_model(type(subject))
    with transaction.atomic():
        flag = Flag.objects.filter(
            kind=kind, content_type=content_type, object_id=subject.pk, resolved_at__isnull=True
        ).first()
        if flag is None:
            flag = Flag(
                kind=kind,
                content_type=content_type,
                object_id=subject.pk,
                due_on=wanted.due_on,
                family_id=wanted.family_id,
                school_id=wanted.school_id,
                child_id=wanted.child_id,
                raised_by=by,
            )
            flag._history_user = by
            flag.save()
    return flag


def _update_with_history(flags: list[Flag], *, by) -> None:
    bulk_update_with_history(
        flags, Flag, ["due_on", "family", "school", "child"], batch_size=500, default_user=by
    )


def _flags_sync_query(*, kind: str, model, wanted: models.QuerySet, by) -> dict[str, int]:
    """flags_sync in a handful of statements whose cost follows the changes:

    1. resolve: one UPDATE of the open flags with no wanted row (anti-join),
       then one INSERT … SELECT of their history rows (only if any);
    2. move: one SELECT of the open flags whose due date or scope differ from
       their wanted row (usually none), saved with their history;
    3. raise: one INSERT … SELECT of the wanted rows with no open flag
       (anti-join on the partial unique constraint's columns), then one
       INSERT … SELECT of their history rows (only if any);
    4. one COUNT of what is open.

    The wanted query runs once: its rows go into a temporary table (analysed
    on PostgreSQL, so the planner knows their number), which the three steps
    read. Run inline in each step, a wanted query that groups (closure_flags)
    sat inside NOT EXISTS, which PostgreSQL runs once per open flag (875 flags
    × 1.5 s at 10^6), and every step paid for the query again.

    The history rows of steps 1 and 3 are found by the timestamp this call
    wrote (resolved_at / raised_at = now, by `by`): the nightly job holds its
    lock, so no other call writes the same kind at the same microsecond.
    """
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    ops = connection.ops
    q = ops.quote_name
    flag_table, history_table = q(Flag._meta.db_table), q(Flag.history.model._meta.db_table)
    w_sql, w_params = wanted.query.sql_with_params()
    w = {
        name: q(f"{WANTED_PREFIX}{name}") for name in ("object", "due", "family", "school", "child")
    }
    stamp = ops.adapt_datetimefield_value(now)
    history_columns = [
        f.column
        for f in Flag.history.model._meta.concrete_fields
        if not f.column.startswith("history_")
    ]
    copy_history = (
        f"INSERT INTO {history_table} ({', '.join(q(c) for c in history_columns)}, "
        "history_date, history_type, history_user_id, history_change_reason) "
        f"SELECT {', '.join(q(c) for c in history_columns)}, %s, %s, %s, NULL "
        f"FROM {flag_table} WHERE kind = %s AND content_type_id = %s AND "
    )
    ours = [kind, content_type.pk]
    # The f-strings below (nosec B608) interpolate only table and column names
    # from model metadata and the wanted query's own compiled SQL; every value
    # is a query parameter.
    # Qualified with the connection's own temporary schema, so that no DROP
    # here can ever reach a table of the database.
    temp_schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
    wanted_table = f"{temp_schema}.{q('yos_flags_wanted')}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {wanted_table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {wanted_table} AS {w_sql}", w_params)  # nosec B608
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {wanted_table}")
        # 1. Resolve the open flags whose record is no longer wanted.
        cursor.execute(
            f"UPDATE {flag_table} SET resolved_at = %s, resolved_by_id = %s "  # nosec B608
            "WHERE kind = %s AND content_type_id = %s AND resolved_at IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {wanted_table} w WHERE w.{w['object']} = "
            f"{flag_table}.object_id)",
            [stamp, by.pk, *ours],
        )
        resolved = cursor.rowcount
        if resolved:
            cursor.execute(
                copy_history + "resolved_at = %s AND resolved_by_id = %s",
                [stamp, "~", by.pk, *ours, stamp, by.pk],
            )
        # 2. Move the due date (and scope) of open flags whose record changed.
        differs = " OR ".join(
            f"NOT (f.{q(column)} = w.{w[name]} OR (f.{q(column)} IS NULL AND w.{w[name]} IS NULL))"
            for column, name in (
                ("due_on", "due"),
                ("family_id", "family"),
                ("school_id", "school"),
                ("child_id", "child"),
            )
        )
        cursor.execute(
            f"SELECT f.id, w.{w['due']}, w.{w['family']}, w.{w['school']}, w.{w['child']} "  # nosec B608
            f"FROM {flag_table} f JOIN {wanted_table} w ON w.{w['object']} = f.object_id "
            f"WHERE f.kind = %s AND f.content_type_id = %s AND f.resolved_at IS NULL AND ({differs})",
            ours,
        )
        moves = {row[0]: row[1:] for row in cursor.fetchall()}
        changed = list(Flag.objects.filter(pk__in=list(moves))) if moves else []
        due_field = Flag._meta.get_field("due_on")
        for flag in changed:
            due, flag.family_id, flag.school_id, flag.child_id = moves[flag.pk]
            flag.due_on = due_field.to_python(due)
        if changed:
            _update_with_history(changed, by=by)
        # 3. Raise the wanted flags that are not open.
        cursor.execute(
            f"INSERT INTO {flag_table} (kind, content_type_id, object_id, due_on, family_id, "  # nosec B608
            "school_id, child_id, raised_at, raised_by_id) "
            f"SELECT %s, %s, w.{w['object']}, w.{w['due']}, w.{w['family']}, w.{w['school']}, "
            f"w.{w['child']}, %s, %s FROM {wanted_table} w WHERE NOT EXISTS (SELECT 1 FROM "
            f"{flag_table} f WHERE f.kind = %s AND f.content_type_id = %s AND "
            f"f.object_id = w.{w['object']} AND f.resolved_at IS NULL)",
            [*ours, stamp, by.pk, *ours],
        )
        raised = cursor.rowcount
        if raised:
            cursor.execute(
                copy_history + "raised_at = %s AND raised_by_id = %s AND resolved_at IS NULL",
                [stamp, "+", by.pk, *ours, stamp, by.pk],
            )
        cursor.execute(
            f"SELECT COUNT(*) FROM {flag_table} "  # nosec B608
            "WHERE kind = %s AND content_type_id = %s AND resolved_at IS NULL",
            ours,
        )
        open_count = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {wanted_table}")
    return {"raised": raised, "resolved": resolved, "updated": len(changed), "open": open_count}


# --- Reads ---------------------------------------------------------------------


def open_flags(user, *, kinds: Iterable[str] | None = None) -> models.QuerySet:
    """The open flags this user may see, soonest due first, with what the
    panels show (the subject's URL comes from a prefetched generic relation)."""
    qs = access.visible(user, Flag).filter(resolved_at__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.select_related("family", "child", "school").prefetch_related("subject")


def victim_flags(user) -> models.QuerySet:
    """Victims' flags carry no family or school: they are visible exactly
    where the victim is (yos.access: victim workers only)."""
    try:
        from victims.models import Victim
    except ImportError:  # the victims app has no records yet
        return Flag.objects.none()
    return (
        Flag.objects.filter(
            kind=Flag.Kind.VICTIM_CONTACT_OVERDUE,
            resolved_at__isnull=True,
            content_type=ContentType.objects.get_for_model(Victim),
            object_id__in=access.visible(user, Victim).values("pk"),
        )
        .select_related("family", "child", "school")
        .prefetch_related("subject")
    )


def letters_for(user) -> models.QuerySet:
    """The letters this user may see, newest first, with recipient and document."""
    return (
        access.visible(user, Letter)
        .select_related("recipient", "document", "family", "child", "generated_by")
        .order_by("-generated_at", "-id")
    )


def last_job_runs(limit: int = 5) -> list[JobRun]:
    return list(JobRun.objects.all()[:limit])


def flag_url(flag: Flag) -> str:
    """The page of the flagged record ("" while its app has no page for it)."""
    try:
        return flag.get_absolute_url()
    except NoReverseMatch:
        return ""


def _flags_panel(title: str, flags: models.QuerySet, *, empty: str) -> dict:
    listed = list(flags[: PANEL_LIMIT + 1])
    # Counted only when there are more than the panel lists: one query in the
    # usual case, two (never more) when the list is cut.
    total = flags.count() if len(listed) > PANEL_LIMIT else len(listed)
    listed = listed[:PANEL_LIMIT]
    return {
        "template": "yos/flags_panel.html",
        "title": title,
        "rows": [(flag, flag_url(flag)) for flag in listed],
        "total": total,
        "empty": empty,
    }


def home_panels(user) -> list[dict]:
    """Case managers: the open flags of their allocated families. School staff:
    their school's contract flags. Supervisors: open flags by kind across their
    teams, and the last job runs (a failed run shows in red)."""
    if access.has_caseload(user):
        flags = open_flags(user).filter(family__case_manager=user)
        return [_flags_panel("Things to do", flags, empty="Nothing is flagged on your cases.")]
    if access.works_for_school(user):
        flags = open_flags(user, kinds=CONTRACT_KINDS)
        return [
            _flags_panel("Parenting contracts to act on", flags, empty="No contract needs action.")
        ]
    if access.supervises(user):
        by_kind = (
            access.visible(user, Flag)
            .filter(resolved_at__isnull=True)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by("kind")
        )
        labels = dict(Flag.Kind.choices)
        return [
            {
                "template": "yos/flags_summary_panel.html",
                "rows": [(labels.get(r["kind"], r["kind"]), r["n"]) for r in by_kind],
            },
            {"template": "yos/jobs_panel.html", "runs": last_job_runs()},
        ]
    if access.works_with_victims(user):
        return [
            _flags_panel(
                "Victims awaiting first contact",
                victim_flags(user),
                empty="No victim's first contact is overdue.",
            )
        ]
    if access.administers(user):
        return [{"template": "yos/jobs_panel.html", "runs": last_job_runs()}]
    return []


def child_panels(user, child) -> list[dict]:
    flags = open_flags(user).filter(child=child)
    letters = letters_for(user).filter(child=child)
    return _record_panels(flags, letters)


def family_panels(user, family) -> list[dict]:
    flags = open_flags(user).filter(family=family)
    letters = letters_for(user).filter(family=family)
    return _record_panels(flags, letters)


def _record_panels(flags: models.QuerySet, letters: models.QuerySet) -> list[dict]:
    return [
        _flags_panel("Flags", flags, empty="Nothing is flagged."),
        {"template": "yos/flags_letters_panel.html", "letters": list(letters[:PANEL_LIMIT])},
    ]


def flag_counts(user) -> dict[str, int]:
    """Open flags per kind that the user may see (for dashboards)."""
    rows = (
        access.visible(user, Flag)
        .filter(resolved_at__isnull=True)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {r["kind"]: r["n"] for r in rows}


def unsent_letters(user) -> models.QuerySet:
    return letters_for(user).filter(Q(sent_by=Letter.SentBy.NOT_SENT))
