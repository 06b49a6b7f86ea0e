"""Who may end a parenting contract early (issue 17, "Who may end a contract").

docs/domain-contracts.md and PRODUCT.md: "supervisors approve contract
terminations". Issue 17: "a local-authority contract is ended by a YOS
supervisor (the allocated case manager may request it); a school's own
contract by that school's staff or a supervisor. School staff can never end a
local-authority contract (today they can, contradicting docs/domain-contracts.md)."
Seed 001: "Section 19 Anti-Social Behaviour Act 2003 states that a contract can
be between a parent and the local authority, although in most cases it will
be between parents and the school".
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import forms as f
from contracts import services
from contracts.models import ParentingContract, TerminationRequest
from contracts.tests import factories as cf
from contracts.tests.test_views_contract import date_fields
from yos import access

pytestmark = pytest.mark.django_db

END_EARLY = dt.date(2026, 11, 30)


@pytest.fixture
def la_contract(school, team, case_manager):
    """A contract between the parents and the local authority, drafted by the
    family's allocated case manager, waiting for signatures."""
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    return cf.finalised(pupil, parents, case_manager, party=ParentingContract.Party.LOCAL_AUTHORITY)


@pytest.fixture
def school_contract(school, team, case_manager, school_staff):
    """The school's own contract (the governing body is the party), in force."""
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    return cf.active(pupil, parents, school_staff)


def _terminate(contract, by):
    return services.contract_terminate(
        contract=contract,
        reason="No engagement since October",
        services_consulted=False,
        services_consulted_details="",
        ended_on=END_EARLY,
        by=by,
    )


def _request(contract, by, **extra):
    values = {
        "contract": contract,
        "reason": "The parents have not engaged since the warning",
        "ended_on": END_EARLY,
        "services_consulted": False,
        "by": by,
        **extra,
    }
    return services.termination_request(**values)


# --- School staff and a local-authority contract (the finding) -------------------------


def test_school_staff_cannot_end_a_local_authority_contract_through_the_service(
    la_contract, school_staff
):
    """Reproduces issue 17's finding: school staff at the pupil's school ended a
    local-authority contract. "School staff can never end a local-authority contract." """
    with pytest.raises(ValidationError) as refused:
        _terminate(la_contract, school_staff)
    assert refused.value.messages == [access.SCHOOL_CANNOT_END_LA_CONTRACT]
    la_contract.refresh_from_db()
    assert la_contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    assert not la_contract.status_changes.filter(transition="terminate").exists()


def test_school_staff_get_403_with_the_reason_on_the_la_contracts_end_page(
    client_for, la_contract, school_staff
):
    client = client_for(school_staff)
    url = reverse("contracts:terminate", args=[la_contract.pk])
    page = client.get(url)
    assert page.status_code == 403
    response = client.post(
        url, {"reason": "Ending it", **date_fields("ended_on", END_EARLY)}, follow=False
    )
    assert response.status_code == 403
    la_contract.refresh_from_db()
    assert la_contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    detail = client.get(la_contract.get_absolute_url()).content.decode()
    assert reverse("contracts:terminate", args=[la_contract.pk]) not in detail


def test_school_staff_end_their_schools_own_contract(client_for, school_contract, school_staff):
    """ "a school's own contract by that school's staff or a supervisor"."""
    response = client_for(school_staff).post(
        reverse("contracts:terminate", args=[school_contract.pk]),
        {"reason": "Moved away", **date_fields("ended_on", END_EARLY)},
    )
    assert response.status_code == 302
    school_contract.refresh_from_db()
    assert school_contract.status == ParentingContract.Status.TERMINATED
    assert school_contract.status_changes.get(transition="terminate").by == school_staff


def test_another_schools_staff_cannot_end_it(school_contract, other_school_staff):
    with pytest.raises(ValidationError) as refused:
        _terminate(school_contract, other_school_staff)
    assert refused.value.messages == [access.NOT_YOUR_SCHOOLS_CONTRACT]


def test_a_supervisor_ends_a_schools_own_contract(school_contract, supervisor):
    _terminate(school_contract, supervisor)
    school_contract.refresh_from_db()
    assert school_contract.status == ParentingContract.Status.TERMINATED
    assert school_contract.status_changes.get(transition="terminate").by == supervisor


# --- The case manager requests, the supervisor decides ------------------------------


def test_the_case_manager_cannot_end_an_la_contract_only_request_it(
    client_for, la_contract, case_manager
):
    with pytest.raises(ValidationError) as refused:
        _terminate(la_contract, case_manager)
    assert refused.value.messages == [access.CASE_MANAGER_REQUESTS_ENDING]
    assert (
        client_for(case_manager)
        .get(reverse("contracts:terminate", args=[la_contract.pk]))
        .status_code
        == 403
    )


