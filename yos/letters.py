"""The one letter pipeline, and each letter's life (docs/domain-letters.md).

Every kind of letter (order warning, counselling-ended notice, contract
warning, contract copy to a parent who was not at the meeting) is a
``LetterKind`` that its app registers (orders.jobs, contracts.jobs): which
letters are due on a run date (``due``), and how to load the records of some
of them into ``LetterSpec``s (``load``). Everything else is here, once:

* ``letter_key``: the one de-duplication key builder ("order-warning:<failure
  id>:<adult id>"); later versions add "/v<n>".
* ``letter_context``: the one function that builds what a letter template gets.
* ``_render`` / ``_store``: HTML → weasyprint PDF, stored privately with its
  SHA-256, recorded as a draft Letter dated by the run date.
* ``issue_due`` (the nightly job) and ``issue_for`` (a member of staff, "Issue
  a warning letter" on the failure or non-compliance) both go through
  ``_issue``: keys that exist are skipped, the rest are rendered in chunks of
  NIGHTLY_LETTER_CHUNK_SIZE **outside any transaction or row lock**, then each
  chunk is stored and committed, so a crash loses at most one chunk and a
  rerun finishes it without duplicates.

Who a letter may reach (``postal_address``): the recipient's own recorded
address, or the child's address when the data says the adult lives with the
child; otherwise no address, and the letter is held with an "address needed"
flag, never addressed anywhere else.

Its life: ``letter_approve``, ``letter_send``, ``letter_withdraw``,
``letter_regenerate``, and the print pack (``print_pack_request``,
``print_pack_build``, ``print_pack_mark_sent``). Each checks the state under
a row lock, refuses with a plain-English ValidationError and changes nothing,
or saves with a history row by the member of staff.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from yos import access, letter_content
from yos.lib.dates import long_date
from yos.lib.files import store_document
from yos.lib.pdf import html_to_pdf
from yos.models import Letter, PrintPack, StoredDocument

log = logging.getLogger("yos.letters")


NO_ADDRESS = "A letter needs the recipient's own recorded address"

# Refusals (plain English, shown next to the field or at the top of the form).
APPROVE_NO_ADDRESS = (
    "This letter has no address to send it to. Record {name}'s own address, then "
    "make a new version of the letter"
)
APPROVE_ADDRESS_CHANGED = (
    "{name}'s address has changed since this letter was made. Make a new version "
    "of the letter so it goes to the address now recorded"
)
APPROVE_NOT_DRAFT = "Only a draft letter can be approved: this one is {status}"
APPROVE_NEEDS_SUPERVISOR = "A supervisor must approve warning letters"
SEND_WITHDRAWN = "This letter was withdrawn, so it cannot be sent"
SEND_TWICE = "This letter was already marked as sent on {day}"
SEND_NOT_APPROVED = "Approve the letter before marking it as sent"
SEND_METHOD_REQUIRED = "Select how the letter was sent"
SEND_DATE_REQUIRED = "Enter the date the letter was sent"
SEND_DATE_FUTURE = "The date the letter was sent must be today or in the past"
SEND_DATE_BEFORE_LETTER = "The date the letter was sent cannot be before the letter's date, {day}"
WITHDRAW_REASON_REQUIRED = "Enter why the letter is withdrawn"
WITHDRAW_SENT = "This letter was already sent, so it cannot be withdrawn"
WITHDRAW_TWICE = "This letter was already withdrawn"
REGENERATE_SENT = "This letter was already sent: a new version cannot replace it"
REGENERATE_SUPERSEDED = "A newer version of this letter already exists"
REGENERATE_REASON_REQUIRED = "Enter what was corrected"
REGENERATE_NO_ADDRESS = "There is still no address to send it to: record {name}'s own address first"
REGENERATE_GONE = "The record this letter is about no longer needs this letter"
PACK_EMPTY = "Select at least one approved letter for the print pack"
PACK_NOT_APPROVED = "Only approved letters go into a print pack: {letters}"
PACK_NOT_READY = "The print pack is not ready yet"
PACK_ALREADY_SENT = "These letters were already marked as sent"


class AddressNeeded(ValueError):
    """Raised when a letter would be rendered without the recipient's own address."""


