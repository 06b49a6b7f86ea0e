"""The rules of parenting contracts, from seed 001 ("A guide to Parenting
Contracts", PIAS) and PRODUCT.md. Pure functions: no ORM, no request.

Each check returns a list of plain-English problems (empty when the rule
holds), so a service can refuse with every reason at once and a page can show
what is still missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from yos.lib.dates import add_calendar_months, long_date

# --- Messages -----------------------------------------------------------------

NO_CONSENT = "Record the parents' consent: a parenting contract cannot be put in place without it"
PARENT_ABSENT = (
    "Record which parents were present: a parenting contract cannot be started "
    "with the parents absent, even if they consent"
)
NO_REQUIREMENTS = "Add at least one requirement the parents will comply with"
NO_SUPPORT_STATEMENT = "Enter the statement of the support the school or local authority will give"
NO_SUPPORT_DETAILS = "Enter the details of the support"
NO_PARENT_STATEMENT = "Enter the parent's statement that they agree to comply for the period"
LENGTH_REASON_NEEDED = (
    "Enter why the contract lasts {length}: contracts usually last between 3 and 12 months"
)
END_BEFORE_START = "The end date must be after the start date"
NO_PARENTS = "Select the parents the contract is with"
PARENT_CHOSEN_TWICE = "Choose each parent or carer once"
SEPARATE_NEEDS_ONE_PARENT = "A separate contract is with one parent only: select one parent"
PRESENT_AND_UNRESPONSIVE = "A parent who was present cannot also be recorded as unresponsive"
UNSIGNED_PARENT = "{name} has not signed"
UNSIGNED_STAFF = "A member of staff has not signed on behalf of the governing body"
UNSIGNED_LA_OFFICER = "A local authority officer has not signed (the local authority is a party)"
PUPIL_CANNOT_SIGN = "The pupil does not sign a parenting contract"
WRONG_STATUS = "This cannot be done while the contract is {status}"
SERVICES_NOT_CONSULTED = (
    "Confirm that the services working with the family were consulted before ending the contract"
)
EXPLANATION_REASONABLE_NO_WARNING = (
    "The explanation was accepted as reasonable, so no warning letter is served"
)

# The usual length, from seed 001: "often between 3 to 12 months in length".
CONSENT_DATE_NEEDED = "Enter the date consent was given"
CONSENT_IN_FUTURE = "Date consent was given must be today or in the past"
CONSENT_AFTER_MEETING = (
    "Date consent was given must be the same as or before the date of the meeting"
)
HELD_IN_FUTURE = "Date of the review must be today or in the past"
HELD_BEFORE_START = (
    "Date of the review must be the same as or after the date the contract started, {start}"
)
NOTICED_IN_FUTURE = "Date it was noticed must be today or in the past"
NOTICED_BEFORE_START = (
    "Date it was noticed must be the same as or after the date the contract started, {start}"
)
USUAL_MIN_MONTHS = 3
USUAL_MAX_MONTHS = 12


class Status:
    """The lifecycle (values match ParentingContract.Status)."""

    DRAFT = "draft"
    AWAITING_SIGNATURES = "awaiting_signatures"
    ACTIVE = "active"
    WARNING_SERVED = "warning_served"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    EXPIRED = "expired"

    OPEN = (DRAFT, AWAITING_SIGNATURES, ACTIVE, WARNING_SERVED)
    IN_FORCE = (ACTIVE, WARNING_SERVED)
    CLOSED = (COMPLETED, TERMINATED, EXPIRED)


# Named transitions: name → (statuses it may start from, status it ends in).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "finalise": ((Status.DRAFT,), Status.AWAITING_SIGNATURES),
    "activate": ((Status.AWAITING_SIGNATURES,), Status.ACTIVE),
    "amend": ((Status.AWAITING_SIGNATURES, Status.ACTIVE), Status.AWAITING_SIGNATURES),
    "serve_warning": ((Status.ACTIVE, Status.WARNING_SERVED), Status.WARNING_SERVED),
    "continue": ((Status.WARNING_SERVED,), Status.ACTIVE),
    "complete": ((Status.ACTIVE, Status.WARNING_SERVED), Status.COMPLETED),
    "terminate": (
        (Status.AWAITING_SIGNATURES, Status.ACTIVE, Status.WARNING_SERVED),
        Status.TERMINATED,
    ),
    "expire": ((Status.AWAITING_SIGNATURES, Status.ACTIVE, Status.WARNING_SERVED), Status.EXPIRED),
}


def transition_target(name: str, current: str) -> str | None:
    """The status a named transition leads to from current, or None if it may
    not start there."""
    sources, target = TRANSITIONS[name]
    return target if current in sources else None


# --- Consent and presence ------------------------------------------------------


def consent_problems(*, consent_given: bool, parents_present: int) -> list[str]:
    """Seed 001: "A parenting contract cannot be put in place if there is no
    parental consent. Additionally, a parenting contract cannot be initiated in
    the absence of the parent(s), even if they consent for that to happen." """
    problems = []
    if not consent_given:
        problems.append(NO_CONSENT)
    if parents_present < 1:
        problems.append(PARENT_ABSENT)
    return problems


