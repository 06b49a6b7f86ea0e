"""Database constraints never speak for themselves (issue 17).

Issue 17: "today an 'opened before referred' date shows 'Constraint
'case_opened_after_referred' is violated.' Every constraint has a
plain-English form message; a test walks every model constraint and checks
that a form or service refuses the input first."

The walk: every CheckConstraint and UniqueConstraint in ``Meta.constraints`` of
every model of the project's apps must have an entry in VIOLATIONS (the test
fails for a new constraint without one). Each entry is how a user (or a job)
would break it through the form or service they use, and the plain-English
message that refuses it. A refusal must come before the database: no
IntegrityError, no Django wording ("Constraint … is violated", "… already
exists", "This field …").

A few constraints cannot be broken by anything a user types, because the
service works the value out itself (a document's version number, a contract's
activation date) or a job reuses what is there (an open flag, a running job
run): their attempt shows the service doing so, its docstring says why, and
its "message" is what the user sees instead, in brackets where nothing is
refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from cases import rules as case_rules
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PROJECT_APPS = {"yos", "cases", "orders", "contracts", "victims", "dashboard"}
DJANGO_WORDING = ("Constraint", "is violated", "already exists", "This field")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False)


def project_constraints() -> dict[str, str]:
    """{constraint name: model label} for every model constraint of the project."""
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for constraint in model._meta.constraints:
            assert isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)
            found[constraint.name] = model._meta.label
    return found


def messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def refused(action: Callable) -> list[str]:
    """Run action (a service call); the messages of the ValidationError it
    raised. Fails when it saved, or when the database had to refuse."""
    try:
        with transaction.atomic():
            action()
    except ValidationError as error:
        return messages_of(error)
    except IntegrityError as error:  # pragma: no cover - what this test is for
        pytest.fail(f"the database refused it, not the service: {error}")
    pytest.fail("nothing refused the input")


def form_refused(form) -> list[str]:
    assert not form.is_valid(), "the form accepted the input"
    return [str(m) for errors in form.errors.values() for m in errors]


def date_post(name: str, day: dt.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@dataclass
class Ctx:
    case_manager: object
    supervisor: object
    school_staff: object
    team: object
    school: object


@pytest.fixture
def ctx(case_manager, supervisor, school_staff, team, school):
    return Ctx(case_manager, supervisor, school_staff, team, school)


def _family(c: Ctx):
    return FamilyFactory(team=c.team, case_manager=c.case_manager)


# --- cases ---------------------------------------------------------------------------


def case_opened_after_referred(c: Ctx):
    from cases.forms import CaseOpenForm
    from cases.models import Case

    child = ChildFactory(family=_family(c))
    data = {
        "kind": "prevention",
        **date_post("referred_on", dt.date(2026, 10, 10)),
        **date_post("opened_on", dt.date(2026, 10, 1)),
    }
    form = CaseOpenForm(data, instance=Case(child=child))
    messages = form_refused(form)
    assert form.errors["opened_on"] == [case_rules.OPENED_BEFORE_REFERRED]
    return messages


def case_closed_after_referred(c: Ctx):
    from cases import services

    case = CaseFactory(child__family=_family(c), opened_on=None, status="referred")
    return refused(
        lambda: services.case_closure_request(
            case=case, closed_on=dt.date(2026, 8, 1), closure_reason="Done", by=c.case_manager
        )
    )


def case_closed_has_date_and_reason(c: Ctx):
    from cases import services

    case = CaseFactory(child__family=_family(c))
    return refused(
        lambda: services.case_closure_request(
            case=case, closed_on=dt.date(2026, 11, 20), closure_reason="  ", by=c.case_manager
        )
    )


def session_excused_has_reason(c: Ctx):
    from cases import services

    case = CaseFactory(child__family=_family(c))
    return refused(
        lambda: services.session_record(
            case=case,
            kind="one_to_one",
            starts_at=dt.datetime(2026, 11, 20, 10, tzinfo=LONDON),
            attendance="excused",
            absence_reason="",
            by=c.case_manager,
        )
    )


def one_link_per_adult_child(c: Ctx):
    """The service updates the one link rather than adding a second."""
    from cases import services
    from cases.models import AdultChild
    from cases.tests.factories import AdultFactory

    family = _family(c)
    child = ChildFactory(family=family)
    adult = AdultFactory(family=family)
    for relationship in ("mother", "step_parent"):
        services.adult_link_child(
            adult=adult,
            child=child,
            relationship=relationship,
            parental_responsibility=True,
            resident=True,
            by=c.case_manager,
        )
    link = AdultChild.objects.get(adult=adult, child=child)
    assert link.relationship == "step_parent"
    return [case_rules.ADULT_ALREADY_LINKED]  # never reached by input: one link, updated


def one_pending_closure_request_per_case(c: Ctx):
    from cases import services

    case = CaseFactory(child__family=_family(c))
    services.case_closure_request(
        case=case, closed_on=dt.date(2026, 11, 20), closure_reason="Done", by=c.case_manager
    )
    return refused(
        lambda: services.case_closure_request(
            case=case, closed_on=dt.date(2026, 11, 21), closure_reason="Again", by=c.case_manager
        )
    )


def closure_request_has_reason(c: Ctx):
    from cases.forms import CaseCloseForm

    form = CaseCloseForm({**date_post("closed_on", dt.date(2026, 11, 20)), "closure_reason": ""})
    return form_refused(form)


def closure_refusal_has_reason(c: Ctx):
    from cases.forms import REFUSE, ClosureDecisionForm

    form = ClosureDecisionForm({"decision": REFUSE, "refusal_reason": " "})
    messages = form_refused(form)
    from cases import services

    case = CaseFactory(child__family=_family(c))
    request = services.case_closure_request(
        case=case, closed_on=dt.date(2026, 11, 20), closure_reason="Done", by=c.case_manager
    )
    messages += refused(
        lambda: services.case_closure_refuse(request=request, refusal_reason="", by=c.supervisor)
    )
    return messages


def closure_decision_has_who_and_when(c: Ctx):
    """Derived: the decision services set who and when themselves."""
    from cases import services

    case = CaseFactory(child__family=_family(c))
    request = services.case_closure_request(
        case=case, closed_on=dt.date(2026, 11, 20), closure_reason="Done", by=c.case_manager
    )
    decided = services.case_closure_refuse(
        request=request, refusal_reason="Not yet", by=c.supervisor
    )
    assert decided.decided_by == c.supervisor and decided.decided_at is not None
    return [case_rules.DECISION_NEEDS_WHO_AND_WHEN]


# --- orders ------------------------------------------------------------------------


def _order(c: Ctx, **kwargs):
    from orders.tests.factories import ParentingCaseFactory, ParentingOrderFactory

    return ParentingOrderFactory(case=ParentingCaseFactory(child__family=_family(c)), **kwargs)


def _order_form(order, **data):
    from orders.forms import OrderForm

    post = {
        "parents": [p.pk for p in order.parents.all()],
        "court": "Demo Town Youth Court",
        **date_post("made_on", order.made_on),
        "basis": order.basis,
        "loaded_version": order.version,
        **data,
    }
    return OrderForm(post, instance=order)


def order_omitted_programme_has_note(c: Ctx):
    return form_refused(_order_form(_order(c), programme_omitted="on", programme_omitted_note=""))


def order_residential_has_both_findings(c: Ctx):
    return form_refused(_order_form(_order(c), residential="on"))


def order_closed_after_made(c: Ctx):
    from orders import services

    order = _order(c)
    return refused(
        lambda: services.order_close(order=order, closed_on=dt.date(2026, 11, 1), by=c.case_manager)
    )


def order_counselling_ends_after_made(c: Ctx):
    """Derived: the order works its counselling end out from made_on (seed 000:
    3 months), whatever the form is sent."""
    order = _order(c)
    form = _order_form(order, counselling_ends_on="2026-01-01")
    assert form.is_valid(), form.errors
    assert form.instance.counselling_ends_on == dt.date(2027, 2, 14)
    return ["(derived from the date the order was made)"]


def _requirement_form(order, **data):
    from orders.forms import RequirementForm
    from orders.models import OrderRequirement

    post = {**date_post("ends_on", dt.date(2027, 5, 1)), **data}
    return RequirementForm(post, instance=OrderRequirement(order=order))


def requirement_comply_names_case(c: Ctx):
    return form_refused(_requirement_form(_order(c), kind="comply_with_order"))


def requirement_other_has_description(c: Ctx):
    return form_refused(_requirement_form(_order(c), kind="other", description=""))


def failure_requirement_named(c: Ctx):
    from orders.forms import FailureForm
    from orders.models import FailureToComply

    order = _order(c)
    post = {
        "kind": "requirement",
        "parent": order.parents.first().pk,
        **date_post("occurred_on", dt.date(2026, 11, 20)),
        "description": "Did not take the child to school",
        "excuse": "not_accepted",
    }
    return form_refused(FailureForm(post, instance=FailureToComply(order=order)))


def _failure(c: Ctx):
    from orders.tests.factories import FailureFactory

    return FailureFactory(order=_order(c), excuse_decided_by=c.case_manager)


def one_live_referral_per_failure(c: Ctx):
    from orders import services

    failure = _failure(c)
    services.referral_request(failure=failure, reason="Third miss", by=c.case_manager)
    return refused(
        lambda: services.referral_request(failure=failure, reason="Again", by=c.case_manager)
    )


def referral_decision_recorded(c: Ctx):
    from orders.forms import ReferralDecisionForm

    return form_refused(ReferralDecisionForm({"decision": "approve", "reason": ""}))


def _earlier_order(order, **kwargs):
    """An earlier order recorded here that bound the order's parent."""
    from orders.tests.factories import ParentingCaseFactory, ParentingOrderFactory

    return ParentingOrderFactory(
        case=ParentingCaseFactory(child__family=order.child.family),
        made_on=dt.date(2025, 6, 2),
        parents=list(order.parents.all()),
        **kwargs,
    )


