"""Pure rules of the case records: ages, dates and what a case needs.

No ORM here. Each rule returns the plain-English message to show, or None when
the rule holds. The messages are module constants, asserted exactly in tests.
"""

from __future__ import annotations

from datetime import date

from yos.lib.dates import age_on, long_date  # noqa: F401 - cases.rules.long_date

# Messages (GOV.UK style: specific, plain English, no "This field is required.").
DOB_IN_FUTURE = "Date of birth must be in the past"
OFFENCE_DATE_REQUIRED = "Enter the date of the offence"
OFFENCE_DATE_IN_FUTURE = "Date of the offence must be today or in the past"
OFFENCE_BEFORE_BIRTH = "Date of the offence must be after the child's date of birth"
STATUTORY_NOT_UNDER_18 = (
    "The child must have been under 18 on the date of the offence for this kind of case"
)
PREVENTION_AGE_WARNING = (
    "Prevention work is usually with children aged 7 to 17. This child is {age}."
)
PREVENTION_AGE_NOT_CONFIRMED = (
    "Confirm that you want to open prevention work for a child outside ages 7 to 17"
)
OPENED_BEFORE_REFERRED = "Date opened must be the same as or after the date referred"
CLOSED_BEFORE_OPENED = "Date closed must be the same as or after the date opened"
CLOSED_BEFORE_REFERRED = "Date closed must be the same as or after the date referred"
CLOSURE_REASON_REQUIRED = "Enter the reason for closing the case"
CASE_ALREADY_CLOSED = "This case is already closed"
CLOSED_IN_FUTURE = "Date closed must be today or in the past"
RESPONSIBLE_AUTHORITY_REQUIRED = (
    "Enter the responsible authority for a looked-after child or care leaver"
)
EXCUSED_ABSENCE_NEEDS_REASON = "Enter the reason for the excused absence"
ATTENDANCE_BEFORE_SESSION = (
    "You can only record attendance once the session has started: leave it as planned"
)

UNDER_AGE_OF_RESPONSIBILITY = (
    "A child under 10 cannot be guilty of an offence, so this kind of case cannot be "
    "opened: the child was {age} on {on}. Choose prevention work instead"
)
CARE_LEAVER_UNDER_16 = (
    "A care leaver must be aged 16 or over: this child is {age}. If the child is in "
    "the care of a local authority now, choose looked-after child"
)
CARE_LEAVER_UNDER_16_NOTICE = (
    "Recorded as a care leaver but aged {age}: a care leaver is aged 16 or over. "
    "Check the looked-after status"
)
MONITORING_ONLY_ON_COURT_ORDERS = (
    "Surveillance or monitoring can only be recorded on a court order case "
    "(referral order, youth rehabilitation order or detention and training order)"
)
CLOSURE_ALREADY_REQUESTED = (
    "Closure of this case has already been asked for: a supervisor will decide"
)
REFUSAL_REASON_REQUIRED = "Enter the reason for refusing to close the case"
DECISION_REQUIRED = "Select whether to approve or refuse the closure"
CLOSED_NEEDS_DATE_AND_REASON = "A closed case needs the date closed and the reason for closing"
DECISION_NEEDS_WHO_AND_WHEN = "A closure decision records who made it and when"
ADULT_ALREADY_LINKED = (
    "This adult's relationship to this child is already recorded: change it instead"
)
CLOSURE_NOT_YOURS = "Only the case manager of this family can ask to close the case"
CLOSURE_DECIDER_ONLY = "Only a supervisor of this family's team can decide on closing the case"
REQUEST_ALREADY_DECIDED = "This closure request has already been decided"

PREVENTION_AGES = range(7, 18)  # 7 to 17 inclusive (seed 003)
ADULTHOOD = 18
AGE_OF_CRIMINAL_RESPONSIBILITY = 10  # Children and Young Persons Act 1933 s.50
CARE_LEAVER_MIN_AGE = 16  # Children Act 1989 s.23A, Sch. 2 para. 19B (Leaving Care Act 2000)


def date_of_birth_problem(date_of_birth: date, today: date) -> str | None:
    """A child's date of birth must be in the past (today counts as the future:
    nobody is referred on the day they are born)."""
    if date_of_birth >= today:
        return DOB_IN_FUTURE
    return None


