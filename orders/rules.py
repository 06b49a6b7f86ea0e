"""The parenting-order clock: pure rules, no ORM, named after the law's words.

Source: seed 000 (a council page on voluntary parenting support and parenting
orders) and PRODUCT.md "Parenting orders". Every end date here is the last day
on which the period still runs (inclusive): counselling made on 15 January is
enforceable on 15 April and voluntary from 16 April.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from yos.lib.dates import add_calendar_months, long_date  # noqa: F401 - rules.long_date is used across orders

COUNSELLING_MONTHS = 3  # "The maximum length ... is 3 months ... from the date the order is given"
REQUIREMENT_MONTHS = 12  # "a requirement of up to 12 months from the date the order is imposed"

REQUIREMENT_TOO_LONG = "A requirement cannot end after {latest}, 12 months after the order was made"
REQUIREMENT_BEFORE_ORDER = "A requirement cannot end before the order was made on {made_on}"
COUNSELLING_NOW_VOLUNTARY = (
    "Counselling ended on {ends_on}: attendance is now voluntary, so a missed session "
    "cannot be recorded as a failure to comply"
)
NO_COUNSELLING_TO_ENFORCE = (
    "This order was made without a counselling or guidance programme: there is no "
    "counselling to enforce, so a missed session cannot be recorded as a failure to comply"
)


class _Order(Protocol):
    programme_omitted: bool


def has_counselling_to_enforce(order: _Order) -> bool:
    """Whether the order includes a counselling or guidance programme at all.

    Sentencing Act 2020 s.366(5) (formerly Crime and Disorder Act 1998 s.8(5)):
    the programme need not be included where the parent has had a parenting
    order before. Such an order has no counselling period: no session can be
    enforced, no counselling flag or "now voluntary" notice is due, and only
    its requirements keep the case open. The query equivalent is
    ParentingOrderQuerySet.with_counselling_to_enforce (COUNSELLING_TO_ENFORCE).
    """
    return not order.programme_omitted


def counselling_ends_on(made_on: date) -> date:
    """The last day on which attendance at counselling or guidance sessions can
    be enforced: made_on plus 3 calendar months (the later month's last day
    when it has no corresponding day)."""
    return add_calendar_months(made_on, COUNSELLING_MONTHS)


def latest_requirement_end(made_on: date) -> date:
    """The latest day a requirement imposed by the court may end: made_on plus
    12 calendar months."""
    return add_calendar_months(made_on, REQUIREMENT_MONTHS)


def requirement_end_error(made_on: date, ends_on: date) -> str | None:
    """The plain-English reason a requirement ending on ends_on is refused, or None."""
    if ends_on > latest_requirement_end(made_on):
        return REQUIREMENT_TOO_LONG.format(latest=long_date(latest_requirement_end(made_on)))
    if ends_on < made_on:
        return REQUIREMENT_BEFORE_ORDER.format(made_on=long_date(made_on))
    return None


def counselling_is_enforceable(made_on: date, on: date) -> bool:
    """Whether attendance at counselling can be enforced on the day `on`."""
    return made_on <= on <= counselling_ends_on(made_on)


def requirement_is_running(ends_on: date, on: date) -> bool:
    """A requirement runs up to and including its end date."""
    return on <= ends_on


def case_open_until(
    made_on: date, requirement_ends: Iterable[date], *, counselling: bool = True
) -> date:
    """The day until which the parenting-order case stays open: the later of the
    end of counselling (when there is counselling to enforce) and the end of the
    last requirement; made_on itself for an order with neither. After it, the
    case is due for closure ("remains open until such time as all additional
    requirements have expired")."""
    ends = [*requirement_ends]
    if counselling:
        ends.append(counselling_ends_on(made_on))
    return max(ends, default=made_on)


def is_due_for_closure(
    made_on: date, requirement_ends: Iterable[date], on: date, *, counselling: bool = True
) -> bool:
    """True once nothing on the order runs on the day `on`: counselling (if
    any) and every requirement have ended. An order with neither (the court
    omitted the programme and imposed no requirement) has nothing to run and
    is due from the day it is made, as the pages, lists and nightly closure
    flags have always shown it (orders/tests/test_rule_agreement.py)."""
    ends = [*requirement_ends]
    if counselling:
        ends.append(counselling_ends_on(made_on))
    return not any(requirement_is_running(end, on) for end in ends)


def failure_to_attend_counselling_error(
    made_on: date, missed_on: date, *, counselling: bool = True
) -> str | None:
    """Why a missed counselling session on missed_on cannot be a failure to
    comply (no programme was ordered, or counselling has become voluntary),
    or None when it can."""
    if not counselling:
        return NO_COUNSELLING_TO_ENFORCE
    if missed_on > counselling_ends_on(made_on):
        return COUNSELLING_NOW_VOLUNTARY.format(ends_on=long_date(counselling_ends_on(made_on)))
    return None


# --- Conditions (seed 000) -------------------------------------------------------

CONDITION_STARTS_BEFORE_ORDER = "A condition cannot start before the order was made on {made_on}"
CONDITION_ENDS_TOO_LATE = (
    "A condition cannot end after {latest}, 12 months after the order was made"
)
CONDITION_ENDS_BEFORE_START = "A condition cannot end before it starts"


def condition_date_errors(made_on: date, starts_on: date | None, ends_on: date | None) -> dict:
    """Field → why a condition's dates fall outside the order (empty when they
    do not). An order lasts at most 12 months from made_on (its requirements'
    limit, CDA 1998 s.8(4)(a)): a condition runs within that."""
    errors = {}
    if starts_on and starts_on < made_on:
        errors["starts_on"] = CONDITION_STARTS_BEFORE_ORDER.format(made_on=long_date(made_on))
    if ends_on and ends_on > latest_requirement_end(made_on):
        errors["ends_on"] = CONDITION_ENDS_TOO_LATE.format(
            latest=long_date(latest_requirement_end(made_on))
        )
    elif starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = CONDITION_ENDS_BEFORE_START
    return errors


# --- Failures to comply: asking the parent for an explanation --------------------

# Local practice (the seed sets no period): a parent asked for a reason has
# 7 days to reply before the warning letter is due.
EXPLANATION_REPLY_DAYS = 7
NOT_ASKED, ASKED, NOT_REACHED, GIVEN = "not_asked", "asked", "not_reached", "given"
NOT_ACCEPTED = "not_accepted"

EXPLANATION_DATE_NEEDED = {
    ASKED: "Enter the date you asked the parent for a reason",
    NOT_REACHED: "Enter the date you tried to contact the parent",
    GIVEN: "Enter the date the parent gave their explanation",
}
EXPLANATION_DATE_BEFORE_FAILURE = "The date cannot be before the failure to comply on {day}"
EXPLANATION_TEXT_NEEDED = "Enter what the parent told you"
EXCUSE_DECISION_NEEDED = "Select whether the explanation was accepted as a reasonable excuse"
EXCUSE_NEEDS_EXPLANATION = (
    "A reasonable excuse can only be decided once the parent has given an explanation"
)


class _Failure(Protocol):
    explanation_status: str
    explanation_on: date | None
    explanation: str
    excuse: str


def explanation_errors(
    *, status: str, on: date | None, occurred_on: date | None, explanation: str, excuse: str
) -> dict:
    """Field → message for an explanation step that does not hang together."""
    errors = {}
    if status != NOT_ASKED and on is None:
        errors["explanation_on"] = EXPLANATION_DATE_NEEDED[status]
    if on is not None and occurred_on is not None and on < occurred_on:
        errors["explanation_on"] = EXPLANATION_DATE_BEFORE_FAILURE.format(
            day=long_date(occurred_on)
        )
    if status == GIVEN and not excuse:
        errors["excuse"] = EXCUSE_DECISION_NEEDED
    if status != GIVEN and excuse:
        errors["excuse"] = EXCUSE_NEEDS_EXPLANATION
    return errors


def explanation_reply_due_on(asked_on: date) -> date:
    """The first day the warning is due when the parent has not replied."""
    return asked_on + timedelta(days=EXPLANATION_REPLY_DAYS)


def failure_warning_due(failure: _Failure, on: date) -> bool:
    """Whether a warning letter for the failure is due on `on`, as far as the
    parent's explanation goes (the letter pipeline adds its own window and
    dedupe): never before the parent was asked.

    - explanation given and not accepted as a reasonable excuse: due;
    - asked for a reason: due once EXPLANATION_REPLY_DAYS have passed with no
      reply (recording the reply moves the failure to "given");
    - tried to contact the parent and could not reach them: due from that day;
    - not asked yet, or the excuse accepted: not due.

    The query form is models.warning_due_q (FailureToComply.objects.warning_due).
    """
    status, asked_on = failure.explanation_status, failure.explanation_on
    if status == GIVEN:
        return failure.excuse == NOT_ACCEPTED
    if status == NOT_REACHED:
        return asked_on is not None and asked_on <= on
    if status == ASKED:
        return asked_on is not None and on >= explanation_reply_due_on(asked_on)
    return False


def failure_waiting_for_explanation(failure: _Failure, on: date) -> bool:
    """Not asked yet, or asked and still within the time to reply."""
    if failure.explanation_status == NOT_ASKED:
        return True
    return (
        failure.explanation_status == ASKED
        and failure.explanation_on is not None
        and on < explanation_reply_due_on(failure.explanation_on)
    )


def explanation_summary(failure: _Failure) -> str:
    """The explanation step in words, for the case manager."""
    status, day = failure.explanation_status, failure.explanation_on
    if status == ASKED and day:
        return (
            f"Asked for a reason on {long_date(day)}; no reply yet (a warning is due from "
            f"{long_date(explanation_reply_due_on(day))})"
        )
    if status == NOT_REACHED and day:
        return f"Tried to contact the parent on {long_date(day)}: could not reach them"
    if status == GIVEN:
        given = f" on {long_date(day)}" if day else ""
        return f"Explanation given{given}: {failure.explanation or 'not recorded'}"
    return "Not asked yet: ask the parent for a reason"


def _as_clause(text: str) -> str:
    """The parent's words as the end of "You told us that …": no trailing
    full stop (the sentence adds its own), surrounding quotes removed."""
    clause = " ".join(text.split()).strip().strip("\"'“”‘’").rstrip(".!")
    return clause


def letter_explanation(failure: _Failure) -> str:
    """The warning letter's explanation paragraph, in plain words matching
    what happened (the template prints it as it is)."""
    status, day = failure.explanation_status, failure.explanation_on
    if status == GIVEN and failure.explanation.strip():
        return (
            f"You told us that {_as_clause(failure.explanation)}. We did not accept this as a "
            "reasonable excuse."
        )
    if status == GIVEN:
        return "We did not accept your explanation as a reasonable excuse."
    if status == ASKED and day:
        return (
            f"We asked you on {long_date(day)} for a reason and have not heard from you. "
            "Without a reasonable excuse from you, we have recorded this as a failure to comply."
        )
    if status == NOT_REACHED and day:
        return (
            f"We tried to contact you on {long_date(day)} and could not reach you. Without a "
            "reasonable excuse from you, we have recorded this as a failure to comply."
        )
    return ""


def letter_reason(kind_display: str, occurred_on: date, *, explanation_given: bool) -> str:
    """The letter's one-line reason (stored on the Letter too)."""
    if explanation_given:
        return f"{kind_display} on {long_date(occurred_on)}, without a reasonable excuse."
    return f"{kind_display} on {long_date(occurred_on)}, and we have no reasonable excuse from you."
