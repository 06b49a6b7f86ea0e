"""Flags and letters: raised and resolved in bulk by the nightly job, shown on pages.

Writes: ``flags_sync`` makes the open flags of one kind exactly the set the
caller computed (raise the missing, resolve the ones whose condition no longer
holds, move a due date that changed), set-based and with history rows written
in the same transaction by the same user.

Answers (issue 16): a flag also resolves in the request that answers it. Each
kind names, in an Answer its app registers (``extensions.register_flag_answers``),
the query of the records that still want it (the same condition as its nightly
step) and the models whose save may answer it; a post_save receiver
(``connect_answers``, from YosConfig.ready) re-asks that
query for the flags on the saved record and resolves the ones no longer
wanted, in the save's own transaction, by the saving user, with history.

The to-do list: ``flag_assign``, ``flag_snooze`` and ``flag_dismiss``, each
audited; a snoozed or dismissed flag stays open for the nightly job (so it
is never raised twice) and is only hidden from the list.

Reads: the extension hooks of yos/extensions.py (``home_panels``,
``child_panels``, ``family_panels``), each scoped through yos.access and
costing a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Cast
from django.db.models.signals import post_save
from django.urls import NoReverseMatch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from yos import access, extensions
from yos.lib.dates import long_date
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


# --- Answers: a flag resolves in the request that answers it ---------------------


@dataclass(frozen=True)
class Answer:
    """How one kind of flag is answered.

    `model`: the flagged model's label. `wanted(on)`: the records of it that
    still want the flag on the day `on` (the nightly step's own condition);
    `id_field` names their id in that query. `triggers`: answering model label
    → function of the saved instance giving the flagged records' ids (a list or
    a values query) whose flags it may answer."""

    model: str
    wanted: Callable[[date], models.QuerySet]
    triggers: dict[str, Callable]
    id_field: str = "pk"


def itself(instance) -> list[int]:
    """A trigger: the saved record is the flagged one."""
    return [instance.pk]


# Each app registers the Answers of its flag kinds with the nightly step that
# raises them (``extensions.register_flag_answers`` in its AppConfig.ready():
# orders.jobs.ANSWERS, contracts.jobs.ANSWERS, victims.jobs.ANSWERS).
# Not here, and so resolved by the nightly job only: "address needed" (the
# held letter is issued by the nightly letter step once the address is
# recorded, and the flag clears with it) and "past its retention period"
# (nothing in the service answers it: records are reviewed outside it).

ANSWERED_NOTE = "Resolved when the record that answers it was saved"


def flags_answer(*, model: type[models.Model], ids, by, on: date | None = None) -> int:
    """Resolve the open flags on these records of `model` whose condition no
    longer holds on `on` (default today). Set-based: one query for the open
    flags (usually none, and then nothing else), one per kind found for the
    records still wanted, one bulk update with its history rows by `by`.
    Returns how many it resolved."""
    label = model._meta.label
    answers = extensions.flag_answers()
    kinds = [kind for kind, answer in answers.items() if answer.model == label]
    if not kinds:
        return 0
    on = on or timezone.localdate()
    content_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        found = list(
            Flag.objects.select_for_update().filter(
                kind__in=kinds,
                content_type=content_type,
                object_id__in=ids,
                resolved_at__isnull=True,
            )
        )
        if not found:
            return 0
        resolved: list[Flag] = []
        now = timezone.now()
        for kind in {flag.kind for flag in found}:
            answer = answers[kind]
            of_kind = [flag for flag in found if flag.kind == kind]
            still = set(
                answer.wanted(on)
                .filter(**{f"{answer.id_field}__in": [flag.object_id for flag in of_kind]})
                .values_list(answer.id_field, flat=True)
            )
            for flag in of_kind:
                if flag.object_id not in still:
                    flag.resolved_at, flag.resolved_by = now, by
                    resolved.append(flag)
        if resolved:
            bulk_update_with_history(
                resolved,
                Flag,
                ["resolved_at", "resolved_by"],
                batch_size=500,
                default_user=by,
                default_change_reason=ANSWERED_NOTE,
            )
    return len(resolved)


def _saving_user(instance):
    """Who saved the record: the services' ``_history_user`` (every write
    path sets it), else the system user (a data migration, the shell)."""
    user = getattr(instance, "_history_user", None)
    if user is None:
        from yos.lib.audit import system_user

        user = system_user()
    return user


def _on_answering_save(sender, instance, created=False, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    label = sender._meta.label
    answers = extensions.flag_answers().values()
    flagged_models = {a.model for a in answers if label in a.triggers}
    if not flagged_models:  # most saves: nothing they answer
        return
    by = None
    for flagged in flagged_models:
        trigger = next(
            a.triggers[label] for a in answers if a.model == flagged and label in a.triggers
        )
        if created and trigger is itself:
            continue  # a new record has no flags yet
        by = by or _saving_user(instance)
        flags_answer(model=apps.get_model(flagged), ids=trigger(instance), by=by)


def connect_answers() -> None:
    """Connect the receiver (YosConfig.ready). It listens to every save and
    returns at once for a model no registered Answer names: the apps register
    their Answers in their own ready(), which runs after yos's."""
    post_save.connect(_on_answering_save, dispatch_uid="yos.flags.answer")


