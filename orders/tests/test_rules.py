"""The parenting-order clock (orders/rules.py), from seed 000 and PRODUCT.md."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from orders import rules

DATES = st.dates(min_value=date(1999, 1, 1), max_value=date(2100, 12, 31))


def test_counselling_lasts_three_calendar_months_from_the_order():
    """Seed 000: "The maximum length a Parenting Order can be imposed for is 3 months
    and this involves 3 months of counselling and starts from the date the order is given."
    """
    assert rules.counselling_ends_on(date(2027, 1, 15)) == date(2027, 4, 15)


def test_counselling_made_30_november_ends_on_the_last_day_of_february():
    """PRODUCT.md: made 30 November → ends 28 February, or 29 February in a leap year."""
    assert rules.counselling_ends_on(date(2026, 11, 30)) == date(2027, 2, 28)
    assert rules.counselling_ends_on(date(2027, 11, 30)) == date(2028, 2, 29)


def test_counselling_made_on_a_month_end_ends_on_the_later_months_last_day():
    assert rules.counselling_ends_on(date(2027, 5, 31)) == date(2027, 8, 31)
    assert rules.counselling_ends_on(date(2027, 3, 31)) == date(2027, 6, 30)
    assert rules.counselling_ends_on(date(2027, 12, 31)) == date(2028, 3, 31)


def test_a_requirement_may_last_up_to_twelve_months_from_the_order():
    """Seed 000: "a court may also impose a requirement of up to 12 months from the date
    the order is imposed"."""
    assert rules.latest_requirement_end(date(2026, 11, 14)) == date(2027, 11, 14)
    assert rules.requirement_end_error(date(2026, 11, 14), date(2027, 11, 14)) is None


def test_it_refuses_a_requirement_past_twelve_months_naming_the_latest_date():
    """PRODUCT.md: "A requirement cannot end after 14 November 2027, 12 months after the
    order was made"."""
    assert (
        rules.requirement_end_error(date(2026, 11, 14), date(2027, 11, 15))
        == "A requirement cannot end after 14 November 2027, 12 months after the order was made"
    )


def test_it_refuses_a_requirement_ending_before_the_order():
    assert (
        rules.requirement_end_error(date(2026, 11, 14), date(2026, 11, 13))
        == "A requirement cannot end before the order was made on 14 November 2026"
    )


def test_twelve_months_from_29_february_is_28_february():
    assert rules.latest_requirement_end(date(2028, 2, 29)) == date(2029, 2, 28)


def test_the_case_stays_open_until_every_requirement_has_expired():
    """Seed 000: "the parenting order case remains open until such time as all additional
    requirements have expired"."""
    made = date(2026, 11, 14)
    ends = [date(2027, 6, 30), date(2027, 9, 1)]
    assert rules.case_open_until(made, ends) == date(2027, 9, 1)
    assert not rules.is_due_for_closure(made, ends, date(2027, 9, 1))
    assert rules.is_due_for_closure(made, ends, date(2027, 9, 2))


def test_without_requirements_the_case_is_due_for_closure_after_counselling():
    made = date(2026, 11, 14)
    assert rules.case_open_until(made, []) == date(2027, 2, 14)
    assert rules.is_due_for_closure(made, [], date(2027, 2, 15))


def test_counselling_is_voluntary_after_three_months():
    """Seed 000: "After the 3 months is over, the Youth Offending Service can no longer
    enforce attendance by the parent at counselling sessions"."""
    made = date(2027, 1, 15)
    assert rules.counselling_is_enforceable(made, date(2027, 4, 15))
    assert not rules.counselling_is_enforceable(made, date(2027, 4, 16))
    assert rules.failure_to_attend_counselling_error(made, date(2027, 4, 15)) is None
    assert rules.failure_to_attend_counselling_error(made, date(2027, 4, 16)) == (
        "Counselling ended on 15 April 2027: attendance is now voluntary, so a missed "
        "session cannot be recorded as a failure to comply"
    )


def test_there_is_no_once_a_week_limit_on_sessions():
    """PRODUCT.md: the 1998 "not more than once in any week" limit was removed in 2003."""
    assert not hasattr(rules, "sessions_per_week")
    made = date(2027, 1, 15)
    # Two sessions in one week are both enforceable.
    assert rules.counselling_is_enforceable(made, date(2027, 1, 18))
    assert rules.counselling_is_enforceable(made, date(2027, 1, 19))


def test_long_dates_have_no_leading_zero():
    assert rules.long_date(date(2027, 2, 1)) == "1 February 2027"


# --- Properties over many dates ---------------------------------------------------


def _months_between(start: date, end: date) -> tuple[int, int]:
    return (end.year - start.year) * 12 + end.month - start.month, end.day


@given(DATES)
def test_counselling_never_runs_past_three_calendar_months(made):
    ends = rules.counselling_ends_on(made)
    months, day = _months_between(made, ends)
    assert months == 3
    assert day <= made.day  # same day, or the month's last day when it is shorter
    assert ends > made


@given(DATES, st.integers(min_value=0, max_value=800))
def test_a_requirement_is_never_allowed_past_twelve_months(made, days):
    ends_on = made + timedelta(days=days)
    allowed = rules.requirement_end_error(made, ends_on) is None
    months, day = _months_between(made, ends_on)
    past_twelve = months > 12 or (months == 12 and day > made.day)
    assert allowed == (not past_twelve)
    assert allowed == (ends_on <= rules.latest_requirement_end(made))


@given(DATES, st.lists(st.integers(min_value=0, max_value=366), max_size=4), st.integers(0, 800))
def test_the_case_never_closes_while_a_requirement_runs(made, offsets, later):
    ends = [min(made + timedelta(days=o), rules.latest_requirement_end(made)) for o in offsets]
    on = made + timedelta(days=later)
    if rules.is_due_for_closure(made, ends, on):
        assert not any(rules.requirement_is_running(end, on) for end in ends)
        assert not rules.counselling_is_enforceable(made, on)
