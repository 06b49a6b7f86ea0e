"""Browser journey: the case manager records a parenting order made today with two
requirements and a missed session (a failure to comply waiting for the parent's
explanation, issue 17), records the parent's explanation and that it is not
accepted as a reasonable excuse, asks for a breach referral, and the supervisor
approves it. axe checks every page visited."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey_family(_roles, request):
    from cases.models import CaseKind
    from cases.tests.factories import AdultChildFactory, CaseFactory, FamilyFactory
    from orders.tests.factories import ParentingCaseFactory

    case_manager = request.getfixturevalue("case_manager")
    request.getfixturevalue("supervisor")
    family = FamilyFactory(name="Ashdown", team=case_manager.teams.get(), case_manager=case_manager)
    link = AdultChildFactory(
        adult__family=family, adult__first_name="Morgan", child__first_name="Riley"
    )
    today = timezone.localdate()
    youth_order = CaseFactory(
        child=link.child,
        kind=CaseKind.REFERRAL_ORDER,
        referred_on=today - dt.timedelta(days=30),
        opened_on=today - dt.timedelta(days=20),
        offence_date=today - dt.timedelta(days=60),
    )
    parenting = ParentingCaseFactory(
        child=link.child, referred_on=today - dt.timedelta(days=7), opened_on=today
    )
    return {"parent": link.adult, "youth_order": youth_order, "parenting": parenting}


def _fill_date(page, day: dt.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_an_order_with_two_requirements_a_missed_session_and_an_approved_breach(
    journey_family, live_server, page
):
    from orders.models import BreachReferral, ReferralStatus

    today = timezone.localdate()
    school_end = today + relativedelta(months=6)
    comply_end = today + relativedelta(months=12)

    sign_in(page, live_server, "casemanager")
    page.get_by_role("link", name="Parenting orders", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parenting orders")
    assert_accessible(page)

    page.get_by_role("link", name="record a parenting order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a parenting order")
    assert_accessible(page)
    page.get_by_role("button", name="Save order").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the court that made the order"
    )
    assert_accessible(page)
    page.get_by_label(str(journey_family["parent"])).check()
    page.get_by_label("Court", exact=True).fill("Demo Town Youth Court")
    _fill_date(page, today)
    page.get_by_label("Sentencing Act 2020, section 366 (child convicted)").check()
    page.get_by_role("button", name="Save order").click()

    counselling_end = today + relativedelta(months=3)
    days_left = (counselling_end - today).days
    expect(page.get_by_test_id("clock")).to_contain_text(
        f"Counselling enforceable until {counselling_end.day} {counselling_end:%B %Y} ({days_left} days left)"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Add a requirement").click()
    page.get_by_role("radio", name="Ensure the child attends school as required").check()
    _fill_date(page, school_end)
    assert_accessible(page)
    page.get_by_role("button", name="Save requirement").click()

    page.get_by_role("link", name="Add a requirement").click()
    page.get_by_role("radio", name="Ensure the child complies with their order").check()
    page.get_by_role("combobox", name="The child's order").select_option(
        label=str(journey_family["youth_order"])
    )
    _fill_date(page, comply_end)
    page.get_by_role("button", name="Save requirement").click()
    clock = page.get_by_test_id("clock")
    expect(clock).to_contain_text(f"Runs until {school_end.day} {school_end:%B %Y}")
    expect(clock).to_contain_text(f"Case open until {comply_end.day} {comply_end:%B %Y}")

    page.get_by_role("link", name="Record a session").click()
    _fill_date(page, today)
    page.get_by_role("radio", name="Missed: the parent has not explained yet").check()
    page.get_by_label("Parent or carer who missed the session (if missed)").select_option(
        label=str(journey_family["parent"])
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Session recorded, and a failure to comply recorded: ask the parent for a reason"
    )
    expect(page.get_by_test_id("waiting-for-explanation")).to_contain_text(
        "Not asked yet: ask the parent for a reason"
    )
    # Nothing is decided yet: no referral until the parent's explanation is recorded.
    expect(page.get_by_role("link", name="Refer for prosecution")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Record asking the parent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the parent for a reason")
    assert_accessible(page)
    page.get_by_role("radio", name="The parent gave an explanation").check()
    page.get_by_role("button", name="Save", exact=True).click()  # no date, words or decision
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the parent told you")
    assert_accessible(page)
    _fill_date(page, today)
    page.get_by_label("What the parent told you (if they gave an explanation)").fill(
        "Said they forgot"
    )
    page.get_by_role("radio", name="Not accepted: no reasonable excuse").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Explanation step recorded")
    failures = page.get_by_role("region", name="Failures to comply, newest first")
    expect(failures).to_contain_text(
        f"Explanation given on {today.day} {today:%B %Y}: Said they forgot"
    )
    expect(failures).to_contain_text("Not accepted: no reasonable excuse")
    expect(page.get_by_test_id("waiting-for-explanation")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Refer for prosecution").click()
    page.get_by_label("Why should this failure be referred for prosecution?").fill(
        "No contact since the missed session"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Ask a supervisor to approve the referral").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Awaiting a supervisor's decision")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "supervisor")
    expect(page.get_by_role("heading", name="Breach referrals awaiting approval")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Riley").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Breach referral")
    assert_accessible(page)
    page.get_by_label("Approve the referral for prosecution").check()
    page.get_by_label("Reason for your decision").fill("Clear failure without excuse")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    assert_accessible(page)

    referral = BreachReferral.objects.get()
    failure = referral.failure
    assert (failure.explanation_status, failure.excuse) == ("given", "not_accepted")
    assert failure.excuse_decided_by.username == "casemanager"
    assert referral.status == ReferralStatus.APPROVED
    assert referral.decided_by.username == "supervisor"
    assert referral.requested_by.username == "casemanager"
