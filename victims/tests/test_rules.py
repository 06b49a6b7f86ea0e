"""The Victims' Code clock and the consent rules (victims/rules.py)."""

from datetime import date, timedelta

import pytest
from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

from victims import messages as m
from victims import rules
from victims.bank_holidays import ENGLAND_AND_WALES, FIRST_YEAR, LAST_YEAR


def _substitute(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


def test_the_bank_holiday_list_matches_the_england_and_wales_rules():
    """New Year, Good Friday, Easter Monday, the first and last Mondays of May,
    the last Monday of August, Christmas and Boxing Day, with substitute days."""
    expected = set()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        expected.add(_substitute(date(year, 1, 1), set()))
        expected.add(easter(year) - timedelta(days=2))
        expected.add(easter(year) + timedelta(days=1))
        expected.add(date(year, 5, 1) + relativedelta(weekday=MO(1)))
        expected.add(date(year, 5, 31) + relativedelta(weekday=MO(-1)))
        expected.add(date(year, 8, 31) + relativedelta(weekday=MO(-1)))
        christmas = _substitute(date(year, 12, 25), set())
        expected.add(christmas)
        expected.add(_substitute(date(year, 12, 26), {christmas}))
    assert ENGLAND_AND_WALES == expected


def test_the_list_covers_the_years_in_use():
    assert date.today().year + 1 <= LAST_YEAR  # noqa: DTZ011 - the calendar year is enough


def test_five_working_days_skip_the_weekend():
    """'due within 5 working days … excluding weekends' (PRODUCT.md, Victims)."""
    friday = date(2026, 11, 6)
    assert rules.rj_information_due_on(friday, enhanced_rights=False) == date(2026, 11, 13)


def test_details_received_at_the_weekend_count_from_the_next_working_day():
    saturday = date(2026, 11, 7)
    assert rules.rj_information_due_on(saturday, enhanced_rights=False) == date(2026, 11, 13)
    assert rules.rj_information_due_on(saturday, enhanced_rights=True) == date(2026, 11, 9)


def test_easter_bank_holidays_in_the_window_push_the_due_date():
    """'excluding weekends and England and Wales bank holidays': Good Friday
    3 April and Easter Monday 6 April 2026 are not working days."""
    thursday = date(2026, 4, 2)
    assert rules.rj_information_due_on(thursday, enhanced_rights=False) == date(2026, 4, 13)


def test_christmas_and_new_year_with_substitute_days():
    """24 December 2026: Christmas (Fri), Boxing Day's substitute (Mon 28th)
    and New Year's Day 2027 are skipped."""
    christmas_eve = date(2026, 12, 24)
    assert rules.rj_information_due_on(christmas_eve, enhanced_rights=False) == date(2027, 1, 5)
    assert rules.rj_information_due_on(christmas_eve, enhanced_rights=True) == date(2026, 12, 29)


def test_one_working_day_for_a_victim_entitled_to_enhanced_rights():
    """'or 1 working day for victims entitled to enhanced rights'."""
    friday = date(2026, 11, 6)
    assert rules.rj_information_due_on(friday, enhanced_rights=True) == date(2026, 11, 9)
    tuesday = date(2026, 11, 10)
    assert rules.rj_information_due_on(tuesday, enhanced_rights=True) == date(2026, 11, 11)


def test_first_contact_is_overdue_only_after_the_due_date():
    received = date(2026, 11, 6)  # due 13 November
    kwargs = {"enhanced_rights": False, "contacted": False}
    assert not rules.is_first_contact_overdue(received, on=date(2026, 11, 13), **kwargs)
    assert rules.is_first_contact_overdue(received, on=date(2026, 11, 14), **kwargs)
    assert not rules.is_first_contact_overdue(
        received, enhanced_rights=False, contacted=True, on=date(2026, 12, 1)
    )


@pytest.mark.parametrize("enhanced", [False, True])
def test_the_receipt_bound_agrees_with_the_clock_for_every_day_of_2026(enhanced):
    """The set-based query uses one date bound; it must say 'overdue' exactly
    when the clock does."""
    on = date(2026, 1, 10)
    while on.year == 2026:
        bound = rules.latest_receipt_overdue_on(on, enhanced_rights=enhanced)
        for back in range(0, 25):
            received = on - timedelta(days=back)
            clock = rules.is_first_contact_overdue(
                received, enhanced_rights=enhanced, contacted=False, on=on
            )
            assert (received <= bound) == clock, (on, received)
        on += timedelta(days=1)


TODAY = date(2026, 11, 25)


def _problems(**kwargs):
    values = {
        "choice": "undecided",
        "consent_given": False,
        "consent_on": None,
        "withdrawn_on": None,
        "today": TODAY,
    }
    return rules.consent_problems(**(values | kwargs))


def test_a_direct_conference_needs_recorded_consent():
    """Participation is voluntary (PRODUCT.md): a restorative conference needs consent."""
    assert _problems(choice="direct_conference") == {"consent_given": m.DIRECT_NEEDS_CONSENT}
    assert _problems(choice="direct_conference", consent_given=True, consent_on=TODAY) == {}


def test_indirect_restorative_justice_and_no_choice_need_no_consent_here():
    assert _problems(choice="indirect_letter") == {}
    assert _problems(choice="none") == {}


def test_consent_needs_its_date_and_the_date_cannot_be_in_the_future():
    """'consent recorded with date' (PRODUCT.md, Victims)."""
    assert _problems(consent_given=True) == {"consent_on": m.CONSENT_DATE_REQUIRED}
    assert _problems(consent_given=True, consent_on=TODAY + timedelta(days=1)) == {
        "consent_on": m.CONSENT_DATE_FUTURE
    }
    assert _problems(consent_on=TODAY) == {"consent_on": m.CONSENT_DATE_WITHOUT_CONSENT}


def test_withdrawal_comes_after_consent_and_not_in_the_future():
    """'Participation is voluntary and can be withdrawn.'"""
    given = {"consent_given": True, "consent_on": date(2026, 11, 10)}
    assert _problems(withdrawn_on=date(2026, 11, 12), **given) == {}
    assert _problems(withdrawn_on=date(2026, 11, 9), **given) == {
        "consent_withdrawn_on": m.WITHDRAWAL_BEFORE_CONSENT
    }
    assert _problems(withdrawn_on=TODAY + timedelta(days=1), **given) == {
        "consent_withdrawn_on": m.WITHDRAWAL_FUTURE
    }
    assert _problems(withdrawn_on=TODAY) == {"consent_withdrawn_on": m.WITHDRAWAL_WITHOUT_CONSENT}


def test_an_update_is_due_every_28_days():
    assert rules.update_due_on(date(2026, 11, 1)) == date(2026, 11, 29)
