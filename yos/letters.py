"""Letters: render, store privately with their hash, record. Idempotent."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction

from yos.lib.files import store_document
from yos.lib.pdf import render_pdf
from yos.models import Letter, StoredDocument


def letter_issue(
    *,
    kind: str,
    dedupe_key: str,
    recipient,
    subject: models.Model,
    reason: str,
    template: str,
    context: dict,
    by,
    family=None,
    school=None,
) -> tuple[Letter, bool]:
    """Generate the letter once. Returns (letter, created).

    A second call with the same dedupe_key returns the existing letter and
    renders nothing, so reruns of the nightly job and double clicks are safe.
    """
    existing = Letter.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    pdf = render_pdf(
        template, {"recipient": recipient, "subject": subject, "reason": reason, **context}
    )
    try:
        with transaction.atomic():
            document = store_document(
                content=pdf,
                kind=StoredDocument.Kind.LETTER,
                subject=subject,
                by=by,
                reason=reason[:300],
            )
            letter = Letter(
                kind=kind,
                dedupe_key=dedupe_key,
                recipient=recipient,
                subject=subject,
                reason=reason,
                document=document,
                generated_by=by,
                family=family,
                school=school,
            )
            letter._history_user = by
            letter.save()
    except IntegrityError:
        # Another process issued it between our check and insert.
        return Letter.objects.get(dedupe_key=dedupe_key), False
    return letter, True