# --- The to-do list: assign, snooze, dismiss --------------------------------------

FLAG_RESOLVED = "This flag has already been resolved: there is nothing left to do"
FLAG_DISMISSED = "This flag has already been dismissed"
CANNOT_ACT = "You cannot change this flag: it is not on your cases or assigned to you"
ASSIGNEE_CANNOT_SEE = "{name} cannot see this record, so it cannot be assigned to them. Choose someone in the team who can"
ASSIGNEE_ALREADY = "This flag is already assigned to {name}"
ENTER_SNOOZE_REASON = "Enter why you are snoozing this flag"
SNOOZE_NOT_FUTURE = "The date to snooze until must be in the future"
SNOOZE_TOO_FAR = "The date to snooze until must be within {days} days of today"
ENTER_DISMISS_REASON = "Enter why this flag can be dismissed"
STATUTORY_NOT_DISMISSED = (
    "“{kind}” is a statutory deadline, so it cannot be dismissed. "
    "You can assign it to a colleague or snooze it instead"
)
SNOOZE_MAX_DAYS = 365


def _open_for_change(flag: Flag, by) -> Flag:
    """The flag locked afresh; refused if it is closed or not the user's to change."""
    flag = Flag.objects.select_for_update(of=("self",)).select_related("family").get(pk=flag.pk)
    if not access.can_act_on_flag(by, flag):
        raise PermissionDenied(CANNOT_ACT)
    if flag.resolved_at is not None:
        raise ValidationError(FLAG_RESOLVED)
    if flag.dismissed_at is not None:
        raise ValidationError(FLAG_DISMISSED)
    return flag


def _save_flag(flag: Flag, *, by, reason: str) -> None:
    flag._history_user = by
    flag._change_reason = reason[:100]
    flag.save()


@transaction.atomic
def flag_assign(*, flag: Flag, assignee, by) -> Flag:
    """Give the flag to a colleague who may see its record (yos.access
    .flag_assignees); they are told by e-mail where that is switched on."""
    flag = _open_for_change(flag, by)
    if assignee is None or not access.flag_assignees(flag).filter(pk=assignee.pk).exists():
        name = str(assignee) if assignee is not None else "That person"
        raise ValidationError({"assigned_to": ASSIGNEE_CANNOT_SEE.format(name=name)})
    if flag.assigned_to_id == assignee.pk:
        raise ValidationError({"assigned_to": ASSIGNEE_ALREADY.format(name=assignee)})
    flag.assigned_to = assignee
    _save_flag(flag, by=by, reason=f"Assigned to {assignee}")
    if assignee.pk != by.pk:
        from yos.notices import email_if_enabled

        email_if_enabled(
            assignee,
            subject=f"A flag has been assigned to you: {flag.get_kind_display()}",
            body=(
                f"{by} assigned you a flag: {flag.get_kind_display()}, "
                f"due {long_date(flag.due_on)}.\n\n"
                "Sign in to the service to see it on your home page."
            ),
        )
    return flag


@transaction.atomic
def flag_snooze(*, flag: Flag, until: date | None, reason: str, by) -> Flag:
    """Hide the flag from the to-do list until `until` (a future date, within
    a year); it comes back on that day. The nightly job still resolves it if
    its condition ends meanwhile, and never raises it a second time."""
    flag = _open_for_change(flag, by)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if until is None or until <= today:
        errors["snoozed_until"] = SNOOZE_NOT_FUTURE
    elif until > today + timedelta(days=SNOOZE_MAX_DAYS):
        errors["snoozed_until"] = SNOOZE_TOO_FAR.format(days=SNOOZE_MAX_DAYS)
    if not (reason or "").strip():
        errors["snooze_reason"] = ENTER_SNOOZE_REASON
    if errors:
        raise ValidationError(errors)
    flag.snoozed_until, flag.snooze_reason = until, reason.strip()
    _save_flag(flag, by=by, reason=f"Snoozed until {long_date(until)}")
    return flag


@transaction.atomic
def flag_dismiss(*, flag: Flag, reason: str, by) -> Flag:
    """Dismiss a flag that is not a statutory deadline, saying why. It leaves
    the to-do list for good (the nightly job does not raise it again while its
    condition holds); statutory ones are refused."""
    flag = _open_for_change(flag, by)
    if flag.statutory:
        raise ValidationError(STATUTORY_NOT_DISMISSED.format(kind=flag.get_kind_display()))
    if not (reason or "").strip():
        raise ValidationError({"dismiss_reason": ENTER_DISMISS_REASON})
    flag.dismissed_at, flag.dismissed_by = timezone.now(), by
    flag.dismiss_reason = reason.strip()
    _save_flag(flag, by=by, reason="Dismissed")
    return flag