def order_earlier_order_or_note(c: Ctx):
    order = _order(c)
    earlier = _earlier_order(order)
    form = _order_form(
        order,
        programme_omitted="on",
        earlier_order=earlier.pk,
        programme_omitted_note="Made by Demo Town Youth Court in June 2025",
    )
    return form_refused(form)


def order_earlier_order_only_if_omitted(c: Ctx):
    order = _order(c)
    form = _order_form(order, earlier_order=_earlier_order(order).pk)
    messages = form_refused(form)
    assert list(form.errors) == ["earlier_order"]
    return messages


def _condition_form(order, **data):
    from orders.forms import ConditionForm
    from orders.models import OrderCondition

    post = {
        "kind": "at_home",
        "details": "between 8pm and 7am",
        **date_post("starts_on", dt.date(2026, 11, 20)),
        **date_post("ends_on", dt.date(2027, 5, 1)),
        **data,
    }
    return ConditionForm(post, instance=OrderCondition(order=order))


def condition_ends_after_start(c: Ctx):
    form = _condition_form(_order(c), **date_post("ends_on", dt.date(2026, 11, 19)))
    messages = form_refused(form)
    assert list(form.errors) == ["ends_on"]
    return messages


def condition_has_details(c: Ctx):
    """The message names what the kind of condition needs (the place, the
    times, or the condition's words); the service refuses blank details too."""
    from orders import services

    order = _order(c)
    form = _condition_form(order, kind="other", details=" ")
    messages = form_refused(form)
    assert list(form.errors) == ["details"]
    messages += refused(
        lambda: services.condition_add(
            order=order,
            kind="other",
            details="",
            starts_on=dt.date(2026, 11, 20),
            ends_on=dt.date(2027, 5, 1),
            by=c.case_manager,
        )
    )
    return messages


