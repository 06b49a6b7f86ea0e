""" "Conclusion notice due" is one rule (victims.rules.conclusion_notice_due)
with one query form (RestorativeJusticeWork.CONCLUSION_NOTICE_DUE): the
victim page's "Due" tag (the model's property) and the victim worker's home
page list (the queryset) agree on every combination of dates."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from victims import rules
from victims.models import RestorativeJusticeWork
from victims.tests.factories import RestorativeJusticeWorkFactory

pytestmark = pytest.mark.django_db

STARTED = dt.date(2026, 9, 1)


class _Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ended_after=st.none() | st.integers(min_value=0, max_value=60),
    told_after_end=st.none() | st.integers(min_value=0, max_value=30),
)
def test_the_page_and_the_home_list_agree_with_the_rule(ended_after, told_after_end):
    ended_on = None if ended_after is None else STARTED + dt.timedelta(days=ended_after)
    notice_on = (
        None
        if ended_on is None or told_after_end is None
        else ended_on + dt.timedelta(days=told_after_end)
    )
    expected = rules.conclusion_notice_due(ended_on=ended_on, notice_on=notice_on)
    try:
        with transaction.atomic():
            work = RestorativeJusticeWorkFactory(
                started_on=STARTED, ended_on=ended_on, conclusion_notice_on=notice_on
            )
            listed = RestorativeJusticeWork.objects.conclusion_notice_due().filter(pk=work.pk)
            seen = (work.conclusion_notice_due, listed.exists())
            raise _Rollback
    except _Rollback:
        pass
    assert seen == (expected, expected)


def test_work_that_ended_untold_is_due_and_told_is_not():
    assert rules.conclusion_notice_due(ended_on=STARTED, notice_on=None)
    assert not rules.conclusion_notice_due(ended_on=STARTED, notice_on=STARTED)
    assert not rules.conclusion_notice_due(ended_on=None, notice_on=None)
