"""Nightly steps for parenting contracts (seed 001; PRODUCT.md "Nightly jobs").

Plain functions of the run date, set-based and idempotent, run by yos.jobs.
Warning letters are a kind of the one letter pipeline (yos.letters): the page
("Serve the warning letter", contracts.services.warning_serve) and the job go
through it with the same key, so the job only catches the ones nobody made
yet and never makes a second.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Cast

from cases.models import Adult
from contracts import rules
from contracts.models import (
    ContractDocument,
    ContractNonCompliance,
    ContractParent,
    ParentingContract,
)
from yos.flags import Answer, flags_sync, itself, wanted_rows
from yos.letters import (
    LetterKind,
    LetterSpec,
    address_lines,
    due_window_start,
    issue_due,
    letter_key,
    postal_address,
    register,
    residents,
)
from yos.lib.dates import flag_window_end, long_date
from yos.models import Flag, Letter

WARNING_TEMPLATE = "letters/contract_warning.html"

SCOPE = {"family": "pupil__family_id", "school": "school_id", "child": "pupil_id"}


def contracts_past_end(run_date: date):
    """Contracts not yet ended whose end date has passed: awaiting signatures,
    active or warning served, with the end date before the run date."""
    return ParentingContract.objects.filter(
        status__in=rules.TRANSITIONS["expire"][0], ends_on__lt=run_date
    )


def end_past_contracts(run_date: date, *, by) -> dict:
    """A contract past its end date is ended by the named transition "expire"
    (status "Ended: end date reached", a ContractStatusChange and history by
    the job's user), not left active. Idempotent: an ended contract is not
    picked again; a contract left over by an earlier run is ended by the next."""
    from contracts.services import contract_expire  # the app's own write path

    ended = 0
    for contract in contracts_past_end(run_date).order_by("id").iterator():
        contract_expire(contract=contract, today=run_date, by=by)
        ended += 1
    return {"ended": ended}


def ending_flags(run_date: date, *, by) -> dict:
    """A contract in force whose end date is within FLAG_WARNING_DAYS (or has
    passed without it being completed or ended)."""
    contracts = ParentingContract.objects.filter(
        status__in=rules.Status.IN_FORCE,
        ends_on__lte=flag_window_end(run_date),
    )
    wanted = wanted_rows(contracts, due_on="ends_on", **SCOPE)
    return flags_sync(kind=Flag.Kind.CONTRACT_ENDING, model=ParentingContract, wanted=wanted, by=by)


def review_flags(run_date: date, *, by) -> dict:
    """A contract in force whose review date has come (the contracts app's
    review_due: on or after the next review date) and no review moved it on."""
    wanted = wanted_rows(
        ParentingContract.objects.review_due(run_date), due_on="next_review_on", **SCOPE
    )
    return flags_sync(
        kind=Flag.Kind.CONTRACT_REVIEW_OVERDUE, model=ParentingContract, wanted=wanted, by=by
    )


def unsigned_flags(run_date: date, *, by) -> dict:
    """Awaiting signatures for more than CONTRACT_SIGNING_ALLOWED_DAYS after it
    was finalised ("it must be signed as soon as possible")."""
    allowed = timedelta(days=settings.CONTRACT_SIGNING_ALLOWED_DAYS)
    due = Cast(
        ExpressionWrapper(F("finalised_on") + allowed, output_field=DateField()), DateField()
    )
    wanted = wanted_rows(ParentingContract.objects.signing_overdue(run_date), due_on=due, **SCOPE)
    return flags_sync(
        kind=Flag.Kind.CONTRACT_UNSIGNED, model=ParentingContract, wanted=wanted, by=by
    )


def warning_key(non_compliance_id: int, parent_id: int) -> str:
    """The one key (yos.letters.letter_key) of a contract warning."""
    return letter_key(Letter.Kind.CONTRACT_WARNING, non_compliance_id, parent_id)


def contracts_in_force(run_date: date):
    """Contracts in force on the run date: active or warning served, and not
    past their end date."""
    return ParentingContract.objects.filter(status__in=rules.Status.IN_FORCE, ends_on__gte=run_date)


def non_compliance_letter_due(run_date: date):
    """Non-compliance that gets a warning letter by itself: no explanation or
    one not accepted as reasonable, noticed on or before the run date and no
    more than LETTER_DUE_WITHIN_DAYS before it, on a contract still in force
    (docs/domain-letters.md)."""
    return ContractNonCompliance.objects.filter(
        contract__in=contracts_in_force(run_date).values("pk"),
        noticed_on__lte=run_date,
        noticed_on__gte=due_window_start(run_date),
    ).filter(Q(explanation="") | Q(explanation_reasonable=False))


def non_compliance_to_decide(run_date: date):
    """Non-compliance with a warning due and no letter served, which the job
    will not serve by itself: older than the window, or on a contract no
    longer in force. The case manager decides (letters page)."""
    return (
        ContractNonCompliance.objects.filter(noticed_on__lte=run_date)
        .filter(Q(explanation="") | Q(explanation_reasonable=False))
        .exclude(pk__in=non_compliance_letter_due(run_date).values("pk"))
        .filter(warning_letters__isnull=True)
    )


# --- The contract letters in the one pipeline (yos.letters) -------------------------


def _warning_due(run_date: date):
    return (
        non_compliance_letter_due(run_date)
        .filter(
            Exists(
                ContractNonCompliance.parents.through.objects.filter(
                    contractnoncompliance_id=OuterRef("pk")
                )
            )
        )
        .values_list("pk", "parents")
    )


def _warning_one(non_compliance: ContractNonCompliance):
    return [(non_compliance.pk, parent.pk) for parent in non_compliance.parents.all()]


def _warning_load(ids: list, run_date: date) -> list[LetterSpec]:
    records = {
        nc.pk: nc
        for nc in ContractNonCompliance.objects.filter(pk__in={i[0] for i in ids})
        .select_related("contract__pupil__family", "contract__school", "requirement")
        .prefetch_related("parents__family")
    }
    living_with = residents(
        (parent_id, records[nc_id].contract.pupil_id)
        for nc_id, parent_id in ids
        if nc_id in records
    )
    specs = []
    for nc_id, parent_id in ids:
        record = records.get(nc_id)
        parent = (
            next((p for p in record.parents.all() if p.pk == parent_id), None) if record else None
        )
        if parent is None:
            continue
        contract = record.contract
        specs.append(
            LetterSpec(
                kind=Letter.Kind.CONTRACT_WARNING,
                dedupe_key=warning_key(nc_id, parent_id),
                recipient=parent,
                address=postal_address(
                    parent,
                    contract.pupil,
                    resident=(parent_id, contract.pupil_id) in living_with,
                ),
                subject=contract,
                reason=(
                    f"Parenting contract {contract.reference}: "
                    f"non-compliance noticed on {long_date(record.noticed_on)}"
                ),
                template=WARNING_TEMPLATE,
                family=contract.pupil.family,
                school=contract.school,
                child=contract.pupil,
                record=record,
                letter_date=run_date,
                flag_on=record,
                flag_due=record.noticed_on,
            )
        )
    return specs


def _warning_issued(spec: LetterSpec, letter: Letter) -> None:
    """The letter is kept with the non-compliance it warns about (seed 001)."""
    spec.record.warning_letters.add(letter)


def _warning_sent(letter: Letter, by) -> None:
    from contracts.services import warning_letter_sent  # the app's own write path

    warning_letter_sent(letter=letter, by=by)


def _warning_context(non_compliance: ContractNonCompliance, day: date) -> dict:
    contract = non_compliance.contract
    return {
        "contract": contract,
        "non_compliance": non_compliance,
        "pupil": contract.pupil,
        "school": contract.school,
        "school_address": address_lines(contract.school.address),
        "issued_on": day,
    }


def _copy_context(version: ContractDocument, day: date) -> dict:
    contract = version.contract
    return {
        "contract": contract,
        "version": version,
        "pupil": contract.pupil,
        "school": contract.school,
        "school_address": address_lines(contract.school.address),
    }


register(
    LetterKind(
        kind=Letter.Kind.CONTRACT_WARNING,
        flag_model=ContractNonCompliance,
        due=_warning_due,
        one=_warning_one,
        load=_warning_load,
        issued=_warning_issued,
        sent=_warning_sent,
        context=_warning_context,
    )
)


COPY_TEMPLATE = "letters/contract_copy.html"
COPY_STATUSES = (
    ParentingContract.Status.AWAITING_SIGNATURES,
    ParentingContract.Status.ACTIVE,
    ParentingContract.Status.WARNING_SERVED,
)


def copy_key(version_id: int, parent_id: int) -> str:
    return letter_key(Letter.Kind.CONTRACT_COPY, version_id, parent_id)


def _copy_due(run_date: date):
    """Seed 001: "Any parties who could not attend … should be sent a copy for
    their records." The current version of each contract not ended, made in
    the last LETTER_DUE_WITHIN_DAYS, for each parent it names who was not at
    the meeting."""
    return (
        ContractParent.objects.filter(
            present_at_initiation=False,
            contract__status__in=COPY_STATUSES,
            contract__documents__number=F("contract__document_version"),
            contract__documents__document__created_at__date__lte=run_date,
            contract__documents__document__created_at__date__gte=due_window_start(run_date),
        )
        .values_list("contract__documents__pk", "adult_id")
        .distinct()
    )


def _copy_load(ids: list, run_date: date) -> list[LetterSpec]:
    versions = {
        v.pk: v
        for v in ContractDocument.objects.filter(pk__in={i[0] for i in ids}).select_related(
            "contract__pupil__family", "contract__school", "document"
        )
    }
    adults = {a.pk: a for a in Adult.objects.filter(pk__in={i[1] for i in ids})}
    living_with = residents(
        (adult_id, versions[v].contract.pupil_id) for v, adult_id in ids if v in versions
    )
    specs = []
    for version_id, adult_id in ids:
        version, parent = versions.get(version_id), adults.get(adult_id)
        if version is None or parent is None:
            continue
        contract = version.contract
        specs.append(
            LetterSpec(
                kind=Letter.Kind.CONTRACT_COPY,
                dedupe_key=copy_key(version_id, adult_id),
                recipient=parent,
                address=postal_address(
                    parent, contract.pupil, resident=(adult_id, contract.pupil_id) in living_with
                ),
                subject=contract,
                reason=(
                    f"A copy of parenting contract {contract.reference} (version "
                    f"{version.number}) for a parent who could not attend the meeting"
                ),
                template=COPY_TEMPLATE,
                family=contract.pupil.family,
                school=contract.school,
                child=contract.pupil,
                record=version,
                letter_date=run_date,
                flag_on=version,
                flag_due=run_date,
                enclosure=version.document,
            )
        )
    return specs


COPY_METHOD = {"post": "post", "hand": "hand", "email": "email"}


def _copy_sent(letter: Letter, by) -> None:
    """The copy is recorded on the contract as sent (who, how, when)."""
    from contracts.services import copy_sent_record  # the app's own write path

    copy_sent_record(
        contract=letter.subject,
        recipient=letter.recipient.full_name,
        organisation="Parent (could not attend the meeting)",
        method=COPY_METHOD.get(letter.sent_by, "post"),
        sent_on=letter.sent_on,
        by=by,
    )


register(
    LetterKind(
        kind=Letter.Kind.CONTRACT_COPY,
        flag_model=ContractDocument,
        due=_copy_due,
        load=_copy_load,
        sent=_copy_sent,
        context=_copy_context,
    )
)


def copy_letters(run_date: date, *, by) -> dict:
    """A copy of the contract (the covering letter, then the document) to
    each parent it names who was not at the meeting (seed 001)."""
    return issue_due(Letter.Kind.CONTRACT_COPY, run_date, by=by)


def warning_letters(run_date: date, *, by) -> dict:
    """Make the warning letter for non-compliance that is due
    (non_compliance_letter_due) for each parent concerned who has none yet.
    A parent with no address of their own to send it to is held: an "address
    needed" flag on the non-compliance until the address is recorded. The
    contract is marked "warning served" when a letter is sent."""
    return issue_due(Letter.Kind.CONTRACT_WARNING, run_date, by=by)


STEPS = [
    ("end_past_contracts", end_past_contracts),  # first: an ended contract raises no flag
    ("ending_flags", ending_flags),
    ("review_flags", review_flags),
    ("unsigned_flags", unsigned_flags),
    ("warning_letters", warning_letters),
    ("copy_letters", copy_letters),
]


# --- Answers (issue 16): the saves that resolve these flags in their request -------

ANSWERS = {
    # Completing or ending the contract; a review that sets the next date;
    # the last signature (the contract's own save moves it on).
    Flag.Kind.CONTRACT_ENDING: Answer(
        model="contracts.ParentingContract",
        wanted=lambda on: ParentingContract.objects.filter(
            status__in=rules.Status.IN_FORCE, ends_on__lte=flag_window_end(on)
        ),
        triggers={"contracts.ParentingContract": itself},
    ),
    Flag.Kind.CONTRACT_REVIEW_OVERDUE: Answer(
        model="contracts.ParentingContract",
        wanted=lambda on: ParentingContract.objects.review_due(on),
        triggers={
            "contracts.ParentingContract": itself,
            "contracts.ContractReview": lambda review: [review.contract_id],
        },
    ),
    Flag.Kind.CONTRACT_UNSIGNED: Answer(
        model="contracts.ParentingContract",
        wanted=lambda on: ParentingContract.objects.signing_overdue(on),
        triggers={
            "contracts.ParentingContract": itself,
            "contracts.ContractSignature": lambda signature: [signature.contract_id],
        },
    ),
}
