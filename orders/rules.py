"""The parenting-order clock: pure rules, no ORM, named after the law's words.

Source: seed 000 (a council page on voluntary parenting support and parenting
orders) and PRODUCT.md "Parenting orders". Every end date here is the last day
on which the period still runs (inclusive): counselling made on 15 January is
enforceable on 15 April and voluntary from 16 April.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
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