# --- Addresses and dates -----------------------------------------------------------


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


def current_address(letter: Letter) -> list[str]:
    """Where `letter`'s recipient may be written to now (postal_address)."""
    child = letter.child
    resident = bool(child) and (letter.recipient_id, child.pk) in residents(
        [(letter.recipient_id, child.pk)]
    )
    return postal_address(letter.recipient, child, resident=resident)


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


# --- The one key -----------------------------------------------------------------

KEY_PREFIX = {
    Letter.Kind.ORDER_WARNING: "order-warning",
    Letter.Kind.COUNSELLING_ENDED: "counselling-ended",
    Letter.Kind.CONTRACT_WARNING: "contract-warning",
    Letter.Kind.CONTRACT_COPY: "contract-copy",
}


def letter_key(kind: str, *ids: int) -> str:
    """The de-duplication key of the first version of a letter: its kind's
    prefix and the ids of what it is about and who it is to. Built here only."""
    return ":".join([KEY_PREFIX[kind], *(str(int(i)) for i in ids)])


def key_ids(key: str) -> tuple[int, ...]:
    """The ids a key was built from (any "/v<n>" of a later version dropped)."""
    return tuple(int(part) for part in key.split("/")[0].split(":")[1:])


def version_key(key: str, version: int) -> str:
    return key.split("/")[0] if version == 1 else f"{key.split('/')[0]}/v{version}"


# --- What a letter is ----------------------------------------------------------------


@dataclass
class LetterSpec:
    """Everything needed to issue one letter. `record` is what the letter is
    about (the failure, the order, the non-compliance, the contract version);
    `flag_on` the record an "address needed" flag goes on when it is held."""

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
    record: models.Model | None = None
    letter_date: date | None = None
    flag_on: models.Model | None = None
    flag_due: date | None = None
    enclosure: StoredDocument | None = None


@dataclass
class LetterKind:
    """One kind of letter in the pipeline (registered by its app).

    due(run_date) → the id tuples of the letters due (key = letter_key(kind, *ids));
    one(record) → the id tuples for one record, on demand (no window: staff decide);
    load(id tuples, run_date) → their LetterSpecs (a fixed number of queries);
    issued(spec, letter) → what the app records when a letter is made;
    context(record, letter_date) → what this kind's template reads of its record;
    sent(letter, by) → what the app records when a letter is sent.
    """

    kind: str
    flag_model: type[models.Model] | None
    due: Callable[[date], Iterable[tuple]]
    load: Callable[[list[tuple], date], list[LetterSpec]]
    one: Callable[[models.Model], Iterable[tuple]] | None = None
    issued: Callable[[LetterSpec, Letter], None] | None = None
    sent: Callable[[Letter, object], None] | None = None
    context: Callable[[models.Model, date], dict] | None = None


KINDS: dict[str, LetterKind] = {}


def register(kind: LetterKind) -> LetterKind:
    """Each app registers its kinds when its jobs module is imported (from its
    AppConfig.ready(), through the nightly steps it registers)."""
    KINDS[kind.kind] = kind
    return kind


def kind_of(kind: str) -> LetterKind:
    return KINDS[kind]


