"""Date arithmetic the domain rules share."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years between date_of_birth and on: the age on the day `on`.

    A child born on 29 February reaches each birthday on 1 March in a common
    year (the English practice), not on 28 February: relativedelta, which
    clamps 29 February to the 28th, would make them 18 a day early. Every age
    in the code is taken with this function."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1  # this year's birthday is still to come (29 Feb → 1 March)
    return years


def born_years_before(on: date, years: int) -> date:
    """A date of birth that makes a child exactly `years` old on `on` (29
    February → 28 February in a common year; date.replace would raise)."""
    return add_calendar_months(on, -12 * years)


def add_calendar_months(start: date, months: int) -> date:
    """start plus whole calendar months; where the later month has no
    corresponding day, the last day of that month (30 Nov + 3 → 28/29 Feb)."""
    return start + relativedelta(months=months)


def flag_window_end(day: date) -> date:
    """The last day the nightly flags warn of on the day `day`: an end date
    from `day` to this one, both included, is "ending" (settings.FLAG_WARNING_DAYS)."""
    return day + timedelta(days=settings.FLAG_WARNING_DAYS)


def long_date(day: date | datetime) -> str:
    """'4 November 2027': the GOV.UK date style, day without a leading zero
    (portable: strftime's ``%-d`` is glibc-only). A datetime is shown as its
    date in the service's time zone. Every date written out in Python
    (``__str__``, messages, letters' text) goes through this function;
    templates use ``|date:"j F Y"``."""
    if isinstance(day, datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return f"{day.day} {day:%B %Y}"
