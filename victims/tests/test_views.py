"""The victims' pages: who may reach them, forms, query counts."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
from victims import messages as m
from victims.models import RJChoice, Victim, VictimContact, VictimUpdate
from victims.tests.factories import (
    ReparationFactory,
    RestorativeJusticeWorkFactory,
    VictimContactFactory,
    VictimOffenceFactory,
    VictimUpdateFactory,
)
from yos.models import AccessLog, Role

pytestmark = pytest.mark.django_db

VICTIM_URLS = [
    ("victims:list", None),
    ("victims:create", None),
    ("victims:detail", "victim"),
    ("victims:history", "victim"),
    ("victims:edit", "victim"),
    ("victims:link-case", "victim"),
    ("victims:record-contact", "victim"),
    ("victims:record-update", "victim"),
    ("victims:decide-invitation", "victim"),
    ("victims:record-rj-work", "victim"),
    ("victims:withdraw-consent", "contact"),
    ("victims:edit-rj-work", "work"),
]


@pytest.fixture
def records(team, case_manager):
    family = FamilyFactory(team=team, case_manager=case_manager)
    case = CaseFactory(child=ChildFactory(family=family), offence="Criminal damage")
    link = VictimOffenceFactory(case=case, victim__name="Victimname Records")
    contact = VictimContactFactory(
        victim=link.victim,
        choice=RJChoice.DIRECT_CONFERENCE,
        consent_given=True,
        consent_on=dt.date(2026, 11, 3),
    )
    work = RestorativeJusticeWorkFactory(offence=link)
    reparation = ReparationFactory(case=case)
    return {
        "victim": link.victim,
        "contact": contact,
        "work": work,
        "case": case,
        "child": case.child,
        "reparation": reparation,
    }


def _url(name, key, records):
    return reverse(name, args=[records[key].pk]) if key else reverse(name)


@pytest.mark.parametrize(("name", "key"), VICTIM_URLS)
def test_only_victim_workers_reach_the_victims_pages(name, key, records, personas, client_for):
    url = _url(name, key, records)
    for role, user in personas.items():
        status = client_for(user).get(url).status_code
        if role == Role.VICTIM_WORKER:
            assert status == 200, (role, url)
        elif role == Role.ADMINISTRATOR and name == "victims:detail":
            assert status == 200  # the reason form: tested below
        else:
            assert status == 404, (role, url)


def test_an_administrator_is_asked_for_a_reason_first(records, administrator, client_for):
    victim = records["victim"]
    response = client_for(administrator).get(victim.get_absolute_url())
    body = response.content.decode()
    assert "Give a reason to open a victim's record" in body
    assert victim.name not in body
    assert victim.phone not in body
    assert not AccessLog.objects.exists()


def test_an_administrator_without_a_reason_sees_the_error_not_the_record(
    records, administrator, client_for
):
    victim = records["victim"]
    response = client_for(administrator).post(victim.get_absolute_url(), {"reason": ""})
    body = response.content.decode()
    assert m.ADMIN_REASON_REQUIRED.replace("'", "&#x27;") in body
    assert victim.name not in body
    assert not AccessLog.objects.exists()


def test_an_administrator_with_a_reason_sees_the_record_and_the_read_is_logged(
    records, administrator, client_for
):
    victim = records["victim"]
    reason = "Subject access request SAR-2026-014"
    response = client_for(administrator).post(victim.get_absolute_url(), {"reason": reason})
    body = response.content.decode()
    assert response.status_code == 200
    assert victim.name in body
    assert 'data-testid="read-only"' in body
    assert reverse("victims:edit", args=[victim.pk]) not in body
    log = AccessLog.objects.get()
    assert (log.user, log.reason, log.object_id) == (administrator, reason, victim.pk)
    assert log.content_type == ContentType.objects.get_for_model(Victim)


def test_the_victim_page_is_logged_for_victim_workers(records, victim_worker, client_for):
    victim = records["victim"]
    client_for(victim_worker).get(victim.get_absolute_url())
    assert AccessLog.objects.get().object_id == victim.pk


def test_the_victim_page_shows_what_a_victim_worker_may_see_of_the_child(
    records, victim_worker, client_for, case_manager
):
    body = client_for(victim_worker).get(records["victim"].get_absolute_url()).content.decode()
    child, case = records["child"], records["case"]
    assert child.full_name in body
    assert "Criminal damage" in body
    assert case.get_kind_display() in body
    assert str(case_manager) in body
    assert child.family.address not in body  # nothing else of the child or family


@pytest.mark.parametrize("name", ["victims:record-reparation", "victims:edit-reparation"])
def test_only_the_allocated_case_manager_records_reparation(
    name, records, personas, colleague, client_for
):
    key = "case" if name == "victims:record-reparation" else "reparation"
    url = reverse(name, args=[records[key].pk])
    for role, user in personas.items():
        expected = 200 if role == Role.CASE_MANAGER else 404
        assert client_for(user).get(url).status_code == expected, role
    assert client_for(colleague).get(url).status_code == 403


def test_creating_a_victim_with_nothing_shows_every_message(victim_worker, client_for):
    response = client_for(victim_worker).post(reverse("victims:create"), {})
    body = response.content.decode()
    assert "govuk-error-summary" in body
    for message in (
        m.CASE_REFERENCE_REQUIRED,
        m.NAME_REQUIRED,
        m.RECEIVED_REQUIRED,
        m.CONTACT_DETAIL_REQUIRED,
    ):
        assert message.replace("'", "&#x27;") in body
    assert "This field is required" not in body
    assert not Victim.objects.exists()


def test_creating_a_victim_links_the_case_by_its_reference(today, victim_worker, client_for):
    case = CaseFactory(offence="Robbery")
    response = client_for(victim_worker).post(
        reverse("victims:create"),
        {
            "case_reference": case.reference.lower(),
            "kind": "person",
            "name": "Victimname Added",
            "phone": "07700 900777",
            "details_received_on_0": "24",
            "details_received_on_1": "11",
            "details_received_on_2": "2026",
        },
    )
    victim = Victim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == victim.get_absolute_url()
    assert victim.offences.get().case == case


def test_an_unknown_case_reference_is_refused(today, victim_worker, client_for):
    response = client_for(victim_worker).post(
        reverse("victims:create"), {"case_reference": "KNOPE123"}
    )
    assert m.CASE_REFERENCE_UNKNOWN in response.content.decode()


def _contact_post(**fields):
    data = {
        "contacted_on_0": "24",
        "contacted_on_1": "11",
        "contacted_on_2": "2026",
        "method": "phone",
        "offered_information": "on",
        "offered_restorative_justice": "on",
        "choice": "indirect_letter",
        "wants_updates": "on",
    }
    return data | fields


def test_recording_a_contact_saves_it_with_the_worker(today, records, victim_worker, client_for):
    victim = records["victim"]
    url = reverse("victims:record-contact", args=[victim.pk])
    response = client_for(victim_worker).post(url, _contact_post())
    assert response.status_code == 302
    contact = victim.contacts.order_by("-id").first()
    assert (contact.choice, contact.wants_updates, contact.by) == (
        "indirect_letter",
        True,
        victim_worker,
    )


def test_a_direct_conference_without_consent_is_refused_next_to_the_field(
    today, records, victim_worker, client_for
):
    victim = records["victim"]
    url = reverse("victims:record-contact", args=[victim.pk])
    before = VictimContact.objects.count()
    response = client_for(victim_worker).post(url, _contact_post(choice="direct_conference"))
    body = response.content.decode()
    assert body.count(m.DIRECT_NEEDS_CONSENT.replace("'", "&#x27;")) == 2  # summary and field
    assert VictimContact.objects.count() == before


def test_consent_dated_tomorrow_is_refused(today, records, victim_worker, client_for):
    url = reverse("victims:record-contact", args=[records["victim"].pk])
    response = client_for(victim_worker).post(
        url,
        _contact_post(
            choice="direct_conference",
            consent_given="on",
            consent_on_0="26",
            consent_on_1="11",
            consent_on_2="2026",
        ),
    )
    assert m.CONSENT_DATE_FUTURE in response.content.decode()


def test_recording_an_update(today, records, victim_worker, client_for):
    victim = records["victim"]
    response = client_for(victim_worker).post(
        reverse("victims:record-update", args=[victim.pk]),
        {
            "given_on_0": "25",
            "given_on_1": "11",
            "given_on_2": "2026",
            "method": "letter",
            "text": "The child completed the reparation.",
        },
    )
    assert response.status_code == 302
    assert VictimUpdate.objects.get().by == victim_worker


def test_a_stale_edit_saves_nothing(today, records, victim_worker, client_for):
    victim = records["victim"]
    client = client_for(victim_worker)
    data = {
        "kind": "person",
        "name": "Victimname Renamed",
        "phone": "07700 900111",
        "details_received_on_0": "2",
        "details_received_on_1": "11",
        "details_received_on_2": "2026",
        "loaded_version": victim.version,
    }
    assert client.post(reverse("victims:edit", args=[victim.pk]), data).status_code == 302
    stale = client.post(
        reverse("victims:edit", args=[victim.pk]), data | {"name": "Victimname Stale"}
    )
    assert "Someone else changed this record" in stale.content.decode()
    victim.refresh_from_db()
    assert victim.name == "Victimname Renamed"


def test_withdrawing_consent(today, records, victim_worker, client_for):
    contact = records["contact"]
    response = client_for(victim_worker).post(
        reverse("victims:withdraw-consent", args=[contact.pk]),
        {
            "consent_withdrawn_on_0": "20",
            "consent_withdrawn_on_1": "11",
            "consent_withdrawn_on_2": "2026",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.consent_withdrawn_on == dt.date(2026, 11, 20)


def test_the_history_tab_shows_changes_with_who_made_them(
    today, records, victim_worker, client_for
):
    victim = records["victim"]
    client = client_for(victim_worker)
    client.post(reverse("victims:record-contact", args=[victim.pk]), _contact_post())
    body = client.get(reverse("victims:history", args=[victim.pk])).content.decode()
    assert "Indirect: letter" in body
    assert str(victim_worker) in body


# --- Query counts -------------------------------------------------------------------


def _victims(n, case):
    for _ in range(n):
        link = VictimOffenceFactory(case=case)
        VictimContactFactory(victim=link.victim)
        VictimUpdateFactory(victim=link.victim)
        RestorativeJusticeWorkFactory(offence=link)


def _count(django_assert_max_num_queries, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up: session, content types
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_for_5_and_50_victims(victim_worker, client_for, today):
    case = CaseFactory()
    client = client_for(victim_worker)
    url = reverse("victims:list")
    _victims(5, case)
    five = _count(None, client, url)
    _victims(45, case)
    assert _count(None, client, url) == five


def test_the_victim_page_costs_the_same_for_5_and_50_records(victim_worker, client_for, today):
    link = VictimOffenceFactory()
    victim = link.victim
    client = client_for(victim_worker)

    def add(n):
        for _ in range(n):
            VictimContactFactory(victim=victim)
            VictimUpdateFactory(victim=victim)
            RestorativeJusticeWorkFactory(offence=link)
            VictimOffenceFactory(victim=victim)

    add(5)
    five = _count(None, client, victim.get_absolute_url())
    add(45)
    assert _count(None, client, victim.get_absolute_url()) == five


def test_the_home_page_panels_cost_the_same_for_5_and_50_victims(victim_worker, client_for, today):
    case = CaseFactory()
    client = client_for(victim_worker)
    for _ in range(5):
        VictimOffenceFactory(case=case)
    five = _count(None, client, reverse("home"))
    for _ in range(45):
        VictimOffenceFactory(case=case)
    assert _count(None, client, reverse("home")) == five
