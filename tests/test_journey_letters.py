"""Browser journey (issue 16): the case manager issues a warning letter for a
failure to comply, reads it in the browser, approves it, makes a print pack
(its page shows the progress and refreshes itself, no JavaScript needed, until
a worker has put it together), downloads it and marks the letters as sent.
axe checks every page visited; the PDFs are read back with pypdf."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tasks_queued():
    """Tasks are queued, not run inline, until the test plays the worker (the
    embedded broker is in memory: nothing consumes it)."""
    from yos.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def failure(_roles, request):
    from cases.tests.factories import AdultChildFactory, AdultFactory
    from orders.tests.factories import FailureFactory, ParentingOrderFactory, RequirementFactory

    case_manager = request.getfixturevalue("case_manager")
    today = timezone.localdate()
    order = ParentingOrderFactory(
        made_on=today - dt.timedelta(days=40),
        case__referred_on=today - dt.timedelta(days=50),
        case__opened_on=today - dt.timedelta(days=45),
        case__child__first_name="Robin",
        case__child__family__team=case_manager.teams.get(),
        case__child__family__case_manager=case_manager,
    )
    RequirementFactory(order=order, ends_on=today + dt.timedelta(days=100))
    dana = AdultFactory(
        family=order.child.family,
        first_name="Dana",
        last_name="Ashdown",
        address="4 Example Row\nNorth Village\nDT4 5XY",
    )
    AdultChildFactory(adult=dana, child=order.child, resident=False)
    order.parents.set([dana])
    return FailureFactory(order=order, parent=dana, occurred_on=today - dt.timedelta(days=2))


def only_the_turn_off_able_refresh(page) -> bool:
    from axe_playwright_python.sync_playwright import Axe

    found = {v["id"] for v in Axe().run(page).response["violations"]}
    stop = page.get_by_role("link", name="Stop refreshing this page automatically")
    return found == {"meta-refresh"} and stop.count() == 1


def _fill_date(page, day: dt.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_generate_preview_approve_print_pack_with_progress_and_mark_sent(
    failure, live_server, page, tasks_queued
):
    from yos.letters import build_print_pack
    from yos.models import Letter, PrintPack

    today = timezone.localdate()
    sign_in(page, live_server, "casemanager")
    page.goto(f"{live_server.url}{failure.order.get_absolute_url()}")
    # Generate, on demand, through the one pipeline.
    page.get_by_role("button", name="Issue a warning letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Warning letter made")
    assert_accessible(page)
    letter = Letter.objects.get()
    assert (letter.kind, letter.status) == (Letter.Kind.ORDER_WARNING, Letter.Status.DRAFT)
    # Preview: the letter as HTML, before approval.
    page.get_by_role("link", name="Warning letter").click()
    preview = page.get_by_test_id("letter-preview")
    expect(preview).to_contain_text("Dana Ashdown")
    expect(preview).to_contain_text("DT4 5XY")
    expect(page.get_by_test_id("letter-status")).to_have_text("Draft")
    assert_accessible(page)
    page.get_by_label("I have read this letter").check()
    page.get_by_role("button", name="Approve the letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Letter approved")
    expect(page.get_by_test_id("letter-status")).to_have_text("Approved")
    assert_accessible(page)
    # The print pack: queued, its page shows the progress and refreshes itself.
    page.get_by_role("link", name="Back to letters").click()
    assert_accessible(page)
    page.get_by_role("link", name="Make a print pack of approved letters").click()
    assert_accessible(page)
    page.get_by_role(
        "button", name="Make a print pack of all 1 approved letter for my team"
    ).click()
    progress = page.get_by_test_id("pack-progress")
    expect(progress).to_contain_text("0 of 1 letters put together")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    # axe's meta-refresh rule assumes the user cannot turn a timed refresh
    # off; here they can (WCAG 2.2.1 "Turn off"), and it is the only finding.
    assert only_the_turn_off_able_refresh(page)
    pack_url = page.url
    page.get_by_role("link", name="Stop refreshing this page automatically").click()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_accessible(page)
    page.goto(pack_url)
    build_print_pack(PrintPack.objects.get().pk)  # the worker's turn
    expect(progress).to_contain_text("Ready", timeout=15_000)  # after the page refreshed itself
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_test_id("pack-download").click()
    reader = PdfReader(io.BytesIO(open(info.value.path(), "rb").read()))
    with letter.document.file.open("rb") as stored:
        approved_pages = len(PdfReader(io.BytesIO(stored.read())).pages)
    assert len(reader.pages) == approved_pages  # the approved letter, exactly
    assert "Dana Ashdown" in reader.pages[0].extract_text()
    # Mark these as sent, in one action.
    page.get_by_role("group", name="How was it sent?").get_by_label("Post").check()
    _fill_date(page, today)
    page.get_by_role("button", name="Mark these letters as sent").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 letter marked as sent")
    assert_accessible(page)
    letter.refresh_from_db()
    assert (letter.status, letter.sent_by, letter.sent_on) == (
        Letter.Status.SENT,
        Letter.SentBy.POST,
        today,
    )
    page.get_by_role("link", name="Back to print packs").click()
    page.get_by_role("link", name="Back to letters").click()
    expect(page.get_by_test_id("letter-state").first).to_contain_text("Sent")
