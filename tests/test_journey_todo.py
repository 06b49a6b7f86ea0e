"""Browser journey (issue 16): a supervisor approves a breach referral and the
decision appears on the referring case manager's home page until they mark it
read; the case manager then snoozes a flag from their to-do list (a date in
the past refused first). axe checks every page visited."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(_roles, request):
    from cases.models import Case
    from cases.tests.factories import CaseFactory, FamilyFactory
    from orders.tests.factories import FailureFactory, ParentingOrderFactory, ReferralFactory
    from yos import flags
    from yos.lib.audit import system_user
    from yos.models import Flag

    case_manager = request.getfixturevalue("case_manager")
    request.getfixturevalue("supervisor")
    family = FamilyFactory(name="Ashdown", team=case_manager.teams.get(), case_manager=case_manager)
    order = ParentingOrderFactory(case__child__family=family, case__child__first_name="Riley")
    failure = FailureFactory(order=order, excuse_decided_by=case_manager)
    ReferralFactory(failure=failure, requested_by=case_manager)
    case = CaseFactory(child=order.child)
    flags.flags_sync(
        kind=Flag.Kind.CASE_DUE_FOR_CLOSURE,
        model=Case,
        wanted={
            case.pk: flags.Wanted(
                due_on=timezone.localdate(), family_id=family.pk, child_id=order.child_id
            )
        },
        by=system_user(),
    )
    return {"case": case}


def _fill_date(page, day: dt.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_a_decision_reaches_the_case_manager_who_then_snoozes_a_flag(journey, live_server, page):
    from yos.models import Flag, Notice

    today = timezone.localdate()
    sign_in(page, live_server, "supervisor")
    page.get_by_role("link", name="Riley").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Breach referral")
    page.get_by_label("Approve the referral for prosecution").check()
    page.get_by_label("Reason for your decision").fill("Clear failure without excuse")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "casemanager")
    panel = page.get_by_test_id("notices")
    expect(page.get_by_role("heading", name="Decisions on your requests")).to_be_visible()
    expect(panel).to_contain_text("Sam Okafor approved your breach referral")
    expect(panel).to_contain_text("Clear failure without excuse")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Marked as read")
    expect(page.get_by_role("heading", name="Decisions on your requests")).to_have_count(0)
    assert Notice.objects.get().read_at is not None
    assert_accessible(page)

    # The to-do list: the flag with its kind, record, due date and actions.
    todo = page.get_by_test_id("todo")
    expect(todo).to_contain_text("Case due for closure")
    expect(todo).to_contain_text(str(journey["case"]))
    page.get_by_role("link", name="Snooze case due for closure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Snooze this flag")
    assert_accessible(page)
    _fill_date(page, today - dt.timedelta(days=1))
    page.get_by_label("Why are you snoozing it?").fill("Waiting for the court's letter")
    page.get_by_role("button", name="Snooze").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date to snooze until must be in the future"
    )
    expect(page.get_by_label("Why are you snoozing it?")).to_have_value(
        "Waiting for the court's letter"
    )
    assert_accessible(page)
    _fill_date(page, today + dt.timedelta(days=7))
    page.get_by_role("button", name="Snooze").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Flag snoozed")
    expect(page.get_by_test_id("flags-empty")).to_have_text("Nothing is flagged on your cases.")
    assert_accessible(page)
    flag = Flag.objects.get()
    assert flag.snoozed_until == today + dt.timedelta(days=7)
    assert flag.history.latest().history_user.username == "casemanager"
