"""The error summary in Debian's Chromium, on the "Record a session" page (the
kind of session as radios, the date as day, month and year): submitted empty,
each link moves focus to the first input of its field, with govuk-frontend's
JavaScript and without it; without JavaScript the summary itself is focused
on load. tests/test_form_error_states.py checks every form's links in HTML."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = "() => [document.activeElement.tagName, document.activeElement.id]"


@pytest.fixture
def session_url(_roles, case_manager, live_server):
    from cases.tests.factories import CaseFactory

    case = CaseFactory(
        child__family__team=case_manager.teams.get(), child__family__case_manager=case_manager
    )
    return f"{live_server.url}{reverse('cases:record-session', args=[case.pk])}"


def _submit_empty(page, url) -> list[str]:
    page.goto(url)
    page.get_by_role("button", name="Save session").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # the radios and the date are among them, each at its first input
    assert "#id_kind_1" in hrefs and "#id_day_0" in hrefs, hrefs
    return hrefs


def _each_link_focuses_its_input(page, hrefs) -> None:
    for href in hrefs:
        page.locator(f'.govuk-error-summary a[href="{href}"]').click()
        tag, element_id = page.evaluate(ACTIVE)
        assert (tag, element_id) == ("INPUT", href[1:]) or (
            tag in ("SELECT", "TEXTAREA") and element_id == href[1:]
        ), f"{href}: focus is on {tag}#{element_id}"


def test_error_summary_links_focus_the_first_input_with_javascript(session_url, live_server, page):
    sign_in(page, live_server, "casemanager")
    hrefs = _submit_empty(page, session_url)
    # govuk-frontend's ErrorSummary focuses the summary when the page loads
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page)
    _each_link_focuses_its_input(page, hrefs)


def test_error_summary_is_focused_and_its_links_work_without_javascript(
    session_url, live_server, browser
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "casemanager")
        hrefs = _submit_empty(page, session_url)
        # autofocus, not a script, put focus on the summary
        assert page.evaluate(
            "() => document.activeElement.classList.contains('govuk-error-summary')"
        )
        _each_link_focuses_its_input(page, hrefs)
    finally:
        context.close()
