"""Invented demo contracts for `manage.py seed_demo`: at both demo schools, one
contract at each status. Uses the demo pupils of the cases app when there are
some (setting their school if none is at that school), else invents a family.
Re-runnable: a school that already has demo contracts is left alone."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.models import Adult, AdultChild, Child, Family
from contracts import services
from contracts.models import ContractSignature, ParentingContract, RequirementKind
from yos.letters import letter_approve, letter_send
from yos.lib.dates import born_years_before
from yos.models import Letter

MARKER = "Demo contract: invented data."


def _pupils_at(school, ctx, by, index: int) -> list[Child]:
    """Demo pupils at school who have at least one linked adult."""
    children = ctx.get("children") or []
    with_adults = [c for c in children if AdultChild.objects.filter(child=c).exists()]
    at_school = [c for c in with_adults if c.school_id == school.pk]
    if not at_school and with_adults:
        pupil = with_adults[index % len(with_adults)]
        pupil.school = school
        pupil._history_user = by
        pupil.save()
        at_school = [pupil]
    if at_school:
        return at_school
    # No demo families at all: invent one for this school.
    # With a household address: the parents live with the pupil, so the warning
    # letter may go there (docs/domain-letters.md).
    family = Family.objects.create(
        name=f"Demofamily{index}",
        team=ctx["teams"][0],
        address=f"{index + 1} Demo Lane\nDemo Town\nDT9 {index % 10}DL",
        notes=MARKER,
    )
    pupil = Child.objects.create(
        family=family,
        first_name="Robin",
        last_name=f"Demofamily{index}",
        date_of_birth=born_years_before(timezone.localdate(), 13),
        school=school,
    )
    for first, relationship in (("Sam", "mother"), ("Alex", "father")):
        adult = Adult.objects.create(
            family=family,
            first_name=first,
            last_name=f"Demofamily{index}",
            phone="07700 900456",
            email=f"{first.lower()}{index}@example.invalid",
        )
        AdultChild.objects.create(
            adult=adult,
            child=pupil,
            relationship=relationship,
            parental_responsibility=True,
            resident=True,
        )
    return [pupil]


def _draft(pupil, staff, *, starts_on, ends_on, year_group="Year 8"):
    parents = list(Adult.objects.filter(child_links__child=pupil).order_by("id")[:2])
    contract = services.contract_draft(
        pupil=pupil,
        parents=parents,
        party=ParentingContract.Party.GOVERNING_BODY,
        arrangement=ParentingContract.Arrangement.JOINT,
        starts_on=starts_on,
        ends_on=ends_on,
        next_review_on=starts_on + timedelta(weeks=6),
        lead_practitioner="Morgan Hale",
        lead_practitioner_organisation="Assistant headteacher",
        year_group=year_group,
        reason=MARKER,
        support_statement="The school will support the family to improve attendance.",
        support_details="Weekly check-in with the attendance officer; a place at breakfast club.",
        parent_statement=(
            "I agree to comply with the requirements of this contract for the period it covers."
        ),
        by=staff,
    )
    kinds = list(RequirementKind.objects.order_by("position")[:2])
    services.requirement_add(
        contract=contract,
        kind=kinds[0],
        action="Make sure the pupil arrives at school by 8:40am every school day",
        measure="Attendance register: at least 95% punctual marks each half term",
        owner="Parents",
        frequency="Every school day",
        by=staff,
    )
    services.requirement_add(
        contract=contract,
        kind=kinds[1],
        action="Attend a progress meeting with the head of year",
        measure="Meeting attended and recorded",
        owner="Parents and head of year",
        frequency="Every 4 weeks",
        by=staff,
    )
    return contract, parents


def _initiate_and_finalise(contract, parents, staff, on):
    services.contract_record_initiation(
        contract=contract,
        consent_given=True,
        consent_on=on,
        consent_how=ParentingContract.ConsentHow.IN_PERSON,
        initiated_on=on,
        present=parents,
        unresponsive=[],
        pupil_engaged=True,
        by=staff,
    )
    services.contract_finalise(contract=contract, by=staff)


def _sign_all(contract, parents, staff):
    for parent in parents:
        services.signature_record(
            contract=contract,
            signer_kind=ContractSignature.SignerKind.PARENT,
            name=parent.full_name,
            adult=parent,
            method=ContractSignature.Method.ON_SCREEN,
            by=staff,
        )
    services.signature_record(
        contract=contract,
        signer_kind=ContractSignature.SignerKind.SCHOOL_STAFF,
        name=str(staff),
        user=staff,
        method=ContractSignature.Method.ON_SCREEN,
        by=staff,
    )


def _warn(contract, parents, staff, today):
    record = services.non_compliance_record(
        contract=contract,
        parents=parents[:1],
        what_happened="The pupil missed six mornings in two weeks.",
        noticed_on=today - timedelta(days=5),
        contacted_on=today - timedelta(days=4),
        contact_method="phone",
        explanation="",
        explanation_reasonable=False,
        by=staff,
    )
    # Served means sent: the demo's warning letters were approved and posted.
    for letter in services.warning_serve(non_compliance=record, by=staff):
        letter_approve(letter=letter, by=staff)
        letter_send(letter=letter, by=staff, method=Letter.SentBy.POST, sent_on=today)


def seed_school(school, staff, ctx, index: int) -> None:
    if ParentingContract.objects.filter(school=school, reason=MARKER).exists():
        return
    today = timezone.localdate()
    pupils = _pupils_at(school, ctx, staff, index)

    def pupil(n):
        return pupils[n % len(pupils)]

    start = today - timedelta(days=30)
    # Draft
    _draft(
        pupil(0), staff, starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=190)
    )
    # Awaiting signatures, finalised two weeks ago: flagged as not signed in time
    contract, parents = _draft(
        pupil(1), staff, starts_on=start, ends_on=start + timedelta(days=180)
    )
    _initiate_and_finalise(contract, parents, staff, start)
    ParentingContract.objects.filter(pk=contract.pk).update(finalised_on=today - timedelta(days=14))
    # Active
    for status in ("active", "warning_served", "completed", "terminated"):
        contract, parents = _draft(
            pupil(2), staff, starts_on=start, ends_on=start + timedelta(days=180)
        )
        _initiate_and_finalise(contract, parents, staff, start)
        _sign_all(contract, parents, staff)
        if status in ("warning_served", "terminated"):
            _warn(contract, parents, staff, today)
        if status == "completed":
            services.contract_complete(
                contract=contract,
                reason="Attendance rose to 96% and stayed there.",
                ended_on=today,
                by=staff,
            )
        if status == "terminated":
            services.contract_terminate(
                contract=contract,
                reason="The parents did not engage after the warning.",
                services_consulted=True,
                services_consulted_details="Early Help worker agreed on the phone.",
                ended_on=today,
                by=staff,
            )
    # Expired: the end date passed
    past = today - timedelta(days=200)
    contract, parents = _draft(pupil(3), staff, starts_on=past, ends_on=today - timedelta(days=2))
    _initiate_and_finalise(contract, parents, staff, past)
    _sign_all(contract, parents, staff)
    services.contract_expire(contract=contract, today=today, by=staff)


def seed(ctx: dict) -> None:
    users = ctx["users"]
    for index, (school, username) in enumerate(
        zip(ctx["schools"], ("school", "school2"), strict=False)
    ):
        seed_school(school, users[username], ctx, index)
