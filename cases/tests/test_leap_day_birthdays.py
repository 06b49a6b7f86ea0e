"""One age function (issue 17, rule 4): a child born on 29 February reaches
each birthday on 1 March in a common year, the English practice that
yos.lib.dates.age_on promises ("a 29 February birthday counts from 1 March in
other years"). Seed 003: the service works with "children and young people
aged under 18 years"."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import services
from cases.models import CaseKind
from cases.tests.factories import ChildFactory, FamilyFactory
from yos.lib.dates import age_on, born_years_before

LEAP_BIRTH = dt.date(2008, 2, 29)
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (dt.date(2026, 2, 27), 17),
        (dt.date(2026, 2, 28), 17),  # no 29 February in 2026: not yet 18
        (dt.date(2026, 3, 1), 18),  # the birthday in a common year
        (dt.date(2028, 2, 28), 19),
        (dt.date(2028, 2, 29), 20),  # a leap year: the day itself
        (dt.date(2026, 6, 1), 18),
    ],
)
def test_a_leap_day_child_has_a_birthday_on_1_march_in_common_years(on, age):
    assert age_on(LEAP_BIRTH, on) == age


def test_other_birthdays_are_on_the_day(db):
    assert age_on(dt.date(2008, 6, 1), dt.date(2026, 5, 31)) == 17
    assert age_on(dt.date(2008, 6, 1), dt.date(2026, 6, 1)) == 18


def _open(child, by, offence_date):
    return services.case_open(
        child=child,
        kind=CaseKind.REFERRAL_ORDER,
        referred_on=dt.date(2026, 3, 2),
        opened_on=dt.date(2026, 3, 3),
        offence_date=offence_date,
        offence="Theft",
        by=by,
    )


@pytest.fixture
def family(team, case_manager):
    return FamilyFactory(team=team, case_manager=case_manager, name="Marlowe")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def test_an_offence_on_28_february_is_a_child_s_offence(family, case_manager):
    child = ChildFactory(family=family, date_of_birth=LEAP_BIRTH)
    assert _open(child, case_manager, dt.date(2026, 2, 28)).pk
    with pytest.raises(ValidationError) as caught:
        _open(child, case_manager, dt.date(2026, 3, 1))
    assert caught.value.message_dict == {
        "offence_date": [
            "The child must have been under 18 on the date of the offence for this kind of case"
        ]
    }


def test_the_child_page_shows_the_age_by_the_same_rule(client_for, case_manager, family):
    child = ChildFactory(family=family, date_of_birth=LEAP_BIRTH)
    with time_machine.travel(dt.datetime(2026, 2, 28, 12, tzinfo=LONDON), tick=False):
        page = client_for(case_manager).get(child.get_absolute_url()).content.decode()
    assert "29 February 2008 (age 17)" in page


def test_a_date_of_birth_worked_back_from_an_age_on_29_february():
    """The demo data work a date of birth back from an age; on 29 February
    that used to raise (date.replace(year=...) has no 29 February 2014)."""
    born = born_years_before(dt.date(2028, 2, 29), 14)
    assert born == dt.date(2014, 2, 28)
    assert age_on(born, dt.date(2028, 2, 29)) == 14
