"""What the victims app adds to other apps' pages: anonymised lines for case
work roles, counts for supervisors, work lists for victim workers."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from cases.models import Child
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
from victims import selectors
from victims.models import RJChoice
from victims.tests.factories import (
    ReparationFactory,
    VictimContactFactory,
    VictimFactory,
    VictimOffenceFactory,
)

pytestmark = pytest.mark.django_db

CANARIES = ("Canaryname Hooks", "1 Canary Lane", "07700 900321", "canary.hooks@example.invalid")


@pytest.fixture
def child(team, case_manager):
    family = FamilyFactory(team=team, case_manager=case_manager)
    child = ChildFactory(family=family)
    case = CaseFactory(child=child, offence="Theft from a shop")
    victim = VictimFactory(
        name=CANARIES[0], address=CANARIES[1], phone=CANARIES[2], email=CANARIES[3]
    )
    VictimOffenceFactory(victim=victim, case=case)
    VictimContactFactory(
        victim=victim, contacted_on=dt.date(2026, 11, 3), choice=RJChoice.INDIRECT_SHUTTLE
    )
    ReparationFactory(case=case)
    return child


def _render(panels, user) -> str:
    return "".join(render_to_string(p["template"], {"panel": p, "user": user}) for p in panels)


def test_the_case_manager_sees_only_the_anonymised_line(child, case_manager):
    """'A case manager sees on their child's page only "victim contact: first
    contact made on …, chose indirect restorative justice"' (issue 6)."""
    html = _render(selectors.child_panels(case_manager, child), case_manager)
    assert (
        "Victim of theft from a shop: first contact made on 3 November 2026, "
        "chose indirect restorative justice"
    ) in html
    for canary in CANARIES:
        assert canary not in html


def test_the_supervisor_sees_the_same_anonymised_line(child, supervisor):
    lines = selectors.anonymised_victim_lines(supervisor, child)
    assert [line["text"] for line in lines] == [
        "Victim of theft from a shop: first contact made on 3 November 2026, "
        "chose indirect restorative justice"
    ]


def test_a_victim_not_yet_contacted_shows_as_awaiting(team, case_manager):
    family = FamilyFactory(team=team, case_manager=case_manager)
    case = CaseFactory(child=ChildFactory(family=family), offence="Burglary")
    VictimOffenceFactory(case=case)
    lines = selectors.anonymised_victim_lines(case_manager, case.child)
    assert [line["text"] for line in lines] == ["Victim of burglary: awaiting first contact"]


@pytest.mark.parametrize("persona", ["school_staff", "victim_worker", "administrator", "outsider"])
def test_other_roles_get_nothing_on_the_child_page(child, persona, request):
    user = request.getfixturevalue(persona)
    assert selectors.child_panels(user, child) == []
    assert selectors.timeline_events(user, child) == []


def test_the_timeline_event_is_anonymised(child, case_manager):
    [event] = selectors.timeline_events(case_manager, child)
    assert event.at.date() == dt.date(2026, 11, 3)
    assert event.url == "" and event.by == ""
    assert "chose indirect restorative justice" in event.description
    for canary in CANARIES:
        assert canary not in f"{event.title} {event.description}"


def test_the_child_panels_cost_the_same_for_one_and_ten_victims(
    child, case_manager, django_assert_num_queries
):
    # A fresh instance each time: the hooks share their fetches on the child
    # instance of one page (yos.extensions.page_memo). Called on its own, the
    # panel asks for the victim lines, the reparation, whether the user may
    # change the child and the child's cases; on the child page the last two
    # come with the child (cases/tests/test_child_page_queries.py).
    selectors.child_panels(case_manager, Child.objects.get(pk=child.pk))  # warm team ids
    case = child.cases.get()
    fresh = Child.objects.get(pk=child.pk)
    with django_assert_num_queries(4):
        selectors.child_panels(case_manager, fresh)
    for _ in range(9):
        VictimContactFactory(victim=VictimOffenceFactory(case=case).victim)
    fresh = Child.objects.get(pk=child.pk)
    with django_assert_num_queries(4):
        selectors.child_panels(case_manager, fresh)


def test_supervisors_see_counts_only(child, supervisor, today):
    [panel] = selectors.home_panels(supervisor)
    assert (panel["total"], panel["offered"], panel["taking_part"], panel["overdue"]) == (
        1,
        1,
        0,
        0,
    )
    html = _render([panel], supervisor)
    for canary in CANARIES:
        assert canary not in html


def test_victim_workers_see_first_contacts_due_with_overdue_first(victim_worker, today):
    on_time = VictimFactory(name="Victimname Ontime", details_received_on=today)
    overdue = VictimFactory(name="Victimname Late", details_received_on=dt.date(2026, 11, 10))
    first, updates = selectors.home_panels(victim_worker)
    assert first["victims"] == [overdue, on_time]
    html = _render([first], victim_worker)
    assert html.index("Victimname Late") < html.index("Victimname Ontime")
    assert html.count("Overdue") == 1
    assert "2 December 2026" in html  # on_time: 5 working days after 25 November


def test_school_staff_and_case_managers_get_no_home_panel(school_staff, case_manager):
    assert selectors.home_panels(school_staff) == []
    assert selectors.home_panels(case_manager) == []
