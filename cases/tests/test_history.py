"""yos.lib.history on the case records: changes in words, several records merged."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.tests.factories import ChildFactory, FamilyFactory
from yos.lib.history import NOT_SET, history_entries

pytestmark = pytest.mark.django_db


def test_changes_are_in_words_not_codes_or_ids(case_manager, colleague, supervisor, team, school):
    family = services.family_create(
        name="Vance", team=team, case_manager=case_manager, by=case_manager
    )
    child = services.child_create(
        family=family,
        first_name="Ola",
        last_name="Vance",
        date_of_birth=dt.date(2012, 2, 9),
        by=case_manager,
    )
    services.child_update(
        child=child,
        changes={"school": school, "mappa": True, "date_of_birth": dt.date(2012, 2, 19)},
        loaded_version=1,
        by=case_manager,
    )
    services.family_allocate(family=family, case_manager=colleague, by=supervisor)

    entries = history_entries(family, child)
    assert [(e.action, e.record, e.user) for e in entries] == [
        ("Changed", "Family: Vance", "Sam Okafor"),
        ("Changed", "Child: Ola Vance", "Casey Morgan"),
        ("Created", "Child: Ola Vance", "Casey Morgan"),
        ("Created", "Family: Vance", "Casey Morgan"),
    ]
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [
        ("Case manager", "Casey Morgan", "Robin Ellis")
    ]
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [
        ("Date of birth", "9 February 2012", "19 February 2012"),
        ("School", NOT_SET, "Hillcrest Academy"),
        ("MAPPA involved", "No", "Yes"),
    ]
    created = {c.field: c.new for c in entries[2].changes}
    assert created["Gender"] == "Not known"
    assert created["Family"] == "Vance"


def test_a_save_that_changes_nothing_readable_is_left_out(case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    family._history_user = case_manager
    family.save()  # only updated_at moves
    assert [e.action for e in history_entries(family)] == ["Created"]


def test_queries_do_not_grow_with_rows(case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    few = [ChildFactory(family=family)]
    many = [ChildFactory(family=family) for _ in range(10)]
    for child in many:
        services.child_update(
            child=child, changes={"sen": "none"}, loaded_version=1, by=case_manager
        )
    with CaptureQueriesContext(connection) as small:
        history_entries(*few)
    with CaptureQueriesContext(connection) as large:
        history_entries(*many)
    assert len(small.captured_queries) == len(large.captured_queries)
