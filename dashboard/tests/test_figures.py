"""Each figure counts the right records on a hand-made data set, and nothing
of another team (PRODUCT.md, "Dashboards")."""

import pytest

from dashboard import kpis, selectors
from dashboard.selectors import Scope
from dashboard.tests.data import END, START, build, job_runs

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(team, other_team, case_manager, outsider):
    north = build(team, case_manager)
    south = build(other_team, outsider, tag="S")
    job_runs()
    return {"north": north, "south": south}


@pytest.fixture
def scope(supervisor, data):
    return Scope(supervisor, START, END)


EXPECTED = {
    "open-cases": 3,
    "cases-closed": 2,
    "cases-due-for-closure": 1,
    "counselling-ending": 1,
    "requirements-ending": 1,
    "contract-reviews-overdue": 1,
    "contracts-unsigned": 1,
    "contracts-signing-overdue": 1,
    "contracts-completed": 1,
    "contracts-terminated": 1,
    "sessions-attended": 2,
    "sessions-missed": 1,
    "order-sessions-attended": 1,
    "order-sessions-missed": 1,
    "failures-to-comply": 1,
    "warning-letters": 1,
    "breach-referrals": 1,
    "breach-referrals-approved": 1,
}


def test_each_figure_counts_only_the_supervisors_team(scope):
    assert selectors.figure_counts(scope) == EXPECTED


def test_each_figure_list_holds_exactly_the_records_counted(scope):
    for key, count in EXPECTED.items():
        assert selectors.FIGURES[key].records(scope).count() == count, key


def test_a_service_wide_supervisor_counts_both_teams(supervisor, data):
    supervisor.service_wide = True
    supervisor.save()
    counts = selectors.figure_counts(Scope(supervisor, START, END))
    assert counts == {key: 2 * n for key, n in EXPECTED.items()}


def test_the_team_filter_narrows_a_service_wide_supervisor_to_one_team(
    supervisor, data, other_team
):
    supervisor.service_wide = True
    supervisor.save()
    counts = selectors.figure_counts(Scope(supervisor, START, END, other_team.pk))
    assert counts == EXPECTED


def test_a_team_supervisor_choosing_another_team_sees_nothing(supervisor, data, other_team):
    counts = selectors.figure_counts(Scope(supervisor, START, END, other_team.pk))
    assert set(counts.values()) == {0}


def test_a_narrower_date_range_leaves_out_earlier_events(supervisor, data):
    import datetime as dt

    counts = selectors.figure_counts(Scope(supervisor, dt.date(2026, 6, 1), END))
    assert counts["sessions-attended"] == 0  # all in March
    assert counts["cases-closed"] == 1  # the YRO on 10 June, not the caution on 1 May
    assert counts["order-sessions-attended"] == 1


def test_caseload_counts_families_children_and_open_cases_per_case_manager(scope):
    table = selectors.caseload(scope)
    assert table.rows == [["Casey Morgan", 1, 2, 2], ["Not allocated", 1, 1, 1]]
    assert table.links[0][1][0] == "caseload-families"


def test_caseload_drill_down_lists_the_same_records(scope, case_manager):
    arg = str(case_manager.pk)
    assert selectors.FIGURES["caseload-families"].records(scope, arg).count() == 1
    assert selectors.FIGURES["caseload-children"].records(scope, arg).count() == 2
    assert selectors.FIGURES["caseload-open-cases"].records(scope, arg).count() == 2
    assert selectors.FIGURES["caseload-open-cases"].records(scope, "none").count() == 1


def test_open_cases_by_kind(scope):
    table = selectors.open_cases_by_kind(scope)
    assert table.rows == [["Referral order", 1], ["Parenting support or parenting order", 2]]
    assert selectors.FIGURES["open-cases-kind"].records(scope, "parenting").count() == 2


def test_sessions_by_month_with_the_attendance_rate(scope):
    rows = {row[0]: row[1:] for row in selectors.sessions_by_month(scope).rows}
    assert len(rows) == 10  # January to October
    assert rows["March 2026"] == [2, 1, "67%"]
    assert rows["August 2026"] == [1, 1, "50%"]
    assert rows["January 2026"] == [0, 0, "–"]


def test_victim_figures_are_counts_of_the_teams_victims(scope):
    """Victims' Code (victims.rules): information about restorative justice
    within 5 working days of receiving the details (2 March → 9 March)."""
    assert selectors.victim_figures(scope) == {
        "received": 2,
        "offered_rj": 2,
        "in_time": 1,
        "late": 1,
        "updates": 1,
    }


def test_job_health_shows_the_runs_in_the_range(scope):
    jobs = selectors.job_health(scope)
    assert [r.status for r in jobs["runs"]] == ["succeeded", "failed"]
    assert jobs["latest"].status == "succeeded"


def test_kpis_one_to_five_count_the_orders_that_ended(scope):
    counts = kpis.kpi_counts(scope)
    headline = {n: (m[0]["numerator"], m[0]["denominator"]) for n, m in counts.items()}
    assert headline == {1: (1, 2), 2: (1, 2), 3: (1, 2), 4: (1, 2), 5: (0, 0)}
    assert [(m["numerator"], m["denominator"]) for m in counts[4]] == [
        (1, 2),
        (1, 2),
        (2, 2),
        (2, 2),
    ]
    assert [(m["numerator"], m["denominator"]) for m in counts[5]] == [
        (0, 0),
        (0, 0),
        (0, 2),
        (0, 0),
    ]


def test_kpi_2_counts_the_latest_outcome_recorded(scope, data):
    """The YRO's first record said ETE was not suitable; the later one says it was."""
    assert list(kpis.counted(scope, 2)) == [data["north"]["yro"]]


def test_kpi_lists_say_why_a_child_was_not_counted(scope, data):
    north = data["north"]
    assert [(c, c.reason) for c in kpis.not_counted(scope, 1)] == [
        (north["caution"], "No end-of-order outcome recorded")
    ]
    assert [(c, c.reason) for c in kpis.not_counted(scope, 3)] == [
        (north["yro"], "SEN support only: no education, health and care plan")
    ]
    assert [(c, c.reason) for c in kpis.not_counted(scope, 4)] == [
        (north["caution"], "Need identified but no support offered")
    ]
    assert {c.reason for c in kpis.not_counted(scope, 5)} == {"No screening recorded"}
    assert list(kpis.counted(scope, 3)) == [north["caution"]]


def test_kpi_10_counts_victims_who_consented_and_took_part(scope, data):
    assert kpis.kpi10_counts(scope)[0]["numerator"] == 1
    assert kpis.kpi10_counts(scope)[0]["denominator"] == 2
    lines = list(kpis.kpi10_case_lines(scope, engaged=False))
    assert [line["case_id"] for line in lines] == [data["north"]["open_order"].pk]
    assert set(lines[0]) == {
        "case_id",
        "case__reference",
        "case__child__first_name",
        "case__child__last_name",
    }