def failure_condition_only_for_condition(c: Ctx):
    from orders.forms import FailureForm
    from orders.models import FailureToComply
    from orders.tests.factories import ConditionFactory

    order = _order(c)
    condition = ConditionFactory(order=order)
    post = {
        "kind": "counselling",
        "condition": condition.pk,
        "parent": order.parents.first().pk,
        **date_post("occurred_on", dt.date(2026, 11, 20)),
        "description": "Did not attend the session on Thursday",
    }
    form = FailureForm(post, instance=FailureToComply(order=order))
    messages = form_refused(form)
    assert list(form.errors) == ["condition"]
    return messages


def _not_asked(c: Ctx):
    from orders.tests.factories import FailureFactory

    return FailureFactory(
        order=_order(c),
        explanation_status="not_asked",
        explanation_on=None,
        excuse="",
        excuse_decided_by=None,
        excuse_decided_at=None,
    )


def _explanation_form(failure, **data):
    from orders.forms import ExplanationForm

    return ExplanationForm(data, failure=failure)


def failure_explanation_step_dated(c: Ctx):
    """Asked, tried or given needs its date (the message names which); "not
    asked" is never offered, so no step is dated without being taken."""
    from orders import services

    failure = _not_asked(c)
    messages = form_refused(_explanation_form(failure, status="asked"))
    messages += refused(
        lambda: services.failure_explanation_record(
            failure=failure, status="asked", on=None, by=c.case_manager
        )
    )
    return messages


def failure_excuse_decided_on_explanation(c: Ctx):
    """An explanation given needs the decision on it; an excuse sent with any
    other step is dropped (the form and the service clear it)."""
    from orders import services

    failure = _not_asked(c)
    given = {**date_post("explanation_on", dt.date(2026, 11, 21)), "explanation": "Car broke down"}
    messages = form_refused(_explanation_form(failure, status="given", **given))
    messages += refused(
        lambda: services.failure_explanation_record(
            failure=failure,
            status="given",
            on=dt.date(2026, 11, 21),
            explanation="Car broke down",
            excuse="",
            by=c.case_manager,
        )
    )
    form = _explanation_form(failure, status="asked", excuse="accepted", **given)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["excuse"] == ""
    asked = services.failure_explanation_record(
        failure=failure,
        status="asked",
        on=dt.date(2026, 11, 21),
        excuse="accepted",
        by=c.supervisor,
    )
    assert asked.excuse == "" and asked.excuse_decided_by is None
    return messages


def failure_excuse_decision_recorded(c: Ctx):
    """Derived: recording the decision on the excuse records who made it and when."""
    from orders import services

    decided = services.failure_explanation_record(
        failure=_not_asked(c),
        status="given",
        on=dt.date(2026, 11, 21),
        explanation="Car broke down",
        excuse="accepted",
        by=c.case_manager,
    )
    assert decided.excuse_decided_by == c.case_manager and decided.excuse_decided_at is not None
    return ["(who decided and when are recorded by the service)"]


# --- contracts -----------------------------------------------------------------------


def _pupil(c: Ctx, parents=2):
    from contracts.tests import factories as cf

    return cf.pupil_with_parents(c.school, team=c.team, parents=parents)


