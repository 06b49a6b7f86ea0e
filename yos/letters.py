"""Letters: render, store privately with their hash, record. Idempotent.

``letter_issue`` issues one letter (from a view or a job). ``letters_issue_due``
is the nightly job's version: it skips every letter whose dedupe key exists,
then renders the rest in chunks of settings.NIGHTLY_LETTER_CHUNK_SIZE and
commits each chunk, so a crash loses at most one chunk's work and a rerun
finishes it without duplicates.

Who a letter may reach and when it is due (docs/domain-letters.md):
``postal_address`` is the only way a letter gets an address: the recipient's
own recorded address, or the child's address when the data says the adult
lives with the child; otherwise no address, and the letter is held with an
"address needed" flag, never addressed anywhere else. ``due_window_start`` is
the oldest failure the nightly job still turns into a letter by itself.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction

from yos import letter_content
from yos.lib.files import store_document
from yos.lib.pdf import render_pdf
from yos.models import Letter, StoredDocument

log = logging.getLogger("yos.letters")


NO_ADDRESS = "A letter needs the recipient's own recorded address"


class AddressNeeded(ValueError):
    """Raised when a letter would be rendered without the recipient's own address."""


def address_lines(text: str) -> list[str]:
    """An address as recorded (lines or comma-separated) as its printed lines."""
    return [line.strip() for line in re.split(r"[\n,]", text or "") if line.strip()]


def postal_address(adult, child, *, resident: bool) -> list[str]:
    """The lines a letter to `adult` about `child` is addressed to, or [] when
    there is none it may be sent to.

    1. The adult's own recorded address.
    2. Else, only when the adult is recorded as living with this child
       (AdultChild.resident), the child's address: the child's own, or the
       family's household address where the child has none (as the child's
       page shows it). That is where the data says the adult lives.
    3. Else nothing: never the family's address for an adult who does not
       live with the child (a data-protection incident, issue 16).
    """
    own = adult.postal_lines  # address lines, town, postcode (cases.Adult)
    if own:
        return own
    if not resident or child is None:
        return []
    return address_lines(child.address) or address_lines(child.family.address)


