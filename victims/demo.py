"""Invented demo victims at several stages, linked to demo cases. Re-runnable.

Stages: awaiting first contact (one on time, one overdue), contacted and chose
indirect restorative justice wanting updates, a direct conference with
consent, declined; one victim is an organisation. Dates are relative to today
so the overdue one stays overdue.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import Case, CaseKind, CaseStatus, Child, Family
from victims import rules, services
from victims.models import (
    ContactMethod,
    Reparation,
    RestorativeJusticeWork,
    RJChoice,
    RJKind,
    Victim,
    VictimContact,
    VictimKind,
    VictimOffence,
    VictimUpdate,
)


def _cases(ctx: dict) -> list[Case]:
    """Demo cases with an offence: those earlier apps made, else two of our own."""
    given = ctx.get("cases") or []
    if isinstance(given, dict):
        given = list(given.values())
    cases = [c for c in given if isinstance(c, Case) and c.offence]
    if len(cases) >= 2:
        return cases
    team = ctx["teams"][0]
    manager = ctx["users"].get("casemanager")
    family, _ = Family.objects.get_or_create(
        name="Demofamily Victims", defaults={"team": team, "case_manager": manager}
    )
    made = []
    for first, offence in (("Kieran", "Criminal damage"), ("Lola", "Theft from a shop")):
        child, _ = Child.objects.get_or_create(
            family=family,
            first_name=first,
            last_name="Demofamily",
            defaults={"date_of_birth": dt.date(2010, 3, 14)},
        )
        case, _ = Case.objects.get_or_create(
            child=child,
            offence=offence,
            defaults={
                "kind": CaseKind.REFERRAL_ORDER,
                "status": CaseStatus.OPEN,
                "referred_on": dt.date(2026, 9, 1),
                "opened_on": dt.date(2026, 9, 8),
                "offence_date": dt.date(2026, 8, 20),
            },
        )
        made.append(case)
    return cases + made


def _victim(name: str, case: Case, by, **fields) -> tuple[Victim, bool]:
    existing = Victim.objects.filter(name=name).first()
    if existing is not None:
        return existing, False
    victim = Victim(name=name, **fields)
    services.victim_create(victim=victim, case=case, by=by)
    return victim, True


def _previous_working_day(day: dt.date, n: int) -> dt.date:
    while n:
        day -= dt.timedelta(days=1)
        if rules.is_working_day(day):
            n -= 1
    return day


def seed(ctx: dict) -> dict:
    by = ctx["users"]["victimworker"]
    today = timezone.localdate()
    cases = _cases(ctx)
    first, second = cases[0], cases[1]
    victims = {}

    victims["due"], _ = _victim(
        "Demo Victim Harper Quinn",
        first,
        by,
        address="14 Orchard Close, Demo Town",
        phone="07700 900101",
        preferred_contact_method=ContactMethod.PHONE,
        preferred_contact_times="Weekday evenings",
        details_received_on=today,
    )
    victims["overdue"], _ = _victim(
        "Demo Victim Morgan Ellery",
        second,
        by,
        address="3 Mill Lane, Demo Town",
        email="m.ellery@example.invalid",
        # Young: under 18 at the time of the offence, so enhanced rights follow.
        known_under_18=True,
        representative_name="Demo Parent Ellery",
        representative_relationship="Mother",
        representative_phone="07700 900102",
        details_received_on=_previous_working_day(today, 3),
    )

    received = _previous_working_day(today, 30)
    victims["indirect"], created = _victim(
        "Demo Victim Jesse Ward",
        first,
        by,
        phone="07700 900103",
        interpreter_needed=True,
        language="Polish",
        details_received_on=received,
    )
    if created:
        contacted = _previous_working_day(today, 27)
        services.victim_contact_record(
            contact=VictimContact(
                victim=victims["indirect"],
                contacted_on=contacted,
                method=ContactMethod.PHONE,
                offered_information=True,
                offered_support_referral=True,
                support_referred_to="Victim Support",
                offered_restorative_justice=True,
                choice=RJChoice.INDIRECT_LETTER,
                consent_given=True,
                consent_on=contacted,
                wants_updates=True,
            ),
            by=by,
        )
        services.victim_update_record(
            update=VictimUpdate(
                victim=victims["indirect"],
                given_on=contacted + dt.timedelta(days=1),
                method=ContactMethod.PHONE,
                text="The referral order panel has met and agreed a contract with the child.",
            ),
            by=by,
        )
        services.rj_work_record(
            work=RestorativeJusticeWork(
                offence=victims["indirect"].offences.get(),
                kind=RJKind.LETTER,
                started_on=contacted + dt.timedelta(days=2),
                participants="The child, the victim worker",
            ),
            by=by,
        )

    victims["organisation"], created = _victim(
        "Demo Corner Shop Ltd",
        second,
        by,
        kind=VictimKind.ORGANISATION,
        contact_person="Demo Manager Patel",
        address="1 High Street, Demo Town",
        phone="01632 960001",
        details_received_on=received,
    )
    if created:
        contacted = _previous_working_day(today, 26)
        services.victim_contact_record(
            contact=VictimContact(
                victim=victims["organisation"],
                contacted_on=contacted,
                method=ContactMethod.IN_PERSON,
                offered_information=True,
                offered_support_referral=False,
                offered_restorative_justice=True,
                choice=RJChoice.DIRECT_CONFERENCE,
                consent_given=True,
                consent_on=contacted,
                wants_updates=False,
            ),
            by=by,
        )
        victims["organisation"].refresh_from_db()
        services.victim_decide_invitation(
            victim=victims["organisation"],
            invitation="invite",
            reason="The manager wants to meet the child; the child has agreed and is ready.",
            loaded_version=victims["organisation"].version,
            by=by,
        )
        services.rj_work_record(
            work=RestorativeJusticeWork(
                offence=victims["organisation"].offences.get(),
                kind=RJKind.CONFERENCE,
                started_on=contacted + dt.timedelta(days=7),
                participants="The child, a parent, the shop manager, two facilitators",
            ),
            by=by,
        )

    victims["declined"], created = _victim(
        "Demo Victim Robin Achebe",
        first,
        by,
        address="22 Station Road, Demo Town",
        details_received_on=received,
    )
    if created:
        services.victim_contact_record(
            contact=VictimContact(
                victim=victims["declined"],
                contacted_on=_previous_working_day(today, 28),
                method=ContactMethod.LETTER,
                offered_information=True,
                offered_support_referral=True,
                offered_restorative_justice=True,
                choice=RJChoice.NONE,
                wants_updates=False,
            ),
            by=by,
        )

    manager = first.child.family.case_manager or by
    if not Reparation.objects.filter(case=first).exists():
        services.reparation_record(
            reparation=Reparation(
                case=first,
                placement="Demo Town community garden",
                hours=12,
                hours_completed=4,
                started_on=today - dt.timedelta(days=14),
            ),
            by=manager,
        )

    ctx["victims"] = victims
    ctx.setdefault("victim_links", list(VictimOffence.objects.filter(case__in=cases)))
    return ctx
