"""The subject access export (UK GDPR art. 15; ICO: within one month):
``subject_export(subject, by=user, reason=...)`` writes one ZIP for a child or
an adult, ``summary.pdf`` (yos.lib.pdf.render_pdf) and a CSV per section of
sar.selectors, and logs the export (AccessLog, action "export", the reason).
"""

from __future__ import annotations

import csv
import io
import zipfile

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.models import Adult, Child
from sar.selectors import Section, access_section, adult_sections, child_sections, history_section
from yos.lib.pdf import render_pdf
from yos.models import AccessLog, User


def _csv(section: Section) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(section.columns)
    for row in section.rows:
        # A cell that a spreadsheet would run as a formula is shown as text.
        writer.writerow(
            ["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row]
        )
    return "\ufeff" + buffer.getvalue()


def subject_export(subject: Child | Adult, *, by: User, reason: str, request=None) -> bytes:
    """The ZIP of everything about subject (a cases.Child or cases.Adult)."""
    if isinstance(subject, Child):
        sections, records, fields = child_sections(subject)
        name = subject.full_name
    else:
        sections, records, fields = adult_sections(subject)
        name = subject.full_name
    sections.append(history_section(records, fields))
    sections.append(access_section(records))
    now = timezone.now()
    pdf = render_pdf(
        "yos/sar_summary.html",
        {"name": name, "sections": sections, "generated_at": now, "by": by, "reason": reason},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.pdf", pdf)
        for section in sections:
            archive.writestr(section.filename, _csv(section))
    AccessLog.objects.create(
        user=by,
        action=AccessLog.Action.EXPORT,
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        ip_address=(request.META.get("REMOTE_ADDR") if request else None),
        reason=reason[:300],
    )
    return buffer.getvalue()