def contract_ends_after_start(c: Ctx):
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    return refused(
        lambda: cf.draft(
            pupil,
            parents,
            c.school_staff,
            starts_on=dt.date(2026, 9, 7),
            ends_on=dt.date(2026, 9, 7),
        )
    )


def contract_not_draft_needs_consent(c: Ctx):
    from contracts import services
    from contracts.models import ParentingContract
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    contract = cf.draft(pupil, parents, c.school_staff)
    return refused(
        lambda: services.contract_record_initiation(
            contract=contract,
            consent_given=False,
            consent_on=None,
            consent_how=ParentingContract.ConsentHow.IN_PERSON,
            initiated_on=dt.date(2026, 9, 7),
            present=parents,
            unresponsive=[],
            pupil_engaged=True,
            by=c.school_staff,
        )
    )


def contract_in_force_has_activation_date(c: Ctx):
    """Derived: the last signature activates the contract and dates it."""
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    contract = cf.active(pupil, parents, c.school_staff)
    contract.refresh_from_db()
    assert contract.status == "active" and contract.activated_on is not None
    return ["(dated by the service on the last signature)"]


def one_link_per_contract_adult(c: Ctx):
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    return refused(lambda: cf.draft(pupil, [parents[0], parents[0]], c.school_staff))


def present_parent_not_unresponsive(c: Ctx):
    from contracts import services
    from contracts.models import ParentingContract
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    contract = cf.draft(pupil, parents, c.school_staff)
    return refused(
        lambda: services.contract_record_initiation(
            contract=contract,
            consent_given=True,
            consent_on=dt.date(2026, 9, 7),
            consent_how=ParentingContract.ConsentHow.IN_PERSON,
            initiated_on=dt.date(2026, 9, 7),
            present=parents,
            unresponsive=[parents[0]],
            pupil_engaged=True,
            by=c.school_staff,
        )
    )


def requirement_has_date_or_frequency(c: Ctx):
    from contracts.forms import RequirementForm
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    contract = cf.draft(pupil, parents, c.school_staff)
    post = {
        "kind": cf.kind(0).pk,
        "action": "Arrive by 8:40am",
        "measure": "The register",
        "owner": "Parents",
        "frequency": "",
    }
    return form_refused(RequirementForm(post, contract=contract))


def one_document_per_version(c: Ctx):
    """Derived: each finalisation or amendment takes the next version number."""
    from contracts import services
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    contract = cf.finalised(pupil, parents, c.school_staff)
    services.contract_amend(contract=contract, reason="Dates changed", by=c.school_staff)
    assert sorted(contract.documents.values_list("number", flat=True)) == [1, 2]
    return ["(numbered by the service)"]


def _awaiting(c: Ctx):
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    return cf.finalised(pupil, parents, c.school_staff), parents


def parent_signature_names_the_adult(c: Ctx):
    from contracts import services
    from contracts.models import ContractSignature

    contract, _ = _awaiting(c)
    return refused(
        lambda: services.signature_record(
            contract=contract,
            signer_kind=ContractSignature.SignerKind.PARENT,
            name="Someone",
            adult=None,
            method=ContractSignature.Method.ON_SCREEN,
            by=c.school_staff,
        )
    )


def scanned_signature_has_scan(c: Ctx):
    from contracts import services
    from contracts.models import ContractSignature

    contract, _ = _awaiting(c)
    return refused(
        lambda: services.signature_record(
            contract=contract,
            signer_kind=ContractSignature.SignerKind.SCHOOL_STAFF,
            name=str(c.school_staff),
            user=c.school_staff,
            method=ContractSignature.Method.SCANNED,
            scan=None,
            by=c.school_staff,
        )
    )


def one_signature_per_parent_per_version(c: Ctx):
    from contracts.tests import factories as cf

    contract, parents = _awaiting(c)
    cf.sign_parent(contract, parents[0], c.school_staff)
    return refused(lambda: cf.sign_parent(contract, parents[0], c.school_staff))


def one_progress_per_requirement_per_review(c: Ctx):
    """Derived: progress is given as {requirement: (progress, notes)}, one per
    requirement by construction, and the form has one field per requirement."""
    from contracts.forms import ReviewForm
    from contracts.tests import factories as cf

    pupil, parents = _pupil(c)
    contract = cf.active(pupil, parents, c.school_staff)
    form = ReviewForm(contract=contract, requirements=contract.requirements.all())
    names = [n for n in form.fields if n.startswith("progress_") and "notes" not in n]
    assert len(names) == len(set(names)) == contract.requirements.count()
    return ["(one field per requirement)"]


def _la_request(c: Ctx):
    """A local-authority contract and its allocated case manager's request to end it."""
    from contracts import services
    from contracts.models import ParentingContract
    from contracts.tests import factories as cf

    pupil, parents = cf.pupil_with_parents(c.school, team=c.team, case_manager=c.case_manager)
    contract = cf.finalised(
        pupil, parents, c.case_manager, party=ParentingContract.Party.LOCAL_AUTHORITY
    )

    def ask():
        return services.termination_request(
            contract=contract,
            reason="The parents have not engaged since the warning",
            ended_on=dt.date(2026, 11, 30),
            services_consulted=False,
            by=c.case_manager,
        )

    return ask(), ask