def letter_context(spec: LetterSpec) -> dict:
    """What the letter template gets: the one place it is built.

    Common to every letter: recipient, recipient_address (lines), subject,
    reason, letter_date (the run date), and yos.letter_content.letter_context
    (sender, addressee, salutation, our_reference, letter_number — from the
    dedupe key's SHA-256 —, signatory, language_offer, and the statutory basis
    or the contract's purpose). Then per kind, from spec.record:
    order warning (order, failure, explanation, case_manager, counselling_enforceable),
    counselling notice (order, voluntary_from, requirements_running),
    contract warning (contract, non_compliance, pupil, school, school_address,
    issued_on), contract copy (contract, version, pupil, school, school_address).
    """
    day = spec.letter_date or timezone.localdate()
    context = {
        "recipient": spec.recipient,
        "recipient_address": spec.address,
        "subject": spec.subject,
        "reason": spec.reason,
        "letter_date": day,
    }
    record = spec.record
    pipeline_kind = KINDS.get(spec.kind)
    if record is not None and pipeline_kind is not None and pipeline_kind.context is not None:
        context |= pipeline_kind.context(record, day)
    # Who the letter is to, from and about (salutation, references, letter
    # number, sender, signatory, statutory basis, purpose, language line).
    content = letter_content.letter_context(
        recipient=spec.recipient, subject=spec.subject, dedupe_key=spec.dedupe_key
    )
    return spec.context | content | context


def _html(spec: LetterSpec) -> str:
    if not spec.address:  # fail closed: never a letter without its own address
        raise AddressNeeded(NO_ADDRESS)
    return render_to_string(
        spec.template, {"letterhead": settings.LETTERHEAD, **letter_context(spec)}
    )


def _pdf(spec: LetterSpec, html: str) -> bytes:
    """The letter's PDF; an enclosure (the contract document of a copy) follows it."""
    pdf = html_to_pdf(html)
    if spec.enclosure is None:
        return pdf
    writer = PdfWriter()
    writer.append(io.BytesIO(pdf))
    with spec.enclosure.file.open("rb") as enclosed:
        writer.append(io.BytesIO(enclosed.read()))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _render(spec: LetterSpec) -> bytes:
    """The PDF of a letter (refuses one without an address: AddressNeeded)."""
    return _pdf(spec, _html(spec))


def _store(
    spec: LetterSpec, html: str, pdf: bytes, *, by, version: int = 1, supersedes=None
) -> Letter:
    """Store the PDF and record the letter as a draft (inside a transaction)."""
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
        html=html,
        address="\n".join(spec.address),
        letter_date=spec.letter_date,
        generated_by=by,
        family=spec.family,
        school=spec.school,
        child=spec.child,
        version=version,
        supersedes=supersedes,
    )
    letter._history_user = by
    letter._change_reason = "Generated" if version == 1 else f"Version {version} generated"
    letter.save()
    pipeline_kind = KINDS.get(spec.kind)
    if pipeline_kind and pipeline_kind.issued:
        pipeline_kind.issued(spec, letter)
    return letter


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


@dataclass
class Issued:
    """What one pass of the pipeline did."""

    letters: list[Letter] = field(default_factory=list)  # made now
    existing: set[str] = field(default_factory=set)  # keys that had a letter already
    held: list[LetterSpec] = field(default_factory=list)  # no address: not made

    def counts(self) -> dict[str, int]:
        return {"issued": len(self.letters), "existing": len(self.existing), "held": len(self.held)}


def _issue(
    kind: LetterKind, ids: Iterable[tuple], run_date: date, *, by, chunk_size=None
) -> Issued:
    """Render and store the letters of `ids` that have none yet.

    Each chunk is rendered first, outside any transaction (rendering is the
    slow part, and no row lock is held meanwhile), then stored and recorded
    in one transaction and committed."""
    due = {letter_key(kind.kind, *i): tuple(i) for i in ids}
    result = Issued(existing=existing_keys(list(due)))
    missing = sorted(set(due) - result.existing)
    size = chunk_size or chunk_size_setting()
    for start in range(0, len(missing), size):
        chunk_keys = missing[start : start + size]
        rendered = []
        for spec in kind.load([due[key] for key in chunk_keys], run_date):
            spec.letter_date = spec.letter_date or run_date
            if not spec.address:
                result.held.append(spec)
                continue
            html = _html(spec)
            rendered.append((spec, html, _pdf(spec, html)))
        with transaction.atomic():
            # A concurrent issue (the nightly job, a double click) may have
            # taken a key meanwhile: the unique key decides, first one wins.
            taken = set(
                Letter.objects.filter(dedupe_key__in=[s.dedupe_key for s, _, _ in rendered])
                .select_for_update()
                .values_list("dedupe_key", flat=True)
            )
            for spec, html, pdf in rendered:
                if spec.dedupe_key in taken:
                    result.existing.add(spec.dedupe_key)
                    continue
                try:
                    with transaction.atomic():
                        result.letters.append(_store(spec, html, pdf, by=by))
                except IntegrityError:
                    result.existing.add(spec.dedupe_key)
        log.info("letters chunk committed: %s letters", len(rendered))
        pause = chunk_pause_setting()
        if pause:  # only for the crash test: widen the window between chunks
            time.sleep(pause)
    return result


