"""Contracts built through the real services, at any point of their lifecycle,
with fixed invented values."""

from __future__ import annotations

import datetime as dt

from cases.tests.factories import AdultChildFactory, AdultFactory, ChildFactory, FamilyFactory
from contracts import services
from contracts.models import ContractSignature, ParentingContract, RequirementKind

START = dt.date(2026, 9, 7)
END = dt.date(2027, 3, 5)  # about six months
SUPPORT = "The school will give the family help to get the pupil to school on time."
SUPPORT_DETAILS = "A place at breakfast club and a weekly check-in with Ms Demo."
PARENT_STATEMENT = "We agree to do what this contract asks of us from September to March."


def pupil_with_parents(school, *, team=None, parents=2, case_manager=None):
    """A pupil at school with `parents` linked adults. Returns (pupil, [adults])."""
    family_kwargs = {"case_manager": case_manager}
    if team is not None:
        family_kwargs["team"] = team
    family = FamilyFactory(**family_kwargs)
    pupil = ChildFactory(family=family, school=school, first_name="Kai")
    adults = []
    for n, first in enumerate(["Dana", "Lee", "Pat"][:parents]):
        adult = AdultFactory(
            family=family, first_name=first, email=f"{first.lower()}@example.invalid"
        )
        AdultChildFactory(adult=adult, child=pupil, relationship="mother" if n == 0 else "father")
        adults.append(adult)
    return pupil, adults


def kind(n: int = 0) -> RequirementKind:
    return RequirementKind.objects.order_by("position")[n]


def draft(pupil, parents, by, *, party=ParentingContract.Party.GOVERNING_BODY, **overrides):
    values = {
        "pupil": pupil,
        "parents": parents,
        "party": party,
        "arrangement": ParentingContract.Arrangement.JOINT,
        "starts_on": START,
        "ends_on": END,
        "lead_practitioner": "Morgan Hale",
        "lead_practitioner_organisation": "Assistant headteacher",
        "support_statement": SUPPORT,
        "support_details": SUPPORT_DETAILS,
        "parent_statement": PARENT_STATEMENT,
        "next_review_on": dt.date(2026, 10, 19),
        "by": by,
    }
    values.update(overrides)
    return services.contract_draft(**values)


def add_requirements(contract, by, n: int = 2):
    for i in range(n):
        services.requirement_add(
            contract=contract,
            kind=kind(i),
            action=f"Requirement action {i + 1}: arrive by 8:40am",
            measure=f"Measure {i + 1}: the attendance register",
            owner="Parents",
            frequency="Every school day",
            by=by,
        )


def initiate(contract, by, present=None):
    present = list(contract.parents.all()) if present is None else present
    services.contract_record_initiation(
        contract=contract,
        consent_given=True,
        consent_on=START,
        consent_how=ParentingContract.ConsentHow.IN_PERSON,
        initiated_on=START,
        present=present,
        unresponsive=[],
        pupil_engaged=True,
        by=by,
    )


def finalised(pupil, parents, by, **overrides):
    contract = draft(pupil, parents, by, **overrides)
    add_requirements(contract, by)
    initiate(contract, by)
    services.contract_finalise(contract=contract, by=by)
    contract.refresh_from_db()
    return contract


def sign_parent(contract, adult, by):
    return services.signature_record(
        contract=contract,
        signer_kind=ContractSignature.SignerKind.PARENT,
        name=adult.full_name,
        adult=adult,
        method=ContractSignature.Method.ON_SCREEN,
        by=by,
    )


def sign_staff(contract, by):
    return services.signature_record(
        contract=contract,
        signer_kind=ContractSignature.SignerKind.SCHOOL_STAFF,
        name=str(by),
        user=by,
        method=ContractSignature.Method.ON_SCREEN,
        by=by,
    )


def active(pupil, parents, by, **overrides):
    contract = finalised(pupil, parents, by, **overrides)
    for adult in parents:
        sign_parent(contract, adult, by)
    sign_staff(contract, by)
    contract.refresh_from_db()
    return contract


def non_compliance(contract, by, *, explanation="", reasonable=False, parents=None):
    return services.non_compliance_record(
        contract=contract,
        parents=parents or list(contract.parents.all()),
        what_happened="Missed five mornings in a fortnight",
        noticed_on=dt.date(2026, 10, 12),
        contacted_on=dt.date(2026, 10, 13),
        contact_method="phone",
        explanation=explanation,
        explanation_reasonable=reasonable,
        by=by,
    )


def warning_served(contract, by, record=None):
    """A warning served: the letters for a non-compliance made, approved and
    sent by post today (served means sent: issue 16). Returns the letters."""
    from django.utils import timezone

    from yos.letters import letter_approve, letter_send
    from yos.models import Letter

    record = record or non_compliance(contract, by)
    letters = services.warning_serve(non_compliance=record, by=by)
    for letter in letters:
        letter_approve(letter=letter, by=by)
        letter_send(letter=letter, by=by, method=Letter.SentBy.POST, sent_on=timezone.localdate())
    return letters
