"""Reads of the case records that span relations, N+1-free, and this app's
contributions to pages (yos.extensions): the home page's "My caseload"."""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    F,
    Field,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from cases.models import (
    Adult,
    AdultChild,
    Attendance,
    Case,
    CaseClosureRequest,
    CaseStatus,
    Child,
    ChildView,
    ClosureRequestStatus,
    Family,
    Session,
)
from yos import access
from yos.extensions import TimelineEvent, collect, page_memo
from yos.models import User

# --- Find a child ---------------------------------------------------------------

PAGE_SIZE = 50
COUNT_CAP = 1000  # "more than 1,000 children": never an exact count over millions

# The full name the trigram index child_full_name_trgm covers (migration 0005):
# PostgreSQL uses an expression index only for exactly the same expression.
FULL_NAME = Concat("first_name", Value(" "), "last_name")

# Each sort is a keyset: (expression or field, descending?) pairs ending in a
# unique key, so that a page starts strictly after the last row of the one before.
SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "name": (("last_name", False), ("first_name", False), ("id", False)),
    "-name": (("last_name", True), ("first_name", True), ("id", True)),
    "dob": (("date_of_birth", False), ("id", False)),
    "-dob": (("date_of_birth", True), ("id", True)),
    "reference": (("reference", False), ("id", False)),
    "-reference": (("reference", True), ("id", True)),
    "case_manager": (("manager_name", False), ("last_name", False), ("id", False)),
    "-case_manager": (("manager_name", True), ("last_name", True), ("id", True)),
    # Name search on PostgreSQL: most similar first.
    "relevance": (("score", True), ("id", False)),
}


@dataclass(frozen=True)
class ChildSearch:
    text: str = ""
    date_of_birth: date | None = None
    kind: str = ""
    status: str = ""
    case_manager: int | None = None
    team: int | None = None
    sort: str = ""  # "" is by name, or by relevance for a name search on PostgreSQL

    @property
    def trigram(self) -> bool:
        """Whether the name search uses pg_trgm similarity (PostgreSQL) rather
        than each word's icontains (SQLite)."""
        return bool(self.text.strip()) and connection.vendor == "postgresql"

    @property
    def sort_key(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.trigram):
            return self.sort
        return "relevance" if self.trigram else "name"


def child_search(user: User, search: ChildSearch) -> QuerySet[Child]:
    """The children user may see that match search, with their family, case
    manager and team, in the search's sort order (ids as the last key)."""
    qs = access.visible(user, Child).select_related(
        "family", "family__team", "family__case_manager"
    )
    text = search.text.strip()
    if text and search.trigram:
        # Misspelt names ("Jonh Smth") by trigram similarity on the indexed full
        # name, part of a name ("Marl") by word similarity on it (both served by
        # the GIN index), a reference exactly (upper case: the unique index).
        # Word similarity only for a single word: it finds a fragment within
        # a name ("Marl"), and for a whole name it only doubles the index work
        # and the rows rechecked (docs/performance.md).
        matches = Q(search_name__trigram_similar=text) | Q(reference=text.upper())
        if len(text.split()) == 1:
            matches |= Q(search_name__trigram_word_similar=text)
        qs = (
            qs.alias(search_name=FULL_NAME)
            .annotate(score=TrigramSimilarity(FULL_NAME, text))
            .filter(matches)
        )
    elif text:
        for word in text.split():
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
    sort = search.sort_key
    if sort.endswith("case_manager"):
        # Not allocated sorts as "" (first), the same on every database.
        qs = qs.annotate(manager_name=Coalesce("family__case_manager__last_name", Value("")))
    return qs.order_by(*_ordering(SORTS[sort], team_scoped=_team_scoped(user, search)))


