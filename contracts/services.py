"""Writes to parenting contracts. Every function is atomic, validates with
full_clean, records who acted (history user) and refuses with the rules'
plain-English messages. Status changes go through named transitions that
check the current status and record who and why (ContractStatusChange)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import AdultChild
from contracts import rules
from contracts.models import (
    AttendanceReferral,
    ContractCopySent,
    ContractDocument,
    ContractNonCompliance,
    ContractParent,
    ContractRequirement,
    ContractReview,
    ContractSignature,
    ContractStatusChange,
    LeadPractitionerChange,
    ParentingContract,
    RequirementProgress,
    TerminationRequest,
)
from yos import access, letter_content
from yos.letters import issue_for
from yos.lib.dates import long_date
from yos.lib.files import sniff, store_document
from yos.lib.pdf import render_pdf
from yos.models import Letter, StoredDocument, User
from yos.notices import notify_decision

DOCUMENT_TEMPLATE = "letters/contract_document.html"
NO_DOCUMENT = "Finalise the contract first: there is no contract document to sign"
PARENT_NOT_ON_CONTRACT = "Select a parent this contract is with"
NOT_A_PARENT_OF_THE_PUPIL = "Select parents or carers recorded for this pupil"
PARENT_ALREADY_SIGNED = "This parent has already signed this version of the contract"
PARENT_NOT_PRESENT = "Only parents recorded as present sign the contract; record the presence first"
NO_SCAN = "Upload the scanned signed copy"
NO_WARNING_DUE = rules.EXPLANATION_REASONABLE_NO_WARNING
REFERRAL_NEEDS_LETTER = (
    "Upload the letter sent to the parents telling them about the referral: "
    "there is no contract document to attach"
)
NOT_ENDED_YET = "The contract has not reached its end date yet"
REQUEST_ALREADY_PENDING = (
    "A request to end this contract is already waiting for a supervisor's decision"
)
REQUEST_ALREADY_DECIDED = "This request has already been decided"
DECISION_REASON_NEEDED = "Enter the reason for your decision"
REQUEST_REASON_NEEDED = "Enter why the contract should end"


def _save(instance, by: User) -> None:
    instance.full_clean()
    instance._history_user = by
    instance.save()


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValidationError(problems)


def _refuse_fields(problems: dict[str, str]) -> None:
    """Refuse with messages next to the fields they name."""
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


def _lock(contract: ParentingContract) -> None:
    """Lock the contract's row and reload it, so a status check never runs on
    a stale copy (two people acting on the same contract at once)."""
    ParentingContract.objects.select_for_update().filter(pk=contract.pk).exists()
    contract.refresh_from_db()


def _transition(contract: ParentingContract, name: str, *, by: User, reason: str = "") -> None:
    """Move contract along the named transition, or refuse with a clear message."""
    _lock(contract)
    target = rules.transition_target(name, contract.status)
    if target is None:
        raise ValidationError(
            rules.WRONG_STATUS.format(status=contract.get_status_display().lower())
        )
    _save(
        ContractStatusChange(
            contract=contract,
            transition=name,
            from_status=contract.status,
            to_status=target,
            by=by,
            reason=reason,
        ),
        by,
    )
    contract.status = target


def _require_status(contract: ParentingContract, *allowed: str) -> None:
    _lock(contract)
    if contract.status not in allowed:
        raise ValidationError(
            rules.WRONG_STATUS.format(status=contract.get_status_display().lower())
        )


# --- Drafting -------------------------------------------------------------------


@transaction.atomic
def contract_draft(
    *,
    pupil,
    parents: list,
    party: str,
    arrangement: str,
    starts_on: date,
    ends_on: date,
    lead_practitioner: str,
    by: User,
    lead_practitioner_organisation: str = "",
    length_reason: str = "",
    next_review_on: date | None = None,
    year_group: str = "",
    reason: str = "",
    purpose: str = ParentingContract.Purpose.ATTENDANCE,
    services_involved: str = "",
    support_statement: str = "",
    support_details: str = "",
    parent_statement: str = "",
) -> ParentingContract:
    """A new draft contract for pupil and the parents it will bind."""
    _refuse(
        rules.parent_choice_problems(
            separate=arrangement == ParentingContract.Arrangement.SEPARATE,
            parent_ids=[p.pk for p in parents],
        )
        + rules.length_problems(starts_on=starts_on, ends_on=ends_on, reason=length_reason)
    )
    linked = set(AdultChild.objects.filter(child=pupil).values_list("adult_id", flat=True))
    if any(p.pk not in linked for p in parents):
        raise ValidationError(NOT_A_PARENT_OF_THE_PUPIL)
    contract = ParentingContract(
        pupil=pupil,
        school_id=pupil.school_id,
        party=party,
        arrangement=arrangement,
        starts_on=starts_on,
        ends_on=ends_on,
        length_reason=length_reason,
        next_review_on=next_review_on,
        lead_practitioner=lead_practitioner,
        lead_practitioner_organisation=lead_practitioner_organisation,
        year_group=year_group,
        reason=reason,
        purpose=purpose,
        services_involved=services_involved,
        support_statement=support_statement,
        support_details=support_details,
        parent_statement=parent_statement,
        created_by=by,
    )
    _save(contract, by)
    for adult in parents:
        _save(ContractParent(contract=contract, adult=adult), by)
    _save(
        LeadPractitionerChange(
            contract=contract,
            name=lead_practitioner,
            organisation=lead_practitioner_organisation,
            from_date=min(timezone.localdate(), starts_on),
            reason="Lead practitioner when the contract was drafted",
            recorded_by=by,
        ),
        by,
    )
    return contract


def contract_check_terms(contract: ParentingContract) -> None:
    """Refuse contract terms that break the length rule (for edits)."""
    _refuse(
        rules.length_problems(
            starts_on=contract.starts_on, ends_on=contract.ends_on, reason=contract.length_reason
        )
    )


@transaction.atomic
def contract_record_initiation(
    *,
    contract: ParentingContract,
    consent_given: bool,
    consent_on: date | None,
    consent_how: str,
    initiated_on: date,
    present: list,
    unresponsive: list,
    pupil_engaged: bool | None,
    pupil_engagement_notes: str = "",
    unresponsive_notes: str = "",
    by: User,
) -> ParentingContract:
    """Record the meeting that starts the contract: consent, who was there,
    who is unresponsive, and whether the pupil was engaged."""
    _require_status(contract, ParentingContract.Status.DRAFT)
    present_ids = {a.pk for a in present}
    unresponsive_ids = {a.pk for a in unresponsive}
    _refuse(
        rules.consent_problems(consent_given=consent_given, parents_present=len(present_ids))
        + rules.parent_choice_problems(
            separate=False,
            parent_ids=[1],
            present_ids=present_ids,
            unresponsive_ids=unresponsive_ids,
        )
    )
    _refuse_fields(
        rules.consent_date_problems(
            consent_given=consent_given,
            consent_on=consent_on,
            initiated_on=initiated_on,
            today=timezone.localdate(),
        )
    )
    contract.consent_given = consent_given
    contract.consent_on = consent_on
    contract.consent_how = consent_how
    contract.initiated_on = initiated_on
    contract.pupil_engaged = pupil_engaged
    contract.pupil_engagement_notes = pupil_engagement_notes
    _save(contract, by)
    for link in contract.parent_links.all():
        link.present_at_initiation = link.adult_id in present_ids
        link.unresponsive = link.adult_id in unresponsive_ids
        link.unresponsive_notes = unresponsive_notes if link.unresponsive else ""
        _save(link, by)
    return contract


@transaction.atomic
def requirement_add(
    *,
    contract: ParentingContract,
    kind,
    action: str,
    measure: str,
    owner: str,
    due_on: date | None = None,
    frequency: str = "",
    parent=None,
    by: User,
) -> ContractRequirement:
    """A SMART requirement. Added to a draft; added later, it takes effect in
    the next version of the document (an amendment)."""
    _require_status(contract, *rules.Status.OPEN)
    requirement = ContractRequirement(
        contract=contract,
        kind=kind,
        action=action,
        measure=measure,
        owner=owner,
        due_on=due_on,
        frequency=frequency,
        parent=parent,
    )
    _save(requirement, by)
    return requirement


@transaction.atomic
def lead_practitioner_change(
    *,
    contract: ParentingContract,
    name: str,
    organisation: str,
    from_date: date,
    reason: str,
    by: User,
) -> LeadPractitionerChange:
    _require_status(contract, *rules.Status.OPEN)
    change = LeadPractitionerChange(
        contract=contract,
        name=name,
        organisation=organisation,
        from_date=from_date,
        reason=reason,
        recorded_by=by,
    )
    _save(change, by)
    contract.lead_practitioner = name
    contract.lead_practitioner_organisation = organisation
    _save(contract, by)
    return change


# --- The document -----------------------------------------------------------------


def _render_document(contract: ParentingContract, *, by: User, reason: str) -> ContractDocument:
    number = contract.document_version + 1
    links = list(contract.parent_links.select_related("adult"))
    pdf = render_pdf(
        DOCUMENT_TEMPLATE,
        {
            "contract": contract,
            "version": number,
            "pupil": contract.pupil,
            "school": contract.school,
            "parent_links": links,
            "present_links": [link for link in links if link.present_at_initiation],
            "requirements": list(
                contract.requirements.select_related("kind", "parent").order_by("id")
            ),
            "generated_on": timezone.localdate(),
            "letter_date": timezone.localdate(),
        }
        | letter_content.contract_document_context(contract, links),
    )
    stored = store_document(
        content=pdf,
        kind=StoredDocument.Kind.CONTRACT,
        subject=contract,
        by=by,
        reason=f"Parenting contract {contract.reference} version {number}: {reason}"[:300],
    )
    version = ContractDocument(contract=contract, number=number, document=stored, reason=reason)
    _save(version, by)
    contract.document_version = number
    return version


@transaction.atomic
def contract_finalise(*, contract: ParentingContract, by: User) -> ContractDocument:
    """Check everything a contract must contain, render version 1 of the
    document and wait for signatures."""
    contract = ParentingContract.objects.select_for_update().get(pk=contract.pk)
    _require_status(contract, ParentingContract.Status.DRAFT)
    _refuse(
        rules.finalise_problems(
            consent_given=contract.consent_given,
            parents_present=contract.parent_links.filter(present_at_initiation=True).count(),
            requirement_count=contract.requirements.count(),
            support_statement=contract.support_statement,
            support_details=contract.support_details,
            parent_statement=contract.parent_statement,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            length_reason=contract.length_reason,
        )
    )
    _transition(contract, "finalise", by=by, reason="Typed up and ready to sign")
    contract.finalised_on = timezone.localdate()
    version = _render_document(contract, by=by, reason="Finalised")
    _save(contract, by)
    return version


@transaction.atomic
def contract_amend(*, contract: ParentingContract, reason: str, by: User) -> ContractDocument:
    """A new version of the document (the old versions are kept); it needs
    signing again before it is in force."""
    contract = ParentingContract.objects.select_for_update().get(pk=contract.pk)
    _transition(contract, "amend", by=by, reason=reason)
    contract.finalised_on = timezone.localdate()
    version = _render_document(contract, by=by, reason=reason)
    _save(contract, by)
    return version


def current_version(contract: ParentingContract) -> ContractDocument | None:
    return contract.documents.select_related("document").order_by("-number").first()


# --- Signatures ---------------------------------------------------------------------


def missing_signatures(contract: ParentingContract, version: ContractDocument | None) -> list[str]:
    """Who still has to sign the current version (rules.missing_signatures)."""
    present = {
        link.adult_id: link.adult.full_name
        for link in contract.parent_links.select_related("adult")
        if link.present_at_initiation
    }
    facts = (
        [rules.SignatureFact(s.signer_kind, s.adult_id) for s in version.signatures.all()]
        if version
        else []
    )
    return rules.missing_signatures(
        present_parents=present, la_is_party=contract.la_is_party, signatures=facts
    )


@transaction.atomic
def signature_record(
    *,
    contract: ParentingContract,
    signer_kind: str,
    name: str,
    method: str,
    by: User,
    adult=None,
    user=None,
    scan=None,
    signed_at=None,
) -> ContractSignature:
    """Record one signature on the current version, with the SHA-256 of the
    document signed; when the last one needed is in, the contract is active.
    A scanned copy (an UploadedFile, already checked) is stored privately."""
    contract = ParentingContract.objects.select_for_update().get(pk=contract.pk)
    _require_status(contract, ParentingContract.Status.AWAITING_SIGNATURES)
    if signer_kind not in ContractSignature.SignerKind.values:
        raise ValidationError(rules.PUPIL_CANNOT_SIGN)
    version = current_version(contract)
    if version is None:
        raise ValidationError(NO_DOCUMENT)
    if signer_kind == ContractSignature.SignerKind.PARENT:
        link = contract.parent_links.filter(adult=adult).first() if adult else None
        if link is None:
            raise ValidationError(PARENT_NOT_ON_CONTRACT)
        if not link.present_at_initiation:
            raise ValidationError(PARENT_NOT_PRESENT)
        if version.signatures.filter(adult=adult).exists():
            raise ValidationError(PARENT_ALREADY_SIGNED)
    stored_scan = None
    if method == ContractSignature.Method.SCANNED:
        if scan is None:
            raise ValidationError(NO_SCAN)
        scan.seek(0)
        content = scan.read()
        stored_scan = store_document(
            content=content,
            kind=StoredDocument.Kind.SIGNED_SCAN,
            subject=contract,
            by=by,
            reason=f"Signed copy of {contract.reference} version {version.number} by {name}"[:300],
            mime_type=sniff(content[:16]) or "application/octet-stream",
            original_name=getattr(scan, "name", ""),
        )
    signature = ContractSignature(
        contract=contract,
        version=version,
        signer_kind=signer_kind,
        name=name,
        adult=adult if signer_kind == ContractSignature.SignerKind.PARENT else None,
        user=user,
        signed_at=signed_at or timezone.now(),
        method=method,
        scan=stored_scan,
        document_sha256=version.sha256,
        recorded_by=by,
    )
    _save(signature, by)
    if not missing_signatures(contract, version):
        _transition(contract, "activate", by=by, reason="Signed by everyone who needs to sign")
        contract.activated_on = contract.activated_on or timezone.localdate()
        _save(contract, by)
    return signature


@transaction.atomic
def copy_sent_record(
    *,
    contract: ParentingContract,
    recipient: str,
    organisation: str,
    method: str,
    sent_on,
    by: User,
) -> ContractCopySent:
    copy = ContractCopySent(
        contract=contract,
        recipient=recipient,
        organisation=organisation,
        method=method,
        sent_on=sent_on,
        version=current_version(contract),
        recorded_by=by,
    )
    _save(copy, by)
    return copy


# --- Reviews ------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    contract: ParentingContract,
    held_on: date,
    progress: dict,
    notes: str = "",
    next_review_on: date | None = None,
    early_at_parents_request: bool = False,
    requested_by=None,
    by: User,
) -> ContractReview:
    """A review with the progress on each requirement ({requirement: (progress,
    notes)}); sets the next review date."""
    _require_status(contract, *rules.Status.IN_FORCE)
    _refuse_fields(
        rules.happened_problems(
            field="held_on",
            day=held_on,
            starts_on=contract.starts_on,
            today=timezone.localdate(),
        )
    )
    review = ContractReview(
        contract=contract,
        scheduled_on=contract.next_review_on,
        held_on=held_on,
        early_at_parents_request=early_at_parents_request,
        requested_by=requested_by if early_at_parents_request else None,
        notes=notes,
        next_review_on=next_review_on,
        recorded_by=by,
    )
    _save(review, by)
    for requirement, (value, note) in progress.items():
        _save(
            RequirementProgress(review=review, requirement=requirement, progress=value, notes=note),
            by,
        )
    contract.next_review_on = next_review_on
    _save(contract, by)
    return review


# --- Non-compliance, warning, ending, referral ------------------------------------------


@transaction.atomic
def non_compliance_record(
    *,
    contract: ParentingContract,
    parents: list,
    what_happened: str,
    noticed_on: date,
    contacted_on: date,
    contact_method: str,
    explanation: str,
    explanation_reasonable: bool,
    decision_notes: str = "",
    requirement=None,
    by: User,
) -> ContractNonCompliance:
    _require_status(contract, *rules.Status.IN_FORCE)
    _refuse_fields(
        rules.happened_problems(
            field="noticed_on",
            day=noticed_on,
            starts_on=contract.starts_on,
            today=timezone.localdate(),
        )
    )
    bound = set(contract.parent_links.values_list("adult_id", flat=True))
    if not parents or any(p.pk not in bound for p in parents):
        raise ValidationError(PARENT_NOT_ON_CONTRACT)
    record = ContractNonCompliance(
        contract=contract,
        requirement=requirement,
        what_happened=what_happened,
        noticed_on=noticed_on,
        contacted_on=contacted_on,
        contact_method=contact_method,
        explanation=explanation,
        # An absent explanation cannot be a reasonable one.
        explanation_reasonable=explanation_reasonable and bool(explanation.strip()),
        decision_notes=decision_notes,
        recorded_by=by,
    )
    _save(record, by)
    record.parents.set(parents)
    return record


def warning_serve(
    *, non_compliance: ContractNonCompliance, by: User, held: list | None = None
) -> list[Letter]:
    """Make the warning letter for each parent concerned (once: the key is per
    non-compliance and parent), through the one letter pipeline
    (yos.letters.issue_for, rendered outside any row lock), kept with the
    non-compliance. Returns every warning letter for it.

    A letter goes only to the parent's own address (yos.letters.postal_address).
    A parent without one gets no letter: the parent is appended to `held` and
    an "address needed" flag is raised on the non-compliance. The letters are
    drafts: the contract is marked "warning served" when one is sent
    (warning_letter_sent), since served means sent."""
    non_compliance = ContractNonCompliance.objects.select_related("contract").get(
        pk=non_compliance.pk
    )
    if not non_compliance.warning_due:
        raise ValidationError(NO_WARNING_DUE)
    contract = non_compliance.contract
    if contract.status not in rules.Status.IN_FORCE:
        raise ValidationError(
            rules.WRONG_STATUS.format(status=contract.get_status_display().lower())
        )
    result = issue_for(Letter.Kind.CONTRACT_WARNING, non_compliance, by=by)
    if held is not None:
        held.extend(spec.recipient for spec in result.held)
    return sorted(result.letters, key=lambda letter: letter.pk)


@transaction.atomic
def warning_letter_sent(*, letter: Letter, by: User) -> None:
    """A contract warning letter was sent: the warning is served, so an
    active contract becomes "warning served" (seed 001: "they should serve
    the parent with a warning")."""
    contract = ParentingContract.objects.select_for_update().get(pk=letter.object_id)
    if contract.status == ParentingContract.Status.ACTIVE:
        _transition(
            contract,
            "serve_warning",
            by=by,
            reason=f"Warning letter to {letter.recipient.full_name} sent on "
            f"{long_date(letter.sent_on)}",
        )
        _save(contract, by)


@transaction.atomic
def contract_continue(*, contract: ParentingContract, reason: str, by: User) -> ParentingContract:
    """After a warning, the parents engage again: the contract carries on."""
    _transition(contract, "continue", by=by, reason=reason)
    _save(contract, by)
    return contract


def _settle_requests(contract: ParentingContract, decision: str, reason: str, by: User) -> None:
    """A contract that ends leaves no request to end it waiting: each pending
    one is closed with why (and who), so the requester sees what happened."""
    for request in contract.termination_requests.filter(
        decision=TerminationRequest.Decision.PENDING
    ):
        request.decision = decision
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_reason = reason
        _save(request, by)


@transaction.atomic
def contract_terminate(
    *,
    contract: ParentingContract,
    reason: str,
    services_consulted: bool,
    services_consulted_details: str,
    ended_on: date,
    by: User,
) -> ParentingContract:
    """End the contract early. Only who yos.access.termination_refusal allows:
    a YOS supervisor for a local-authority contract (the case manager requests
    it: termination_request); the school's staff or a supervisor for a school's
    own contract."""
    refusal = access.termination_refusal(by, contract)
    if refusal:
        raise ValidationError(refusal)
    _refuse(
        rules.termination_problems(
            services_involved=bool(contract.services_involved.strip()),
            services_consulted=services_consulted,
        )
    )
    _transition(contract, "terminate", by=by, reason=reason)
    contract.ended_on = ended_on
    contract.end_reason = reason
    contract.services_consulted = services_consulted
    contract.services_consulted_details = services_consulted_details
    _save(contract, by)
    _settle_requests(
        contract, TerminationRequest.Decision.APPROVED, f"The contract was ended by {by}", by
    )
    return contract


@transaction.atomic
def termination_request(
    *,
    contract: ParentingContract,
    reason: str,
    ended_on: date,
    services_consulted: bool,
    services_consulted_details: str = "",
    by: User,
) -> TerminationRequest:
    """The allocated case manager asks a supervisor to end a local-authority
    contract early, with a reason. One request waits at a time."""
    refusal = access.termination_request_refusal(by, contract)
    if refusal:
        raise ValidationError(refusal)
    _lock(contract)
    if rules.transition_target("terminate", contract.status) is None:
        raise ValidationError(
            rules.WRONG_STATUS.format(status=contract.get_status_display().lower())
        )
    if not reason.strip():
        raise ValidationError({"reason": [REQUEST_REASON_NEEDED]})
    _refuse(
        rules.termination_problems(
            services_involved=bool(contract.services_involved.strip()),
            services_consulted=services_consulted,
        )
    )
    if contract.termination_requests.filter(decision=TerminationRequest.Decision.PENDING).exists():
        raise ValidationError(REQUEST_ALREADY_PENDING)
    request = TerminationRequest(
        contract=contract,
        requested_by=by,
        reason=reason,
        ended_on=ended_on,
        services_consulted=services_consulted,
        services_consulted_details=services_consulted_details,
    )
    _save(request, by)
    return request


@transaction.atomic
def termination_decide(
    *, request: TerminationRequest, approve: bool, reason: str, by: User
) -> TerminationRequest:
    """A supervisor approves (the contract is ended, by the supervisor, with the
    request's reason and date) or refuses (the contract continues) a request,
    with a reason. The request, the decision and who made each are kept."""
    contract = request.contract
    refusal = access.termination_decision_refusal(by, contract)
    if refusal:
        raise ValidationError(refusal)
    request = TerminationRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_pending:
        raise ValidationError(REQUEST_ALREADY_DECIDED)
    if not reason.strip():
        raise ValidationError({"decision_reason": [DECISION_REASON_NEEDED]})
    request.decision = (
        TerminationRequest.Decision.APPROVED if approve else TerminationRequest.Decision.REFUSED
    )
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    _save(request, by)
    notify_decision(
        recipient=request.requested_by,
        subject=contract,
        message=(
            f"{by} {'approved' if approve else 'refused'} your request to end "
            f"parenting contract {contract.reference}: {reason.strip()}"
        ),
        by=by,
    )
    if approve:
        contract_terminate(
            contract=contract,
            reason=f"{request.reason} (requested by {request.requested_by}; approved: {reason})",
            services_consulted=request.services_consulted,
            services_consulted_details=request.services_consulted_details,
            ended_on=request.ended_on,
            by=by,
        )
    return request


@transaction.atomic
def contract_complete(
    *, contract: ParentingContract, reason: str, ended_on: date, by: User
) -> ParentingContract:
    _transition(contract, "complete", by=by, reason=reason)
    contract.ended_on = ended_on
    contract.end_reason = reason
    _save(contract, by)
    _settle_requests(
        contract, TerminationRequest.Decision.REFUSED, "The contract was completed instead", by
    )
    return contract


@transaction.atomic
def contract_expire(*, contract: ParentingContract, today: date, by: User) -> ParentingContract:
    """Its end date passed without it being completed or ended."""
    if today <= contract.ends_on:
        raise ValidationError(NOT_ENDED_YET)
    _transition(contract, "expire", by=by, reason="The end date was reached")
    contract.ended_on = contract.ends_on
    contract.end_reason = contract.end_reason or "The contract reached its end date"
    _save(contract, by)
    _settle_requests(
        contract, TerminationRequest.Decision.REFUSED, "The contract reached its end date first", by
    )
    return contract


@transaction.atomic
def referral_make(
    *,
    contract: ParentingContract,
    made_on: date,
    external_reference: str = "",
    notes: str = "",
    letter_upload=None,
    by: User,
) -> AttendanceReferral:
    """Seed 001: "If a parenting contract exists then this can be uploaded when
    making the referral, and if not then a letter should be uploaded which was
    sent to parent(s) informing them that a statutory referral is being made." """
    version = current_version(contract)
    if version is not None:
        evidence, attachment = AttendanceReferral.Evidence.CONTRACT, version.document
    else:
        if letter_upload is None:
            raise ValidationError(REFERRAL_NEEDS_LETTER)
        letter_upload.seek(0)
        content = letter_upload.read()
        attachment = store_document(
            content=content,
            kind=StoredDocument.Kind.EVIDENCE,
            subject=contract,
            by=by,
            reason=f"Letter about the statutory referral for {contract.reference}",
            mime_type=sniff(content[:16]) or "application/octet-stream",
            original_name=getattr(letter_upload, "name", ""),
        )
        evidence = AttendanceReferral.Evidence.LETTER
    referral = AttendanceReferral(
        contract=contract,
        made_on=made_on,
        external_reference=external_reference,
        evidence=evidence,
        attachment=attachment,
        notes=notes,
        made_by=by,
    )
    _save(referral, by)
    return referral
