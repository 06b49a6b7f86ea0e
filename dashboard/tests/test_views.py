"""The dashboard's pages: supervisors only, figures link to their lists, the
lists obey the same access rules, CSV downloads are safe in a spreadsheet,
and the query count does not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseKind
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
from dashboard import csv
from dashboard.forms import START_AFTER_END
from dashboard.selectors import Scope
from dashboard.tests.data import END, START, build, job_runs
from yos.models import Role

pytestmark = pytest.mark.django_db

RANGE = "start_0=1&start_1=1&start_2=2026&end_0=31&end_1=10&end_2=2026"


@pytest.fixture
def data(team, other_team, case_manager, outsider):
    north = build(team, case_manager)
    build(other_team, outsider, tag="S")
    job_runs()
    return north


def test_only_supervisors_reach_the_dashboard(client_for, personas):
    for role, user in personas.items():
        response = client_for(user).get(reverse("dashboard:show"))
        assert response.status_code == (200 if role == Role.SUPERVISOR else 404), role


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboard:show"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name,args",
    [
        ("dashboard:list-records", ["open-cases"]),
        ("dashboard:download-records", ["open-cases"]),
        ("dashboard:download-table", ["caseload"]),
        ("dashboard:show-kpi", [1]),
        ("dashboard:download-kpi", [1, "counted"]),
    ],
)
def test_other_roles_get_404_on_every_dashboard_page(client_for, case_manager, name, args):
    assert client_for(case_manager).get(reverse(name, args=args)).status_code == 404


def test_the_dashboard_shows_the_figures_with_links_to_their_lists(client_for, supervisor, data):
    response = client_for(supervisor).get(f"{reverse('dashboard:show')}?{RANGE}")
    assert response.status_code == 200
    html = response.content.decode()
    url = reverse("dashboard:list-records", args=["open-cases"])
    assert f'href="{url}?{RANGE.replace("&", "&amp;")}"' in html
    assert 'data-testid="figure-open-cases">3<' in html
    assert 'data-testid="chart-caseload"' in html and "Open cases per case manager" in html
    assert 'data-testid="victims-in-time">1<' in html


def test_a_figures_list_shows_only_the_supervisors_team(client_for, supervisor, data):
    url = reverse("dashboard:list-records", args=["cases-closed"])
    response = client_for(supervisor).get(f"{url}?{RANGE}")
    assert [row[0]["value"] for row in response.context["rows"]] == [
        data["caution"].reference,  # newest referral first (Case's ordering)
        data["yro"].reference,
    ]


def test_an_unknown_figure_is_404(client_for, supervisor):
    url = reverse("dashboard:list-records", args=["no-such-figure"])
    assert client_for(supervisor).get(url).status_code == 404
    url = reverse("dashboard:list-records", args=["open-cases-kind", "no-such-kind"])
    assert client_for(supervisor).get(url).status_code == 404


def test_a_start_after_the_end_shows_the_error_and_the_default_range(client_for, supervisor):
    query = "start_0=1&start_1=10&start_2=2026&end_0=1&end_1=1&end_2=2026"
    response = client_for(supervisor).get(f"{reverse('dashboard:show')}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors["start"] == [START_AFTER_END]
    assert START_AFTER_END in response.content.decode()
    assert response.context["scope"].end == timezone.localdate()


def test_a_team_supervisor_cannot_choose_another_team(client_for, supervisor, other_team):
    response = client_for(supervisor).get(
        f"{reverse('dashboard:show')}?{RANGE}&team={other_team.pk}"
    )
    assert response.context["form"].errors["team"] == ["Select one of your teams"]
    assert response.context["scope"].team_id is None


def _queries(client, url) -> int:
    """Queries of one request, leaving out the session's own bookkeeping (it is
    refreshed now and then, whatever the page)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(
        [
            q
            for q in ctx.captured_queries
            if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
    )


def test_the_query_count_is_the_same_on_ten_times_the_data(
    client_for, supervisor, team, case_manager, outsider, other_team
):
    client = client_for(supervisor)
    build(team, case_manager)
    build(other_team, outsider, tag="S")
    job_runs()
    urls = [
        f"{reverse('dashboard:show')}?{RANGE}",
        f"{reverse('dashboard:list-records', args=['cases-closed'])}?{RANGE}",
        f"{reverse('dashboard:show-kpi', args=[1])}?{RANGE}",
        f"{reverse('dashboard:show-kpi', args=[10])}?{RANGE}",
    ]
    small = [_queries(client, url) for url in urls]
    for n in range(9):
        build(team, case_manager, tag=f"N{n}")
    large = [_queries(client, url) for url in urls]
    assert small == large
    assert client.get(urls[0]).context["sections"][0][1][0]["count"] == 30  # ten times 3 open cases


def test_csv_neutralises_a_name_that_begins_with_a_formula(
    client_for, supervisor, team, case_manager
):
    family = FamilyFactory(team=team, case_manager=case_manager)
    child = ChildFactory(
        family=family, first_name='=HYPERLINK("http://example.invalid")', last_name="+Evil"
    )
    CaseFactory(
        child=child,
        kind=CaseKind.REFERRAL_ORDER,
        opened_on=dt.date(2026, 3, 1),
        referred_on=dt.date(2026, 3, 1),
    )
    url = reverse("dashboard:download-records", args=["open-cases"])
    response = client_for(supervisor).get(f"{url}?{RANGE}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="open-cases-20260101-20261031.csv"'
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffCase,Child,")
    assert '"\'=HYPERLINK(""http://example.invalid"") +Evil"' in body
    assert ",=" not in body and ',"=' not in body


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+44 7700", "'+44 7700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Okoro", "Okoro"),
        (-2, -2),
        (None, ""),
    ],
)
def test_each_dangerous_start_is_neutralised(value, expected):
    assert csv.neutralise(value) == expected