# --- Reads ---------------------------------------------------------------------


def open_flags(user, *, kinds: Iterable[str] | None = None) -> models.QuerySet:
    """The open flags this user may see (dismissed ones aside), soonest due
    first, with what the panels show (the subject comes from a prefetched
    generic relation: one query per kind of record, whatever the number)."""
    qs = access.visible_flags(user).filter(resolved_at__isnull=True, dismissed_at__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.select_related(
        "family", "child", "school", "assigned_to", "content_type"
    ).prefetch_related("subject")


def to_do(flags: models.QuerySet, on: date | None = None) -> models.QuerySet:
    """The flags of a to-do list: snoozed ones are hidden until their date."""
    on = on or timezone.localdate()
    return flags.filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=on))


def victim_flags(user) -> models.QuerySet:
    """Victims' flags carry no family or school: they are visible exactly
    where the victim is (yos.access.visible_flags: victim workers only)."""
    return open_flags(user, kinds=[Flag.Kind.VICTIM_CONTACT_OVERDUE])


def flag_about(flag: Flag) -> str:
    """The flagged record by name, for a practitioner: the victim's name on
    the victims' side (their pages are where it is shown), else the record
    (e.g. "Parenting contract PC-00012") and the child it is about."""
    subject = flag.subject
    if subject is None:
        return "A record that no longer exists"
    if subject._meta.label == "victims.Victim":
        return subject.name
    label = str(subject)
    if flag.child_id is not None:
        return f"{label}, {flag.child}"
    return label


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


def _rows(user, flags: list[Flag]) -> list[tuple[Flag, str]]:
    """(flag, url) rows, each flag carrying what the table shows: ``about``
    (the record by name), ``may_act`` and ``may_dismiss`` (no queries)."""
    rows = []
    for flag in flags:
        flag.about = flag_about(flag)
        flag.may_act = access.can_act_on_flag(user, flag)
        flag.may_dismiss = flag.may_act and not flag.statutory
        rows.append((flag, flag_url(flag)))
    return rows


def _flags_panel(
    title: str, flags: models.QuerySet, *, empty: str, user, template: str = "yos/flags_panel.html"
) -> dict:
    listed = list(flags[: PANEL_LIMIT + 1])
    # Counted only when there are more than the panel lists: one query in the
    # usual case, two (never more) when the list is cut.
    total = flags.count() if len(listed) > PANEL_LIMIT else len(listed)
    listed = listed[:PANEL_LIMIT]
    return {
        "template": template,
        "title": title,
        "rows": _rows(user, listed),
        "total": total,
        "empty": empty,
        "today": timezone.localdate(),
    }


TODO = "yos/todo_panel.html"


def home_panels(user) -> list[dict]:
    """The to-do list ("Things to do"): case managers, the open flags of their
    allocated families and those assigned to them; school staff, their
    school's contract flags; victim workers, the victims' flags, by name;
    supervisors, the flags assigned to them, then open flags by kind across
    their teams and the last job runs (a failed run shows in red). Snoozed
    flags are hidden until their date; dismissed ones are gone."""
    if access.has_caseload(user):
        flags = to_do(open_flags(user)).filter(Q(family__case_manager=user) | Q(assigned_to=user))
        return [
            _flags_panel(
                "Things to do",
                flags,
                empty="Nothing is flagged on your cases.",
                user=user,
                template=TODO,
            )
        ]
    if access.works_for_school(user):
        flags = to_do(open_flags(user, kinds=CONTRACT_KINDS))
        return [
            _flags_panel(
                "Parenting contracts to act on",
                flags,
                empty="No contract needs action.",
                user=user,
                template=TODO,
            )
        ]
    if access.supervises(user):
        by_kind = (
            access.visible_flags(user)
            .filter(resolved_at__isnull=True, dismissed_at__isnull=True)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by("kind")
        )
        labels = dict(Flag.Kind.choices)
        return [
            _flags_panel(
                "Assigned to you",
                to_do(open_flags(user)).filter(assigned_to=user),
                empty="No flag is assigned to you.",
                user=user,
                template=TODO,
            ),
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
                to_do(victim_flags(user)),
                empty="No victim's first contact is overdue.",
                user=user,
                template=TODO,
            )
        ]
    if access.administers(user):
        return [{"template": "yos/jobs_panel.html", "runs": last_job_runs()}]
    return []


def child_panels(user, child) -> list[dict]:
    flags = open_flags(user).filter(child=child)
    letters = letters_for(user).filter(child=child)
    return _record_panels(user, flags, letters)


def family_panels(user, family) -> list[dict]:
    flags = open_flags(user).filter(family=family)
    letters = letters_for(user).filter(family=family)
    return _record_panels(user, flags, letters)


def _record_panels(user, flags: models.QuerySet, letters: models.QuerySet) -> list[dict]:
    return [
        _flags_panel("Flags", flags, empty="Nothing is flagged.", user=user),
        {"template": "yos/flags_letters_panel.html", "letters": list(letters[:PANEL_LIMIT])},
    ]
