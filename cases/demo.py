"""Invented demo families for `manage.py seed_demo`: every name is made up.

Twelve families with children, parents and carers (some non-resident), cases
of several kinds and statuses, past sessions with attendance, upcoming ones and
the children's views. Most are allocated to `casemanager`, some to
`casemanager2` (same team) and `casemanager3` (the other team), one waits for
allocation. Dates are relative to today so "upcoming" stays upcoming.
Re-runnable: when the demo families exist it only puts them back in ctx.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from cases import services
from cases.models import (
    Adult,
    Attendance,
    CareStatus,
    Case,
    CaseKind,
    CaseStatus,
    Child,
    Family,
    SessionKind,
)
from yos.lib.dates import born_years_before

MARKER = "Demo family: invented data."

# family, case manager (None: waiting), team index,
#   children: (first name, age in years, school index or None, extra fields)
#   adults: (first, last, relationship, parental responsibility, resident, extra)
#   cases: (child index, kind, status, offence)
FAMILIES = [
    (
        "Ashworth",
        "casemanager",
        0,
        [("Tyler", 15, 0, {"sen": "sen_support"}), ("Mia", 12, 0, {})],
        [
            ("Donna", "Ashworth", "mother", True, True, {"title": "Ms"}),
            (
                "Craig",
                "Ashworth",
                "father",
                True,
                False,
                {
                    "title": "Mr",
                    "address": "14 Canal Row",
                    "town": "Other Town",
                    "postcode": "OT2 4BB",
                },
            ),
        ],
        [
            (0, CaseKind.REFERRAL_ORDER, CaseStatus.OPEN, "Theft from a shop"),
            (1, CaseKind.PREVENTION, CaseStatus.OPEN, ""),
            (0, CaseKind.PARENTING, CaseStatus.OPEN, ""),
        ],
    ),
    (
        "Okonkwo",
        "casemanager",
        0,
        [
            (
                "Daniel",
                16,
                1,
                {
                    "care_status": CareStatus.LOOKED_AFTER,
                    "responsible_authority": "Demo Borough Council",
                    "social_care": True,
                },
            )
        ],
        [
            (
                "Grace",
                "Okonkwo",
                "mother",
                True,
                False,
                {"preferred_language": "Igbo", "interpreter_needed": True},
            ),
            ("Pauline", "Harker", "foster_carer", False, True, {}),
        ],
        [(0, CaseKind.YRO, CaseStatus.OPEN, "Robbery")],
    ),
    (
        "Brennan",
        "casemanager",
        0,
        [("Kayleigh", 14, 0, {"early_help": True})],
        [("Shane", "Brennan", "father", True, True, {})],
        [
            (0, CaseKind.TRIAGE, CaseStatus.CLOSED, "Criminal damage"),
            (0, CaseKind.COMMUNITY_RESOLUTION, CaseStatus.OPEN, "Criminal damage"),
        ],
    ),
    (
        "Kowalczyk",
        "casemanager",
        0,
        [("Oskar", 13, 1, {})],
        [
            (
                "Agnieszka",
                "Kowalczyk",
                "mother",
                True,
                True,
                {"preferred_language": "Polish", "interpreter_needed": True},
            ),
            ("Piotr", "Kowalczyk", "father", True, False, {}),
        ],
        [(0, CaseKind.YOUTH_CAUTION, CaseStatus.OPEN, "Possession of a bladed article")],
    ),
    (
        "Hussain",
        "casemanager",
        0,
        [("Zain", 17, None, {"mappa": True}), ("Amira", 10, 0, {})],
        [("Nadia", "Hussain", "mother", True, True, {})],
        [
            (0, CaseKind.DTO, CaseStatus.OPEN, "Wounding with intent"),
            (1, CaseKind.PREVENTION, CaseStatus.REFERRED, ""),
        ],
    ),
    (
        "Fairbairn",
        "casemanager",
        0,
        [("Connor", 15, 0, {})],
        [
            ("Lisa", "Fairbairn", "mother", True, True, {}),
            ("Gary", "Tomlin", "step_parent", False, True, {}),
        ],
        [(0, CaseKind.YOUTH_CONDITIONAL_CAUTION, CaseStatus.OPEN, "Common assault")],
    ),
    (
        "Mensah",
        "casemanager",
        0,
        [
            (
                "Kwame",
                16,
                None,
                {
                    "care_status": CareStatus.CARE_LEAVER,
                    "responsible_authority": "Demo County Council",
                },
            )
        ],
        [("Abena", "Mensah", "grandparent", False, True, {})],
        [(0, CaseKind.BAIL_REMAND, CaseStatus.OPEN, "Burglary")],
    ),
    (
        "Doherty",
        "casemanager",
        0,
        [("Ellie", 14, 1, {"sen": "ehcp"})],
        [
            ("Siobhan", "Doherty", "mother", True, True, {}),
            ("Martin", "Doherty", "father", True, False, {}),
        ],
        [(0, CaseKind.REFERRAL_ORDER, CaseStatus.CLOSED, "Theft of a bicycle")],
    ),
    (
        "Pemberton",
        "casemanager2",
        0,
        [("Jayden", 15, 0, {})],
        [("Kerry", "Pemberton", "mother", True, True, {})],
        [(0, CaseKind.REFERRAL_ORDER, CaseStatus.OPEN, "Handling stolen goods")],
    ),
    (
        "Novak",
        "casemanager2",
        0,
        [("Luka", 13, 1, {})],
        [("Ivana", "Novak", "mother", True, True, {})],
        [(0, CaseKind.PREVENTION, CaseStatus.OPEN, "")],
    ),
    (
        "Adeyemi",
        "casemanager3",
        1,
        [("Tobi", 16, None, {})],
        [("Funmi", "Adeyemi", "mother", True, True, {})],
        [(0, CaseKind.YRO, CaseStatus.OPEN, "Affray")],
    ),
    (
        "Whitlock",
        None,
        0,
        [("Reece", 14, 0, {})],
        [("Tanya", "Whitlock", "mother", True, True, {})],
        [(0, CaseKind.TRIAGE, CaseStatus.REFERRED, "Shoplifting")],
    ),
]

VIEWS = [
    "I want to get back into football. I don't like the group sessions much.",
    "Things are better at home since mum and me talk more. I want to stay at my school.",
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _collect(ctx: dict, families: list[Family]) -> None:
    ids = [f.pk for f in families]
    ctx["families"] = families
    ctx["children"] = list(Child.objects.filter(family_id__in=ids).order_by("id"))
    ctx["adults"] = list(Adult.objects.filter(family_id__in=ids).order_by("id"))
    ctx["cases"] = list(
        Case.objects.filter(child__family_id__in=ids).select_related("child").order_by("id")
    )


def seed(ctx: dict) -> None:
    existing = list(Family.objects.filter(notes=MARKER).order_by("id"))
    if existing:
        _collect(ctx, existing)
        return
    users, teams, schools = ctx["users"], ctx["teams"], ctx["schools"]
    today = timezone.localdate()
    families = []
    asked = False
    for n, (name, cm, team, children, adults, cases) in enumerate(FAMILIES):
        author = users[cm] if cm else users["casemanager"]
        family = services.family_create(
            name=name,
            team=teams[team],
            case_manager=users[cm] if cm else None,
            address=f"{10 + n} Demo Street, Demo Town, DT{1 + n % 9} 1AB",
            notes=MARKER,
            by=author,
        )
        made = []
        for first, age, school, extra in children:
            dob = born_years_before(today, age) - timedelta(days=40 + 17 * n)
            made.append(
                services.child_create(
                    family=family,
                    first_name=first,
                    last_name=name,
                    date_of_birth=dob,
                    school=schools[school] if school is not None else None,
                    confirm_not_duplicate=True,
                    by=author,
                    **extra,
                )
            )
        for first, last, relationship, pr, resident, extra in adults:
            services.adult_create(
                family=family,
                first_name=first,
                last_name=last,
                phone=f"07700 900{100 + n:03d}",
                email=f"{first.lower()}.{last.lower()}@example.invalid",
                links=[
                    {
                        "child": child,
                        "relationship": relationship,
                        "parental_responsibility": pr,
                        "resident": resident,
                    }
                    for child in made
                ],
                by=author,
                **extra,
            )
        for k, (child_index, kind, status, offence) in enumerate(cases):
            child = made[child_index]
            referred = today - timedelta(days=120 - 10 * k + n)
            case = services.case_open(
                child=child,
                kind=kind,
                referred_on=referred,
                opened_on=None if status == CaseStatus.REFERRED else referred + timedelta(days=7),
                offence_date=referred - timedelta(days=20) if offence else None,
                offence=offence,
                confirm_age=True,
                by=author,
            )
            if status == CaseStatus.REFERRED:
                continue
            _sessions(case, today=today, n=n + k, by=author)
            if status == CaseStatus.CLOSED:
                services.case_close(
                    case=case,
                    closed_on=today - timedelta(days=5),
                    closure_reason="Intervention completed; no further work needed.",
                    outcome="Completed",
                    by=author,
                )
            elif cm and not asked and kind in CaseKind.court_orders():
                # One closure waiting for a supervisor's decision (their home page).
                services.case_closure_request(
                    case=case,
                    closed_on=today - timedelta(days=1),
                    closure_reason="The order's work is complete; the panel signed it off.",
                    outcome="Completed",
                    by=author,
                )
                asked = True
        for i, child in enumerate(made[:1]):
            services.child_view_record(
                child=child,
                recorded_on=today - timedelta(days=30 + i),
                text=VIEWS[n % len(VIEWS)],
                by=author,
            )
        families.append(family)
    _collect(ctx, families)


def _sessions(case: Case, *, today, n: int, by) -> None:
    """Three past sessions with attendance and two upcoming ones."""
    past = [
        (SessionKind.ONE_TO_ONE, Attendance.ATTENDED, "", "Talked about school and friends."),
        (
            SessionKind.HOME_VISIT,
            Attendance.UNEXCUSED if n % 3 == 0 else Attendance.ATTENDED,
            "",
            "Visit with the family at home.",
        ),
        (SessionKind.FAMILY, Attendance.EXCUSED, "Hospital appointment (letter seen)", ""),
    ]
    for i, (kind, attendance, reason, notes) in enumerate(past):
        services.session_record(
            case=case,
            kind=kind,
            starts_at=_at(today - timedelta(days=21 - 7 * i + n % 3), 10 + i),
            attendance=attendance,
            absence_reason=reason,
            notes=notes,
            by=by,
        )
    if case.status != CaseStatus.OPEN:
        return
    for i, kind in enumerate((SessionKind.ONE_TO_ONE, SessionKind.PARENTING)):
        services.session_record(
            case=case,
            kind=kind,
            starts_at=_at(today + timedelta(days=2 + 5 * i + n % 4), 14 + i),
            by=by,
        )