def test_every_dashboard_table_downloads_as_csv(client_for, supervisor, data):
    client = client_for(supervisor)
    for key in ("caseload", "open-cases-by-kind", "sessions-by-month", "job-runs", "kpis"):
        response = client.get(f"{reverse('dashboard:download-table', args=[key])}?{RANGE}")
        assert response.status_code == 200, key
        assert response.content.decode("utf-8").startswith("\ufeff"), key
    caseload = client.get(f"{reverse('dashboard:download-table', args=['caseload'])}?{RANGE}")
    assert caseload.content.decode("utf-8").splitlines()[1] == "Casey Morgan,1,2,2"


def test_the_kpi_page_lists_counted_and_not_counted_with_links_to_fix(client_for, supervisor, data):
    response = client_for(supervisor).get(f"{reverse('dashboard:show-kpi', args=[1])}?{RANGE}")
    html = response.content.decode()
    assert [c.pk for c in response.context["counted"]] == [data["yro"].pk]
    assert "No end-of-order outcome recorded" in html
    assert f'href="{data["ehcp"].get_absolute_url()}#kpi-events"' in html


def test_kpi_csv_gives_the_reason(client_for, supervisor, data):
    url = reverse("dashboard:download-kpi", args=[1, "not-counted"])
    lines = client_for(supervisor).get(f"{url}?{RANGE}").content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeffCase,Child,Kind,Closed,Case manager,Why not counted"
    assert lines[1].endswith("Casey Morgan,No end-of-order outcome recorded")


def test_kpi_10_page_never_names_a_victim(client_for, supervisor, data):
    from victims.models import Victim

    html = (
        client_for(supervisor)
        .get(f"{reverse('dashboard:show-kpi', args=[10])}?{RANGE}")
        .content.decode()
    )
    assert data["open_order"].reference in html
    for victim in Victim.objects.all():
        assert victim.name not in html
        assert victim.email not in html


def test_the_home_page_links_supervisors_to_the_dashboard(client_for, supervisor):
    html = client_for(supervisor).get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard:show")}"' in html


def test_scope_query_rebuilds_the_scope(supervisor):
    scope = Scope(supervisor, START, END)
    assert scope.query == RANGE


def test_the_dashboard_never_names_a_victim(client_for, supervisor, data):
    from victims.models import Victim

    html = client_for(supervisor).get(f"{reverse('dashboard:show')}?{RANGE}").content.decode()
    assert Victim.objects.count() == 6
    for victim in Victim.objects.all():
        assert victim.name not in html
        assert victim.address not in html


def test_a_service_wide_supervisor_may_choose_any_team(client_for, supervisor, other_team):
    supervisor.service_wide = True
    supervisor.save()
    response = client_for(supervisor).get(
        f"{reverse('dashboard:show')}?{RANGE}&team={other_team.pk}"
    )
    assert response.context["scope"].team_id == other_team.pk
    assert "South team" in response.content.decode()