class _Unindexed(Func):
    """column || '': the same value and order, but no index on the column
    offers it, so PostgreSQL cannot walk the name index for ORDER BY … LIMIT."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


# Text keys whose index PostgreSQL would walk in order, filtering as it goes.
_TEXT_KEYS = {"last_name", "first_name", "reference"}


def _team_scoped(user: User, search: ChildSearch) -> bool:
    """Whether the list is one team's (or a few teams') children: a case
    manager, a team supervisor, or a team chosen in the filter."""
    return bool(search.team) or not access.sees_whole_service(user)


def _ordering(keys, *, reverse: bool = False, team_scoped: bool = False) -> list:
    """ORDER BY for keys. For a team's children the text keys are wrapped
    (_Unindexed) so that PostgreSQL finds the team's few children first and
    sorts them, rather than walking the whole country's name index in order
    and discarding nearly every row (measurements: docs/performance.md,
    "Why the code is as it is")."""

    def key(name):
        return _Unindexed(F(name)) if team_scoped and name in _TEXT_KEYS else F(name)

    return [key(name).desc() if desc != reverse else key(name).asc() for name, desc in keys]


# --- Keyset pages ---


@dataclass
class ChildPage:
    """One page of find a child: the rows, and the cursors of the pages either side."""

    object_list: list[Child]
    next_cursor: str = ""
    previous_cursor: str = ""
    count: int = 0  # rows found, up to COUNT_CAP + 1

    def __iter__(self):
        return iter(self.object_list)

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_CAP


def _key_values(child: Child, keys) -> list:
    values = []
    for name, _desc in keys:
        value = getattr(child, name)
        values.append(value.isoformat() if isinstance(value, date) else value)
    return values


def encode_cursor(child: Child, sort: str) -> str:
    raw = json.dumps(_key_values(child, SORTS[sort]), separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list | None:
    """The key values a cursor carries, or None for one that is not a cursor of
    this sort (an edited or stale link: the list starts again at page 1)."""
    keys = SORTS[sort]
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    kinds = {"date_of_birth": date.fromisoformat, "id": int, "score": float}
    try:
        return [kinds.get(name, str)(value) for (name, _d), value in zip(keys, values, strict=True)]
    except (ValueError, TypeError):
        return None


class _Row(Func):
    """A row value: (a, b, c)."""

    template = "(%(expressions)s)"
    output_field = Field()


class _RowAfter(Func):
    """(a, b, c) > (x, y, z), or < with operator="<": one index range
    condition on PostgreSQL (and SQLite), where the equivalent OR of terms
    leaves the later columns to a filter."""

    arg_joiner = " > "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, left, right, *, operator: str = ">"):
        super().__init__(left, right)
        self.arg_joiner = f" {operator} "


def _beyond(keys, values, *, backwards: bool):
    """Rows strictly after values in the order of keys (before, backwards):
    k1 > v1, or k1 = v1 and k2 > v2, … (> is < for a descending key)."""
    directions = {desc for _name, desc in keys}
    if len(directions) == 1:
        op = "<" if directions.pop() != backwards else ">"
        return _RowAfter(
            _Row(*[F(name) for name, _desc in keys]),
            _Row(*[Value(value) for value in values]),
            operator=op,
        )
    q = Q()
    equal = Q()
    for (name, desc), value in zip(keys, values, strict=True):
        op = "lt" if desc != backwards else "gt"
        q |= equal & Q(**{f"{name}__{op}": value})
        equal &= Q(**{name: value})
    first, desc = keys[0]
    # The first key's range on its own gives PostgreSQL an index range to scan.
    return Q(**{f"{first}__{'lte' if desc != backwards else 'gte'}": values[0]}) & q


def child_search_page(
    user: User, search: ChildSearch, *, after: str = "", before: str = ""
) -> ChildPage:
    """A page of PAGE_SIZE children from child_search, starting after the row
    the cursor after names (or ending before the one before names): page N
    costs what page 1 does. At most three queries: the page (one more row says
    whether a next page exists), up to COUNT_CAP + 1 ids for the total (no
    COUNT over millions; not needed when the first page is the only one, or on
    the first page of a name search), and the open cases of the page's
    children only."""
    sort = search.sort_key
    keys = SORTS[sort]
    qs = qs_all = child_search(user, search)
    backwards = False
    cursor = decode_cursor(after, sort) if after else None
    if cursor is None and before:
        cursor = decode_cursor(before, sort)
        backwards = cursor is not None
    if cursor is not None:
        qs = qs.filter(_beyond(keys, cursor, backwards=backwards))
    if backwards:
        qs = qs.order_by(*_ordering(keys, reverse=True, team_scoped=_team_scoped(user, search)))
    # The first page of a name search reads its matches (at most COUNT_CAP + 1)
    # in the one query: they are few, and the trigram scan is the cost, not the rows.
    first_search_page = cursor is None and bool(search.text.strip())
    rows = list(qs[: (COUNT_CAP if first_search_page else PAGE_SIZE) + 1])
    found = len(rows)
    more = found > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
    if first_search_page or (cursor is None and not more):
        count = found  # known from the page itself: no second scan to count
    else:
        count = len(qs_all.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    page = ChildPage(object_list=rows, count=count)
    if rows:
        has_next = more if not backwards else True
        has_previous = (cursor is not None) if not backwards else more
        if has_next:
            page.next_cursor = encode_cursor(rows[-1], sort)
        if has_previous:
            page.previous_cursor = encode_cursor(rows[0], sort)
    # Counted here, not by COUNT … GROUP BY over every visible child's cases:
    # the open cases of at most PAGE_SIZE children (index case_child_status).
    open_cases = Counter(
        Case.objects.filter(child__in=[c.pk for c in rows], status=CaseStatus.OPEN)
        .order_by()
        .values_list("child_id", flat=True)
    )
    for child in rows:
        child.open_cases = open_cases[child.pk]
    return page


def case_managers_for_filter(user: User, team_id: int | None = None) -> QuerySet[User]:
    """Case managers for the filter: those of the team chosen (one the user
    can see), else those of the user's own teams. A service-wide supervisor
    sees every team, but a list of every case manager in the country is no
    filter (thousands of options, seconds to render): they choose a team first."""
    qs = access.case_managers()
    if team_id is not None and (
        access.sees_whole_service(user) or team_id in access.team_ids(user)
    ):
        qs = qs.filter(teams=team_id)
    else:
        qs = qs.filter(teams__in=access.team_ids(user))
    return qs.distinct().order_by("last_name", "first_name")


# --- Child page -----------------------------------------------------------------


def child_for_page(user: User, pk) -> Child:
    """The child with everything its page shows, in a fixed number of queries
    (404 when not visible). child.user_can_change is access.can_change(user,
    child), answered in the same query (the same write filter, as a subquery)
    so that the page's sections share it rather than ask again."""
    sessions = Session.objects.select_related("recorded_by").order_by("-starts_at")
    writable = access.visible(user, Child, write=True).filter(pk=OuterRef("pk"))
    qs = (
        Child.objects.select_related(
            "family", "family__team", "family__case_manager", "school"
        ).annotate(user_can_change=Exists(writable))
    ).prefetch_related(
        Prefetch("cases", queryset=Case.objects.prefetch_related(Prefetch("sessions", sessions))),
        Prefetch("views", queryset=ChildView.objects.select_related("recorded_by")),
        Prefetch("adult_links", queryset=AdultChild.objects.select_related("adult")),
    )
    return access.get_for_user(user, qs, pk)