def test_the_case_manager_requests_and_the_supervisor_approves(
    client_for, la_contract, case_manager, supervisor
):
    """The request (with a reason), the decision (with a reason) and who made
    each are kept, and the contract page shows the decision."""
    manager = client_for(case_manager)
    page = manager.get(la_contract.get_absolute_url()).content.decode()
    assert reverse("contracts:request-termination", args=[la_contract.pk]) in page
    response = manager.post(
        reverse("contracts:request-termination", args=[la_contract.pk]),
        {"reason": "The parents moved out of the area", **date_fields("ended_on", END_EARLY)},
    )
    assert response.status_code == 302
    ask = TerminationRequest.objects.get(contract=la_contract)
    assert (ask.requested_by, ask.decision) == (case_manager, TerminationRequest.Decision.PENDING)
    la_contract.refresh_from_db()
    assert la_contract.status == ParentingContract.Status.AWAITING_SIGNATURES  # not ended yet

    boss = client_for(supervisor)
    decide = reverse("contracts:decide-termination", args=[la_contract.pk, ask.pk])
    assert decide in boss.get(la_contract.get_absolute_url()).content.decode()
    response = boss.post(decide, {"approve": "yes", "decision_reason": "Agreed: they have moved"})
    assert response.status_code == 302
    ask.refresh_from_db()
    la_contract.refresh_from_db()
    assert ask.decision == TerminationRequest.Decision.APPROVED
    assert (ask.decided_by, ask.decision_reason) == (supervisor, "Agreed: they have moved")
    assert la_contract.status == ParentingContract.Status.TERMINATED
    assert la_contract.ended_on == END_EARLY
    change = la_contract.status_changes.get(transition="terminate")
    assert change.by == supervisor
    assert "The parents moved out of the area" in change.reason
    # the history: the request by the case manager, the decision by the supervisor
    users = [h.history_user for h in ask.history.order_by("history_date")]
    assert users == [case_manager, supervisor]
    # the case manager sees the decision on the contract page
    page = manager.get(la_contract.get_absolute_url()).content.decode()
    assert "Approved: the contract was ended" in page
    assert "Agreed: they have moved" in page


def test_the_supervisor_refuses_and_the_contract_continues(la_contract, case_manager, supervisor):
    ask = _request(la_contract, case_manager)
    services.termination_decide(
        request=ask, approve=False, reason="Give it until the review", by=supervisor
    )
    ask.refresh_from_db()
    la_contract.refresh_from_db()
    assert ask.decision == TerminationRequest.Decision.REFUSED
    assert ask.decided_by == supervisor
    assert la_contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    with pytest.raises(ValidationError) as refused:
        services.termination_decide(
            request=ask, approve=True, reason="Changed my mind", by=supervisor
        )
    assert refused.value.messages == [services.REQUEST_ALREADY_DECIDED]


def test_a_decision_needs_a_reason_shown_next_to_the_field(
    client_for, la_contract, case_manager, supervisor
):
    ask = _request(la_contract, case_manager)
    response = client_for(supervisor).post(
        reverse("contracts:decide-termination", args=[la_contract.pk, ask.pk]), {"approve": "yes"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["decision_reason"] == [
        "Enter the reason for your decision"
    ]
    response = client_for(supervisor).post(
        reverse("contracts:decide-termination", args=[la_contract.pk, ask.pk]),
        {"decision_reason": "Fine"},
    )
    assert response.context["form"].errors["approve"] == [f.DECISION_REQUIRED]
    ask.refresh_from_db()
    assert ask.is_pending


def test_only_one_request_waits_at_a_time(la_contract, case_manager):
    _request(la_contract, case_manager)
    with pytest.raises(ValidationError) as refused:
        _request(la_contract, case_manager)
    assert refused.value.messages == [services.REQUEST_ALREADY_PENDING]


def test_only_the_allocated_case_manager_requests(la_contract, colleague, school_staff):
    for user in (colleague, school_staff):
        with pytest.raises(ValidationError) as refused:
            _request(la_contract, user)
        assert refused.value.messages == [access.ONLY_ALLOCATED_REQUESTS]


def test_a_schools_own_contract_needs_no_request(school_contract, case_manager):
    with pytest.raises(ValidationError) as refused:
        _request(school_contract, case_manager)
    assert refused.value.messages == [access.ONLY_LA_CONTRACTS_REQUESTED]


def test_a_case_manager_cannot_decide_a_request(client_for, la_contract, case_manager):
    ask = _request(la_contract, case_manager)
    with pytest.raises(ValidationError) as refused:
        services.termination_decide(request=ask, approve=True, reason="Mine", by=case_manager)
    assert refused.value.messages == [access.ONLY_SUPERVISORS_DECIDE]
    url = reverse("contracts:decide-termination", args=[la_contract.pk, ask.pk])
    assert client_for(case_manager).get(url).status_code == 404  # not a supervisor's page


def test_a_request_names_the_services_consulted_when_services_are_involved(
    school, team, case_manager
):
    """Seed 001: "The school should inform and seek advice from any multi-agency
    services involved before terminating a parenting contract"."""
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.finalised(
        pupil,
        parents,
        case_manager,
        party=ParentingContract.Party.LOCAL_AUTHORITY,
        services_involved="Early Help",
    )
    with pytest.raises(ValidationError) as refused:
        _request(contract, case_manager)
    assert refused.value.messages == [
        "Confirm that the services working with the family were consulted before ending "
        "the contract"
    ]


def test_ending_the_contract_otherwise_closes_a_waiting_request(
    la_contract, case_manager, supervisor
):
    ask = _request(la_contract, case_manager)
    _terminate(la_contract, supervisor)
    ask.refresh_from_db()
    assert ask.decision == TerminationRequest.Decision.APPROVED
    assert ask.decided_by == supervisor


def test_the_decision_reaches_the_requester_home_page(
    client_for, la_contract, case_manager, supervisor
):
    """Issue 16: "The home page shows decisions on the user's requests (breach
    referral, closure, termination) until read"."""
    ask = _request(la_contract, case_manager)
    services.termination_decide(
        request=ask, approve=False, reason="Give it until the review", by=supervisor
    )
    home = client_for(case_manager).get(reverse("home")).content.decode()
    assert f"refused your request to end parenting contract {la_contract.reference}" in home
    assert "Give it until the review" in home
    assert "your request to end" not in client_for(supervisor).get(reverse("home")).content.decode()
