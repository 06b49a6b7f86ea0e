"""The parenting-order clock: pure rules, no ORM, named after the law's words.

Source: seed 000 (a council page on voluntary parenting support and parenting
orders) and PRODUCT.md "Parenting orders". Every end date here is the last day
on which the period still runs (inclusive): counselling made on 15 January is
enforceable on 15 April and voluntary from 16 April.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from yos.lib.dates import add_calendar_months

COUNSELLING_MONTHS = 3  # "The maximum length ... is 3 months ... from the date the order is given"
REQUIREMENT_MONTHS = 12  # "a requirement of up to 12 months from the date the order is imposed"

REQUIREMENT_TOO_LONG = "A requirement cannot end after {latest}, 12 months after the order was made"
REQUIREMENT_BEFORE_ORDER = "A requirement cannot end before the order was made on {made_on}"
COUNSELLING_NOW_VOLUNTARY = (
    "Counselling ended on {ends_on}: attendance is now voluntary, so a missed session "
    "cannot be recorded as a failure to comply"
)


def long_date(day: date) -> str:
    """'14 November 2027': the GOV.UK date style, without a leading zero."""
    return f"{day.day} {day:%B %Y}"


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


def case_open_until(made_on: date, requirement_ends: Iterable[date]) -> date:
    """The day until which the parenting-order case stays open: the later of the
    end of counselling and the end of the last requirement. After it, the case
    is due for closure ("remains open until such time as all additional
    requirements have expired")."""
    return max([counselling_ends_on(made_on), *requirement_ends])


def is_due_for_closure(made_on: date, requirement_ends: Iterable[date], on: date) -> bool:
    """True once counselling and every requirement have ended."""
    return on > case_open_until(made_on, requirement_ends)


def failure_to_attend_counselling_error(made_on: date, missed_on: date) -> str | None:
    """Why a missed counselling session on missed_on cannot be a failure to
    comply (counselling has become voluntary), or None when it can."""
    if missed_on > counselling_ends_on(made_on):
        return COUNSELLING_NOW_VOLUNTARY.format(ends_on=long_date(counselling_ends_on(made_on)))
    return None
