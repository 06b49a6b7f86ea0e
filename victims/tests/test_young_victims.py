"""Young victims and the parents or guardians who act for them (issue 17).

Victims' Code (as summarised by police services under it): "if you are under
18 years of age, you will be automatically eligible for enhanced services as
a vulnerable victim"; "You can also receive Rights under this Code if you
are: a parent or guardian of the victim if the victim is under 18 years of
age". PRODUCT.md: "information about restorative justice — due within 5
working days, or 1 working day for victims entitled to enhanced rights";
"Parents or guardians of young victims act for them."
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.tests.factories import CaseFactory
from victims import rules, services
from victims.models import GivenBy, Victim, VictimContact
from victims.tests.factories import VictimContactFactory, VictimFactory, VictimOffenceFactory

pytestmark = pytest.mark.django_db

OFFENCE = dt.date(2026, 8, 20)  # CaseFactory's offence date
RECEIVED = dt.date(2026, 11, 24)  # a Tuesday


def _form(case, **extra):
    data = {
        "case_reference": case.reference,
        "kind": "person",
        "name": "Victimname Young",
        "phone": "07700 900777",
        "details_received_on_0": "24",
        "details_received_on_1": "11",
        "details_received_on_2": "2026",
    }
    data.update(extra)
    return data


def _dob(day):
    return {"date_of_birth_0": day.day, "date_of_birth_1": day.month, "date_of_birth_2": day.year}


# --- the rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "known", "offences", "young"),
    [
        (dt.date(2008, 8, 21), False, [OFFENCE], True),  # 17 on the offence day
        (dt.date(2008, 8, 20), False, [OFFENCE], False),  # 18 that day
        (None, True, [OFFENCE], True),  # date of birth unknown, known under 18
        (None, False, [OFFENCE], False),
        (dt.date(2008, 12, 1), False, [None], True),  # no offence date: 17 on receipt
        (dt.date(2008, 2, 29), False, [dt.date(2026, 2, 28)], True),  # 18 on 1 March
    ],
)
def test_a_victim_under_18_at_the_offence_is_a_young_victim(dob, known, offences, young):
    assert (
        rules.is_young_victim(
            date_of_birth=dob,
            known_under_18=known,
            offence_dates=offences,
            details_received_on=RECEIVED,
        )
        is young
    )


# --- services: enhanced rights follow, and the 1-working-day clock ------------------


def test_a_young_victim_gets_enhanced_rights_and_the_one_day_clock(today, victim_worker):
    case = CaseFactory()
    victim = services.victim_create(
        victim=Victim(
            name="Victimname Young",
            phone="07700 900777",
            details_received_on=RECEIVED,
            date_of_birth=dt.date(2010, 3, 4),
        ),
        case=case,
        by=victim_worker,
    )
    assert victim.young_victim and victim.enhanced_rights
    assert victim.enhanced_rights_reason == "Under 18 at the time of the offence"
    assert victim.first_contact_due_on == dt.date(2026, 11, 25)  # 1 working day
    assert list(Victim.objects.first_contact_overdue(dt.date(2026, 11, 26))) == [victim]


def test_a_corrected_date_of_birth_takes_the_automatic_entitlement_away(today, victim_worker):
    victim = VictimFactory(details_received_on=RECEIVED, known_under_18=True)
    VictimOffenceFactory(victim=victim)
    victim = services.victim_edit(victim=victim, loaded_version=victim.version, by=victim_worker)
    assert victim.enhanced_rights
    victim.known_under_18, victim.date_of_birth = False, dt.date(1990, 1, 1)
    victim = services.victim_edit(victim=victim, loaded_version=victim.version, by=victim_worker)
    assert (victim.young_victim, victim.enhanced_rights, victim.enhanced_rights_reason) == (
        False,
        False,
        "",
    )
    assert victim.first_contact_due_on == dt.date(2026, 12, 1)  # 5 working days


def test_linking_an_offence_committed_while_under_18_makes_a_young_victim(today, victim_worker):
    victim = VictimFactory(details_received_on=RECEIVED, date_of_birth=dt.date(2008, 6, 1))
    VictimOffenceFactory(victim=victim, case=CaseFactory(offence_date=dt.date(2026, 9, 1)))
    services.victim_link_case(
        victim=victim, case=CaseFactory(offence_date=dt.date(2026, 5, 1)), by=victim_worker
    )
    victim.refresh_from_db()
    assert victim.young_victim and victim.enhanced_rights
    assert victim.history.latest().history_user == victim_worker


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"date_of_birth": dt.date(2026, 11, 26)},
            {"date_of_birth": ["The victim's date of birth must be in the past"]},
        ),
        (
            {"date_of_birth": dt.date(2010, 1, 1), "known_under_18": True},
            {
                "known_under_18": [
                    "Leave “under 18 at the time of the offence” unticked when you enter the date of birth"
                ]
            },
        ),
        (
            {"kind": "organisation", "known_under_18": True},
            {"date_of_birth": ["An organisation has no date of birth or age: leave them empty"]},
        ),
        (
            {"date_of_birth": dt.date(2026, 8, 21)},
            {
                "date_of_birth": [
                    "The victim's date of birth must be before the offence on 20 August 2026"
                ]
            },
        ),
        (
            {"representative_name": "Parentname Young"},
            {"representative_relationship": ["Enter their relationship to the victim"]},
        ),
    ],
)
def test_ages_that_cannot_be_are_refused(today, victim_worker, fields, errors):
    with pytest.raises(ValidationError) as caught:
        services.victim_create(
            victim=Victim(
                name="Victimname Young",
                phone="07700 900777",
                details_received_on=RECEIVED,
                **fields,
            ),
            case=CaseFactory(),
            by=victim_worker,
        )
    assert caught.value.message_dict == errors
    assert not Victim.objects.exists()


# --- views ---------------------------------------------------------------------------


def test_the_victim_worker_records_a_young_victim_and_the_page_says_so(
    today, victim_worker, client_for
):
    client = client_for(victim_worker)
    response = client.post(reverse("victims:create"), _form(CaseFactory(), known_under_18="on"))
    victim = Victim.objects.get()
    assert response.status_code == 302
    page = client.get(victim.get_absolute_url()).content.decode()
    assert "Not known: under 18 at the time of the offence" in page
    assert "entitled to enhanced rights automatically" in page
    assert "25 November 2026 (1 working day)" in page


def test_the_form_shows_an_age_refusal_next_to_the_field(today, victim_worker, client_for):
    response = client_for(victim_worker).post(
        reverse("victims:create"), _form(CaseFactory(), **_dob(dt.date(2027, 1, 1)))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [
        "The victim's date of birth must be in the past"
    ]


@pytest.mark.parametrize("persona", ["case_manager", "supervisor", "school_staff"])
def test_other_roles_never_see_a_young_victim_or_their_representative(
    request, today, client_for, persona
):
    victim = VictimFactory(
        name="Victimname Canary",
        known_under_18=True,
        young_victim=True,
        enhanced_rights=True,
        enhanced_rights_reason="Under 18 at the time of the offence",
        representative_name="Parentname Canary",
        representative_relationship="Father",
    )
    VictimContactFactory(
        victim=victim,
        given_by=GivenBy.REPRESENTATIVE,
        representative_name="Parentname Canary",
        representative_relationship="Father",
    )
    client = client_for(request.getfixturevalue(persona))
    for url in (victim.get_absolute_url(), reverse("victims:edit", args=[victim.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Canary" not in response.content.decode()


# --- representatives ---------------------------------------------------------------


@pytest.fixture
def represented(today):
    victim = VictimFactory(
        details_received_on=RECEIVED,
        known_under_18=True,
        young_victim=True,
        enhanced_rights=True,
        enhanced_rights_reason="Under 18 at the time of the offence",
        representative_name="Parentname Oak",
        representative_relationship="Mother",
    )
    VictimOffenceFactory(victim=victim)
    return victim


def _contact_form(**extra):
    return {
        "contacted_on_0": "25",
        "contacted_on_1": "11",
        "contacted_on_2": "2026",
        "method": "phone",
        "offered_restorative_justice": "on",
        "choice": "direct_conference",
        "consent_given": "on",
        "consent_on_0": "25",
        "consent_on_1": "11",
        "consent_on_2": "2026",
        **extra,
    }


def test_a_contact_records_that_the_parent_gave_the_choice_and_consent(
    represented, victim_worker, client_for
):
    client = client_for(victim_worker)
    response = client.post(
        reverse("victims:record-contact", args=[represented.pk]),
        _contact_form(given_by="representative"),
    )
    assert response.status_code == 302
    contact = represented.contacts.get()
    assert (contact.given_by, contact.representative_name, contact.representative_relationship) == (
        "representative",
        "Parentname Oak",
        "Mother",
    )
    page = client.get(represented.get_absolute_url()).content.decode()
    assert "Given by Parentname Oak (Mother), acting for the victim" in page


def test_who_gave_it_must_be_said_when_a_parent_acts_for_the_victim(
    represented, victim_worker, client_for
):
    response = client_for(victim_worker).post(
        reverse("victims:record-contact", args=[represented.pk]), _contact_form()
    )
    assert response.context["form"].errors["given_by"] == ["Select who gave the choice and consent"]
    assert not represented.contacts.exists()


def test_a_representative_cannot_be_named_when_none_is_recorded(today, victim_worker):
    victim = VictimFactory(details_received_on=RECEIVED)
    contact = VictimContact(
        victim=victim,
        contacted_on=RECEIVED,
        method="phone",
        offered_information=True,
        offered_support_referral=False,
        offered_restorative_justice=True,
        given_by=GivenBy.REPRESENTATIVE,
    )
    with pytest.raises(ValidationError) as caught:
        services.victim_contact_record(contact=contact, by=victim_worker)
    assert caught.value.message_dict == {
        "given_by": [
            "No parent or guardian is recorded as acting for the victim: add them to the "
            "victim's details first"
        ]
    }


def test_a_withdrawal_records_the_parent_who_withdrew(represented, victim_worker, client_for):
    contact = VictimContactFactory(
        victim=represented,
        contacted_on=RECEIVED,
        consent_given=True,
        consent_on=RECEIVED,
        given_by=GivenBy.REPRESENTATIVE,
        representative_name="Parentname Oak",
        representative_relationship="Mother",
    )
    client = client_for(victim_worker)
    response = client.post(
        reverse("victims:withdraw-consent", args=[contact.pk]),
        {
            "consent_withdrawn_on_0": "25",
            "consent_withdrawn_on_1": "11",
            "consent_withdrawn_on_2": "2026",
            "given_by": "representative",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.withdrawal_given_by, contact.withdrawal_representative) == (
        "representative",
        "Parentname Oak (Mother)",
    )
    assert contact.history.latest().history_user == victim_worker
    page = client.get(represented.get_absolute_url()).content.decode()
    assert "withdrawn on 25 November 2026 by Parentname Oak (Mother), acting for the victim" in page
