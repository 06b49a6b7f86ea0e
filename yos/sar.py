"""Subject access export (UK GDPR art. 15; ICO: within one month).

``subject_export(subject, by=user, reason=...)`` returns one ZIP for a child
or an adult: ``summary.pdf`` (yos.lib.pdf.render_pdf) and a CSV per kind of
record about them, the history of those records, and who read them
(AccessLog). Other people's personal data is left out by construction: every
CSV lists named fields of records *about the subject*; victims' records are
never read; other family members appear only as their relationship
("mother"), never by name or contact details. The export itself is logged
(AccessLog, action "export", with the reason).

What is and is not included is written in docs/security.md (check 33).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yos import access
from yos.forms import GDSFormMixin
from yos.lib.pdf import render_pdf
from yos.models import AccessLog, Role

HISTORY_SKIP = {"history_id", "history_change_reason", "history_relation"}


@dataclass
class Section:
    """One CSV: a title, its column names and rows."""

    filename: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def _value(obj, name: str):
    value = getattr(obj, name, "")
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(obj, f"get_{name}_display"):
        return getattr(obj, f"get_{name}_display")()
    return "" if value is None else value


def _section(filename, title, records, columns) -> Section:
    return Section(filename, title, columns, [[_value(r, c) for c in columns] for r in records])


def _history(records: list[models.Model], fields: dict[type, list[str]]) -> Section:
    """Every saved version of each record, with who saved it and when; only
    the fields the export shows for that kind of record."""
    section = Section(
        "history.csv",
        "History of these records",
        ["record", "record id", "changed at", "changed by", "change", "field", "value"],
    )
    for record in records:
        names = fields[type(record)]
        for version in (
            record.history.all()
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ):
            for name in names:
                section.rows.append(
                    [
                        type(record)._meta.verbose_name,
                        record.pk,
                        version.history_date.isoformat(),
                        str(version.history_user) if version.history_user else "",
                        {"+": "created", "~": "changed", "-": "deleted"}[version.history_type],
                        name,
                        _value(version, name),
                    ]
                )
    return section


def _access(records: list[models.Model]) -> Section:
    section = Section(
        "access_log.csv",
        "Who looked at these records",
        ["record", "record id", "at", "user", "action", "reason"],
    )
    for record in records:
        ct = ContentType.objects.get_for_model(type(record))
        for entry in AccessLog.objects.filter(content_type=ct, object_id=record.pk).select_related(
            "user"
        ):
            section.rows.append(
                [
                    type(record)._meta.verbose_name,
                    record.pk,
                    entry.at.isoformat(),
                    str(entry.user),
                    entry.get_action_display(),
                    entry.reason,
                ]
            )
    return section


CHILD_FIELDS = [
    "reference",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address",
    "school",
    "sen",
    "sen_notes",
    "care_status",
    "responsible_authority",
    "social_care",
    "early_help",
    "mappa",
    "partner_notes",
]
CASE_FIELDS = [
    "reference",
    "kind",
    "status",
    "referred_on",
    "opened_on",
    "closed_on",
    "offence_date",
    "offence",
    "closure_reason",
    "outcome",
]
SESSION_FIELDS = ["kind", "starts_at", "attendance", "absence_reason", "notes"]
VIEW_FIELDS = ["recorded_on", "text"]
REPARATION_FIELDS = ["placement", "hours", "hours_completed", "started_on", "ended_on", "notes"]
ADULT_FIELDS = [
    "first_name",
    "last_name",
    "phone",
    "email",
    "address",
    "preferred_language",
    "interpreter_needed",
]
LINK_FIELDS = ["relationship", "parental_responsibility", "resident"]
CONTRACT_FIELDS = ["reference", "school", "status", "starts_on", "ends_on", "lead_practitioner"]
ORDER_FIELDS = ["court", "made_on", "counselling_ends_on", "basis", "closed_on"]


def _fields_of(model, names):
    present = {f.name for f in model._meta.get_fields()}
    return [n for n in names if n in present]


def child_sections(child):
    """The sections about a child, and the records whose history and reads
    are exported with them."""
    from cases.models import Case, ChildView, Session

    cases = list(Case.objects.filter(child=child).order_by("referred_on", "pk"))
    sessions = list(Session.objects.filter(case__in=cases).order_by("starts_at", "pk"))
    views = list(ChildView.objects.filter(child=child).order_by("recorded_on", "pk"))
    links = list(child.adult_links.all().order_by("pk"))
    sections = [
        _section("child.csv", "The child's details", [child], CHILD_FIELDS),
        _section("cases.csv", "Cases", cases, CASE_FIELDS),
        _section("sessions.csv", "Sessions", sessions, SESSION_FIELDS),
        _section("views.csv", "The child's views, wishes and feelings", views, VIEW_FIELDS),
        # Parents and carers appear only as the relationship, not by name.
        _section("relationships.csv", "Parents and carers (relationship only)", links, LINK_FIELDS),
    ]
    fields = {
        type(child): CHILD_FIELDS,
        Case: CASE_FIELDS,
        Session: SESSION_FIELDS,
        ChildView: VIEW_FIELDS,
    }
    records: list[models.Model] = [child, *cases, *sessions, *views]
    try:
        from victims.models import Reparation
    except ImportError:  # pragma: no cover - the victims app is installed
        Reparation = None
    if Reparation is not None:
        reparation = list(Reparation.objects.filter(case__in=cases).order_by("pk"))
        names = _fields_of(Reparation, REPARATION_FIELDS)
        sections.append(_section("reparation.csv", "Reparation", reparation, names))
        fields[Reparation] = names
        records += reparation
    try:
        from contracts.models import ParentingContract

        contracts = list(ParentingContract.objects.filter(pupil=child).order_by("pk"))
        names = _fields_of(ParentingContract, CONTRACT_FIELDS)
        sections.append(_section("contracts.csv", "Parenting contracts", contracts, names))
    except ImportError:  # pragma: no cover
        pass
    return sections, records, fields


def adult_sections(adult):
    from cases.models import AdultChild

    links = list(AdultChild.objects.filter(adult=adult).order_by("pk"))
    sections = [
        _section("adult.csv", "Your details", [adult], ADULT_FIELDS),
        # The child is named by reference only: their details are theirs.
        Section(
            "relationships.csv",
            "Children you are linked to (by reference)",
            ["child reference", *LINK_FIELDS],
            [[link.child.reference, *[_value(link, f) for f in LINK_FIELDS]] for link in links],
        ),
    ]
    fields = {type(adult): ADULT_FIELDS, AdultChild: LINK_FIELDS}
    records: list[models.Model] = [adult, *links]
    try:
        from orders.models import ParentingOrder

        orders = list(ParentingOrder.objects.filter(parents=adult).order_by("pk"))
        names = _fields_of(ParentingOrder, ORDER_FIELDS)
        sections.append(_section("orders.csv", "Parenting orders naming you", orders, names))
    except ImportError:  # pragma: no cover
        pass
    try:
        from contracts.models import ContractParent

        parts = list(
            ContractParent.objects.filter(adult=adult).select_related("contract").order_by("pk")
        )
        sections.append(
            Section(
                "contracts.csv",
                "Parenting contracts you are party to",
                ["contract", "status", "starts on", "ends on", "present at the meeting"],
                [
                    [
                        p.contract.reference,
                        p.contract.get_status_display(),
                        p.contract.starts_on,
                        p.contract.ends_on,
                        p.present_at_initiation,
                    ]
                    for p in parts
                ],
            )
        )
    except ImportError:  # pragma: no cover
        pass
    letters = list(adult.letters.all().order_by("generated_at", "pk"))
    sections.append(
        Section(
            "letters.csv",
            "Letters sent to you",
            ["letter", "generated at", "reason", "sent by", "sent on"],
            [
                [
                    lt.get_kind_display(),
                    lt.generated_at.isoformat(),
                    lt.reason,
                    lt.get_sent_by_display(),
                    lt.sent_on or "",
                ]
                for lt in letters
            ],
        )
    )
    return sections, records, fields


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


def subject_export(subject, *, by, reason: str, request=None) -> bytes:
    """The ZIP of everything about subject (a cases.Child or cases.Adult)."""
    from cases.models import Child

    if isinstance(subject, Child):
        sections, records, fields = child_sections(subject)
        name = subject.full_name
    else:
        sections, records, fields = adult_sections(subject)
        name = subject.full_name
    sections.append(_history(records, fields))
    sections.append(_access(records))
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


# --- The administrator's page --------------------------------------------------------

REASON_REQUIRED = "Enter the reason for the export, such as the request's reference"


class ExportForm(GDSFormMixin, forms.Form):
    submit_label = "Download the export"
    reason = forms.CharField(
        label="Reason for the export",
        help_text="For example, the subject access request's reference and date.",
        max_length=300,
        error_messages={"required": REASON_REQUIRED},
    )


def _export_page(request: HttpRequest, subject, kind: str) -> HttpResponse:
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        content = subject_export(
            subject, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        name = f"subject-access-{kind.lower()}-{subject.pk}-{timezone.localdate():%Y%m%d}.zip"
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    reference = getattr(subject, "reference", "") or f"#{subject.pk}"
    return render(
        request, "yos/sar_form.html", {"form": form, "kind": kind, "reference": reference}
    )


@require_http_methods(["GET", "POST"])
@access.policy(Role.ADMINISTRATOR)
def export_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators only (the DPO's role): the export of one child."""
    from cases.models import Child

    return _export_page(request, get_object_or_404(Child, pk=pk), "Child")


@require_http_methods(["GET", "POST"])
@access.policy(Role.ADMINISTRATOR)
def export_adult(request: HttpRequest, pk: int) -> HttpResponse:
    from cases.models import Adult

    return _export_page(request, get_object_or_404(Adult, pk=pk), "Adult")