def residents(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (adult id, child id) pairs are recorded as living together (one query)."""
    from cases.models import AdultChild

    pairs = set(pairs)
    if not pairs:
        return set()
    rows = AdultChild.objects.filter(
        adult_id__in={a for a, _ in pairs}, child_id__in={c for _, c in pairs}, resident=True
    ).values_list("adult_id", "child_id")
    return set(rows) & pairs


def due_window_start(run_date: date) -> date:
    """The oldest failure (or non-compliance) the nightly job still makes a
    warning letter for by itself: settings.LETTER_DUE_WITHIN_DAYS before the
    run date. Older ones go to the case manager's list to decide."""
    return run_date - timedelta(days=settings.LETTER_DUE_WITHIN_DAYS)


def chunk_size_setting() -> int:
    """Letters rendered and committed together (settings.NIGHTLY_LETTER_CHUNK_SIZE)."""
    return max(1, settings.NIGHTLY_LETTER_CHUNK_SIZE)


def chunk_pause_setting() -> float:
    """Seconds to sleep after each committed chunk (settings.NIGHTLY_CHUNK_PAUSE_SECONDS).
    Only the crash test sets it, to kill the job between two chunks."""
    return settings.NIGHTLY_CHUNK_PAUSE_SECONDS


@dataclass
class LetterSpec:
    """Everything needed to issue one letter."""

    kind: str
    dedupe_key: str
    recipient: models.Model
    address: list[str]
    subject: models.Model
    reason: str
    template: str
    context: dict = field(default_factory=dict)
    family: models.Model | None = None
    school: models.Model | None = None
    child: models.Model | None = None


def _render(spec: LetterSpec) -> bytes:
    if not spec.address:  # fail closed: never a letter without its own address
        raise AddressNeeded(NO_ADDRESS)
    return render_pdf(
        spec.template,
        spec.context
        | letter_content.letter_context(
            recipient=spec.recipient, subject=spec.subject, dedupe_key=spec.dedupe_key
        )
        | {
            "recipient": spec.recipient,
            "recipient_address": spec.address,
            "subject": spec.subject,
            "reason": spec.reason,
        },
    )


def _save(spec: LetterSpec, pdf: bytes, *, by) -> Letter:
    """Store the PDF and record the letter (call inside a transaction)."""
    document = store_document(
        content=pdf,
        kind=StoredDocument.Kind.LETTER,
        subject=spec.subject,
        by=by,
        reason=spec.reason[:300],
    )
    letter = Letter(
        kind=spec.kind,
        dedupe_key=spec.dedupe_key,
        recipient=spec.recipient,
        subject=spec.subject,
        reason=spec.reason,
        document=document,
        generated_by=by,
        family=spec.family,
        school=spec.school,
        child=spec.child,
    )
    letter._history_user = by
    letter.save()
    return letter


def letter_issue(
    *,
    kind: str,
    dedupe_key: str,
    recipient,
    address: list[str],
    subject: models.Model,
    reason: str,
    template: str,
    context: dict,
    by,
    family=None,
    school=None,
    child=None,
) -> tuple[Letter, bool]:
    """Generate the letter once. Returns (letter, created).

    A second call with the same dedupe_key returns the existing letter and
    renders nothing, so reruns of the nightly job and double clicks are safe.
    `address` comes from ``postal_address``; an empty one raises AddressNeeded.
    """
    existing = Letter.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    spec = LetterSpec(
        kind=kind,
        dedupe_key=dedupe_key,
        recipient=recipient,
        address=address,
        subject=subject,
        reason=reason,
        template=template,
        context=context,
        family=family,
        school=school,
        child=child,
    )
    pdf = _render(spec)
    try:
        with transaction.atomic():
            letter = _save(spec, pdf, by=by)
    except IntegrityError:
        # Another process issued it between our check and insert.
        return Letter.objects.get(dedupe_key=dedupe_key), False
    return letter, True


def existing_keys(keys: Sequence[str]) -> set[str]:
    """Which of these dedupe keys already have a letter (batched queries)."""
    found: set[str] = set()
    keys = list(keys)
    for start in range(0, len(keys), 500):
        found.update(
            Letter.objects.filter(dedupe_key__in=keys[start : start + 500]).values_list(
                "dedupe_key", flat=True
            )
        )
    return found


def letters_issue_due(
    *,
    due: dict[str, object],
    load: Callable[[list], list[LetterSpec]],
    by,
    chunk_size: int | None = None,
    held: list[LetterSpec] | None = None,
) -> dict[str, int]:
    """Issue the letters of `due` (dedupe key → an id `load` understands) that
    do not exist yet. `load(ids)` returns the LetterSpecs of one chunk (one
    query per chunk, not per letter). Returns {"issued", "existing", "held"}.

    A spec with no address is not rendered: it is held (appended to `held`,
    for the caller's "address needed" flags) and comes back on the next run.

    Each chunk is rendered first, outside any transaction (rendering is the
    slow part), then stored and recorded in one transaction and committed.
    """
    chunk_size = chunk_size or chunk_size_setting()
    have = existing_keys(list(due))
    missing = sorted(set(due) - have)
    issued = 0
    held = [] if held is None else held
    for start in range(0, len(missing), chunk_size):
        chunk_keys = missing[start : start + chunk_size]
        specs = []
        for spec in load([due[key] for key in chunk_keys]):
            (specs if spec.address else held).append(spec)
        rendered = [(spec, _render(spec)) for spec in specs]
        with transaction.atomic():
            # A concurrent issue from a view may have taken a key meanwhile.
            taken = set(
                Letter.objects.filter(dedupe_key__in=[s.dedupe_key for s, _ in rendered])
                .select_for_update()
                .values_list("dedupe_key", flat=True)
            )
            for spec, pdf in rendered:
                if spec.dedupe_key not in taken:
                    _save(spec, pdf, by=by)
                    issued += 1
        log.info("letters chunk committed: %s letters", len(rendered))
        pause = chunk_pause_setting()
        if pause:  # only for the crash test: widen the window between chunks
            time.sleep(pause)
    return {"issued": issued, "existing": len(have), "held": len(held)}
