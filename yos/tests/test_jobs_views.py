"""The job-run page, the letters list and the flag panels: who sees what."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import AdultFactory, CaseFactory, FamilyFactory
from yos import flags, jobs, tasks
from yos.job_views import DATE_IN_FUTURE, DATE_REQUIRED, RUN_QUEUED
from yos.letters import letter_issue
from yos.lib.audit import system_user
from yos.models import Flag, JobRun, Letter


@pytest.fixture
def runs(db):
    JobRun.objects.create(
        job="nightly",
        run_date=dt.date(2026, 11, 24),
        status=JobRun.Status.FAILED,
        counts={"orders.warning_letters": {"failed": 1}},
        errors="orders.warning_letters: OperationalError: database is locked",
    )
    JobRun.objects.create(
        job="nightly",
        run_date=dt.date(2026, 11, 25),
        status=JobRun.Status.SUCCEEDED,
        counts={"orders.counselling_flags": {"raised": 3}},
    )


def test_supervisors_see_the_last_runs_with_a_failed_one_in_red(client_for, supervisor, runs):
    response = client_for(supervisor).get(reverse("job-runs"))
    assert response.status_code == 200
    html = response.content.decode()
    # red: the colour yos.tags gives a failed run
    assert (
        '<strong class="govuk-tag govuk-tag--red app-tag" data-testid="job-status">Failed</strong>'
        in html
    )
    assert "database is locked" in html
    assert "Parenting orders: counselling flags. Raised 3 flags." in html


def test_the_supervisor_home_shows_the_job_runs(client_for, supervisor, runs):
    html = client_for(supervisor).get(reverse("home")).content.decode()
    assert "Nightly jobs" in html
    assert "govuk-tag--red" in html


def test_what_a_run_did_reads_as_sentences():
    assert jobs.what_it_did(
        {
            "orders.counselling_flags": {
                "ending": {"raised": 1, "resolved": 0, "updated": 0, "open": 2},
                "ended": {"raised": 0, "resolved": 1, "updated": 0, "open": 0},
            },
            "contracts.warning_letters": {"issued": 1, "existing": 4},
            "yos.retention_flags": {"raised": 2, "resolved": 0, "updated": 1, "open": 7},
            "orders.warning_letters": {"failed": 1},
            "victims.first_contact_flags": {},
        }
    ) == [
        (
            "Parenting orders: counselling flags",
            "Ended: raised 0 flags, resolved 1, updated 0, 0 open; "
            "ending: raised 1 flag, resolved 0, updated 0, 2 open",
        ),
        ("Parenting contracts: warning letters", "Issued 1 letter, 4 issued before"),
        ("Cases: retention flags", "Raised 2 flags, resolved 0, updated 1, 7 open"),
        ("Parenting orders: warning letters", "Failed"),
        ("Victims: first contact flags", "Nothing to do"),
    ]


def test_the_job_runs_page_and_the_supervisor_home_show_no_python_dictionaries(
    client_for, supervisor, allocated_family
):
    """A real run's counts (flag steps nest a dict per kind of flag)."""
    from yos.jobs import run_nightly_jobs

    run = run_nightly_jobs(dt.date(2026, 11, 25))
    assert any(isinstance(v, dict) for c in run.counts.values() for v in c.values())
    client = client_for(supervisor)
    for url in (reverse("job-runs"), reverse("home")):
        html = client.get(url).content.decode()
        assert "Parenting orders: counselling flags. Ended: raised" in html, url
        assert "{'" not in html and "{&#x27;" not in html, url


@pytest.mark.parametrize("role", ["case_manager", "school_staff", "victim_worker"])
def test_other_roles_cannot_see_job_runs(client_for, request, role, runs):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("job-runs")).status_code == 404


