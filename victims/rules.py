"""The Victims' Code clock and consent rules: pure functions, no ORM.

Victims' Code 2020 (in force 1 April 2021), as PRODUCT.md states it: where the
offender is under 18 the YOS gives the victim information about restorative
justice within 5 working days, or 1 working day for a victim entitled to
enhanced rights, counted from the date the YOS received the victim's details.
Working days exclude Saturdays, Sundays and England and Wales bank holidays.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from victims import messages as m
from victims.bank_holidays import ENGLAND_AND_WALES
from yos.lib.dates import age_on

RJ_INFORMATION_WORKING_DAYS = 5
RJ_INFORMATION_WORKING_DAYS_ENHANCED = 1
# Local practice (the Code sets no interval): a victim who asked to be kept
# informed is due an update on case progress every 28 days.
UPDATE_INTERVAL_DAYS = 28


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday.

    Outside FIRST_YEAR..LAST_YEAR only weekends count (a deadline a day early
    beats a crashed home page); a test fails a year before the list runs out.
    """
    return day.weekday() < 5 and day not in ENGLAND_AND_WALES


@functools.lru_cache(maxsize=8192)
def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start itself is day 0, even when
    it is a working day: details received on Monday, 1 working day → Tuesday)."""
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def rj_information_working_days(*, enhanced_rights: bool) -> int:
    return RJ_INFORMATION_WORKING_DAYS_ENHANCED if enhanced_rights else RJ_INFORMATION_WORKING_DAYS


def rj_information_due_on(details_received_on: date, *, enhanced_rights: bool) -> date:
    """The last day on which information about restorative justice is on time."""
    return add_working_days(
        details_received_on, rj_information_working_days(enhanced_rights=enhanced_rights)
    )


def is_first_contact_overdue(
    details_received_on: date, *, enhanced_rights: bool, contacted: bool, on: date
) -> bool:
    """Overdue on `on`: not yet contacted and `on` is after the due date."""
    if contacted:
        return False
    return on > rj_information_due_on(details_received_on, enhanced_rights=enhanced_rights)


def latest_receipt_overdue_on(on: date, *, enhanced_rights: bool) -> date:
    """The latest date of receipt whose first contact is overdue on `on`.

    The due date never goes backwards as the receipt date moves forwards, so
    "overdue" is exactly "received on or before this date": one date bound
    that a query can use (set-based) instead of computing each victim's clock.
    """
    received = on - timedelta(days=1)
    while rj_information_due_on(received, enhanced_rights=enhanced_rights) >= on:
        received -= timedelta(days=1)
    return received


def update_due_on(last_given_on: date) -> date:
    """When the next update on case progress is due, after the last one (or the
    first contact in which the victim asked to be kept informed)."""
    return last_given_on + timedelta(days=UPDATE_INTERVAL_DAYS)


# --- Consent -------------------------------------------------------------------


def consent_problems(
    *,
    choice: str,
    consent_given: bool,
    consent_on: date | None,
    withdrawn_on: date | None,
    today: date,
) -> dict[str, str]:
    """Field → message for every consent rule the values break (empty when fine).

    Participation is voluntary and can be withdrawn (PRODUCT.md, Victims): a
    direct restorative conference needs the victim's recorded consent with its
    date, which cannot be in the future; a withdrawal comes on or after it.
    """
    problems: dict[str, str] = {}
    if choice == "direct_conference" and not consent_given:
        problems["consent_given"] = m.DIRECT_NEEDS_CONSENT
    if consent_given and consent_on is None:
        problems["consent_on"] = m.CONSENT_DATE_REQUIRED
    if consent_on is not None and consent_on > today:
        problems["consent_on"] = m.CONSENT_DATE_FUTURE
    if consent_on is not None and not consent_given:
        problems["consent_on"] = m.CONSENT_DATE_WITHOUT_CONSENT
    if withdrawn_on is not None:
        if not consent_given:
            problems["consent_withdrawn_on"] = m.WITHDRAWAL_WITHOUT_CONSENT
        elif withdrawn_on > today:
            problems["consent_withdrawn_on"] = m.WITHDRAWAL_FUTURE
        elif consent_on is not None and withdrawn_on < consent_on:
            problems["consent_withdrawn_on"] = m.WITHDRAWAL_BEFORE_CONSENT
    return problems


# --- Young victims and their representatives ------------------------------------

ADULT_AGE = 18


def is_young_victim(
    *,
    date_of_birth: date | None,
    known_under_18: bool,
    offence_dates: list[date | None],
    details_received_on: date | None,
) -> bool:
    """Under 18 at the time of the offence (Victims' Code: a victim under 18
    is automatically eligible for enhanced rights as a vulnerable victim).

    Known to be (date of birth unknown): yes. With a date of birth: under 18
    on the date of any linked offence; where an offence has no date, on the
    date the service received the details (the offence came before it, so
    under 18 then means under 18 at the offence). Age by yos.lib.dates.age_on.
    """
    if known_under_18:
        return True
    if date_of_birth is None:
        return False
    days = [d for d in offence_dates if d is not None]
    if len(days) < len(offence_dates) or not offence_dates:
        days.append(details_received_on)
    return any(d is not None and age_on(date_of_birth, d) < ADULT_AGE for d in days)


def representative_words(name: str, relationship: str) -> str:
    """'Jo Doe (mother), acting for the victim'."""
    who = f"{name} ({relationship})" if relationship else name
    return f"{who}, acting for the victim"


def conclusion_notice_due(*, ended_on: date | None, notice_on: date | None) -> bool:
    """Restorative-justice work has ended and the victim has not yet been told
    it has (docs/domain-victims.md). The query form is
    RestorativeJusticeWork.CONCLUSION_NOTICE_DUE; a test checks they agree."""
    return ended_on is not None and notice_on is None
