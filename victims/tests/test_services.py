"""Writes of the victims app: rules enforced, history user recorded."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.tests.factories import CaseFactory
from victims import messages as m
from victims import selectors, services
from victims.models import (
    ContactMethod,
    Reparation,
    RestorativeJusticeWork,
    RJChoice,
    RJKind,
    Victim,
    VictimContact,
    VictimKind,
    VictimUpdate,
)
from victims.tests.factories import (
    VictimContactFactory,
    VictimFactory,
    VictimOffenceFactory,
    VictimUpdateFactory,
)

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> dict:
    return {k: [str(x) for x in v] for k, v in error.message_dict.items()}


def _contact(victim, **fields):
    values = {
        "victim": victim,
        "contacted_on": dt.date(2026, 11, 20),
        "method": ContactMethod.PHONE,
        "offered_information": True,
        "offered_support_referral": False,
        "offered_restorative_justice": True,
    }
    return VictimContact(**(values | fields))


def test_victim_create_links_the_case_and_records_who(today, victim_worker):
    case = CaseFactory()
    victim = Victim(name="Victimname Created", phone="07700 900999", details_received_on=today)
    services.victim_create(victim=victim, case=case, by=victim_worker)
    assert list(victim.offences.values_list("case", flat=True)) == [case.pk]
    assert victim.history.get().history_user == victim_worker


def test_a_victim_needs_some_way_to_be_contacted(today, victim_worker):
    victim = Victim(name="Victimname Silent", details_received_on=today)
    with pytest.raises(ValidationError) as caught:
        services.victim_create(victim=victim, case=CaseFactory(), by=victim_worker)
    assert _messages(caught.value) == {"address": [m.CONTACT_DETAIL_REQUIRED]}
    assert not Victim.objects.exists()


def test_an_organisation_cannot_have_enhanced_rights(today, victim_worker):
    victim = Victim(
        name="Shop Ltd",
        kind=VictimKind.ORGANISATION,
        phone="01632 960000",
        enhanced_rights=True,
        enhanced_rights_reason="Persistently targeted",
        details_received_on=today,
    )
    with pytest.raises(ValidationError) as caught:
        services.victim_create(victim=victim, case=CaseFactory(), by=victim_worker)
    assert m.ENHANCED_ORGANISATION in str(caught.value)


def test_a_case_without_an_offence_cannot_be_linked(victim_worker):
    victim = VictimFactory()
    with pytest.raises(ValidationError) as caught:
        services.victim_link_case(victim=victim, case=CaseFactory(offence=""), by=victim_worker)
    assert _messages(caught.value) == {"case_reference": [m.CASE_WITHOUT_OFFENCE]}


def test_contact_records_who_made_it(today, victim_worker):
    victim = VictimFactory()
    contact = services.victim_contact_record(
        contact=_contact(victim, choice=RJChoice.INDIRECT_LETTER, wants_updates=True),
        by=victim_worker,
    )
    assert contact.by == victim_worker
    assert contact.history.get().history_user == victim_worker


def test_a_direct_conference_is_refused_without_consent(today, victim_worker):
    """'a direct conference needs recorded consent' (issue 6; PRODUCT.md:
    participation is voluntary)."""
    victim = VictimFactory()
    with pytest.raises(ValidationError) as caught:
        services.victim_contact_record(
            contact=_contact(victim, choice=RJChoice.DIRECT_CONFERENCE), by=victim_worker
        )
    assert _messages(caught.value) == {"consent_given": [m.DIRECT_NEEDS_CONSENT]}
    assert not VictimContact.objects.exists()


def test_the_database_also_refuses_a_direct_conference_without_consent():
    with pytest.raises(IntegrityError), transaction.atomic():
        VictimContactFactory(choice=RJChoice.DIRECT_CONFERENCE, consent_given=False)


def test_consent_dated_in_the_future_is_refused(today, victim_worker):
    victim = VictimFactory()
    contact = _contact(
        victim,
        choice=RJChoice.DIRECT_CONFERENCE,
        consent_given=True,
        consent_on=today + dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        services.victim_contact_record(contact=contact, by=victim_worker)
    assert _messages(caught.value) == {"consent_on": [m.CONSENT_DATE_FUTURE]}


def test_a_contact_before_the_details_arrived_is_refused(today, victim_worker):
    victim = VictimFactory(details_received_on=dt.date(2026, 11, 20))
    with pytest.raises(ValidationError) as caught:
        services.victim_contact_record(
            contact=_contact(victim, contacted_on=dt.date(2026, 11, 19)), by=victim_worker
        )
    assert _messages(caught.value) == {"contacted_on": [m.CONTACT_BEFORE_RECEIVED]}


def test_withdrawal_of_consent_is_recorded_once(today, victim_worker):
    contact = VictimContactFactory(
        choice=RJChoice.DIRECT_CONFERENCE, consent_given=True, consent_on=dt.date(2026, 11, 3)
    )
    services.victim_contact_withdraw_consent(
        contact=contact, withdrawn_on=dt.date(2026, 11, 20), by=victim_worker
    )
    contact.refresh_from_db()
    assert contact.consent_withdrawn_on == dt.date(2026, 11, 20)
    assert not contact.consent_current
    assert contact.history.first().history_user == victim_worker
    with pytest.raises(ValidationError) as caught:
        services.victim_contact_withdraw_consent(
            contact=contact, withdrawn_on=today, by=victim_worker
        )
    assert _messages(caught.value) == {"consent_withdrawn_on": [m.ALREADY_WITHDRAWN]}


def test_withdrawal_before_the_consent_is_refused(today, victim_worker):
    contact = VictimContactFactory(consent_given=True, consent_on=dt.date(2026, 11, 10))
    with pytest.raises(ValidationError) as caught:
        services.victim_contact_withdraw_consent(
            contact=contact, withdrawn_on=dt.date(2026, 11, 9), by=victim_worker
        )
    assert _messages(caught.value) == {"consent_withdrawn_on": [m.WITHDRAWAL_BEFORE_CONSENT]}


def test_an_update_records_who_gave_it(today, victim_worker):
    victim = VictimFactory()
    update = services.victim_update_record(
        update=VictimUpdate(
            victim=victim, given_on=today, method=ContactMethod.LETTER, text="Order made"
        ),
        by=victim_worker,
    )
    assert update.by == victim_worker


def test_the_invitation_decision_needs_a_reason(today, victim_worker):
    """'The YOS decides whether to invite the victim to take part and records
    why (or why not).' (PRODUCT.md, Victims)"""
    victim = VictimFactory()
    with pytest.raises(ValidationError) as caught:
        services.victim_decide_invitation(
            victim=victim, invitation="invite", reason=" ", loaded_version=1, by=victim_worker
        )
    assert _messages(caught.value) == {"invitation_reason": [m.INVITATION_REASON_REQUIRED]}
    services.victim_decide_invitation(
        victim=victim,
        invitation="do_not_invite",
        reason="The child denies the offence",
        loaded_version=1,
        by=victim_worker,
    )
    victim.refresh_from_db()
    assert (victim.invitation, victim.invitation_decided_on) == ("do_not_invite", today)
    assert victim.invitation_decided_by == victim_worker


