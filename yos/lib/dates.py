"""Date arithmetic the domain rules share."""

from datetime import date

from dateutil.relativedelta import relativedelta


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years between date_of_birth and on (a 29 February birthday counts
    from 1 March in other years, as relativedelta does)."""
    return relativedelta(on, date_of_birth).years


def add_calendar_months(start: date, months: int) -> date:
    """start plus whole calendar months; where the later month has no
    corresponding day, the last day of that month (30 Nov + 3 → 28/29 Feb)."""
    return start + relativedelta(months=months)
