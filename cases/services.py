"""Writes to the case records. Each service is atomic, validates with the
rules of cases.rules and full_clean(), and records who did it in the history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases import rules
from cases.models import (
    Adult,
    AdultChild,
    Attendance,
    CareStatus,
    Case,
    CaseClosureRequest,
    CaseKind,
    CaseStatus,
    Child,
    ChildView,
    ClosureRequestStatus,
    Family,
    Session,
    SessionKind,
)
from yos import access
from yos.extensions import collect
from yos.lib.versioning import save_if_current
from yos.models import User
from yos.notices import notify_decision

NOT_ALLOCATABLE = "Choose a case manager who works in this family's team"
ONLY_SUPERVISORS_ALLOCATE = "Only a supervisor can allocate a family"


class PossibleDuplicate(Exception):
    """A child with the same name and date of birth is already recorded."""

    def __init__(self, existing: list[Child]):
        super().__init__("Possible duplicate child")
        self.existing = existing


def _save(instance, *, by: User) -> None:
    instance.full_clean()
    instance._history_user = by
    instance.save()


def _update(instance, changes: dict[str, Any], loaded_version: int | None, *, by: User):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    return save_if_current(instance, loaded_version, by=by)


# --- Families -------------------------------------------------------------------


@transaction.atomic
def family_create(*, name: str, team, by: User, case_manager: User | None = None, **fields):
    """A new family in team, allocated to case_manager (usually its creator)."""
    family = Family(name=name, team=team, case_manager=case_manager, **fields)
    _save(family, by=by)
    return family


@transaction.atomic
def family_update(*, family: Family, changes: dict, loaded_version: int | None, by: User):
    return _update(family, changes, loaded_version, by=by)


def allocation_candidates(*, family: Family, by: User):
    """Case managers by may allocate family to: its team's, or anyone's for a
    service-wide supervisor."""
    if access.sees_whole_service(by):
        return access.allocatable_case_managers(by)
    return access.allocatable_case_managers(by, [family.team_id])


@transaction.atomic
def family_allocate(*, family: Family, case_manager: User, by: User) -> Family:
    """Allocate (or move) family to case_manager. A service-wide supervisor may
    move it to another team's case manager: the family then moves to that team,
    so the new case manager can read what they are to change."""
    if not access.can_allocate(by):
        raise PermissionDenied(ONLY_SUPERVISORS_ALLOCATE)
    if not allocation_candidates(family=family, by=by).filter(pk=case_manager.pk).exists():
        raise ValidationError({"case_manager": NOT_ALLOCATABLE})
    family = Family.objects.select_for_update().get(pk=family.pk)
    family.case_manager = case_manager
    their_teams = list(case_manager.teams.values_list("id", flat=True))
    if family.team_id not in their_teams:
        family.team_id = their_teams[0]
    family.version += 1
    _save(family, by=by)
    return family


# --- Children -------------------------------------------------------------------


def possible_duplicates(*, first_name: str, last_name: str, date_of_birth: date, by: User):
    """Children by can see with the same name (any case) and date of birth."""
    return list(
        access.visible(by, Child)
        .filter(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )
        .select_related("family")
    )


def _child_rules(child: Child) -> None:
    errors = {}
    if problem := rules.date_of_birth_problem(child.date_of_birth, timezone.localdate()):
        errors["date_of_birth"] = problem
    if problem := rules.care_status_problem(
        care_status=child.care_status,
        none_value=CareStatus.NONE,
        authority=child.responsible_authority,
    ):
        errors["responsible_authority"] = problem
    if problem := rules.care_leaver_age_problem(
        care_status=child.care_status,
        care_leaver_value=CareStatus.CARE_LEAVER,
        date_of_birth=child.date_of_birth,
        today=timezone.localdate(),
    ):
        errors["care_status"] = problem
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def child_create(
    *, family: Family, by: User, confirm_not_duplicate: bool = False, **fields
) -> Child:
    """A new child in family. Raises PossibleDuplicate (with the existing
    records) when one with the same name and date of birth is visible to by,
    unless by confirmed that this is a different child."""
    child = Child(family=family, **fields)
    _child_rules(child)
    if not confirm_not_duplicate:
        existing = possible_duplicates(
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            by=by,
        )
        if existing:
            raise PossibleDuplicate(existing)
    _save(child, by=by)
    return child


@transaction.atomic
def child_update(*, child: Child, changes: dict, loaded_version: int | None, by: User) -> Child:
    for name, value in changes.items():
        setattr(child, name, value)
    _child_rules(child)
    return _update(child, {}, loaded_version, by=by)


@transaction.atomic
def child_view_record(*, child: Child, recorded_on: date, text: str, by: User) -> ChildView:
    """The child's views, wishes and feelings in their words, on a date."""
    view = ChildView(child=child, recorded_on=recorded_on, text=text, recorded_by=by)
    _save(view, by=by)
    return view


