"""Issue 16, "Flags that do not clear": "After a case was closed its 'Case due
for closure' flag stayed on the home page until the next night." A flag now
resolves in the request that saves its answer, by that user, with a history
row (each app's jobs.ANSWERS); the next nightly run agrees and raises nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.tests.factories import FamilyFactory
from contracts import jobs as contract_jobs
from contracts import services as contract_services
from contracts.models import ParentingContract
from contracts.tests import factories as cf
from orders import jobs as order_jobs
from orders import services as order_services
from orders.tests.factories import ParentingCaseFactory, ParentingOrderFactory, RequirementFactory
from victims import jobs as victim_jobs
from victims import services as victim_services
from victims.models import VictimContact
from victims.tests.factories import VictimFactory
from yos import flags
from yos.lib.audit import system_user
from yos.models import Flag

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ANSWERED = flags.ANSWERED_NOTE


@pytest.fixture
def allocated_family(case_manager, team):
    return FamilyFactory(team=team, case_manager=case_manager, name="Ashdown")


def _home(client_for, user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def _ended_parenting_case(family):
    """A parenting case whose order's counselling and requirement have both
    ended: due for closure (orders.jobs.due_for_closure)."""
    case = ParentingCaseFactory(child__family=family)
    order = ParentingOrderFactory(case=case, made_on=TODAY - dt.timedelta(days=400))
    RequirementFactory(order=order, ends_on=TODAY - dt.timedelta(days=60))
    return case, order


def _only_flag(kind):
    return Flag.objects.get(kind=kind)


def test_closing_a_case_resolves_case_due_for_closure_in_the_same_request(
    client_for, case_manager, allocated_family
):
    """The finding reproduced: the flag is on the home page; the case is
    closed; the very next page load no longer shows it (before this change
    it stayed until the next night's run)."""
    case, _order = _ended_parenting_case(allocated_family)
    order_jobs.closure_flags(TODAY, by=system_user())
    assert "Case due for closure" in _home(client_for, case_manager)
    case_services.case_close(
        case=case, closed_on=TODAY, closure_reason="All requirements have ended", by=case_manager
    )
    assert "Case due for closure" not in _home(client_for, case_manager)
    flag = _only_flag(Flag.Kind.CASE_DUE_FOR_CLOSURE)
    assert flag.resolved_at is not None and flag.resolved_by == case_manager
    latest = flag.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (case_manager, ANSWERED)
    # The nightly job agrees: nothing raised again, nothing else resolved.
    assert order_jobs.closure_flags(TODAY, by=system_user()) == {
        "raised": 0,
        "resolved": 0,
        "updated": 0,
        "open": 0,
    }


def test_saving_a_case_that_is_still_due_keeps_its_flag(case_manager, allocated_family):
    case, _order = _ended_parenting_case(allocated_family)
    order_jobs.closure_flags(TODAY, by=system_user())
    case.refresh_from_db()
    case_services.case_update(
        case=case,
        changes={"offence": "Changed notes"},
        loaded_version=case.version,
        by=case_manager,
    )
    assert _only_flag(Flag.Kind.CASE_DUE_FOR_CLOSURE).resolved_at is None


def test_closing_the_order_resolves_counselling_ended_and_requirement_ended(
    case_manager, allocated_family
):
    _case, order = _ended_parenting_case(allocated_family)
    order_jobs.counselling_flags(TODAY, by=system_user())
    order_jobs.requirement_flags(TODAY, by=system_user())
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 2
    order_services.order_close(order=order, closed_on=TODAY, by=case_manager)
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 0
    assert set(Flag.objects.values_list("resolved_by", flat=True)) == {case_manager.pk}
    assert order_jobs.counselling_flags(TODAY, by=system_user())["ended"]["raised"] == 0
    assert order_jobs.requirement_flags(TODAY, by=system_user())["ended"]["raised"] == 0


def test_recording_the_first_contact_resolves_victim_first_contact_overdue(
    client_for, victim_worker
):
    """Victims' Code: information about restorative justice within 5 working
    days of receiving the details (victims.rules). Recording that contact
    answers the flag at once."""
    victim = VictimFactory(
        name="Morwenna Tregothnan", details_received_on=TODAY - dt.timedelta(days=20)
    )
    victim_jobs.first_contact_flags(TODAY, by=system_user())
    assert "Morwenna Tregothnan" in _home(client_for, victim_worker)
    contact = VictimContact(
        victim=victim,
        contacted_on=TODAY,
        method="phone",
        offered_information=True,
        offered_support_referral=False,
        offered_restorative_justice=True,
        choice="undecided",
    )
    victim_services.victim_contact_record(contact=contact, by=victim_worker)
    flag = _only_flag(Flag.Kind.VICTIM_CONTACT_OVERDUE)
    assert flag.resolved_by == victim_worker
    assert flag.history.latest().history_user == victim_worker
    assert victim_jobs.first_contact_flags(TODAY, by=system_user())["overdue"]["raised"] == 0


@pytest.fixture
def contract_family(school, team, case_manager):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    return pupil, parents


def test_a_review_resolves_contract_review_overdue(school_staff, contract_family):
    pupil, parents = contract_family
    contract = cf.active(pupil, parents, school_staff)
    ParentingContract.objects.filter(pk=contract.pk).update(
        next_review_on=TODAY - dt.timedelta(days=3)
    )
    contract_jobs.review_flags(TODAY, by=system_user())
    assert _only_flag(Flag.Kind.CONTRACT_REVIEW_OVERDUE).resolved_at is None
    contract.refresh_from_db()
    contract_services.review_record(
        contract=contract,
        held_on=TODAY,
        progress={},
        next_review_on=TODAY + dt.timedelta(days=28),
        by=school_staff,
    )
    flag = _only_flag(Flag.Kind.CONTRACT_REVIEW_OVERDUE)
    assert flag.resolved_by == school_staff
    assert contract_jobs.review_flags(TODAY, by=system_user())["raised"] == 0


def test_the_last_signature_resolves_contract_not_signed_in_time(
    settings, school_staff, contract_family
):
    settings.CONTRACT_SIGNING_ALLOWED_DAYS = 10
    pupil, parents = contract_family
    contract = cf.finalised(pupil, parents, school_staff)
    ParentingContract.objects.filter(pk=contract.pk).update(
        finalised_on=TODAY - dt.timedelta(days=30)
    )
    contract_jobs.unsigned_flags(TODAY, by=system_user())
    assert _only_flag(Flag.Kind.CONTRACT_UNSIGNED).resolved_at is None
    contract.refresh_from_db()
    for adult in parents:
        cf.sign_parent(contract, adult, school_staff)
    assert _only_flag(Flag.Kind.CONTRACT_UNSIGNED).resolved_at is None  # one still to sign
    cf.sign_staff(contract, school_staff)
    flag = _only_flag(Flag.Kind.CONTRACT_UNSIGNED)
    assert flag.resolved_by == school_staff
    assert contract_jobs.unsigned_flags(TODAY, by=system_user())["raised"] == 0


def test_an_answer_resolves_only_its_own_records_flags(case_manager, allocated_family):
    closed, _ = _ended_parenting_case(allocated_family)
    other, _ = _ended_parenting_case(allocated_family)
    order_jobs.closure_flags(TODAY, by=system_user())
    case_services.case_close(
        case=closed, closed_on=TODAY, closure_reason="All requirements have ended", by=case_manager
    )
    open_ids = set(
        Flag.objects.filter(resolved_at__isnull=True).values_list("object_id", flat=True)
    )
    assert open_ids == {other.pk}


def test_a_save_that_rolls_back_resolves_nothing(case_manager, allocated_family):
    """The receiver runs in the save's own transaction."""
    from django.db import transaction

    case, _ = _ended_parenting_case(allocated_family)
    order_jobs.closure_flags(TODAY, by=system_user())
    with pytest.raises(RuntimeError), transaction.atomic():
        case_services.case_close(
            case=case,
            closed_on=TODAY,
            closure_reason="All requirements have ended",
            by=case_manager,
        )
        assert _only_flag(Flag.Kind.CASE_DUE_FOR_CLOSURE).resolved_at is not None
        raise RuntimeError("the request failed after the save")
    assert _only_flag(Flag.Kind.CASE_DUE_FOR_CLOSURE).resolved_at is None
