"""Browser journey: a case manager signs in, lands on the home page, signs out."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_manager_signs_in_and_out(_roles, live_server, page, request):
    request.getfixturevalue("case_manager")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")
    assert_accessible(page)

    sign_in(page, live_server, "casemanager")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(page.get_by_test_id("identity-role")).to_have_text("Case manager")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")


def test_sign_in_errors_are_accessible(_roles, live_server, page):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your username")
    assert_accessible(page)