def child_cases(user: User, child: Child) -> list[Case]:
    """The child's cases this user may read, for other apps' sections of the
    child page: child_for_page's prefetch when there is one (a Case is
    reached through the same family as its child, so every case of a child
    the user may read is readable), else one query."""
    if "cases" in getattr(child, "_prefetched_objects_cache", {}):
        return list(child.cases.all())
    return page_memo(
        child, f"cases:{user.pk}", lambda: list(access.visible(user, Case).filter(child=child))
    )


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


def case_closure_state(user: User, case: Case) -> dict:
    """What the case page shows of closure: the request waiting for a decision,
    the latest decision, and which of the two actions this user may take."""
    requests = list(
        case.closure_requests.select_related("requested_by", "decided_by").order_by(
            "-requested_at", "-id"
        )
    )
    pending = next((r for r in requests if r.status == ClosureRequestStatus.PENDING), None)
    decided = next((r for r in requests if r.status != ClosureRequestStatus.PENDING), None)
    is_open = case.status != CaseStatus.CLOSED
    return {
        "closure_pending": pending,
        "closure_decided": decided,
        "can_request_closure": is_open
        and pending is None
        and access.can_request_case_closure(user, case),
        "can_decide_closure": is_open
        and pending is not None
        and access.can_decide_case_closure(user, case),
    }


def closure_requests_waiting(user: User) -> QuerySet[CaseClosureRequest]:
    """Requests to close a case of the supervisor's teams, oldest first."""
    return (
        access.visible(user, CaseClosureRequest)
        .filter(status=ClosureRequestStatus.PENDING)
        .select_related("case", "case__child", "requested_by")
        .order_by("requested_at", "id")
    )


def home_panels(user: User) -> list[dict]:
    """My caseload for a case manager; families awaiting allocation and closure
    requests awaiting a decision for a supervisor."""
    if access.has_caseload(user):
        families = caseload(user)
        return [
            {
                "template": "cases/includes/caseload_panel.html",
                "families": families,
                "upcoming": upcoming_sessions(families)[:20],
            }
        ]
    if access.supervises(user):
        return [
            {
                "template": "cases/includes/unallocated_panel.html",
                "families": list(unallocated_families(user)),
            },
            {
                "template": "cases/includes/closure_requests_panel.html",
                "requests": list(closure_requests_waiting(user)),
            },
        ]
    return []