def _held_flags_nightly(kind: LetterKind, held: list[LetterSpec], *, by) -> dict:
    """Make the open "address needed" flags of this kind's records exactly the
    held ones (the rest resolve: their address is recorded now)."""
    from yos.flags import Wanted, flags_sync
    from yos.models import Flag

    return flags_sync(
        kind=Flag.Kind.ADDRESS_NEEDED,
        model=kind.flag_model,
        wanted={
            spec.flag_on.pk: Wanted(
                due_on=spec.flag_due,
                family_id=spec.family.pk if spec.family else None,
                school_id=spec.school.pk if spec.school else None,
                child_id=spec.child.pk if spec.child else None,
            )
            for spec in held
            if spec.flag_on is not None
        },
        by=by,
    )


def _held_flags_now(held: list[LetterSpec], *, by) -> None:
    from yos.flags import Wanted, flag_raise
    from yos.models import Flag

    for spec in held:
        if spec.flag_on is not None:
            flag_raise(
                kind=Flag.Kind.ADDRESS_NEEDED,
                subject=spec.flag_on,
                wanted=Wanted(
                    due_on=spec.flag_due,
                    family_id=spec.family.pk if spec.family else None,
                    school_id=spec.school.pk if spec.school else None,
                    child_id=spec.child.pk if spec.child else None,
                ),
                by=by,
            )


def letters_due(kind: str, run_date: date) -> list[tuple]:
    """The letters of `kind` due on `run_date` (id tuples; each one's key is
    letter_key(kind, *ids)), whether or not they exist yet."""
    return list(kind_of(kind).due(run_date))


def issue_due(kind: str, run_date: date, *, by, chunk_size: int | None = None) -> dict:
    """The nightly step of one kind: issue the due letters that do not exist,
    hold (and flag) those without an address. Returns {"issued", "existing",
    "held", "flags"}."""
    pipeline_kind = kind_of(kind)
    result = _issue(
        pipeline_kind, letters_due(kind, run_date), run_date, by=by, chunk_size=chunk_size
    )
    counts = result.counts()
    if pipeline_kind.flag_model is not None:
        counts["flags"] = _held_flags_nightly(pipeline_kind, result.held, by=by)
    return counts


def issue_for(kind: str, record: models.Model, *, by, run_date: date | None = None) -> Issued:
    """On demand ("Issue a warning letter" on the record): the letters of
    `kind` for this one record, through the same pipeline, dated today.
    `Issued.letters` has every letter for it, new or existing."""
    pipeline_kind = kind_of(kind)
    ids = list(pipeline_kind.one(record))
    run_date = run_date or timezone.localdate()
    result = _issue(pipeline_kind, ids, run_date, by=by)
    _held_flags_now(result.held, by=by)
    made = {letter.dedupe_key for letter in result.letters}
    keys = [letter_key(kind, *i) for i in ids]
    result.letters += list(Letter.objects.filter(dedupe_key__in=[k for k in keys if k not in made]))
    return result


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
    letter_date: date | None = None,
) -> tuple[Letter, bool]:
    """Issue one letter from a ready spec (tests and one-offs). Returns
    (letter, created); a second call with the same key renders nothing."""
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
        letter_date=letter_date or context.get("letter_date") or timezone.localdate(),
    )
    html = _html(spec)
    pdf = _pdf(spec, html)
    try:
        with transaction.atomic():
            letter = _store(spec, html, pdf, by=by)
    except IntegrityError:
        return Letter.objects.get(dedupe_key=dedupe_key), False
    return letter, True