def consent_date_problems(
    *, consent_given: bool, consent_on: date | None, initiated_on: date | None, today: date
) -> dict[str, str]:
    """Seed 001: consent comes before the contract is put in place, so it is
    dated, not in the future, and not after the initiation meeting. {field: message}."""
    if not consent_given:
        return {}  # NO_CONSENT says what is wrong
    if consent_on is None:
        return {"consent_on": CONSENT_DATE_NEEDED}
    if consent_on > today:
        return {"consent_on": CONSENT_IN_FUTURE}
    if initiated_on is not None and consent_on > initiated_on:
        return {"consent_on": CONSENT_AFTER_MEETING}
    return {}


def happened_problems(*, field: str, day: date, starts_on: date, today: date) -> dict[str, str]:
    """A review held (field "held_on") or non-compliance noticed ("noticed_on")
    has happened: not in the future, and not before the contract started.
    (A next review date may be ahead: it is not checked here.) {field: message}."""
    future, before = {
        "held_on": (HELD_IN_FUTURE, HELD_BEFORE_START),
        "noticed_on": (NOTICED_IN_FUTURE, NOTICED_BEFORE_START),
    }[field]
    if day > today:
        return {field: future}
    if day < starts_on:
        return {field: before.format(start=long_date(starts_on))}
    return {}


def parent_choice_problems(
    *,
    separate: bool,
    parent_ids: Iterable[int],
    present_ids: Iterable[int] = (),
    unresponsive_ids: Iterable[int] = (),
) -> list[str]:
    """One contract with all parents, or separate contracts per parent (seed 001)."""
    chosen = list(parent_ids)
    parents = set(chosen)
    problems = []
    if len(chosen) != len(parents):
        # Before the database's one_link_per_contract_adult would answer in its words.
        problems.append(PARENT_CHOSEN_TWICE)
    if not parents:
        problems.append(NO_PARENTS)
    elif separate and len(parents) != 1:
        problems.append(SEPARATE_NEEDS_ONE_PARENT)
    if set(present_ids) & set(unresponsive_ids):
        problems.append(PRESENT_AND_UNRESPONSIVE)
    return problems


# --- Length ---------------------------------------------------------------------


def length_is_usual(starts_on: date, ends_on: date) -> bool:
    """Seed 001: contracts "are often between 3 to 12 months in length. They
    can last longer if needed." Whole calendar months, both ends included."""
    return (
        add_calendar_months(starts_on, USUAL_MIN_MONTHS)
        <= ends_on
        <= add_calendar_months(starts_on, USUAL_MAX_MONTHS)
    )


