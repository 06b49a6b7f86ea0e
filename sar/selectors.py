"""What a subject access export holds: the sections (one CSV each) about a
child or an adult, and the records whose history and reads go with them.

Other people's personal data is left out by construction: every section lists
named fields of records *about the subject*; victims' records are never read;
other family members appear only as their relationship ("mother"), never by
name or contact details. What is and is not included is written in
docs/security.md (check 33).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cases.models import AdultChild, Case, ChildView, Session
from contracts.models import ContractParent, ParentingContract
from orders.models import ParentingOrder
from victims.models import Reparation
from yos.models import AccessLog

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


def history_section(records: list[models.Model], fields: dict[type, list[str]]) -> Section:
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


def access_section(records: list[models.Model]) -> Section:
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
    reparation = list(Reparation.objects.filter(case__in=cases).order_by("pk"))
    names = _fields_of(Reparation, REPARATION_FIELDS)
    sections.append(_section("reparation.csv", "Reparation", reparation, names))
    fields[Reparation] = names
    records += reparation
    contracts = list(ParentingContract.objects.filter(pupil=child).order_by("pk"))
    names = _fields_of(ParentingContract, CONTRACT_FIELDS)
    sections.append(_section("contracts.csv", "Parenting contracts", contracts, names))
    return sections, records, fields


def adult_sections(adult):
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
    orders = list(ParentingOrder.objects.filter(parents=adult).order_by("pk"))
    names = _fields_of(ParentingOrder, ORDER_FIELDS)
    sections.append(_section("orders.csv", "Parenting orders naming you", orders, names))
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