# --- The letter's life ----------------------------------------------------------------


def _locked(letter: Letter) -> Letter:
    """The letter's row, locked and reloaded (two people acting at once)."""
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("recipient", "child")
        .get(pk=letter.pk)
    )


def _save(letter: Letter, *, by, reason: str) -> None:
    letter._history_user = by
    letter._change_reason = reason
    letter.save()


def _long(day: date) -> str:
    return long_date(day)


supervisor_must_approve = access.supervisor_must_approve


@transaction.atomic
def letter_approve(*, letter: Letter, by) -> Letter:
    """Draft → approved, once the letter's address is still where the
    recipient may be written to. Warning letters need a supervisor when
    LETTERS_SUPERVISOR_APPROVES_WARNINGS is on."""
    letter = _locked(letter)
    if letter.status != Letter.Status.DRAFT:
        raise ValidationError(APPROVE_NOT_DRAFT.format(status=letter.get_status_display().lower()))
    if supervisor_must_approve(letter) and not access.supervises(by):
        raise ValidationError(APPROVE_NEEDS_SUPERVISOR)
    name = letter.recipient.full_name
    printed = address_lines(letter.address)
    if not printed:
        raise ValidationError(APPROVE_NO_ADDRESS.format(name=name))
    if printed != current_address(letter):
        raise ValidationError(APPROVE_ADDRESS_CHANGED.format(name=name))
    letter.status = Letter.Status.APPROVED
    letter.approved_at, letter.approved_by = timezone.now(), by
    _save(letter, by=by, reason="Approved")
    return letter


def _send_problems(letter: Letter, *, method: str, sent_on: date | None) -> dict[str, str]:
    """Why `letter` cannot be marked sent by `method` on `sent_on` ({} if it can)."""
    if letter.status == Letter.Status.WITHDRAWN:
        return {"__all__": SEND_WITHDRAWN}
    if letter.status == Letter.Status.SENT:
        return {"__all__": SEND_TWICE.format(day=_long(letter.sent_on))}
    if letter.status != Letter.Status.APPROVED:
        return {"__all__": SEND_NOT_APPROVED}
    problems = {}
    if method not in (Letter.SentBy.POST, Letter.SentBy.HAND, Letter.SentBy.EMAIL):
        problems["method"] = SEND_METHOD_REQUIRED
    if sent_on is None:
        problems["sent_on"] = SEND_DATE_REQUIRED
    elif sent_on > timezone.localdate():
        problems["sent_on"] = SEND_DATE_FUTURE
    elif letter.letter_date and sent_on < letter.letter_date:
        problems["sent_on"] = SEND_DATE_BEFORE_LETTER.format(day=_long(letter.letter_date))
    return problems


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})


def _mark_sent(letter: Letter, *, by, method: str, sent_on: date) -> None:
    letter.status = Letter.Status.SENT
    letter.sent_by, letter.sent_on, letter.sent_recorded_by = method, sent_on, by
    _save(
        letter,
        by=by,
        reason=f"Sent: {Letter.SentBy(method).label.lower()}, {_long(sent_on)}",
    )
    pipeline_kind = kind_of(letter.kind) if letter.kind in KEY_PREFIX else None
    if pipeline_kind and pipeline_kind.sent:
        pipeline_kind.sent(letter, by)


@transaction.atomic
def letter_send(*, letter: Letter, by, method: str, sent_on: date | None) -> Letter:
    """Approved → sent: how (post, hand delivered, e-mail), the date, by whom.
    A contract warning that is sent marks its contract "warning served"."""
    letter = _locked(letter)
    _refuse(_send_problems(letter, method=method, sent_on=sent_on))
    _mark_sent(letter, by=by, method=method, sent_on=sent_on)
    return letter


