"""No lost updates under any interleaving (SECURITY.md check 34: "0 silent
overwrites in 500 Hypothesis interleavings").

tests/test_lost_update.py shows one fixed race per edit form. Here a Hypothesis
state machine drives 2–4 signed-in browsers (separate ``django.test.Client``
sessions of the record's case manager, like two tabs or two machines) on the
same record. Each step, one of them either

* LOADs the edit form (the rendered HTML, hidden ``loaded_version`` included,
  read by tests/htmlform.py as a browser would submit it), or
* SAVEs the form it last loaded, with a new value, distinct from every value
  before it, in a free-text field.

The model: a save succeeds (302) iff no save succeeded since that browser
loaded its form (its own earlier save counts: submitting the same page twice
is stale too); otherwise the answer shows "Someone else changed this record
while you were editing it" and nothing is written. After every step:

* the field in the database holds the value of the last successful save;
* ``version`` is 1 + the number of successful saves;
* the record's history has grown by exactly one row per successful save.

A freshly loaded form must also show the version and value of the last
successful save. 250 runs of up to 6 steps per record kind (a child's details,
a parenting order): 500 interleavings, each on a new record and rolled back
afterwards; the browsers sign in once per test.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from cases.tests.factories import ChildFactory, FamilyFactory
from orders.tests.factories import ParentingOrderFactory
from tests.htmlform import form_data

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else changed this record while you were editing it"


def _child(case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    return ChildFactory(family=family, partner_notes="As first recorded")


def _order(case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    return ParentingOrderFactory(case__child__family=family, court="As first recorded")


# (url name, how to make the record, a free-text field of its form)
RECORD_KINDS = [
    ("cases:edit-child", _child, "partner_notes"),
    ("orders:order-edit", _order, "court"),
]

_values = itertools.count()


class Browser:
    """One signed-in client (signed in once per test, outside the runs'
    transactions) and the form it last loaded in the current run."""

    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)
        self.form: dict | None = None
        self.saves_seen = 0  # successful saves when that form was loaded


def machine_for(name: str, make_record, field: str, browsers: list[Browser], user, team):
    class Interleaving(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.record = make_record(user, team)
            self.model = type(self.record)
            self.url = reverse(name, args=[self.record.pk])
            assert self.record.version == 1
            self.history_at_start = self.record.history.count()
            self.expected = getattr(self.record, field)
            self.saves = 0
            self.browsers: list[Browser] = []

        @initialize(n=st.integers(2, len(browsers)))
        def open_browsers(self, n):
            self.browsers = browsers[:n]
            for browser in self.browsers:
                browser.form, browser.saves_seen = None, 0

        # One rule, so every run mixes loads and saves (Hypothesis would
        # otherwise switch one of two rules off for a whole run now and then).
        @rule(data=st.data())
        def act(self, data):
            n = data.draw(st.integers(0, len(self.browsers) - 1), label="browser")
            browser = self.browsers[n]
            if browser.form is None or data.draw(st.booleans(), label="load again"):
                self.load(browser)
            else:
                self.save(browser, n)

        def load(self, browser: Browser) -> None:
            response = browser.client.get(self.url)
            assert response.status_code == 200
            browser.form = form_data(response.content.decode())
            assert int(browser.form["loaded_version"]) == 1 + self.saves
            assert browser.form[field] == self.expected
            browser.saves_seen = self.saves

        def save(self, browser: Browser, n: int) -> None:
            value = f"Saved {next(_values)} by browser {n}"
            response = browser.client.post(self.url, {**browser.form, field: value})
            if browser.saves_seen == self.saves:
                assert response.status_code == 302, response.content.decode()[:2000]
                self.saves += 1
                self.expected = value
            else:
                assert response.status_code in (200, 400, 409), response.status_code
                assert CONFLICT in response.content.decode()

        @invariant()
        def nothing_is_lost_or_overwritten(self):
            fresh = self.model.objects.get(pk=self.record.pk)
            assert getattr(fresh, field) == self.expected
            assert fresh.version == 1 + self.saves
            assert self.record.history.count() == self.history_at_start + self.saves

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    return Interleaving


@pytest.mark.parametrize(
    ("name", "make_record", "field"), RECORD_KINDS, ids=[k[0] for k in RECORD_KINDS]
)
def test_no_interleaving_of_loads_and_saves_overwrites_silently(
    name, make_record, field, case_manager, team
):
    browsers = [Browser(case_manager) for _ in range(4)]
    run_state_machine_as_test(
        machine_for(name, make_record, field, browsers, case_manager, team),
        settings=settings(
            max_examples=250,
            stateful_step_count=6,  # loads and saves per run (each is a request)
            deadline=None,
            database=None,  # leave no .hypothesis directory in the checkout
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