def one_pending_termination_request_per_contract(c: Ctx):
    _, ask_again = _la_request(c)
    return refused(ask_again)


def termination_decision_has_decider(c: Ctx):
    """Derived: the decision (and a contract ended otherwise) records who decided."""
    from contracts import services

    request, _ = _la_request(c)
    decided = services.termination_decide(
        request=request, approve=False, reason="Give it until the review", by=c.supervisor
    )
    decided.refresh_from_db()
    assert decided.decision == "refused" and decided.decided_by == c.supervisor
    return ["(the decider is recorded by the service)"]


# --- victims ---------------------------------------------------------------------------


def _victim_create(c: Ctx, **fields):
    from victims import services
    from victims.tests.factories import VictimFactory

    case = CaseFactory(child__family=_family(c))
    victim = VictimFactory.build(**fields)
    return refused(lambda: services.victim_create(victim=victim, case=case, by=c.case_manager))


def victim_enhanced_rights_has_reason(c: Ctx):
    return _victim_create(c, enhanced_rights=True, enhanced_rights_reason="")


def victim_enhanced_rights_person_only(c: Ctx):
    return _victim_create(c, kind="organisation", enhanced_rights=True, enhanced_rights_reason="x")


def victim_age_person_only(c: Ctx):
    return _victim_create(c, kind="organisation", date_of_birth=dt.date(2010, 3, 4))


def victim_birth_date_or_known_under_18(c: Ctx):
    return _victim_create(c, date_of_birth=dt.date(2010, 3, 4), known_under_18=True)


def victim_young_has_enhanced_rights(c: Ctx):
    """Derived: a victim under 18 at the offence is given enhanced rights (and
    the reason) by the service, whatever the box said."""
    from victims import messages as vm
    from victims import services
    from victims.tests.factories import VictimFactory

    case = CaseFactory(child__family=_family(c))
    victim = VictimFactory.build(known_under_18=True, enhanced_rights=False)
    services.victim_create(victim=victim, case=case, by=c.case_manager)
    victim.refresh_from_db()
    assert victim.young_victim and victim.enhanced_rights
    assert victim.enhanced_rights_reason == vm.YOUNG_VICTIM_REASON
    return ["(enhanced rights given by the service)"]


def victim_invitation_has_reason(c: Ctx):
    from victims import services
    from victims.models import Invitation
    from victims.tests.factories import VictimFactory

    victim = VictimFactory()
    return refused(
        lambda: services.victim_decide_invitation(
            victim=victim,
            invitation=Invitation.values[1],
            reason=" ",
            loaded_version=victim.version,
            by=c.case_manager,
        )
    )


def one_link_per_victim_case(c: Ctx):
    from victims import services
    from victims.tests.factories import VictimOffenceFactory

    link = VictimOffenceFactory(case=CaseFactory(child__family=_family(c)))
    return refused(
        lambda: services.victim_link_case(victim=link.victim, case=link.case, by=c.case_manager)
    )


def _contact(c: Ctx, **fields):
    from victims import services
    from victims.tests.factories import VictimContactFactory, VictimFactory

    contact = VictimContactFactory.build(victim=VictimFactory(), by=c.case_manager, **fields)
    return refused(lambda: services.victim_contact_record(contact=contact, by=c.case_manager))


def victim_contact_consent_has_date(c: Ctx):
    return _contact(c, consent_given=True, consent_on=None)


def victim_contact_direct_needs_consent(c: Ctx):
    from victims.models import RJChoice

    return _contact(c, choice=RJChoice.DIRECT_CONFERENCE, consent_given=False)


def victim_contact_withdrawal_after_consent(c: Ctx):
    return _contact(
        c,
        consent_given=True,
        consent_on=dt.date(2026, 11, 3),
        consent_withdrawn_on=dt.date(2026, 11, 2),
    )


def victim_contact_representative_named(c: Ctx):
    """No parent or guardian on the victim's record: nobody to record as acting for them."""
    from victims.models import GivenBy

    return _contact(c, given_by=GivenBy.REPRESENTATIVE)


def _rj(c: Ctx, **fields):
    from victims import services
    from victims.tests.factories import RestorativeJusticeWorkFactory, VictimOffenceFactory

    offence = VictimOffenceFactory(case=CaseFactory(child__family=_family(c)))
    work = RestorativeJusticeWorkFactory.build(offence=offence, **fields)
    return refused(lambda: services.rj_work_record(work=work, by=c.case_manager))


def rj_work_ends_after_start(c: Ctx):
    return _rj(c, started_on=dt.date(2026, 11, 5), ended_on=dt.date(2026, 11, 4))


def rj_work_notice_after_end(c: Ctx):
    return _rj(
        c,
        started_on=dt.date(2026, 11, 5),
        ended_on=dt.date(2026, 11, 10),
        conclusion_notice_on=dt.date(2026, 11, 9),
    )


