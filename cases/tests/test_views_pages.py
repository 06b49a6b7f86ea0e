"""The pages: query counts that do not grow with rows, the read-access log,
the timeline and History tab, search and the forms' confirmation steps."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Attendance, Case, CaseKind, CaseStatus, Child, Family
from cases.tests.factories import (
    AdultChildFactory,
    CaseFactory,
    ChildFactory,
    FamilyFactory,
    SessionFactory,
)
from yos.models import AccessLog

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False)


@pytest.fixture
def family(team, case_manager):
    return FamilyFactory(team=team, case_manager=case_manager, name="Marlowe")


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up: the first request of a session reads caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_children(family, n: int) -> None:
    for i in range(n):
        child = ChildFactory(family=family, first_name=f"Kid{i:02d}")
        CaseFactory(child=child)


# --- Query counts ---------------------------------------------------------------


def test_find_a_child_costs_the_same_for_5_and_50_rows(
    client_for, case_manager, family, team, colleague
):
    client = client_for(case_manager)
    url = reverse("cases:find-child") + "?q=kid&sort=case_manager"
    make_children(family, 5)
    five = queries_for(client, url)
    make_children(FamilyFactory(team=team, case_manager=colleague), 45)
    response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert queries_for(client, url) == five


def test_the_child_page_costs_the_same_however_much_it_shows(
    client_for, case_manager, family, supervisor
):
    # One row of each kind against many: the history costs a query per kind of record.
    small = ChildFactory(family=family)
    SessionFactory(case=CaseFactory(child=small))
    AdultChildFactory(adult__family=family, child=small)
    big = ChildFactory(family=family)
    for _ in range(5):
        case = CaseFactory(child=big)
        for day in range(1, 4):
            SessionFactory(case=case, starts_at=dt.datetime(2026, 10, day, 10, tzinfo=LONDON))
    for _ in range(3):
        AdultChildFactory(adult__family=family, child=big)
    client = client_for(case_manager)
    assert queries_for(client, small.get_absolute_url()) == queries_for(
        client, big.get_absolute_url()
    )
    history = [reverse("cases:child-history", args=[c.pk]) for c in (small, big)]
    assert queries_for(client, history[0]) == queries_for(client, history[1])


def test_the_family_page_costs_the_same_for_1_and_6_children(
    client_for, case_manager, family, team
):
    ChildFactory(family=family)
    AdultChildFactory(adult__family=family, child=family.children.first())
    larger = FamilyFactory(team=team, case_manager=case_manager)
    make_children(larger, 6)
    for child in larger.children.all():
        AdultChildFactory(adult__family=larger, child=child)
    client = client_for(case_manager)
    assert queries_for(client, family.get_absolute_url()) == queries_for(
        client, larger.get_absolute_url()
    )


def caseload_panel(response) -> dict:
    return next(
        p
        for p in response.context["panels"]
        if p["template"] == "cases/includes/caseload_panel.html"
    )


def test_home_caseload_costs_the_same_for_1_and_8_families(client_for, case_manager, team):
    def add_family():
        child = ChildFactory(family=FamilyFactory(team=team, case_manager=case_manager))
        SessionFactory(
            case=CaseFactory(child=child), starts_at=dt.datetime(2026, 12, 1, 10, tzinfo=LONDON)
        )

    client = client_for(case_manager)
    add_family()
    one = queries_for(client, reverse("home"))
    for _ in range(7):
        add_family()
    response = client.get(reverse("home"))
    assert len(caseload_panel(response)["upcoming"]) == 8
    assert queries_for(client, reverse("home")) == one


# --- Read-access log ------------------------------------------------------------


def test_every_child_adult_family_and_case_page_view_is_logged(client_for, case_manager, family):
    link = AdultChildFactory(adult__family=family, child__family=family)
    case = CaseFactory(child=link.child)
    client = client_for(case_manager)
    for obj in (link.child, link.adult, family, case):
        client.get(obj.get_absolute_url())
    rows = {
        (row.content_type.model_class(), row.object_id, row.user_id, row.action)
        for row in AccessLog.objects.select_related("content_type")
    }
    assert rows == {
        (type(obj), obj.pk, case_manager.pk, "view")
        for obj in (link.child, link.adult, family, case)
    }


def test_a_refused_page_writes_no_log_row(client_for, outsider, family):
    child = ChildFactory(family=family)
    assert client_for(outsider).get(child.get_absolute_url()).status_code == 404
    assert not AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Child)
    ).exists()


# --- Find a child ---------------------------------------------------------------


def test_find_a_child_by_partial_name_date_of_birth_or_reference(client_for, case_manager, family):
    kai = ChildFactory(
        family=family, first_name="Kai", last_name="Marlowe", date_of_birth=dt.date(2011, 3, 4)
    )
    ChildFactory(
        family=family, first_name="Bea", last_name="Marlowe", date_of_birth=dt.date(2013, 1, 2)
    )
    client = client_for(case_manager)

    def found(query: str) -> list:
        return list(client.get(reverse("cases:find-child") + query).context["page"].object_list)

    assert found("?q=mARl+ka") == [kai]
    assert found("?dob_0=4&dob_1=3&dob_2=2011") == [kai]
    assert found(f"?q={kai.reference.lower()}") == [kai]


def test_find_a_child_filters_by_kind_status_case_manager_and_team(
    client_for, supervisor, family, colleague, team
):
    prevention = ChildFactory(family=family, first_name="Pat")
    CaseFactory(child=prevention, kind=CaseKind.PREVENTION, status=CaseStatus.OPEN)
    theirs = ChildFactory(family=FamilyFactory(team=team, case_manager=colleague), first_name="Lee")
    CaseFactory(child=theirs, kind=CaseKind.YRO, status=CaseStatus.REFERRED, opened_on=None)
    client = client_for(supervisor)

    def found(query: str) -> list:
        return list(client.get(reverse("cases:find-child") + query).context["page"].object_list)

    assert found("?kind=prevention") == [prevention]
    assert found("?status=referred") == [theirs]
    assert found(f"?case_manager={colleague.pk}") == [theirs]
    assert found(f"?team={team.pk}&sort=-name") == [theirs, prevention]  # Testfamily…, Marlowe


# --- Child page, timeline and History tab ---------------------------------------


def test_the_child_page_shows_an_unexcused_absence_on_the_timeline_newest_first(
    client_for, case_manager, family
):
    child = ChildFactory(
        family=family, care_status="looked_after", responsible_authority="Demo County Council"
    )
    case = CaseFactory(child=child, referred_on=dt.date(2026, 9, 1))
    SessionFactory(
        case=case,
        attendance=Attendance.UNEXCUSED,
        starts_at=dt.datetime(2026, 10, 5, 10, tzinfo=LONDON),
    )
    response = client_for(case_manager).get(child.get_absolute_url())
    titles = [e.title for e in response.context["timeline"]]
    assert titles.index("One-to-one session") < titles.index("Referred: Referral order")
    assert "Unexcused absence" in response.content.decode()
    assert "Responsible authority: Demo County Council" in response.content.decode()


def test_the_history_tab_says_who_changed_what_in_words(client_for, case_manager, family):
    from cases import services

    child = ChildFactory(family=family)
    services.child_update(child=child, changes={"sen": "ehcp"}, loaded_version=1, by=case_manager)
    response = client_for(case_manager).get(reverse("cases:child-history", args=[child.pk]))
    entry = response.context["history"][0]
    assert (entry.user, entry.action) == ("Casey Morgan", "Changed")
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("Special educational needs", "Not known", "Education, health and care plan")
    ]
    assert "Not known" in response.content.decode()
    assert AccessLog.objects.filter(reason="history", object_id=child.pk).exists()


def test_the_family_history_shows_each_allocation(
    client_for, supervisor, colleague, case_manager, family
):
    from cases import services

    services.family_allocate(family=family, case_manager=colleague, by=supervisor)
    response = client_for(supervisor).get(reverse("cases:family-history", args=[family.pk]))
    entry = response.context["history"][0]
    assert entry.user == "Sam Okafor"
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("Case manager", "Casey Morgan", "Robin Ellis")
    ]


# --- Forms ----------------------------------------------------------------------


def child_post(**extra) -> dict:
    return {
        "first_name": "Kai",
        "last_name": "Marlowe",
        "date_of_birth_0": "4",
        "date_of_birth_1": "3",
        "date_of_birth_2": "2011",
        "gender": "male",
        "ethnicity": "not_known",
        "sen": "none",
        "care_status": "none",
        **extra,
    }


def test_adding_a_possible_duplicate_shows_the_existing_child_first(
    client_for, case_manager, family
):
    existing = ChildFactory(
        family=family, first_name="Kai", last_name="Marlowe", date_of_birth=dt.date(2011, 3, 4)
    )
    client = client_for(case_manager)
    url = reverse("cases:add-child", args=[family.pk])
    response = client.post(url, child_post())
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert "Possible duplicate" in response.content.decode()
    assert Child.objects.count() == 1
    response = client.post(url, child_post(confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Child.objects.count() == 2


def test_a_future_date_of_birth_is_shown_in_the_error_summary(client_for, case_manager, family):
    response = client_for(case_manager).post(
        reverse("cases:add-child", args=[family.pk]), child_post(date_of_birth_2="2030")
    )
    assert response.context["form"].errors["date_of_birth"] == ["Date of birth must be in the past"]
    assert "govuk-error-summary" in response.content.decode()


def test_empty_child_form_names_each_missing_field(client_for, case_manager, family):
    response = client_for(case_manager).post(reverse("cases:add-child", args=[family.pk]), {})
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter the first name"]
    assert errors["date_of_birth"] == ["Enter the child's date of birth"]


def case_post(**extra) -> dict:
    return {
        "kind": "prevention",
        "referred_on_0": "1",
        "referred_on_1": "11",
        "referred_on_2": "2026",
        **extra,
    }


def test_prevention_for_a_young_child_asks_for_confirmation_then_opens(
    client_for, case_manager, family
):
    child = ChildFactory(family=family, date_of_birth=dt.date(2020, 5, 1))
    client = client_for(case_manager)
    url = reverse("cases:open-case", args=[child.pk])
    response = client.post(url, case_post())
    assert response.status_code == 200
    assert (
        response.context["warning"]
        == "Prevention work is usually with children aged 7 to 17. This child is 6."
    )
    assert not Case.objects.exists()
    response = client.post(url, case_post(confirm_age="on"))
    assert response.status_code == 302
    assert Case.objects.get().status == CaseStatus.REFERRED


def test_closing_without_a_reason_keeps_the_case_open(client_for, case_manager, family):
    case = CaseFactory(child__family=family)
    response = client_for(case_manager).post(
        reverse("cases:close-case", args=[case.pk]),
        {
            "closed_on_0": "20",
            "closed_on_1": "11",
            "closed_on_2": "2026",
            "closure_reason": "",
            "loaded_version": "1",
        },
    )
    assert response.context["form"].errors["closure_reason"] == [
        "Enter the reason for closing the case"
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_stale_edit_is_refused_with_a_clear_message(client_for, case_manager, family):
    from cases.forms import STALE_RECORD

    Family.objects.filter(pk=family.pk).update(version=2)
    response = client_for(case_manager).post(
        reverse("cases:edit-family", args=[family.pk]), {"name": "Changed", "loaded_version": "1"}
    )
    assert response.context["form"].non_field_errors() == [STALE_RECORD]
    family.refresh_from_db()
    assert family.name == "Marlowe"


def test_a_supervisor_allocates_through_the_form(client_for, supervisor, colleague, family):
    response = client_for(supervisor).post(
        reverse("cases:allocate-family", args=[family.pk]), {"case_manager": colleague.pk}
    )
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.case_manager == colleague


def test_the_allocation_form_offers_only_the_familys_team(
    client_for, supervisor, colleague, case_manager, outsider, family
):
    response = client_for(supervisor).get(reverse("cases:allocate-family", args=[family.pk]))
    assert set(response.context["form"].fields["case_manager"].queryset) == {
        case_manager,
        colleague,
    }


def test_planned_sessions_stay_off_the_timeline_until_they_happen(client_for, case_manager, family):
    case = CaseFactory(child__family=family)
    SessionFactory(
        case=case, kind="parenting", starts_at=dt.datetime(2026, 12, 2, 10, tzinfo=LONDON)
    )
    SessionFactory(
        case=case,
        kind="parenting",
        attendance=Attendance.ATTENDED,
        starts_at=dt.datetime(2026, 11, 2, 10, tzinfo=LONDON),
    )
    response = client_for(case_manager).get(case.child.get_absolute_url())
    sessions = [e for e in response.context["timeline"] if e.kind == "session"]
    assert [(e.title, e.description) for e in sessions] == [("Parenting session", "Attended")]


def test_home_shows_the_case_manager_only_their_families(
    client_for, case_manager, colleague, team, family
):
    ChildFactory(family=family)
    FamilyFactory(team=team, case_manager=colleague, name="Ellisons")
    panel = caseload_panel(client_for(case_manager).get(reverse("home")))
    assert panel["families"] == [family]


def test_home_shows_a_supervisor_the_families_waiting_for_allocation(
    client_for, supervisor, team, family
):
    waiting = FamilyFactory(team=team, case_manager=None, name="Waiting")
    response = client_for(supervisor).get(reverse("home"))
    panel = next(p for p in response.context["panels"] if p["template"].startswith("cases/"))
    assert panel["families"] == [waiting]
    assert reverse("cases:allocate-family", args=[waiting.pk]) in response.content.decode()
