"""Browser journey: a case manager records a family, opens a case, records a
missed session and finds it on the child's timeline and History tab."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from yos.lib.dates import born_years_before

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def add_adult(page, first: str, relationship: str, *, resident: bool) -> None:
    page.get_by_role("link", name="Add a parent or carer").click()
    assert_accessible(page)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill("Quarrie")
    page.get_by_label("Child", exact=True).select_option(label="Nico Quarrie")
    page.get_by_label("Relationship to the child").select_option(label=relationship)
    page.get_by_role("group", name="Has parental responsibility for the child").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Lives with the child").get_by_label(
        "Yes" if resident else "No"
    ).check()
    page.get_by_role("button", name="Add adult").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarrie family")


def test_case_manager_records_a_family_case_and_missed_session(_roles, live_server, page, request):
    request.getfixturevalue("case_manager")
    today = timezone.localdate()
    sign_in(page, live_server, "casemanager")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    assert_accessible(page)

    # A family with a child
    page.get_by_role("link", name="Add a family").click()
    page.get_by_role("button", name="Add family").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the family name")
    assert_accessible(page)
    page.get_by_label("Family name").fill("Quarrie")
    page.get_by_role("button", name="Add family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarrie family")
    assert_accessible(page)

    page.get_by_role("link", name="Add a child").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Nico")
    page.get_by_label("Last name").fill("Quarrie")
    fill_date(page, "Date of birth", born_years_before(today, 14))
    page.get_by_role("group", name="Gender").get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Add child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nico Quarrie")
    assert_accessible(page)

    # Two adults, one of whom does not live with Nico
    page.get_by_role("link", name="Quarrie family").first.click()
    add_adult(page, "Rhian", "Mother", resident=True)
    add_adult(page, "Owen", "Father", resident=False)
    expect(page.get_by_text("non-resident")).to_have_count(1)
    assert_accessible(page)

    # A case
    page.get_by_role("link", name="Nico Quarrie").first.click()
    page.get_by_role("link", name="Open a case").click()
    assert_accessible(page)
    page.get_by_label("Kind of work").select_option(label="Referral order")
    fill_date(page, "Date referred", today - dt.timedelta(days=30))
    fill_date(page, "Date opened (optional)", today - dt.timedelta(days=28))
    fill_date(page, "Date of the offence", today - dt.timedelta(days=60))
    page.get_by_label("Offence (optional").fill("Theft from a shop")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral order")
    assert_accessible(page)

    # A session Nico missed without an excuse
    page.get_by_role("link", name="Record a session").click()
    assert_accessible(page)
    page.get_by_role("group", name="Kind of session").get_by_label("One-to-one").check()
    fill_date(page, "Date of the session", today - dt.timedelta(days=2))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_role("group", name="Attendance").get_by_label("Unexcused absence").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("table").last).to_contain_text("Unexcused absence")
    assert_accessible(page)

    # The child's timeline and History tab
    page.get_by_role("link", name="Nico Quarrie").click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("One-to-one session")
    expect(timeline).to_contain_text("Unexcused absence")
    assert_accessible(page)
    page.get_by_role("link", name="History").click()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Created: Session")
    expect(history).to_contain_text("Unexcused absence")
    expect(history).to_contain_text("By Casey Morgan")
    assert_accessible(page)