def statutory_age_problem(
    *, kind: str, statutory_kinds: set[str], date_of_birth: date, offence_date: date | None
) -> tuple[str, str] | None:
    """(field, message) when a statutory case breaks the age rule, else None.

    Seed 003: the service works with "children and young people aged under 18",
    so a case that follows an offence needs the child under 18 at its date.
    """
    if kind not in statutory_kinds:
        return None
    if offence_date is None:
        return ("offence_date", OFFENCE_DATE_REQUIRED)
    if offence_date < date_of_birth:
        return ("offence_date", OFFENCE_BEFORE_BIRTH)
    if age_on(date_of_birth, offence_date) >= ADULTHOOD:
        return ("offence_date", STATUTORY_NOT_UNDER_18)
    return None


def criminal_responsibility_problem(
    *,
    kind: str,
    offence_kinds: set[str],
    date_of_birth: date,
    offence_date: date | None,
    referred_on: date | None,
) -> str | None:
    """The refusal when a case that follows an offence is for a child under 10.

    Children and Young Persons Act 1933 s.50: "It shall be conclusively
    presumed that no child under the age of ten years can be guilty of any
    offence." The age is taken on the offence date; where none is recorded,
    on the date referred (the latest the offence can have been). Prevention
    and parenting work are not in offence_kinds and stay allowed.
    """
    if kind not in offence_kinds:
        return None
    on = offence_date or referred_on
    if on is None or on < date_of_birth:
        return None
    age = age_on(date_of_birth, on)
    if age >= AGE_OF_CRIMINAL_RESPONSIBILITY:
        return None
    return UNDER_AGE_OF_RESPONSIBILITY.format(age=age, on=long_date(on))


def care_leaver_age_problem(
    *, care_status: str, care_leaver_value: str, date_of_birth: date | None, today: date
) -> str | None:
    """Care-leaver status is for young people aged 16 or over (Children (Leaving
    Care) Act 2000: a "relevant child" ... "is aged sixteen or seventeen")."""
    if care_status != care_leaver_value or date_of_birth is None or date_of_birth >= today:
        return None
    age = age_on(date_of_birth, today)
    if age >= CARE_LEAVER_MIN_AGE:
        return None
    return CARE_LEAVER_UNDER_16.format(age=age)


def monitoring_problem(
    *, session_kind: str, monitoring_value: str, case_kind: str, court_order_kinds: set[str]
) -> str | None:
    """Seed 003: "surveillance monitoring (statutory orders only)"."""
    if session_kind == monitoring_value and case_kind not in court_order_kinds:
        return MONITORING_ONLY_ON_COURT_ORDERS
    return None


def offence_date_problem(offence_date: date | None, today: date) -> str | None:
    if offence_date is not None and offence_date > today:
        return OFFENCE_DATE_IN_FUTURE
    return None


def prevention_age_warning(
    *, kind: str, prevention_kind: str, date_of_birth: date, on: date
) -> str | None:
    """The warning (not an error) for prevention work outside ages 7 to 17.

    Seed 003: "There is no minimum age though most referrals involve families
    with children aged above 7 years through to and including 17 years."
    """
    if kind != prevention_kind:
        return None
    age = age_on(date_of_birth, on)
    if age in PREVENTION_AGES:
        return None
    return PREVENTION_AGE_WARNING.format(age=age)


def case_dates_problems(
    *, referred_on: date | None, opened_on: date | None, closed_on: date | None
) -> dict[str, str]:
    """End dates after start dates: referred ≤ opened ≤ closed. {field: message}."""
    problems: dict[str, str] = {}
    if referred_on and opened_on and opened_on < referred_on:
        problems["opened_on"] = OPENED_BEFORE_REFERRED
    if closed_on and opened_on and closed_on < opened_on:
        problems["closed_on"] = CLOSED_BEFORE_OPENED
    elif closed_on and referred_on and closed_on < referred_on:
        problems["closed_on"] = CLOSED_BEFORE_REFERRED
    return problems


def closure_reason_problem(reason: str) -> str | None:
    if not (reason or "").strip():
        return CLOSURE_REASON_REQUIRED
    return None


def care_status_problem(*, care_status: str, none_value: str, authority: str) -> str | None:
    """A looked-after child or care leaver has a responsible authority (seed 002)."""
    if care_status != none_value and not (authority or "").strip():
        return RESPONSIBLE_AUTHORITY_REQUIRED
    return None


def attendance_problems(
    *,
    attendance: str,
    planned_value: str,
    excused_value: str,
    absence_reason: str,
    started: bool,
) -> dict[str, str]:
    """Attendance is recorded only once a session has started; an excused absence
    has a reason. {field: message}."""
    problems: dict[str, str] = {}
    if attendance != planned_value and not started:
        problems["attendance"] = ATTENDANCE_BEFORE_SESSION
    if attendance == excused_value and not (absence_reason or "").strip():
        problems["absence_reason"] = EXCUSED_ABSENCE_NEEDS_REASON
    return problems