def _reparation(c: Ctx, **fields):
    from victims import services
    from victims.tests.factories import ReparationFactory

    reparation = ReparationFactory.build(case=CaseFactory(child__family=_family(c)), **fields)
    return refused(lambda: services.reparation_record(reparation=reparation, by=c.case_manager))


def reparation_completed_within_hours(c: Ctx):
    return _reparation(c, hours=10, hours_completed=11)


def reparation_ends_after_start(c: Ctx):
    return _reparation(c, started_on=dt.date(2026, 11, 7), ended_on=dt.date(2026, 11, 6))


# --- yos: KPI events, flags and job runs ---------------------------------------------


def order_end_outcome_hours_in_a_week(c: Ctx):
    from dashboard.forms import OrderEndOutcomeForm

    return form_refused(OrderEndOutcomeForm({"ete_hours": "169"}))


def screening_support_only_for_identified_need(c: Ctx):
    from dashboard.forms import NeedsScreeningForm

    form = NeedsScreeningForm(
        {"need": "mental_health", "identified": "no", "support_offered": "on"}
    )
    return form_refused(form)


def screening_attending_needs_offer(c: Ctx):
    from dashboard.forms import NeedsScreeningForm

    form = NeedsScreeningForm({"need": "mental_health", "identified": "yes", "attending": "on"})
    return form_refused(form)


def one_open_flag_per_kind_and_subject(c: Ctx):
    """Idempotent: raising the same flag twice keeps the one open flag."""
    from yos import flags
    from yos.models import Flag

    case = CaseFactory(child__family=_family(c))
    wanted = flags.Wanted(due_on=dt.date(2026, 12, 1), family_id=case.child.family_id)
    first = flags.flag_raise(
        kind=Flag.Kind.CASE_DUE_FOR_CLOSURE, subject=case, wanted=wanted, by=c.case_manager
    )
    second = flags.flag_raise(
        kind=Flag.Kind.CASE_DUE_FOR_CLOSURE, subject=case, wanted=wanted, by=c.case_manager
    )
    assert first == second
    assert Flag.objects.filter(object_id=case.pk, resolved_at__isnull=True).count() == 1
    return ["(one open flag: raising it again returns it)"]


def a_sent_letter_has_its_date(c: Ctx):
    """Issue 16: sent records "method: post, hand delivered, e-mail; date; by
    whom". Marking a letter sent without the date is refused next to the field."""
    from cases.tests.factories import AdultChildFactory, AdultFactory
    from orders import jobs as order_jobs
    from orders.tests.factories import FailureFactory, RequirementFactory
    from yos import letters
    from yos.lib.audit import system_user
    from yos.models import Letter

    today = dt.date(2026, 11, 25)
    order = _order(c, made_on=today - dt.timedelta(days=60))
    RequirementFactory(order=order, ends_on=today + dt.timedelta(days=120))
    parent = AdultFactory(
        family=order.child.family, address="4 Example Row\nNorth Village\nDT4 5XY"
    )
    AdultChildFactory(adult=parent, child=order.child, resident=False)
    order.parents.set([parent])
    FailureFactory(order=order, parent=parent, occurred_on=today - dt.timedelta(days=3))
    assert order_jobs.warning_letters(today, by=system_user())["issued"] == 1
    letter = letters.letter_approve(letter=Letter.objects.latest("id"), by=c.case_manager)
    messages = refused(
        lambda: letters.letter_send(letter=letter, by=c.case_manager, method="post", sent_on=None)
    )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED
    return messages


def one_running_job_run_per_job(c: Ctx):
    """Idempotent: while a run is running, a second is recorded as skipped, in words."""
    from yos import jobs
    from yos.models import JobRun

    first = JobRun.objects.create(
        job=jobs.JOB, run_date=dt.date(2026, 11, 25), holder=jobs.holder_id()
    )
    second = jobs.run_nightly_jobs(dt.date(2026, 11, 25))
    assert JobRun.objects.filter(job=jobs.JOB, status=JobRun.Status.RUNNING).count() <= 1
    if connection.vendor == "postgresql":
        # PostgreSQL's advisory lock is free, so nobody holds the run: the
        # first is recorded as abandoned and the second runs (yos.jobs._claim).
        first.refresh_from_db()
        assert first.status != JobRun.Status.RUNNING
        assert second.status == JobRun.Status.SUCCEEDED
        return [JobRun.Status.SKIPPED.label]
    assert second.status == JobRun.Status.SKIPPED
    return [second.get_status_display()]


@dataclass(frozen=True)
class Violation:
    attempt: Callable[[Ctx], list[str]]
    message: str


