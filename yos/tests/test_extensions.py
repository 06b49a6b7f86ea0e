"""The registry (yos/extensions.py): each app registers its hooks, nightly
steps and demo seeder in its AppConfig.ready(), and the order they run in is
the documented one (docs/architecture.md, "the registry")."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from yos import extensions, jobs


def test_hooks_are_called_in_installed_apps_order():
    assert [app for app, _ in extensions.registered("home_panels")] == [
        "yos",  # notices (a decision on the user's own request) first
        "yos",  # then the to-do list
        "cases",
        "orders",
        "contracts",
        "victims",
        "dashboard",
    ]
    assert [app for app, _ in extensions.registered("case_closure_blockers")] == ["orders"]
    assert [app for app, _ in extensions.registered("timeline_events")] == [
        "cases",
        "orders",
        "contracts",
        "victims",
    ]


def test_nightly_steps_run_in_the_written_order():
    """orders, contracts, victims, then yos's retention step; each app's steps
    in its STEPS order (the same order the runner used before the registry)."""
    names = [name for name, _ in jobs.steps()]
    assert names == [
        "orders.counselling_flags",
        "orders.requirement_flags",
        "orders.closure_flags",
        "orders.warning_letters",
        "orders.counselling_ended_notices",
        "contracts.end_past_contracts",  # first: an ended contract raises no flag
        "contracts.ending_flags",
        "contracts.review_flags",
        "contracts.unsigned_flags",
        "contracts.warning_letters",
        "contracts.copy_letters",
        "victims.first_contact_flags",
        "yos.retention_flags",
    ]


def test_an_app_must_say_where_its_steps_and_demo_data_go():
    with pytest.raises(ImproperlyConfigured, match="NIGHTLY_ORDER"):
        extensions.register_nightly_steps("somewhere", [("x", lambda run_date, *, by: {})])
    with pytest.raises(ImproperlyConfigured, match="DEMO_ORDER"):
        extensions.register_demo_seeder("somewhere", lambda ctx: None)
    with pytest.raises(ImproperlyConfigured, match="No hook"):
        extensions.register("side_panels", lambda user: [], app="cases")


@pytest.mark.django_db
def test_a_registered_contribution_is_collected_and_can_be_taken_back():
    from cases.tests.factories import CaseFactory

    def extra(case, on):
        return [f"blocked on {on:%Y-%m-%d}"]

    extensions.register("case_closure_blockers", extra, app="tests")
    extensions.register("case_closure_blockers", extra, app="tests")  # ready() twice
    try:
        found = extensions.collect("case_closure_blockers", CaseFactory(), dt.date(2027, 1, 4))
        assert found[-1:] == ["blocked on 2027-01-04"]
        assert [f for _, f in extensions.registered("case_closure_blockers")].count(extra) == 1
    finally:
        extensions.unregister("case_closure_blockers", extra)
    assert extra not in [f for _, f in extensions.registered("case_closure_blockers")]
