"""Browser journey: a supervisor opens the dashboard from the home page,
changes the date range, follows a figure to the records behind it; axe finds
no violations on any page visited. Saves the screenshot in docs/img."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The screenshot in the docs is refreshed only on request (SAVE_SCREENSHOTS=1),
# so that a test run does not change tracked files.
DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "img" / "dashboard.png"


def _fill_date(page, name: str, day: str, month: str, year: str) -> None:
    page.locator(f"input[name={name}_0]").fill(day)
    page.locator(f"input[name={name}_1]").fill(month)
    page.locator(f"input[name={name}_2]").fill(year)


def test_supervisor_changes_the_range_and_follows_a_figure(
    _roles, live_server, page, request, tmp_path
):
    from dashboard.tests.data import build, job_runs

    team = request.getfixturevalue("team")
    case_manager = request.getfixturevalue("case_manager")
    request.getfixturevalue("supervisor")
    build(team, case_manager)
    build(request.getfixturevalue("other_team"), request.getfixturevalue("outsider"), tag="S")
    job_runs()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "supervisor")
    page.get_by_test_id("dashboard-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert_accessible(page)

    _fill_date(page, "start", "1", "1", "2026")
    _fill_date(page, "end", "31", "10", "2026")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_test_id("dashboard-filter")).to_contain_text(
        "Showing 1 January 2026 to 31 October 2026"
    )
    expect(page.get_by_test_id("figure-open-cases")).to_contain_text("3")
    expect(page.get_by_test_id("kpi-1")).to_contain_text("50%")
    assert_accessible(page)
    shot = DOCS_SCREENSHOT if os.environ.get("SAVE_SCREENSHOTS") else tmp_path / "dashboard.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    page.get_by_test_id("figure-cases-closed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases closed")
    expect(page.get_by_test_id("records").locator("tbody tr")).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("link", name="Back to the dashboard").click()
    page.get_by_role("link", name="KPI 1: Suitable accommodation").click()
    expect(page.get_by_test_id("not-counted")).to_contain_text("No end-of-order outcome recorded")
    assert_accessible(page)
