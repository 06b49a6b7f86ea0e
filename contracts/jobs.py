"""Nightly steps for parenting contracts (seed 001; PRODUCT.md "Nightly jobs").

Plain functions of the run date, set-based and idempotent, run by yos.jobs.
Warning letters go through the contracts app's own service (warning_serve),
with the same dedupe key as the page that serves them, so the job only catches
the ones nobody served yet and never makes a second.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.conf import settings
from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Cast

from contracts import rules
from contracts.models import ContractNonCompliance, ParentingContract
from yos.flags import Answer, Wanted, flags_sync, itself, wanted_rows
from yos.letters import chunk_pause_setting, chunk_size_setting, due_window_start, existing_keys
from yos.lib.dates import flag_window_end
from yos.models import Flag

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
    """The key contracts.services.warning_serve uses: keep them the same."""
    return f"contract-warning:{non_compliance_id}:{parent_id}"


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


def warning_letters(run_date: date, *, by) -> dict:
    """Serve the warning letter for non-compliance that is due
    (non_compliance_letter_due) where a parent concerned has no letter yet.
    A parent with no address of their own to send it to is held: an "address
    needed" flag on the non-compliance until the address is recorded."""
    from contracts.services import warning_serve  # the app's own write path

    rows = (
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
    keys = {warning_key(pk, parent_id): pk for pk, parent_id in rows}
    have = existing_keys(list(keys))
    pending = sorted({pk for key, pk in keys.items() if key not in have})
    issued = 0
    wanted: dict[int, Wanted] = {}
    size = chunk_size_setting()
    for start in range(0, len(pending), size):
        chunk = ContractNonCompliance.objects.filter(pk__in=pending[start : start + size])
        for non_compliance in chunk.select_related("contract__pupil"):
            # warning_serve is atomic and idempotent per (non-compliance, parent).
            held: list = []
            letters = warning_serve(non_compliance=non_compliance, by=by, held=held)
            issued += sum(1 for letter in letters if letter.dedupe_key not in have)
            if held:
                contract = non_compliance.contract
                wanted[non_compliance.pk] = Wanted(
                    due_on=non_compliance.noticed_on,
                    family_id=contract.pupil.family_id,
                    school_id=contract.school_id,
                    child_id=contract.pupil_id,
                )
        if chunk_pause_setting():  # only the crash test sets it
            time.sleep(chunk_pause_setting())
    flags = flags_sync(
        kind=Flag.Kind.ADDRESS_NEEDED, model=ContractNonCompliance, wanted=wanted, by=by
    )
    return {"issued": issued, "existing": len(have), "held": len(wanted), "flags": flags}


STEPS = [
    ("end_past_contracts", end_past_contracts),  # first: an ended contract raises no flag
    ("ending_flags", ending_flags),
    ("review_flags", review_flags),
    ("unsigned_flags", unsigned_flags),
    ("warning_letters", warning_letters),
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