# --- Adults ---------------------------------------------------------------------


@transaction.atomic
def adult_create(*, family: Family, by: User, links: list[dict] = (), **fields) -> Adult:
    """A parent or carer in family, linked to children of the same family
    (each link: child, relationship, parental_responsibility, resident)."""
    adult = Adult(family=family, **fields)
    _save(adult, by=by)
    for link in links:
        adult_link_child(adult=adult, by=by, **link)
    return adult


@transaction.atomic
def adult_update(*, adult: Adult, changes: dict, loaded_version: int | None, by: User) -> Adult:
    return _update(adult, changes, loaded_version, by=by)


ADULT_CHILD_OTHER_FAMILY = "Choose a child in this family"


@transaction.atomic
def adult_link_child(
    *,
    adult: Adult,
    child: Child,
    relationship: str,
    parental_responsibility: bool,
    resident: bool,
    by: User,
) -> AdultChild:
    """Create or update how adult is related to child (one link per pair)."""
    if child.family_id != adult.family_id:
        raise ValidationError({"child": ADULT_CHILD_OTHER_FAMILY})
    link = AdultChild.objects.filter(adult=adult, child=child).first() or AdultChild(
        adult=adult, child=child
    )
    link.relationship = relationship
    link.parental_responsibility = parental_responsibility
    link.resident = resident
    if link.pk:
        link.version += 1
    _save(link, by=by)
    return link


# --- Cases ----------------------------------------------------------------------


def case_age_warning(*, child: Child, kind: str, on: date) -> str | None:
    """The prevention-age warning for opening this case, or None."""
    return rules.prevention_age_warning(
        kind=kind, prevention_kind=CaseKind.PREVENTION, date_of_birth=child.date_of_birth, on=on
    )