@transaction.atomic
def letter_withdraw(*, letter: Letter, by, reason: str) -> Letter:
    """Draft or approved → withdrawn, with the reason. It stays on record."""
    letter = _locked(letter)
    if letter.status == Letter.Status.SENT:
        raise ValidationError(WITHDRAW_SENT)
    if letter.status == Letter.Status.WITHDRAWN:
        raise ValidationError(WITHDRAW_TWICE)
    if not (reason or "").strip():
        raise ValidationError({"reason": [WITHDRAW_REASON_REQUIRED]})
    _withdraw(letter, by=by, reason=reason.strip())
    return letter


def _withdraw(letter: Letter, *, by, reason: str) -> None:
    letter.status = Letter.Status.WITHDRAWN
    letter.withdrawn_at, letter.withdrawn_by = timezone.now(), by
    letter.withdrawn_reason = reason
    _save(letter, by=by, reason=f"Withdrawn: {reason}"[:100])


def _regenerate_problem(letter: Letter) -> str | None:
    if letter.status == Letter.Status.SENT:
        return REGENERATE_SENT
    if Letter.objects.filter(supersedes=letter).exists():
        return REGENERATE_SUPERSEDED
    return None


def letter_regenerate(*, letter: Letter, by, reason: str, run_date: date | None = None) -> Letter:
    """After a correction (an address recorded, a record fixed): a new
    version of the letter from the records as they are now, dated today, as
    a draft. The old version is withdrawn ("replaced by version n") and kept,
    still readable. Rendering happens before any row is locked."""
    problem = _regenerate_problem(letter)
    if problem:
        raise ValidationError(problem)
    if not (reason or "").strip():
        raise ValidationError({"reason": [REGENERATE_REASON_REQUIRED]})
    run_date = run_date or timezone.localdate()
    pipeline_kind = kind_of(letter.kind)
    specs = pipeline_kind.load([key_ids(letter.dedupe_key)], run_date)
    if not specs:
        raise ValidationError(REGENERATE_GONE)
    spec = specs[0]
    spec.letter_date = run_date
    if not spec.address:
        raise ValidationError(REGENERATE_NO_ADDRESS.format(name=letter.recipient.full_name))
    version = letter.version + 1
    spec.dedupe_key = version_key(letter.dedupe_key, version)
    html = _html(spec)
    pdf = _pdf(spec, html)
    with transaction.atomic():
        old = _locked(letter)
        problem = _regenerate_problem(old)
        if problem:
            raise ValidationError(problem)
        if old.status != Letter.Status.WITHDRAWN:
            _withdraw(old, by=by, reason=f"Replaced by version {version}: {reason.strip()}")
        return _store(spec, html, pdf, by=by, version=version, supersedes=old)


# --- Print packs --------------------------------------------------------------------


def packable(user) -> models.QuerySet:
    """The approved letters this user may send (what a print pack may hold):
    "all approved for my team"."""
    return (
        access.visible(user, Letter, write=not access.supervises(user))
        .filter(status=Letter.Status.APPROVED)
        .select_related("recipient", "document", "child")
        .order_by("letter_date", "id")
    )


@transaction.atomic
def print_pack_request(*, letters: Sequence[Letter], by) -> PrintPack:
    """Ask for one PDF of these approved letters; the task builds it (sent
    after the transaction commits; inline in the embedded default)."""
    from yos import tasks

    letters = list(letters)
    if not letters:
        raise ValidationError({"letters": [PACK_EMPTY]})
    locked = list(
        Letter.objects.select_for_update(of=("self",))
        .filter(pk__in=[letter.pk for letter in letters])
        .select_related("recipient")
    )
    wrong = [letter for letter in locked if letter.status != Letter.Status.APPROVED]
    if wrong:
        names = ", ".join(str(letter) for letter in wrong[:5])
        raise ValidationError({"letters": [PACK_NOT_APPROVED.format(letters=names)]})
    pack = PrintPack(created_by=by, total=len(locked))
    pack._history_user = by
    pack.save()
    pack.letters.set(locked)
    tasks.enqueue_on_commit(build_print_pack, pack.pk)
    return pack