def test_a_conference_needs_the_victims_current_consent(today, victim_worker):
    link = VictimOffenceFactory()
    work = RestorativeJusticeWork(offence=link, kind=RJKind.CONFERENCE, started_on=today)
    with pytest.raises(ValidationError) as caught:
        services.rj_work_record(work=work, by=victim_worker)
    assert _messages(caught.value) == {"kind": [m.RJ_CONFERENCE_NEEDS_CONSENT]}

    contact = VictimContactFactory(
        victim=link.victim,
        choice=RJChoice.DIRECT_CONFERENCE,
        consent_given=True,
        consent_on=dt.date(2026, 11, 3),
    )
    services.rj_work_record(work=work, by=victim_worker)
    assert work.pk is not None

    services.victim_contact_withdraw_consent(contact=contact, withdrawn_on=today, by=victim_worker)
    again = RestorativeJusticeWork(offence=link, kind=RJKind.CONFERENCE, started_on=today)
    with pytest.raises(ValidationError):
        services.rj_work_record(work=again, by=victim_worker)


def test_the_conclusion_notice_needs_the_end_of_the_work(today, victim_worker):
    """'Victims who take part … [are] told when the intervention ends.'"""
    link = VictimOffenceFactory()
    work = services.rj_work_record(
        work=RestorativeJusticeWork(
            offence=link, kind=RJKind.LETTER, started_on=dt.date(2026, 11, 5)
        ),
        by=victim_worker,
    )
    work.conclusion_notice_on = today
    with pytest.raises(ValidationError) as caught:
        services.rj_work_edit(work=work, loaded_version=1, by=victim_worker)
    assert _messages(caught.value) == {"conclusion_notice_on": [m.RJ_NOTICE_NEEDS_END]}
    work.ended_on = dt.date(2026, 11, 20)
    services.rj_work_edit(work=work, loaded_version=1, by=victim_worker)
    work.refresh_from_db()
    assert (work.ended_on, work.conclusion_notice_on, work.version) == (
        dt.date(2026, 11, 20),
        today,
        2,
    )


