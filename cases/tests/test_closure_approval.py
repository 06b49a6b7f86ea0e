"""Case closure needs a supervisor (issue 17).

PRODUCT.md, "People who use it": the supervisor "may change: allocation,
approvals (breach referral, contract termination, case closure)". The case
manager asks, with the date and reason they propose; a supervisor of the
family's team approves (the case closes through the closure service, judged on
its own date) or refuses with a reason. Who did what is in the history, and
the case page shows the request and the decision.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import rules, services
from cases.models import CaseClosureRequest, CaseKind, CaseStatus, ClosureRequestStatus
from cases.tests.factories import CaseFactory, FamilyFactory
from conftest import make_user
from yos.models import Role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PROPOSED = dt.date(2026, 11, 20)
REASON = "The referral order ended and the panel signed it off."


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False)


@pytest.fixture
def case(team, case_manager):
    family = FamilyFactory(team=team, case_manager=case_manager, name="Marlowe")
    return CaseFactory(child__family=family, child__first_name="Rory")


@pytest.fixture
def other_supervisor(other_team):
    return make_user(Role.SUPERVISOR, "supervisor2", teams=[other_team], first_name="Lee")


def ask(case, by, **overrides):
    values = {"case": case, "closed_on": PROPOSED, "closure_reason": REASON, "by": by}
    values.update(overrides)
    return services.case_closure_request(**values)


def dmy(name: str, day: dt.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# --- Services ------------------------------------------------------------------------


def test_asking_leaves_the_case_open_and_records_who_asked(case, case_manager):
    """PRODUCT.md: supervisors approve case closure, so asking closes nothing."""
    request = ask(case, case_manager, outcome="Order completed")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert request.status == ClosureRequestStatus.PENDING
    assert (request.requested_by, request.closed_on, request.closure_reason) == (
        case_manager,
        PROPOSED,
        REASON,
    )
    assert request.history.get().history_user == case_manager


def test_a_supervisor_of_the_team_approves_and_the_case_closes_as_proposed(
    case, case_manager, supervisor
):
    """PRODUCT.md: supervisors approve case closure; the case closes on the
    date and for the reason the case manager proposed, by the supervisor."""
    request = ask(case, case_manager, outcome="Order completed")
    services.case_closure_approve(request=request, by=supervisor)
    case.refresh_from_db()
    request.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason, case.outcome) == (
        CaseStatus.CLOSED,
        PROPOSED,
        REASON,
        "Order completed",
    )
    assert case.history.first().history_user == supervisor
    assert (request.status, request.decided_by) == (ClosureRequestStatus.APPROVED, supervisor)
    assert request.history.first().history_user == supervisor


def test_a_refusal_needs_a_reason_and_leaves_the_case_open(case, case_manager, supervisor):
    """PRODUCT.md: the supervisor approves or refuses, "with a reason" (issue 17)."""
    request = ask(case, case_manager)
    with pytest.raises(ValidationError) as error:
        services.case_closure_refuse(request=request, refusal_reason="  ", by=supervisor)
    assert error.value.message_dict == {
        "refusal_reason": ["Enter the reason for refusing to close the case"]
    }
    services.case_closure_refuse(
        request=request, refusal_reason="The victim's update is still due", by=supervisor
    )
    request.refresh_from_db()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert (request.status, request.refusal_reason, request.decided_by) == (
        ClosureRequestStatus.REFUSED,
        "The victim's update is still due",
        supervisor,
    )
    # Refused, the case manager may ask again later.
    assert ask(case, case_manager).status == ClosureRequestStatus.PENDING


def test_only_one_request_waits_at_a_time(case, case_manager):
    ask(case, case_manager)
    with pytest.raises(ValidationError) as error:
        ask(case, case_manager, closure_reason="Again")
    assert error.value.messages == [
        "Closure of this case has already been asked for: a supervisor will decide"
    ]


def test_asking_is_checked_as_the_closure_would_be(case, case_manager):
    """The closure rules, on the date proposed: a reason, not in the future."""
    with pytest.raises(ValidationError) as error:
        ask(case, case_manager, closed_on=dt.date(2026, 12, 1), closure_reason="")
    assert error.value.message_dict == {
        "closure_reason": [rules.CLOSURE_REASON_REQUIRED],
        "closed_on": [rules.CLOSED_IN_FUTURE],
    }
    assert not CaseClosureRequest.objects.exists()


def test_approval_is_judged_on_the_proposed_date_with_what_is_recorded_by_then(
    team, case_manager, supervisor
):
    """Seed 000: the parenting-order case "remains open until such time as all
    additional requirements have expired"; an order recorded after the request
    keeps the case open at approval, and the request still waits."""
    from orders.tests.factories import ParentingOrderFactory, RequirementFactory

    family = FamilyFactory(team=team, case_manager=case_manager)
    case = CaseFactory(child__family=family, kind=CaseKind.PARENTING, offence_date=None, offence="")
    request = ask(case, case_manager)
    order = ParentingOrderFactory(case=case, made_on=dt.date(2026, 11, 14))
    RequirementFactory(order=order, ends_on=dt.date(2027, 11, 14))
    with pytest.raises(ValidationError) as error:
        services.case_closure_approve(request=request, by=supervisor)
    assert error.value.messages == [
        "Counselling under the parenting order made on 14 November 2026 is enforceable "
        "until 14 February 2027",
        "The parenting order requirement “Ensure the child attends school as required” "
        "runs until 14 November 2027",
    ]
    request.refresh_from_db()
    case.refresh_from_db()
    assert request.status == ClosureRequestStatus.PENDING
    assert case.status == CaseStatus.OPEN


def test_who_may_ask_and_who_may_decide(
    case, case_manager, colleague, supervisor, other_supervisor
):
    """PRODUCT.md: case managers change the families allocated to them;
    supervisors of the team approve."""
    with pytest.raises(PermissionDenied):
        ask(case, colleague)
    with pytest.raises(PermissionDenied):
        ask(case, supervisor)
    request = ask(case, case_manager)
    for not_a_decider in (case_manager, colleague, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.case_closure_approve(request=request, by=not_a_decider)
        with pytest.raises(PermissionDenied):
            services.case_closure_refuse(request=request, refusal_reason="No", by=not_a_decider)
    request.refresh_from_db()
    assert request.status == ClosureRequestStatus.PENDING


def test_a_decided_request_cannot_be_decided_again(case, case_manager, supervisor):
    request = ask(case, case_manager)
    services.case_closure_refuse(request=request, refusal_reason="Not yet", by=supervisor)
    with pytest.raises(ValidationError) as error:
        services.case_closure_approve(request=request, by=supervisor)
    assert error.value.messages == ["This closure request has already been decided"]


# --- Pages ------------------------------------------------------------------------------


def test_the_case_manager_asks_from_the_close_page_and_the_case_stays_open(
    client_for, case, case_manager
):
    response = client_for(case_manager).post(
        reverse("cases:close-case", args=[case.pk]),
        {**dmy("closed_on", PROPOSED), "closure_reason": REASON},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert CaseClosureRequest.objects.get(case=case).requested_by == case_manager


def test_the_case_page_shows_each_persona_only_their_action(
    client_for, case, case_manager, colleague, supervisor
):
    client = client_for(case_manager)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Ask to close the case" in page and "Decide on closing the case" not in page
    ask(case, case_manager)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Closure waiting for a supervisor" in page
    assert "Ask to close the case" not in page and "Decide on closing the case" not in page
    page = client_for(colleague).get(case.get_absolute_url()).content.decode()
    assert "Ask to close the case" not in page and "Decide on closing the case" not in page
    page = client_for(supervisor).get(case.get_absolute_url()).content.decode()
    assert "Decide on closing the case" in page and "Ask to close the case" not in page


def test_a_supervisor_refuses_on_the_page_and_the_case_manager_reads_why(
    client_for, case, case_manager, supervisor
):
    ask(case, case_manager)
    url = reverse("cases:decide-closure", args=[case.pk])
    client = client_for(supervisor)
    response = client.post(url, {"decision": "refuse", "refusal_reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "refusal_reason": ["Enter the reason for refusing to close the case"]
    }
    response = client.post(
        url, {"decision": "refuse", "refusal_reason": "The reparation hours are not done"}
    )
    assert response.status_code == 302
    page = client_for(case_manager).get(case.get_absolute_url()).content.decode()
    assert "Closure decision" in page
    assert "Refused" in page and "The reparation hours are not done" in page
    assert "Sam Okafor" in page  # who decided
    assert "Ask to close the case" in page  # and they may ask again


def test_a_supervisor_approves_on_the_page(client_for, case, case_manager, supervisor):
    ask(case, case_manager)
    response = client_for(supervisor).post(
        reverse("cases:decide-closure", args=[case.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_decision_page_without_a_request_says_so(client_for, case, supervisor):
    response = client_for(supervisor).get(reverse("cases:decide-closure", args=[case.pk]))
    assert response.status_code == 200
    assert "No request to close this case is waiting for a decision." in (response.content.decode())


@pytest.mark.parametrize(
    ("persona", "status"),
    [("case_manager", 404), ("colleague", 404), ("school_staff", 404), ("other_supervisor", 404)],
)
def test_only_a_supervisor_of_the_team_reaches_the_decision(
    request, client_for, case, case_manager, persona, status
):
    ask(case, case_manager)
    user = request.getfixturevalue(persona)
    url = reverse("cases:decide-closure", args=[case.pk])
    client = client_for(user)
    assert client.get(url).status_code == status
    assert client.post(url, {"decision": "approve"}).status_code == status
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_school_staff_and_supervisors_cannot_ask(client_for, case, school_staff, supervisor):
    url = reverse("cases:close-case", args=[case.pk])
    post = {**dmy("closed_on", PROPOSED), "closure_reason": REASON}
    assert client_for(school_staff).post(url, post).status_code == 404
    assert client_for(supervisor).post(url, post).status_code == 403
    assert not CaseClosureRequest.objects.exists()


def test_the_supervisors_home_lists_requests_of_their_teams_only(
    client_for, case, case_manager, supervisor, other_supervisor
):
    ask(case, case_manager)
    page = client_for(supervisor).get(reverse("home")).content.decode()
    assert "Cases waiting for your decision to close" in page
    assert f"Rory {case.child.last_name}: Referral order ({case.reference})" in page
    page = client_for(other_supervisor).get(reverse("home")).content.decode()
    assert case.reference not in page
    assert "No case is waiting for a decision to close." in page


def test_the_case_history_shows_the_request_and_the_decision(
    client_for, case, case_manager, supervisor
):
    request = ask(case, case_manager)
    services.case_closure_refuse(request=request, refusal_reason="Not yet", by=supervisor)
    page = client_for(case_manager).get(reverse("cases:case-history", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Request to close case" in text
    assert "Casey Morgan" in text and "Sam Okafor" in text


def test_the_decision_reaches_the_case_manager_home_page_and_nobody_else(
    client_for, case, case_manager, supervisor, colleague
):
    """Issue 16: "The home page shows decisions on the user's requests (breach
    referral, closure, termination) until read"."""
    ask(case, case_manager)
    client_for(supervisor).post(
        reverse("cases:decide-closure", args=[case.pk]),
        {"decision": "refuse", "refusal_reason": "The reparation hours are not done"},
    )
    home = client_for(case_manager).get(reverse("home")).content.decode()
    assert "refused your request to close Rory" in home
    assert "The reparation hours are not done" in home
    assert "refused your request to close" not in (
        client_for(colleague).get(reverse("home")).content.decode()
    )
    ask(case, case_manager)
    client_for(supervisor).post(
        reverse("cases:decide-closure", args=[case.pk]), {"decision": "approve"}
    )
    home = client_for(case_manager).get(reverse("home")).content.decode()
    assert "approved your request to close Rory" in home
