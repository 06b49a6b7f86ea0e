"""Reads of the victims app, and its contributions to other apps' pages.

The hooks (child_panels, timeline_events, home_panels: yos/extensions.py) are
where victims' records meet the child's side, so they never load a victim's
identity: the child-side hooks query `values()` of the offence link, the
first contact date and the latest choice, nothing else.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cases.models import Case
from victims import rules
from victims.models import (
    Reparation,
    RestorativeJusticeWork,
    RJChoice,
    Victim,
    VictimContact,
    VictimOffence,
    VictimUpdate,
)
from yos import access
from yos.extensions import TimelineEvent, can_change_on_page, page_memo
from yos.lib.dates import long_date

# --- The victim worker's pages ---------------------------------------------------


def _latest_contact(field: str) -> Subquery:
    return Subquery(
        VictimContact.objects.filter(victim=OuterRef("pk"))
        .order_by("-contacted_on", "-id")
        .values(field)[:1]
    )


def _offences_with_child() -> Prefetch:
    """The linked cases with what a victim worker may see of the child: name,
    offence, order and case manager (PRODUCT.md, roles)."""
    return Prefetch(
        "offences",
        queryset=VictimOffence.objects.select_related("case__child__family__case_manager").order_by(
            "id"
        ),
    )


def victims_list(user) -> QuerySet:
    """Victims this user may see, with first-contact state and latest choice."""
    return (
        access.visible(user, Victim)
        .with_first_contact()
        .annotate(latest_choice=_latest_contact("choice"))
        .prefetch_related(_offences_with_child())
        .order_by("-details_received_on", "-id")
    )


def victim_page_queryset() -> QuerySet:
    """Victims with everything their page shows (a fixed number of queries)."""
    return (
        Victim.objects.with_first_contact()
        .select_related("invitation_decided_by")
        .prefetch_related(
            _offences_with_child(),
            Prefetch("contacts", queryset=VictimContact.objects.select_related("by")),
            Prefetch("updates", queryset=VictimUpdate.objects.select_related("by")),
            Prefetch(
                "offences__rj_work",
                queryset=RestorativeJusticeWork.objects.order_by("-started_on", "-id"),
            ),
        )
    )


def first_contacts_overdue(on: date) -> QuerySet:
    """Victims not yet given information about restorative justice whose due
    date (5 working days, or 1 with enhanced rights) passed before `on`."""
    return Victim.objects.first_contact_overdue(on)


def awaiting_first_contact(victims: QuerySet | None = None) -> list[Victim]:
    """Victims (of ``victims``, all by default) awaiting first contact, soonest
    (and overdue) due date first."""
    victims = list((Victim.objects.all() if victims is None else victims).awaiting_first_contact())
    return sorted(victims, key=lambda v: (v.first_contact_due_on, v.pk))


def updates_due(on: date, victims: QuerySet | None = None) -> QuerySet:
    """Victims whose latest contact says they want to be kept informed and who
    were last informed (update, or that contact) UPDATE_INTERVAL_DAYS or more ago."""
    last_update = Subquery(
        VictimUpdate.objects.filter(victim=OuterRef("pk"))
        .order_by("-given_on", "-id")
        .values("given_on")[:1]
    )
    last_contact = _latest_contact("contacted_on")
    return (
        (Victim.objects.all() if victims is None else victims)
        .annotate(
            wants_updates=_latest_contact("wants_updates"),
            last_informed_on=Greatest(Coalesce(last_update, last_contact), last_contact),
        )
        .filter(
            wants_updates=True,
            last_informed_on__lte=on - timedelta(days=rules.UPDATE_INTERVAL_DAYS),
        )
        .order_by("last_informed_on", "id")
    )


def conclusion_notices_due(work: QuerySet | None = None) -> QuerySet:
    work = RestorativeJusticeWork.objects.all() if work is None else work
    return work.conclusion_notice_due().select_related("offence")


# --- Hooks: home page ---------------------------------------------------------------


def home_panels(user) -> list[dict]:
    today = timezone.localdate()
    if access.works_with_victims(user):
        victims = access.visible(user, Victim)
        waiting = awaiting_first_contact(victims)
        for victim in waiting:
            victim.overdue = today > victim.first_contact_due_on
        return [
            {
                "template": "victims/includes/home_first_contacts.html",
                "victims": waiting,
                "today": today,
            },
            {
                "template": "victims/includes/home_updates_due.html",
                "victims": list(updates_due(today, victims)),
                "notices": list(
                    conclusion_notices_due(access.visible(user, RestorativeJusticeWork))
                ),
            },
        ]
    if access.supervises(user):
        return [{"template": "victims/includes/home_counts.html", **victim_counts(user, today)}]
    return []


def victim_counts(user, on: date) -> dict:
    """Counts only (supervisors see no victim's details): victims linked to
    the cases this supervisor may see. One query."""
    cases = access.visible(user, Case)
    links = VictimOffence.objects.filter(case__in=cases)
    victims = Victim.objects.filter(Exists(links.filter(victim=OuterRef("pk"))))
    overdue = first_contacts_overdue(on).filter(pk__in=victims.values("pk"))
    offered = VictimContact.objects.filter(offered_restorative_justice=True)
    engaged = RestorativeJusticeWork.objects.all()
    counts = victims.aggregate(
        total=Count("pk"),
        offered=Count("pk", filter=Q(Exists(offered.filter(victim=OuterRef("pk"))))),
        taking_part=Count("pk", filter=Q(Exists(engaged.filter(offence__victim=OuterRef("pk"))))),
    )
    counts["overdue"] = overdue.count()
    return counts


# --- Hooks: the child's page (case work roles; anonymised) ----------------------------


def _casework_cases(user, child) -> QuerySet | None:
    if not access.does_case_work(user):
        return None
    return access.visible(user, Case).filter(child=child)


def anonymised_victim_lines(user, child) -> list[dict]:
    """One line per victim link of the child's cases this user may see:
    the offence, the first contact date and the latest choice. Never a name,
    address or contact detail (only these three values are selected)."""
    cases = _casework_cases(user, child)
    if cases is None:
        return []
    first_rj_contact = (
        VictimContact.objects.filter(victim=OuterRef("victim"), offered_restorative_justice=True)
        .order_by("contacted_on", "id")
        .values("contacted_on")[:1]
    )
    latest = VictimContact.objects.filter(victim=OuterRef("victim")).order_by(
        "-contacted_on", "-id"
    )
    rows = (
        VictimOffence.objects.filter(case__in=cases)
        .annotate(
            first_contact_on=Subquery(first_rj_contact),
            latest_choice=Subquery(latest.values("choice")[:1]),
            offence_text=F("case__offence"),
        )
        .order_by("case__offence_date", "id")
        .values("id", "offence_text", "first_contact_on", "latest_choice")
    )
    return [
        {
            "key": row["id"],
            "first_contact_on": row["first_contact_on"],
            "text": anonymised_line(
                row["offence_text"], row["first_contact_on"], row["latest_choice"]
            ),
        }
        for row in rows
    ]


def anonymised_line(offence: str, first_contact_on: date | None, choice: str | None) -> str:
    """ "Victim of theft: first contact made on 3 November 2026, chose indirect
    restorative justice" (or "awaiting first contact")."""
    if first_contact_on is None:
        return f"Victim of {offence.lower()}: awaiting first contact"
    return (
        f"Victim of {offence.lower()}: first contact made on {long_date(first_contact_on)}, "
        f"{RJChoice.summary(choice or '')}"
    )


def _child_victim_lines(user, child) -> list[dict]:
    """anonymised_victim_lines, fetched once for the panel and the timeline."""
    return page_memo(child, f"victim_lines:{user.pk}", lambda: anonymised_victim_lines(user, child))


def child_panels(user, child) -> list[dict]:
    from cases.selectors import child_cases

    if _casework_cases(user, child) is None:
        return []
    lines = _child_victim_lines(user, child)
    reparations = list(
        access.visible(user, Reparation).filter(case__child=child).select_related("case")
    )
    # A case is changed by whoever may change its child (both are reached
    # through the child's family), so the child page's answer serves here.
    writable = child_cases(user, child) if can_change_on_page(user, child) else []
    panels = []
    if lines:
        panels.append({"template": "victims/includes/child_victims.html", "lines": lines})
    if reparations or writable:
        panels.append(
            {
                "template": "victims/includes/child_reparation.html",
                "reparations": reparations,
                "cases": writable,
            }
        )
    return panels


def timeline_events(user, child) -> list[TimelineEvent]:
    """The first contact with each victim, anonymised like the child's page."""
    events = []
    for line in _child_victim_lines(user, child):
        if line["first_contact_on"] is None:
            continue
        at = dt.datetime.combine(line["first_contact_on"], dt.time(9, 0))
        events.append(
            TimelineEvent(
                at=timezone.make_aware(at),
                title="Victim contact",
                description=line["text"],
                kind="victim_contact",
            )
        )
    return events
