"""Browser journey (issue 17, "Who may end a contract"): the allocated case
manager asks a supervisor to end a contract with the local authority, the
supervisor approves it with a reason, and the case manager reads the decision
on the contract's page. School staff at the pupil's school see no way to end
it. Axe checks every page visited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.test_journey_contracts import _reference_data, fill_date  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_manager_requests_and_a_supervisor_ends_an_la_contract(
    _reference_data,  # noqa: F811
    live_server,
    page,
    request,
):
    from contracts.models import ParentingContract
    from contracts.tests import factories as cf

    school = request.getfixturevalue("school")
    team = request.getfixturevalue("team")
    case_manager = request.getfixturevalue("case_manager")
    request.getfixturevalue("supervisor")
    request.getfixturevalue("school_staff")
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.finalised(
        pupil, parents, case_manager, party=ParentingContract.Party.LOCAL_AUTHORITY
    )
    url = f"{live_server.url}{contract.get_absolute_url()}"

    # School staff: the contract with the local authority cannot be ended by them
    sign_in(page, live_server, "school")
    page.goto(url)
    expect(page.get_by_role("link", name="End the contract early")).to_have_count(0)
    page.context.clear_cookies()

    # The case manager asks, first without a reason
    sign_in(page, live_server, "casemanager")
    page.goto(url)
    assert_accessible(page)
    page.get_by_role("link", name="Ask a supervisor to end the contract").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the request to a supervisor").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why the contract should end")
    assert_accessible(page)
    fill_date(page, "Date it should end", dt.date(2026, 11, 30))
    page.get_by_label("Why the contract should end").fill("The family moved out of the area")
    page.get_by_role("button", name="Send the request to a supervisor").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Request sent")
    expect(page.get_by_test_id("termination-decision")).to_contain_text("Waiting for a supervisor")
    expect(page.get_by_test_id("contract-status")).to_contain_text("Awaiting signatures")
    page.context.clear_cookies()

    # The supervisor decides
    sign_in(page, live_server, "supervisor")
    page.goto(url)
    page.get_by_role("link", name="Decide this request").click()
    assert_accessible(page)
    expect(page.locator(".govuk-body").first).to_contain_text("The family moved out of the area")
    page.get_by_label("Yes").check()
    page.get_by_label("Reason for your decision").fill("Agreed: no longer in our area")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("the contract was ended")
    expect(page.get_by_test_id("contract-status")).to_contain_text("Terminated")
    assert_accessible(page)
    page.context.clear_cookies()

    # The case manager reads the decision
    sign_in(page, live_server, "casemanager")
    page.goto(url)
    decision = page.get_by_test_id("termination-decision")
    expect(decision).to_contain_text("Approved: the contract was ended – by Sam Okafor")
    expect(decision).to_contain_text("Agreed: no longer in our area")
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.TERMINATED
