"""The idle time-out in Debian's Chromium (WCAG 2.2.1, issue 18), with a
12-second idle limit and the warning 8 seconds before it:

* the warning opens as a modal dialog with focus in it, the time left in
  words and a live region, and passes axe;
* "Stay signed in" keeps the session on the server past the old limit;
* text typed into a form before the session ended, saved after it ended, is
  back in the form after signing in again, with a notice; the sign-in page
  said why the user was signed out.
"""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE, WARN = 12, 8
IN_DIALOG = "() => !!document.activeElement.closest('dialog[open]')"


@pytest.fixture
def short_session(settings):
    settings.SESSION_IDLE_SECONDS = IDLE
    settings.SESSION_TIMEOUT_WARNING_SECONDS = WARN


@pytest.fixture
def signed_in(_roles, case_manager, short_session, live_server, page):
    sign_in(page, live_server, "casemanager")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    return page


def test_the_warning_opens_before_the_limit_and_stay_signed_in_keeps_the_session(
    signed_in, live_server
):
    page = signed_in
    page.goto(f"{live_server.url}/cases/families/new")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=(IDLE - WARN + 3) * 1000)
    assert page.evaluate(IN_DIALOG), "focus moved into the dialog"
    expect(dialog).to_contain_text("we will sign you out in")
    expect(dialog).to_contain_text("seconds")
    expect(dialog.locator("[aria-live]")).to_contain_text("We will sign you out in")
    assert_accessible(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Past the limit the page was loaded with, the session is still there.
    page.wait_for_timeout((WARN + 2) * 1000)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")


def test_escape_is_stay_signed_in(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=(IDLE - WARN + 3) * 1000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout((WARN + 2) * 1000)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")


def test_text_typed_before_the_session_ended_is_back_after_signing_in_again(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/cases/families/new")
    page.get_by_label("Family name").fill("Ashdown-Quill")
    page.get_by_label("Address").fill("12 Larch Row")
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=(IDLE + 4) * 1000)
    assert page.evaluate(IN_DIALOG)
    assert_accessible(page)
    ended.get_by_role("button", name="Continue").click()
    expect(ended).to_be_hidden()

    page.get_by_role("button", name="Add family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_test_id("signed-out-reason")).to_have_text(
        f"You were signed out because you were inactive for {IDLE} seconds."
    )
    assert_accessible(page)
    page.get_by_label("Username").fill("casemanager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/cases/families/new")
    expect(page.get_by_label("Family name")).to_have_value("Ashdown-Quill")
    expect(page.get_by_label("Address")).to_have_value("12 Larch Row")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "What you entered has been put back"
    )