def test_the_job_run_page_costs_the_same_for_5_and_50_runs(client_for, supervisor):
    client = client_for(supervisor)
    client.get(reverse("job-runs"))  # warm up: the session's first-request queries
    counts = []
    for total in (5, 50):
        JobRun.objects.all().delete()
        for _ in range(total):
            JobRun.objects.create(job="nightly", run_date=dt.date(2026, 1, 1), status="succeeded")
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("job-runs"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_supervisor_reruns_a_date_through_the_broker_after_commit(
    client_for, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks, "send_safely", lambda task, *args: sent.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor).post(
            reverse("job-runs"), {"run_date_0": "24", "run_date_1": "11", "run_date_2": "2026"}
        )
    assert response.status_code == 302
    assert sent == [("yos.tasks.run_nightly_jobs", ("2026-11-24",))]
    page = client_for(supervisor).get(reverse("job-runs")).content.decode()
    assert RUN_QUEUED.format(day="24 November 2026") in page


def test_a_rerun_for_a_future_date_is_refused(client_for, supervisor, monkeypatch):
    monkeypatch.setattr(tasks, "send_safely", lambda *a: pytest.fail("must not send"))
    response = client_for(supervisor).post(
        reverse("job-runs"), {"run_date_0": "1", "run_date_1": "1", "run_date_2": "2099"}
    )
    assert response.status_code == 200
    assert DATE_IN_FUTURE in response.content.decode()


def test_a_rerun_without_a_date_says_what_to_enter(client_for, supervisor):
    response = client_for(supervisor).post(reverse("job-runs"), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert DATE_REQUIRED in html
    assert "This field is required" not in html


def test_a_rerun_still_succeeds_when_the_broker_is_down(
    client_for, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_nightly_jobs, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor).post(
            reverse("job-runs"), {"run_date_0": "24", "run_date_1": "11", "run_date_2": "2026"}
        )
    assert response.status_code == 302


# --- Letters list and flag panels ----------------------------------------------------


@pytest.fixture
def allocated_family(case_manager, team):
    return FamilyFactory(team=team, case_manager=case_manager, name="Ashdown")


def make_letter(family, n=0):
    parent = AdultFactory(
        family=family, first_name=f"Dana{n}", preferred_language="Polish", interpreter_needed=True
    )
    letter, _ = letter_issue(
        kind=Letter.Kind.ORDER_WARNING,
        dedupe_key=f"test:{family.pk}:{n}",
        recipient=parent,
        address=["1 Example Street", "Demo Town", "DT1 1ES"],
        subject=family,
        reason="Did not attend counselling or guidance on 20 June 2026",
        template="letters/base.html",
        context={"letter_date": dt.date(2026, 11, 25)},
        by=system_user(),
        family=family,
    )
    return letter


def test_the_letters_list_shows_language_and_interpreter_need(
    client_for, case_manager, allocated_family
):
    make_letter(allocated_family)
    html = client_for(case_manager).get(reverse("letters")).content.decode()
    assert "Dana0 Ashdown" in html
    assert "Polish" in html
    assert "Interpreter needed" in html
    assert "Not sent yet" in html


def test_another_teams_letters_are_not_listed(client_for, outsider, allocated_family):
    make_letter(allocated_family)
    html = client_for(outsider).get(reverse("letters")).content.decode()
    assert "Dana0" not in html
    assert "No letters." in html


def test_the_letters_list_costs_the_same_for_5_and_50_letters(
    client_for, case_manager, allocated_family, monkeypatch
):
    monkeypatch.setattr("yos.letters._render", lambda spec: b"%PDF-1.7 test")
    client = client_for(case_manager)
    client.get(reverse("letters"))  # warm up: the session's first-request queries
    counts = []
    for total in (5, 50):
        while Letter.objects.count() < total:
            make_letter(allocated_family, Letter.objects.count())
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("letters"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def raise_flag(case, kind=Flag.Kind.CASE_DUE_FOR_CLOSURE, school=None):
    return flags.flags_sync(
        kind=kind,
        model=Case,
        wanted={
            case.pk: flags.Wanted(
                due_on=dt.date(2026, 11, 30),
                family_id=case.child.family_id,
                child_id=case.child_id,
                school_id=school.pk if school else None,
            )
        },
        by=system_user(),
    )


def test_the_case_manager_home_lists_flags_on_their_families(
    client_for, case_manager, colleague, allocated_family
):
    raise_flag(CaseFactory(child__family=allocated_family))
    mine = client_for(case_manager).get(reverse("home")).content.decode()
    assert "Case due for closure" in mine and "30 November 2026" in mine
    # A colleague in the same team sees it on the family page, not on their home.
    theirs = client_for(colleague).get(reverse("home")).content.decode()
    assert "Case due for closure" not in theirs


def test_school_staff_see_their_own_schools_contract_flags_only(
    client_for, school_staff, other_school_staff, school
):
    case = CaseFactory()
    flags.flags_sync(
        kind=Flag.Kind.CONTRACT_UNSIGNED,
        model=Case,
        wanted={
            case.pk: flags.Wanted(
                due_on=dt.date(2026, 11, 30), family_id=case.child.family_id, school_id=school.pk
            )
        },
        by=system_user(),
    )
    assert "Contract not signed in time" in client_for(school_staff).get("/").content.decode()
    other = client_for(other_school_staff).get("/").content.decode()
    assert "Contract not signed in time" not in other


def test_family_and_child_panels_show_open_flags_and_letters(case_manager, allocated_family):
    case = CaseFactory(child__family=allocated_family)
    raise_flag(case)
    make_letter(allocated_family)
    family_panels = flags.family_panels(case_manager, allocated_family)
    assert [flag.kind for flag, _url in family_panels[0]["rows"]] == ["case_due_for_closure"]
    assert [letter.recipient.first_name for letter in family_panels[1]["letters"]] == ["Dana0"]
    child_panels = flags.child_panels(case_manager, case.child)
    assert child_panels[0]["rows"][0][1] == case.get_absolute_url()


def test_flag_panels_cost_the_same_for_5_and_50_flags(case_manager, allocated_family):
    flags.home_panels(case_manager)  # warm up: the user's role and teams are cached
    counts = []
    for total in (5, 50):
        cases = [CaseFactory(child__family=allocated_family) for _ in range(total)]
        Flag.objects.all().delete()
        flags.flags_sync(
            kind=Flag.Kind.CASE_DUE_FOR_CLOSURE,
            model=Case,
            wanted={
                c.pk: flags.Wanted(due_on=dt.date(2026, 11, 30), family_id=allocated_family.pk)
                for c in cases
            },
            by=system_user(),
        )
        with CaptureQueriesContext(connection) as queries:
            flags.home_panels(case_manager)
        counts.append(len(queries))
    assert counts[0] == counts[1]