def test_reparation_cannot_complete_more_hours_than_ordered(case_manager):
    reparation = Reparation(
        case=CaseFactory(),
        placement="Garden",
        hours=5,
        hours_completed=6,
        started_on=dt.date(2026, 11, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.reparation_record(reparation=reparation, by=case_manager)
    assert _messages(caught.value) == {"hours_completed": [m.REPARATION_COMPLETED_TOO_MANY]}


# --- Selectors ------------------------------------------------------------------------


def test_overdue_query_and_property_agree(today):
    """Status derived from dates: the queryset and the property say the same."""
    received = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(25)]
    victims = [VictimFactory(details_received_on=d) for d in received]
    victims += [
        VictimFactory(
            details_received_on=d, enhanced_rights=True, enhanced_rights_reason="Vulnerable"
        )
        for d in received
    ]
    VictimContactFactory(victim=victims[0], contacted_on=dt.date(2026, 11, 2))
    for on in (dt.date(2026, 11, 10), dt.date(2026, 11, 24), today):
        by_query = set(selectors.first_contacts_overdue(on).values_list("pk", flat=True))
        by_property = {v.pk for v in victims if v.is_first_contact_overdue(on)}
        assert by_query == by_property
        assert victims[0].pk not in by_query


def test_overdue_first_contact_with_a_bank_holiday_in_the_window():
    """Details received Thursday 24 December 2026: due Tuesday 5 January 2027."""
    victim = VictimFactory(details_received_on=dt.date(2026, 12, 24))
    assert victim.first_contact_due_on == dt.date(2027, 1, 5)
    assert not selectors.first_contacts_overdue(dt.date(2027, 1, 5)).exists()
    assert list(selectors.first_contacts_overdue(dt.date(2027, 1, 6))) == [victim]


def test_a_contact_without_restorative_justice_information_is_not_the_first_contact():
    victim = VictimFactory(details_received_on=dt.date(2026, 11, 2))
    VictimContactFactory(victim=victim, offered_restorative_justice=False)
    assert list(selectors.first_contacts_overdue(dt.date(2026, 11, 25))) == [victim]


def test_updates_are_due_28_days_after_the_victim_was_last_told(today):
    wants = VictimFactory()
    VictimContactFactory(victim=wants, contacted_on=dt.date(2026, 10, 1), wants_updates=True)
    recently = VictimFactory()
    VictimContactFactory(victim=recently, contacted_on=dt.date(2026, 10, 1), wants_updates=True)
    VictimUpdateFactory(victim=recently, given_on=dt.date(2026, 11, 20))
    declined = VictimFactory()
    VictimContactFactory(victim=declined, contacted_on=dt.date(2026, 10, 1), wants_updates=False)
    assert list(selectors.updates_due(today)) == [wants]


def test_awaiting_first_contact_lists_the_soonest_due_first():
    later = VictimFactory(details_received_on=dt.date(2026, 11, 20))
    enhanced = VictimFactory(
        details_received_on=dt.date(2026, 11, 20),
        enhanced_rights=True,
        enhanced_rights_reason="Vulnerable",
    )
    earliest = VictimFactory(details_received_on=dt.date(2026, 11, 2))
    assert selectors.awaiting_first_contact() == [earliest, enhanced, later]


def test_demo_seed_is_rerunnable(db, settings):
    from victims import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from yos.management.commands.seed_demo import seed_base

    ctx = demo.seed(seed_base())
    counts = (Victim.objects.count(), VictimContact.objects.count(), Reparation.objects.count())
    demo.seed(seed_base())
    assert counts == (5, 3, 1)
    assert (
        Victim.objects.count(),
        VictimContact.objects.count(),
        Reparation.objects.count(),
    ) == counts
    assert ctx["victims"]["organisation"].kind == VictimKind.ORGANISATION
    overdue = selectors.first_contacts_overdue(timezone.localdate())
    assert overdue.get() == ctx["victims"]["overdue"]