def length_problems(*, starts_on: date | None, ends_on: date | None, reason: str) -> list[str]:
    """A length outside 3–12 months needs a recorded reason."""
    if starts_on is None or ends_on is None:
        return []
    if ends_on <= starts_on:
        return [END_BEFORE_START]
    if not length_is_usual(starts_on, ends_on) and not reason.strip():
        too_short = ends_on < add_calendar_months(starts_on, USUAL_MIN_MONTHS)
        length = "less than 3 months" if too_short else "more than 12 months"
        return [LENGTH_REASON_NEEDED.format(length=length)]
    return []


# --- Finalising -------------------------------------------------------------------


def finalise_problems(
    *,
    consent_given: bool,
    parents_present: int,
    requirement_count: int,
    support_statement: str,
    support_details: str,
    parent_statement: str,
    starts_on: date | None,
    ends_on: date | None,
    length_reason: str,
) -> list[str]:
    """Seed 001: "All parenting contracts must contain: details of the
    requirements …; a statement from school and/or local authority agreeing to
    provide support … and setting out details of the support; a statement by
    the parent that they agree to comply with the requirements for the period
    specified by the contract." """
    problems = consent_problems(consent_given=consent_given, parents_present=parents_present)
    if requirement_count < 1:
        problems.append(NO_REQUIREMENTS)
    if not support_statement.strip():
        problems.append(NO_SUPPORT_STATEMENT)
    if not support_details.strip():
        problems.append(NO_SUPPORT_DETAILS)
    if not parent_statement.strip():
        problems.append(NO_PARENT_STATEMENT)
    problems += length_problems(starts_on=starts_on, ends_on=ends_on, reason=length_reason)
    return problems


# --- Signatures -----------------------------------------------------------------


@dataclass(frozen=True)
class SignatureFact:
    """One signature on the current version: who signed and, for a parent, which."""

    kind: str  # "parent" | "school_staff" | "la_officer" | "pupil"
    adult_id: int | None = None


def missing_signatures(
    *,
    present_parents: dict[int, str],
    la_is_party: bool,
    signatures: Iterable[SignatureFact],
) -> list[str]:
    """Who still has to sign before the contract is in force.

    Seed 001: "All parents present and at least one member of staff should sign
    the contract (on behalf of the governing body) … There is no requirement
    for the pupil to sign the document. There is also no requirement for a
    local authority officer to sign unless it was specifically a contract
    between the parent and local authority." """
    sigs = list(signatures)
    signed_parents = {s.adult_id for s in sigs if s.kind == "parent"}
    missing = [
        UNSIGNED_PARENT.format(name=name)
        for adult_id, name in present_parents.items()
        if adult_id not in signed_parents
    ]
    if not any(s.kind == "school_staff" for s in sigs):
        missing.append(UNSIGNED_STAFF)
    if la_is_party and not any(s.kind == "la_officer" for s in sigs):
        missing.append(UNSIGNED_LA_OFFICER)
    return missing


def signing_overdue(*, finalised_on: date | None, today: date, allowed_days: int) -> bool:
    """Seed 001: "it may be preferred to type it up later and then sign at a
    later stage, however it should be signed as soon as possible." Overdue when
    still unsigned more than allowed_days after it was finalised."""
    if finalised_on is None:
        return False
    return today > finalised_on + timedelta(days=allowed_days)


# --- Non-compliance and ending ------------------------------------------------


def warning_due(*, explanation: str, reasonable: bool) -> bool:
    """Seed 001: "Where no explanation is given, or the lead practitioner is not
    satisfied with the explanation, they should serve the parent with a
    warning." """
    return not explanation.strip() or not reasonable


def termination_problems(*, services_involved: bool, services_consulted: bool) -> list[str]:
    """Seed 001: "The school should inform and seek advice from any multi-agency
    services involved before terminating a parenting contract so that the
    decision to do so is mutually agreed." """
    if services_involved and not services_consulted:
        return [SERVICES_NOT_CONSULTED]
    return []


def review_due(*, next_review_on: date | None, today: date) -> bool:
    return next_review_on is not None and next_review_on <= today