def _case_rules(case: Case) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if problem := rules.offence_date_problem(case.offence_date, today):
        errors["offence_date"] = problem
    elif problem := rules.statutory_age_problem(
        kind=case.kind,
        statutory_kinds=CaseKind.statutory(),
        date_of_birth=case.child.date_of_birth,
        offence_date=case.offence_date,
    ):
        errors[problem[0]] = problem[1]
    if problem := rules.criminal_responsibility_problem(
        kind=case.kind,
        offence_kinds=CaseKind.statutory(),
        date_of_birth=case.child.date_of_birth,
        offence_date=case.offence_date,
        referred_on=case.referred_on,
    ):
        errors["kind"] = problem
    errors.update(
        rules.case_dates_problems(
            referred_on=case.referred_on, opened_on=case.opened_on, closed_on=case.closed_on
        )
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_open(
    *,
    child: Child,
    kind: str,
    referred_on: date,
    by: User,
    opened_on: date | None = None,
    confirm_age: bool = False,
    **fields,
) -> Case:
    """A new case for child: referred, or open when opened_on is given.

    Prevention work outside ages 7 to 17 is allowed only once confirmed."""
    case = Case(
        child=child,
        kind=kind,
        referred_on=referred_on,
        opened_on=opened_on,
        status=CaseStatus.OPEN if opened_on else CaseStatus.REFERRED,
        **fields,
    )
    _case_rules(case)
    warning = case_age_warning(child=child, kind=kind, on=opened_on or referred_on)
    if warning and not confirm_age:
        raise ValidationError({"confirm_age": rules.PREVENTION_AGE_NOT_CONFIRMED})
    _save(case, by=by)
    return case


@transaction.atomic
def case_update(*, case: Case, changes: dict, loaded_version: int | None, by: User) -> Case:
    """Change a case's details; setting the date opened opens a referred case."""
    for name, value in changes.items():
        setattr(case, name, value)
    if case.status == CaseStatus.REFERRED and case.opened_on:
        case.status = CaseStatus.OPEN
    _case_rules(case)
    return _update(case, {}, loaded_version, by=by)


def case_closure_blockers(case: Case, on: date) -> list[str]:
    """Why case cannot be closed on the day `on`, from every app (e.g. a
    parenting-order requirement still running that day). A closure is judged
    on its own date, also when it is recorded later."""
    return collect("case_closure_blockers", case, on)


def _closure_problems(case: Case, closed_on: date | None, closure_reason: str) -> dict:
    """{field: [messages]} why case cannot be closed on closed_on with this
    reason: the reason, the dates, and every app's blockers on that date."""
    errors: dict[str, list[str]] = {}
    if problem := rules.closure_reason_problem(closure_reason):
        errors["closure_reason"] = [problem]
    if closed_on is None:
        return errors
    dates = rules.case_dates_problems(
        referred_on=case.referred_on, opened_on=case.opened_on, closed_on=closed_on
    )
    if "closed_on" in dates:
        errors["closed_on"] = [dates["closed_on"]]
    elif closed_on > timezone.localdate():
        # Judged on its own date: a future date would close the case today.
        errors["closed_on"] = [rules.CLOSED_IN_FUTURE]
    if blockers := case_closure_blockers(case, closed_on):
        errors["__all__"] = blockers
    return errors


@transaction.atomic
def case_close(
    *,
    case: Case,
    closed_on: date,
    closure_reason: str,
    by: User,
    outcome: str = "",
    loaded_version: int | None = None,
) -> Case:
    """Close case with a reason, unless another app says it must stay open.

    The closure step itself: from the app it runs when a supervisor approves a
    case manager's request (case_closure_approve); nobody closes a case from a
    page directly (docs/domain-cases.md)."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(rules.CASE_ALREADY_CLOSED)
    if errors := _closure_problems(case, closed_on, closure_reason):
        raise ValidationError(errors)
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on
    case.closure_reason = closure_reason.strip()
    case.outcome = outcome
    case.full_clean()
    return save_if_current(case, loaded_version, by=by)


# --- Closure requests (PRODUCT.md: supervisors approve case closure) -------------


def pending_closure_request(case: Case) -> CaseClosureRequest | None:
    return case.closure_requests.filter(status=ClosureRequestStatus.PENDING).first()


@transaction.atomic
def case_closure_request(
    *, case: Case, closed_on: date, closure_reason: str, by: User, outcome: str = ""
) -> CaseClosureRequest:
    """The case manager asks to close case on closed_on for closure_reason.
    Refused when it could not be closed so (the same checks as the closure
    itself, on that date), or while another request waits for a decision."""
    if not access.can_request_case_closure(by, case):
        raise PermissionDenied(rules.CLOSURE_NOT_YOURS)
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(rules.CASE_ALREADY_CLOSED)
    if pending_closure_request(case):
        raise ValidationError(rules.CLOSURE_ALREADY_REQUESTED)
    if errors := _closure_problems(case, closed_on, closure_reason):
        raise ValidationError(errors)
    request = CaseClosureRequest(
        case=case,
        closed_on=closed_on,
        closure_reason=closure_reason.strip(),
        outcome=outcome.strip(),
        requested_by=by,
        requested_at=timezone.now(),
    )
    _save(request, by=by)
    return request


def _lock_pending(request: CaseClosureRequest, by: User) -> CaseClosureRequest:
    if not access.can_decide_case_closure(by, request.case):
        raise PermissionDenied(rules.CLOSURE_DECIDER_ONLY)
    request = CaseClosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ClosureRequestStatus.PENDING:
        raise ValidationError(rules.REQUEST_ALREADY_DECIDED)
    return request


@transaction.atomic
def case_closure_approve(*, request: CaseClosureRequest, by: User) -> CaseClosureRequest:
    """A supervisor approves: the case closes on the proposed date with the
    proposed reason, through case_close (its blockers judged on that date, so
    a requirement added since the request still keeps the case open)."""
    request = _lock_pending(request, by)
    case = Case.objects.select_for_update().select_related("child").get(pk=request.case_id)
    case_close(
        case=case,
        closed_on=request.closed_on,
        closure_reason=request.closure_reason,
        outcome=request.outcome,
        by=by,
    )
    request.status = ClosureRequestStatus.APPROVED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.version += 1
    _save(request, by=by)
    _tell_requester(request, by=by)
    return request


def _tell_requester(request: CaseClosureRequest, *, by: User) -> None:
    """The case manager who asked sees the decision on their home page."""
    case = request.case
    if request.status == ClosureRequestStatus.APPROVED:
        message = f"{by} approved your request to close {case.child}'s {case}"
    else:
        message = (
            f"{by} refused your request to close {case.child}'s {case}: {request.refusal_reason}"
        )
    notify_decision(recipient=request.requested_by, subject=case, message=message, by=by)


@transaction.atomic
def case_closure_refuse(
    *, request: CaseClosureRequest, refusal_reason: str, by: User
) -> CaseClosureRequest:
    """A supervisor refuses, with a reason the case manager reads on the case page."""
    request = _lock_pending(request, by)
    if not (refusal_reason or "").strip():
        raise ValidationError({"refusal_reason": rules.REFUSAL_REASON_REQUIRED})
    request.status = ClosureRequestStatus.REFUSED
    request.refusal_reason = refusal_reason.strip()
    request.decided_by = by
    request.decided_at = timezone.now()
    request.version += 1
    _save(request, by=by)
    _tell_requester(request, by=by)
    return request


# --- Sessions -------------------------------------------------------------------


CASE_CLOSED_NO_SESSION = "This case is closed: you cannot record a session on it"
CASE_CLOSED_SESSION_CHANGE = "This case is closed: you cannot change its sessions"


def _monitoring_problem(session_kind: str, case_kind: str) -> str | None:
    return rules.monitoring_problem(
        session_kind=session_kind,
        monitoring_value=SessionKind.MONITORING,
        case_kind=case_kind,
        court_order_kinds=CaseKind.court_orders(),
    )


def _session_rules(session: Session) -> None:
    problems = rules.attendance_problems(
        attendance=session.attendance,
        planned_value=Attendance.PLANNED,
        excused_value=Attendance.EXCUSED,
        absence_reason=session.absence_reason,
        started=session.starts_at <= timezone.now(),
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def session_record(
    *,
    case: Case,
    kind: str,
    starts_at: datetime,
    by: User,
    attendance: str = Attendance.PLANNED,
    absence_reason: str = "",
    notes: str = "",
) -> Session:
    """A planned session, or one already held with its attendance."""
    current = Case.objects.filter(pk=case.pk).values("status", "kind").get()
    if current["status"] == CaseStatus.CLOSED:
        raise ValidationError(CASE_CLOSED_NO_SESSION)
    if problem := _monitoring_problem(kind, current["kind"]):
        raise ValidationError({"kind": problem})
    session = Session(
        case=case,
        kind=kind,
        starts_at=starts_at,
        attendance=attendance,
        absence_reason=absence_reason if attendance == Attendance.EXCUSED else "",
        notes=notes,
        recorded_by=by if attendance != Attendance.PLANNED else None,
    )
    _session_rules(session)
    _save(session, by=by)
    return session


@transaction.atomic
def session_update(
    *, session: Session, changes: dict, loaded_version: int | None, by: User
) -> Session:
    """Change a session, e.g. record the attendance of a planned one."""
    current = Case.objects.filter(pk=session.case_id).values("status", "kind").get()
    if current["status"] == CaseStatus.CLOSED:
        raise ValidationError(CASE_CLOSED_SESSION_CHANGE)
    # A session already recorded as monitoring keeps its kind (docs/domain-cases.md);
    # only making one a monitoring session is refused off a court order.
    if changes.get("kind", session.kind) != session.kind:
        if problem := _monitoring_problem(changes["kind"], current["kind"]):
            raise ValidationError({"kind": problem})
    for name, value in changes.items():
        setattr(session, name, value)
    if session.attendance != Attendance.EXCUSED:
        session.absence_reason = ""
    if session.attendance != Attendance.PLANNED:
        session.recorded_by = by
    _session_rules(session)
    return _update(session, {}, loaded_version, by=by)
