"""Reads of the case records that span relations, N+1-free, and this app's
contributions to pages (yos.extensions): the home page's "My caseload"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import (
    Adult,
    AdultChild,
    Attendance,
    Case,
    CaseStatus,
    Child,
    ChildView,
    Family,
    Session,
)
from yos import access
from yos.extensions import TimelineEvent, collect
from yos.models import Role, User

# --- Find a child ---------------------------------------------------------------

SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "dob": ("date_of_birth", "id"),
    "-dob": ("-date_of_birth", "-id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "case_manager": ("family__case_manager__last_name", "last_name", "id"),
    "-case_manager": ("-family__case_manager__last_name", "-last_name", "-id"),
}


@dataclass(frozen=True)
class ChildSearch:
    text: str = ""
    date_of_birth: date | None = None
    kind: str = ""
    status: str = ""
    case_manager: int | None = None
    team: int | None = None
    sort: str = "name"


def child_search(user: User, search: ChildSearch) -> QuerySet[Child]:
    """The children user may see that match search, with what the list shows
    (family, case manager, team, number of open cases) in the same query."""
    qs = access.visible(user, Child).select_related(
        "family", "family__team", "family__case_manager"
    )
    text = search.text.strip()
    if text:
        words = text.split()
        for word in words:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(reference__iexact=word)
            )
    if search.date_of_birth:
        qs = qs.filter(date_of_birth=search.date_of_birth)
    if search.kind or search.status:
        cases = Case.objects.filter(child=OuterRef("pk"))
        if search.kind:
            cases = cases.filter(kind=search.kind)
        if search.status:
            cases = cases.filter(status=search.status)
        qs = qs.filter(Exists(cases))
    if search.case_manager:
        qs = qs.filter(family__case_manager_id=search.case_manager)
    if search.team:
        qs = qs.filter(family__team_id=search.team)
    qs = qs.annotate(
        open_cases=Count("cases", filter=Q(cases__status=CaseStatus.OPEN), distinct=True)
    )
    return qs.order_by(*SORTS.get(search.sort, SORTS["name"]))


def case_managers_for_filter(user: User) -> QuerySet[User]:
    """Case managers of the teams user can see (for the filter)."""
    qs = User.objects.filter(groups__name=Role.CASE_MANAGER.value)
    if not (access.role_of(user) == Role.SUPERVISOR and user.service_wide):
        qs = qs.filter(teams__in=access.team_ids(user))
    return qs.distinct().order_by("last_name", "first_name")


# --- Child page -----------------------------------------------------------------


def child_for_page(user: User, pk) -> Child:
    """The child with everything its page shows, in a fixed number of queries
    (404 when not visible)."""
    sessions = Session.objects.select_related("recorded_by").order_by("-starts_at")
    qs = Child.objects.select_related(
        "family", "family__team", "family__case_manager", "school"
    ).prefetch_related(
        Prefetch("cases", queryset=Case.objects.prefetch_related(Prefetch("sessions", sessions))),
        Prefetch("views", queryset=ChildView.objects.select_related("recorded_by")),
        Prefetch("adult_links", queryset=AdultChild.objects.select_related("adult")),
    )
    return access.get_for_user(user, qs, pk)


def child_sessions(child: Child) -> list[Session]:
    """All sessions of the child's cases, newest first (from the prefetch)."""
    sessions = [s for case in child.cases.all() for s in case.sessions.all()]
    return sorted(sessions, key=lambda s: s.starts_at, reverse=True)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def session_title(session: Session) -> str:
    """ "One-to-one session", "Parenting session" (not "Parenting session session")."""
    kind = session.get_kind_display()
    return kind if kind.lower().endswith("session") else f"{kind} session"


def timeline_events(user: User, child: Child) -> list[TimelineEvent]:
    """This app's events on a child's timeline: referrals, openings, closures,
    sessions held or missed and views recorded (from child_for_page's prefetch)."""
    now = timezone.now()
    events = [
        TimelineEvent(at=child.created_at, title="Record created", kind="record"),
    ]
    for case in child.cases.all():
        kind = case.get_kind_display()
        events.append(
            TimelineEvent(
                at=_at(case.referred_on),
                title=f"Referred: {kind}",
                description=case.offence,
                url=case.get_absolute_url(),
                kind="case",
            )
        )
        if case.opened_on:
            events.append(
                TimelineEvent(
                    at=_at(case.opened_on),
                    title=f"Case opened: {kind}",
                    url=case.get_absolute_url(),
                    kind="case",
                )
            )
        if case.closed_on:
            events.append(
                TimelineEvent(
                    at=_at(case.closed_on),
                    title=f"Case closed: {kind}",
                    description=case.closure_reason,
                    url=case.get_absolute_url(),
                    kind="case",
                )
            )
        for session in case.sessions.all():
            if session.attendance == Attendance.PLANNED and session.starts_at > now:
                continue  # not happened yet: the sessions table and the home page show it
            description = session.get_attendance_display()
            if session.absence_reason:
                description += f": {session.absence_reason}"
            events.append(
                TimelineEvent(
                    at=session.starts_at,
                    title=session_title(session),
                    description=description,
                    by=str(session.recorded_by or ""),
                    url=case.get_absolute_url(),
                    kind="session",
                )
            )
    for view in child.views.all():
        events.append(
            TimelineEvent(
                at=_at(view.recorded_on),
                title="Views, wishes and feelings recorded",
                description=view.text,
                by=str(view.recorded_by),
                url=view.get_absolute_url(),
                kind="views",
            )
        )
    return events


