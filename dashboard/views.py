"""The supervisors' dashboard, the lists behind its figures, its CSV downloads,
and the pages where case managers record the events the YJB KPIs need."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.models import Case, CaseKind
from dashboard import charts, csv, kpis, selectors
from dashboard.forms import (
    FilterForm,
    NeedsScreeningForm,
    OrderEndOutcomeForm,
    default_range,
)
from dashboard.selectors import FIGURES, Scope, Table
from dashboard.services import needs_screening_record, order_end_outcome_record
from yos import access
from yos.lib.audit import log_read
from yos.lib.ids import parse_id
from yos.models import Role, User

FILTER_KEYS = ("start_0", "start_1", "start_2", "end_0", "end_1", "end_2", "team")
PAGE_SIZE = 100
OUTCOME_SAVED = "End-of-order outcomes saved"
SCREENING_SAVED = "Needs screening saved"


def _scope(request: HttpRequest) -> tuple[Scope, FilterForm]:
    """The scope asked for in the query string; the default (last 12 months,
    all the supervisor's teams) when none was given or it had errors."""
    teams = list(selectors.teams_for(request.user))
    start, end = default_range()
    if any(key in request.GET for key in FILTER_KEYS):
        form = FilterForm(request.GET, teams=teams)
        if form.is_valid():
            data = form.cleaned_data
            return Scope(request.user, data["start"], data["end"], data["team"]), form
        return Scope(request.user, start, end), form
    initial = {"start": start, "end": end, "team": ""}
    return Scope(request.user, start, end), FilterForm(initial=initial, teams=teams)


def _with_urls(table: Table, scope: Scope) -> list[list[dict]]:
    rows = []
    for cells, links in zip(table.rows, table.links, strict=True):
        row = []
        for header, value, link in zip(table.headers, cells, links, strict=True):
            url = ""
            if link:
                url = f"{reverse('dashboard:list-records', args=link)}?{scope.query}"
            row.append({"value": value, "url": url, "header": header})
        rows.append(row)
    return rows


def _figure_url(key: str, scope: Scope) -> str:
    return f"{reverse('dashboard:list-records', args=[key])}?{scope.query}"


@access.policy(Role.SUPERVISOR)
def show(request: HttpRequest) -> HttpResponse:
    """Every figure for the scope, each linking to the records behind it."""
    scope, form = _scope(request)
    counts = selectors.figure_counts(scope)
    sections = [
        (
            heading,
            [
                {
                    "figure": FIGURES[key],
                    "count": counts[key],
                    "url": _figure_url(key, scope),
                }
                for key in keys
            ],
        )
        for heading, keys in selectors.SECTIONS
    ]
    caseload = selectors.caseload(scope)
    kinds = selectors.open_cases_by_kind(scope)
    sessions = selectors.sessions_by_month(scope)
    jobs = selectors.job_health(scope)
    kpi_counts = kpis.kpi_counts(scope)
    context = {
        "form": form,
        "scope": scope,
        "sections": sections,
        "tables": {
            t.key.replace("-", "_"): {"table": t, "rows": _with_urls(t, scope)}
            for t in (caseload, kinds, sessions)
        },
        "caseload_chart": charts.bar_chart(
            "chart-caseload",
            "Open cases per case manager",
            [(row[0], row[3]) for row in caseload.rows],
        ),
        "kinds_chart": charts.bar_chart("chart-kinds", "Open cases by kind", kinds.rows),
        "sessions_chart": charts.monthly_chart(
            "chart-sessions",
            "Sessions attended and missed by month",
            [(row[0], row[1], row[2]) for row in sessions.rows],
            ("Attended", "Missed"),
        ),
        "victims": selectors.victim_figures(scope),
        "kpis": [{"kpi": kpi, "measures": kpi_counts[number]} for number, kpi in kpis.KPIS.items()],
        "kpi10": kpis.kpi10_counts(scope),
        "kpi10_title": kpis.KPI_10_TITLE,
        "jobs": jobs,
        "team_name": _team_name(scope),
    }
    return render(request, "dashboard/dashboard.html", context)


def _team_name(scope: Scope) -> str:
    if scope.team_id:
        team = selectors.teams_for(scope.user).filter(pk=scope.team_id).first()
        return team.name if team else ""
    return "the whole service" if access.sees_whole_service(scope.user) else "all your teams"


def _figure(key: str, arg: str | None):
    figure = FIGURES.get(key)
    if figure is None or figure.grouped != (arg is not None):
        raise Http404(access.NOT_FOUND)
    if key == "open-cases-kind" and arg not in CaseKind.values:
        raise Http404(access.NOT_FOUND)
    if key.startswith("caseload-") and arg != "none" and parse_id(arg) is None:
        raise Http404(access.NOT_FOUND)  # the argument is a case manager's id
    return figure


def _title(figure, arg: str | None, scope: Scope) -> str:
    """The figure, and for a grouped one the group: two lists never share a
    title (a case manager named only if in one of the supervisor's teams)."""
    if figure.key == "open-cases-kind":
        return f"Open cases: {CaseKind(arg).label}"
    if figure.key.startswith("caseload-"):
        manager = (
            User.objects.filter(pk=parse_id(arg), teams__in=scope.user.teams.all()).first()
            if arg != "none"
            else None
        )
        return f"{figure.label}: {manager.get_full_name() if manager else 'not allocated'}"
    return figure.label


@access.policy(Role.SUPERVISOR)
def list_records(request: HttpRequest, key: str, arg: str | None = None) -> HttpResponse:
    """The records behind a figure (from access.visible, like the figure)."""
    scope, form = _scope(request)
    figure = _figure(key, arg)
    records = list(figure.records(scope, arg)[: PAGE_SIZE + 1])
    rows = []
    for obj in records[:PAGE_SIZE]:
        values = [col.value(obj) for col in figure.columns]
        # A link names its row (WCAG 2.4.4): "Awaiting" or "Parenting contract
        # warning letter" alone would name several records alike.
        rows.append(
            [
                {
                    "value": value,
                    "url": obj.get_absolute_url() if col.link else "",
                    "context": ", ".join(str(v) for v in values if v not in ("", None, value)),
                }
                for col, value in zip(figure.columns, values, strict=True)
            ]
        )
    download = reverse("dashboard:download-records", args=[key, arg] if arg else [key])
    context = {
        "title": _title(figure, arg, scope),
        "figure": figure,
        "headers": [c.header for c in figure.columns],
        "rows": rows,
        "more": len(records) > PAGE_SIZE,
        "page_size": PAGE_SIZE,
        "scope": scope,
        "form": form,
        "download_url": f"{download}?{scope.query}",
        "back_url": f"{reverse('dashboard:show')}?{scope.query}",
    }
    return render(request, "dashboard/records.html", context)


@access.policy(Role.SUPERVISOR)
def download_records(request: HttpRequest, key: str, arg: str | None = None) -> HttpResponse:
    scope, _form = _scope(request)
    figure = _figure(key, arg)
    rows = ([col.value(obj) for col in figure.columns] for obj in figure.records(scope, arg))
    name = f"{key}-{arg}" if arg and parse_id(arg) is None else key
    return csv.response(
        f"{name}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.csv",
        [c.header for c in figure.columns],
        rows,
    )


TABLES = {
    "caseload": selectors.caseload,
    "open-cases-by-kind": selectors.open_cases_by_kind,
    "sessions-by-month": selectors.sessions_by_month,
}


@access.policy(Role.SUPERVISOR)
def download_table(request: HttpRequest, key: str) -> HttpResponse:
    scope, _form = _scope(request)
    if key == "job-runs":
        table = selectors.job_table(selectors.job_health(scope)["runs"])
    elif key == "kpis":
        table = _kpi_table(scope)
    elif key in TABLES:
        table = TABLES[key](scope)
    else:
        raise Http404(access.NOT_FOUND)
    return csv.response(
        f"{key}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.csv", table.headers, table.rows
    )


def _kpi_table(scope: Scope) -> Table:
    table = Table(
        "kpis",
        "YJB key performance indicators",
        ["KPI", "Measure", "Numerator", "Denominator", "Rate"],
    )
    counts = kpis.kpi_counts(scope)
    for number, kpi in kpis.KPIS.items():
        for m in counts[number]:
            table.rows.append(
                [
                    f"KPI {number}: {kpi.title}",
                    m["label"],
                    m["numerator"],
                    m["denominator"],
                    m["rate"],
                ]
            )
    for m in kpis.kpi10_counts(scope):
        table.rows.append(
            [
                f"KPI 10: {kpis.KPI_10_TITLE}",
                m["label"],
                m["numerator"],
                m["denominator"],
                m["rate"],
            ]
        )
    return table


KPI_COLUMNS = ["Case", "Child", "Kind", "Closed", "Case manager"]


def _case_row(case: Case) -> list:
    return [
        case.reference,
        case.child.full_name,
        case.get_kind_display(),
        f"{case.closed_on:%Y-%m-%d}",
        str(case.child.family.case_manager or "Not allocated"),
    ]


@access.policy(Role.SUPERVISOR)
def show_kpi(request: HttpRequest, number: int) -> HttpResponse:
    """A KPI's measures, the children counted and why the others were not."""
    scope, form = _scope(request)
    context = {"scope": scope, "form": form, "number": number}
    if number == 10:
        context.update(
            title=kpis.KPI_10_TITLE,
            description="Victims who took part in restorative justice, of the victims who "
            "consented in the date range. Victims are not named: each line is the child's "
            "case the victim is linked to.",
            measures=kpis.kpi10_counts(scope),
            victim_lines_counted=list(kpis.kpi10_case_lines(scope, engaged=True)),
            victim_lines_not=list(kpis.kpi10_case_lines(scope, engaged=False)),
        )
    elif number in kpis.KPIS:
        kpi = kpis.KPIS[number]
        context.update(
            title=kpi.title,
            description=kpi.description,
            kpi=kpi,
            measures=kpis.kpi_counts(scope)[number],
            counted=list(kpis.counted(scope, number)),
            not_counted=list(kpis.not_counted(scope, number)),
            fixes={r.text: r.fix for r in kpi.reasons},
        )
    else:
        raise Http404(access.NOT_FOUND)
    context["back_url"] = f"{reverse('dashboard:show')}?{scope.query}"
    context["download_counted"] = (
        f"{reverse('dashboard:download-kpi', args=[number, 'counted'])}?{scope.query}"
    )
    context["download_not"] = (
        f"{reverse('dashboard:download-kpi', args=[number, 'not-counted'])}?{scope.query}"
    )
    return render(request, "dashboard/kpi.html", context)


@access.policy(Role.SUPERVISOR)
def download_kpi(request: HttpRequest, number: int, which: str) -> HttpResponse:
    scope, _form = _scope(request)
    if which not in ("counted", "not-counted"):
        raise Http404(access.NOT_FOUND)
    name = f"kpi-{number}-{which}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.csv"
    if number == 10:
        lines = kpis.kpi10_case_lines(scope, engaged=which == "counted")
        rows = (
            [
                line["case__reference"],
                f"{line['case__child__first_name']} {line['case__child__last_name']}",
            ]
            for line in lines
        )
        return csv.response(name, ["Case", "Child"], rows)
    if number not in kpis.KPIS:
        raise Http404(access.NOT_FOUND)
    if which == "counted":
        return csv.response(name, KPI_COLUMNS, (_case_row(c) for c in kpis.counted(scope, number)))
    return csv.response(
        name,
        [*KPI_COLUMNS, "Why not counted"],
        ([*_case_row(c), c.reason] for c in kpis.not_counted(scope, number)),
    )


# --- Recording the KPI events (the allocated case manager) ---------------------------


def _record(request, pk: int, form_class, service, message: str, title: str) -> HttpResponse:
    case = access.get_for_user(request.user, Case.objects.select_related("child"), pk, write=True)
    log_read(request, case)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service(case=case, by=request.user, **form.cleaned_data)
        messages.success(request, message)
        return redirect(case.child.get_absolute_url() + "#kpi-events")
    context = {
        "form": form,
        "case": case,
        "title": title,
        "back_url": case.child.get_absolute_url(),
    }
    return render(request, "dashboard/record_form.html", context)


@access.policy(Role.CASE_MANAGER)
def record_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        pk,
        OrderEndOutcomeForm,
        order_end_outcome_record,
        OUTCOME_SAVED,
        "Record end-of-order outcomes",
    )


@access.policy(Role.CASE_MANAGER)
def record_screening(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        pk,
        NeedsScreeningForm,
        needs_screening_record,
        SCREENING_SAVED,
        "Record needs screening",
    )