CR = case_rules
VIOLATIONS: dict[str, Violation] = {
    # cases
    "case_opened_after_referred": Violation(case_opened_after_referred, CR.OPENED_BEFORE_REFERRED),
    "case_closed_after_referred": Violation(case_closed_after_referred, CR.CLOSED_BEFORE_REFERRED),
    "case_closed_has_date_and_reason": Violation(
        case_closed_has_date_and_reason, CR.CLOSURE_REASON_REQUIRED
    ),
    "session_excused_has_reason": Violation(
        session_excused_has_reason, CR.EXCUSED_ABSENCE_NEEDS_REASON
    ),
    "one_link_per_adult_child": Violation(one_link_per_adult_child, CR.ADULT_ALREADY_LINKED),
    "one_pending_closure_request_per_case": Violation(
        one_pending_closure_request_per_case, CR.CLOSURE_ALREADY_REQUESTED
    ),
    "closure_request_has_reason": Violation(closure_request_has_reason, CR.CLOSURE_REASON_REQUIRED),
    "closure_refusal_has_reason": Violation(closure_refusal_has_reason, CR.REFUSAL_REASON_REQUIRED),
    "closure_decision_has_who_and_when": Violation(
        closure_decision_has_who_and_when, CR.DECISION_NEEDS_WHO_AND_WHEN
    ),
    # orders
    "order_omitted_programme_has_note": Violation(
        order_omitted_programme_has_note,
        "Enter why the programme was omitted, naming the earlier parenting order",
    ),
    "order_residential_has_both_findings": Violation(
        order_residential_has_both_findings,
        "A residential programme needs both court findings: that it is likely to be more "
        "effective, and that the interference with family life is proportionate",
    ),
    "order_closed_after_made": Violation(
        order_closed_after_made,
        "The order cannot be closed while counselling or a requirement is running",
    ),
    "order_counselling_ends_after_made": Violation(
        order_counselling_ends_after_made, "(derived from the date the order was made)"
    ),
    "order_earlier_order_or_note": Violation(
        order_earlier_order_or_note,
        "Leave the description of the earlier order empty: you selected it from the orders "
        "recorded here",
    ),
    "order_earlier_order_only_if_omitted": Violation(
        order_earlier_order_only_if_omitted,
        "Select an earlier order only when the programme was omitted because of it",
    ),
    "requirement_comply_names_case": Violation(
        requirement_comply_names_case,
        "Select the child's case that the parent must ensure they comply with",
    ),
    "requirement_other_has_description": Violation(
        requirement_other_has_description, "Enter a description of the requirement"
    ),
    "failure_requirement_named": Violation(
        failure_requirement_named, "Select the requirement that was not complied with"
    ),
    "one_live_referral_per_failure": Violation(
        one_live_referral_per_failure, "This failure has already been referred"
    ),
    "referral_decision_recorded": Violation(
        referral_decision_recorded, "Enter the reason for your decision"
    ),
    "condition_ends_after_start": Violation(
        condition_ends_after_start, "A condition cannot end before it starts"
    ),
    "condition_has_details": Violation(condition_has_details, "Enter the condition"),
    "failure_condition_only_for_condition": Violation(
        failure_condition_only_for_condition,
        "A condition can only be named for a failure to comply with a condition",
    ),
    "failure_explanation_step_dated": Violation(
        failure_explanation_step_dated, "Enter the date you asked the parent for a reason"
    ),
    "failure_excuse_decided_on_explanation": Violation(
        failure_excuse_decided_on_explanation,
        "Select whether the explanation was accepted as a reasonable excuse",
    ),
    "failure_excuse_decision_recorded": Violation(
        failure_excuse_decision_recorded, "(who decided and when are recorded by the service)"
    ),
    # contracts
    "contract_ends_after_start": Violation(
        contract_ends_after_start, "The end date must be after the start date"
    ),
    "contract_not_draft_needs_consent": Violation(
        contract_not_draft_needs_consent,
        "Record the parents' consent: a parenting contract cannot be put in place without it",
    ),
    "contract_in_force_has_activation_date": Violation(
        contract_in_force_has_activation_date, "(dated by the service on the last signature)"
    ),
    "one_link_per_contract_adult": Violation(
        one_link_per_contract_adult, "Choose each parent or carer once"
    ),
    "present_parent_not_unresponsive": Violation(
        present_parent_not_unresponsive,
        "A parent who was present cannot also be recorded as unresponsive",
    ),
    "requirement_has_date_or_frequency": Violation(
        requirement_has_date_or_frequency,
        "Enter by when, or how often, the requirement is to be done",
    ),
    "one_document_per_version": Violation(one_document_per_version, "(numbered by the service)"),
    "parent_signature_names_the_adult": Violation(
        parent_signature_names_the_adult, "Select a parent this contract is with"
    ),
    "scanned_signature_has_scan": Violation(
        scanned_signature_has_scan, "Upload the scanned signed copy"
    ),
    "one_signature_per_parent_per_version": Violation(
        one_signature_per_parent_per_version,
        "This parent has already signed this version of the contract",
    ),
    "one_progress_per_requirement_per_review": Violation(
        one_progress_per_requirement_per_review, "(one field per requirement)"
    ),
    "one_pending_termination_request_per_contract": Violation(
        one_pending_termination_request_per_contract,
        "A request to end this contract is already waiting for a supervisor's decision",
    ),
    "termination_decision_has_decider": Violation(
        termination_decision_has_decider, "(the decider is recorded by the service)"
    ),
    # victims
    "victim_enhanced_rights_has_reason": Violation(
        victim_enhanced_rights_has_reason, "Enter why the victim is entitled to enhanced rights"
    ),
    "victim_enhanced_rights_person_only": Violation(
        victim_enhanced_rights_person_only, "An organisation cannot be entitled to enhanced rights"
    ),
    "victim_age_person_only": Violation(
        victim_age_person_only, "An organisation has no date of birth or age: leave them empty"
    ),
    "victim_birth_date_or_known_under_18": Violation(
        victim_birth_date_or_known_under_18,
        "Leave “under 18 at the time of the offence” unticked when you enter the date of birth",
    ),
    "victim_young_has_enhanced_rights": Violation(
        victim_young_has_enhanced_rights, "(enhanced rights given by the service)"
    ),
    "victim_invitation_has_reason": Violation(
        victim_invitation_has_reason, "Enter the reason for the decision"
    ),
    "one_link_per_victim_case": Violation(
        one_link_per_victim_case, "The victim is already linked to this case"
    ),
    "victim_contact_consent_has_date": Violation(
        victim_contact_consent_has_date, "Enter the date the victim gave consent"
    ),
    "victim_contact_direct_needs_consent": Violation(
        victim_contact_direct_needs_consent,
        "A direct restorative conference needs the victim's consent: record it",
    ),
    "victim_contact_withdrawal_after_consent": Violation(
        victim_contact_withdrawal_after_consent,
        "The date consent was withdrawn must be on or after the date it was given",
    ),
    "victim_contact_representative_named": Violation(
        victim_contact_representative_named,
        "No parent or guardian is recorded as acting for the victim: add them to the victim's "
        "details first",
    ),
    "rj_work_ends_after_start": Violation(
        rj_work_ends_after_start, "The date the work ended must be on or after the date it started"
    ),
    "rj_work_notice_after_end": Violation(
        rj_work_notice_after_end,
        "The date the conclusion notice was given must be on or after the date the work ended",
    ),
    "reparation_completed_within_hours": Violation(
        reparation_completed_within_hours,
        "Hours completed cannot be more than the hours of reparation",
    ),
    "reparation_ends_after_start": Violation(
        reparation_ends_after_start, "The date the reparation ended must be on or after it started"
    ),
    # yos
    "order_end_outcome_hours_in_a_week": Violation(
        order_end_outcome_hours_in_a_week, "Hours a week must be 168 or fewer"
    ),
    "screening_support_only_for_identified_need": Violation(
        screening_support_only_for_identified_need,
        "Support can only be recorded for a need that was identified",
    ),
    "screening_attending_needs_offer": Violation(
        screening_attending_needs_offer,
        "Select yes for support offered if the child is attending support",
    ),
    "one_open_flag_per_kind_and_subject": Violation(
        one_open_flag_per_kind_and_subject, "(one open flag: raising it again returns it)"
    ),
    "a_sent_letter_has_its_date": Violation(
        a_sent_letter_has_its_date, "Enter the date the letter was sent"
    ),
    "one_running_job_run_per_job": Violation(
        one_running_job_run_per_job, "Skipped: another run held the lock"
    ),
}


