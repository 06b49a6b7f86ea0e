"""Pure rules of the case records: ages, dates and what a case needs.

No ORM here. Each rule returns the plain-English message to show, or None when
the rule holds. The messages are module constants, asserted exactly in tests.
"""

from __future__ import annotations

from datetime import date

from yos.lib.dates import age_on

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

PREVENTION_AGES = range(7, 18)  # 7 to 17 inclusive (seed 003)
ADULTHOOD = 18


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