def pack_order(pack: PrintPack) -> models.QuerySet:
    """A pack's letters in print order: by letter date, then as made."""
    return pack.letters.select_related("document", "recipient").order_by("letter_date", "id")


def _progress(pack: PrintPack, **fields) -> None:
    PrintPack.objects.filter(pk=pack.pk).update(**fields)


def print_pack_build(pack_id: int) -> PrintPack:
    """Put a pack's letters (their stored PDFs, exactly what was approved)
    into one PDF with a bookmark per letter, reporting progress every
    PRINT_PACK_PROGRESS_EVERY letters; store it privately. Idempotent: a
    pack that is done is left alone."""
    pack = PrintPack.objects.select_related("created_by").get(pk=pack_id)
    if pack.status == PrintPack.Status.DONE:
        return pack
    _progress(pack, status=PrintPack.Status.RUNNING, done=0, error="")
    every = max(1, settings.PRINT_PACK_PROGRESS_EVERY)
    try:
        writer = PdfWriter()
        done = 0
        for letter in pack_order(pack).iterator(chunk_size=100):
            with letter.document.file.open("rb") as stored:
                start = len(writer.pages)
                # The letters' own bookmarks (their headings) stay out: one per letter.
                writer.append(PdfReader(io.BytesIO(stored.read())), import_outline=False)
            writer.add_outline_item(title=f"{done + 1}. {letter}", page_number=start)
            done += 1
            if done % every == 0:
                _progress(pack, done=done)
        out = io.BytesIO()
        writer.write(out)
        pages = len(writer.pages)
        with transaction.atomic():
            pack = PrintPack.objects.select_for_update().get(pk=pack_id)
            pack.document = store_document(
                content=out.getvalue(),
                kind=StoredDocument.Kind.PRINT_PACK,
                subject=pack,
                by=pack.created_by,
                reason=f"Print pack of {done} letters for the post"[:300],
            )
            pack.status, pack.done, pack.pages = PrintPack.Status.DONE, done, pages
            pack._history_user = pack.created_by
            pack.save()
    except Exception as error:  # noqa: BLE001 - reported on the pack's page, then re-raised
        log.exception("print pack %s failed", pack_id)
        _progress(pack, status=PrintPack.Status.FAILED, error=str(error)[:500])
        raise
    return pack


@transaction.atomic
def print_pack_mark_sent(*, pack: PrintPack, by, method: str, sent_on: date | None) -> PrintPack:
    """Mark every letter of a ready pack as sent, in one action: all of them
    or, if any cannot be (sent meanwhile, withdrawn, a bad date), none."""
    pack = PrintPack.objects.select_for_update().get(pk=pack.pk)
    if pack.status != PrintPack.Status.DONE:
        raise ValidationError(PACK_NOT_READY)
    if pack.marked_sent_at is not None:
        raise ValidationError(PACK_ALREADY_SENT)
    letters = list(
        Letter.objects.select_for_update(of=("self",))
        .filter(pk__in=pack.letters.values("pk"))
        .select_related("recipient")
        .order_by("id")
    )
    for letter in letters:
        problems = _send_problems(letter, method=method, sent_on=sent_on)
        if "__all__" in problems:
            problems["__all__"] = f"{letter}: {problems['__all__']}"
        _refuse(problems)
    for letter in letters:
        _mark_sent(letter, by=by, method=method, sent_on=sent_on)
    pack.marked_sent_at = timezone.now()
    pack._history_user = by
    pack._change_reason = f"{len(letters)} letters marked as sent"
    pack.save()
    return pack


@shared_task(name="yos.tasks.build_print_pack", acks_late=True)
def build_print_pack(pack_id: int) -> dict:
    """Put one print pack of approved letters together (print_pack_build); its
    page shows the progress. Inline in the embedded default. Defined here, not
    in yos.tasks, so that yos.tasks never imports the letters (no circle);
    the task keeps its registered name."""
    pack = print_pack_build(pack_id)
    return {"print_pack": pack.pk, "status": pack.status, "letters": pack.done}