def test_every_model_constraint_has_an_entry():
    """A new constraint without a way to refuse its input in plain English fails here."""
    constraints = project_constraints()
    assert len(constraints) >= 45  # the walk found them: it did not silently find none
    missing = sorted(set(constraints) - set(VIOLATIONS))
    stale = sorted(set(VIOLATIONS) - set(constraints))
    assert missing == [], f"constraints with no plain-English refusal in VIOLATIONS: {missing}"
    assert stale == [], f"entries for constraints that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_violating_input_is_refused_first_in_plain_english(name, ctx):
    violation = VIOLATIONS[name]
    messages = violation.attempt(ctx)
    assert violation.message in messages
    for message in messages:
        assert not any(words in message for words in DJANGO_WORDING), message


def test_the_constraint_behind_opened_before_referred_speaks_plainly_on_the_page(
    client_for, case_manager, team
):
    """The finding reproduced on the page: before, the error summary said
    "Constraint “case_opened_after_referred” is violated."; now the message
    is next to Date opened."""
    from django.urls import reverse

    child = ChildFactory(family=FamilyFactory(team=team, case_manager=case_manager))
    response = client_for(case_manager).post(
        reverse("cases:open-case", args=[child.pk]),
        {
            "kind": "prevention",
            **date_post("referred_on", dt.date(2026, 10, 10)),
            **date_post("opened_on", dt.date(2026, 10, 1)),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"opened_on": [case_rules.OPENED_BEFORE_REFERRED]}
    assert "violated" not in response.content.decode()


def test_model_validation_itself_speaks_plainly_for_the_cases_constraints():
    """violation_error_message: model validation carries the words too, for a
    path that skips the form (an import, the admin)."""
    from cases.models import Case

    case = CaseFactory.build(
        child=ChildFactory(), referred_on=dt.date(2026, 10, 10), opened_on=dt.date(2026, 10, 1)
    )
    with pytest.raises(ValidationError) as raised:
        case.full_clean()
    assert raised.value.messages == [case_rules.OPENED_BEFORE_REFERRED]
    assert Case.objects.count() == 0