def child_timeline(user: User, child: Child) -> list[TimelineEvent]:
    """Every app's events about child, newest first."""
    events = collect("timeline_events", user, child)
    return sorted(events, key=lambda e: e.at, reverse=True)


def child_history_records(child: Child) -> list:
    """The records whose history the child's History tab shows: the child,
    their cases and sessions, views and links to adults (from the prefetch)."""
    records: list = [child]
    for case in child.cases.all():
        records.append(case)
        records.extend(case.sessions.all())
    records.extend(child.views.all())
    records.extend(child.adult_links.all())
    return records


# --- Family and adult pages -----------------------------------------------------


def family_for_page(user: User, pk) -> Family:
    """The family with all children (and their cases) and adults (and how each
    is related to which child), in a fixed number of queries."""
    qs = Family.objects.select_related("team", "case_manager").prefetch_related(
        Prefetch("children", queryset=Child.objects.prefetch_related("cases")),
        Prefetch(
            "adults",
            queryset=Adult.objects.prefetch_related(
                Prefetch("child_links", queryset=AdultChild.objects.select_related("child"))
            ),
        ),
    )
    return access.get_for_user(user, qs, pk)


def adult_for_page(user: User, pk) -> Adult:
    qs = Adult.objects.select_related("family", "family__team", "family__case_manager")
    qs = qs.prefetch_related(
        Prefetch(
            "child_links",
            queryset=AdultChild.objects.select_related("child").prefetch_related("child__cases"),
        )
    )
    return access.get_for_user(user, qs, pk)


def case_for_page(user: User, pk) -> Case:
    qs = Case.objects.select_related(
        "child", "child__family", "child__family__team", "child__family__case_manager"
    ).prefetch_related(Prefetch("sessions", queryset=Session.objects.select_related("recorded_by")))
    return access.get_for_user(user, qs, pk)


# --- Home: My caseload ----------------------------------------------------------

UPCOMING_DAYS = 14


def caseload(user: User) -> list[Family]:
    """The families allocated to user, each with children, their live cases and
    the sessions planned in the next UPCOMING_DAYS (four queries whatever the caseload)."""
    now = timezone.now()
    upcoming = Session.objects.filter(
        attendance=Attendance.PLANNED,
        starts_at__gte=now,
        starts_at__lt=now + timedelta(days=UPCOMING_DAYS),
    ).order_by("starts_at")
    live_cases = Case.objects.exclude(status=CaseStatus.CLOSED).prefetch_related(
        Prefetch("sessions", queryset=upcoming, to_attr="upcoming_sessions")
    )
    children = Child.objects.prefetch_related(
        Prefetch("cases", queryset=live_cases, to_attr="live_cases")
    )
    return list(
        access.visible(user, Family)
        .filter(case_manager=user)
        .prefetch_related(Prefetch("children", queryset=children))
    )


def upcoming_sessions(families: list[Family]) -> list[tuple[Session, Child, Family]]:
    """Upcoming sessions of these families (from caseload's prefetch), soonest first."""
    rows = [
        (session, child, family)
        for family in families
        for child in family.children.all()
        for case in child.live_cases
        for session in case.upcoming_sessions
    ]
    return sorted(rows, key=lambda row: row[0].starts_at)


def unallocated_families(user: User) -> QuerySet[Family]:
    return access.visible(user, Family).filter(case_manager__isnull=True).select_related("team")


def home_panels(user: User) -> list[dict]:
    """My caseload for a case manager; families awaiting allocation for a supervisor."""
    role = access.role_of(user)
    if role == Role.CASE_MANAGER:
        families = caseload(user)
        return [
            {
                "template": "cases/includes/caseload_panel.html",
                "families": families,
                "upcoming": upcoming_sessions(families)[:20],
            }
        ]
    if role == Role.SUPERVISOR:
        return [
            {
                "template": "cases/includes/unallocated_panel.html",
                "families": list(unallocated_families(user)),
            }
        ]
    return []
