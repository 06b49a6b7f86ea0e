"""Letters the nightly job generates, read back from the PDF: recipient,
reason and dates; made once, by the system user, with history."""

import datetime as dt
import hashlib
import io

import pytest
from pypdf import PdfReader

from cases.tests.factories import AdultFactory
from orders import jobs as order_jobs
from orders.models import Excuse, FailureKind
from orders.tests.factories import FailureFactory, ParentingOrderFactory, RequirementFactory
from yos.lib.audit import system_user
from yos.models import Letter

RUN_DATE = dt.date(2026, 11, 25)
# Warnings are automatic only for a failure in the last LETTER_DUE_WITHIN_DAYS
# (14) on an order in force: the warning tests run on 30 August 2026.
WARNING_RUN_DATE = dt.date(2026, 8, 30)


def pdf_text(letter: Letter) -> str:
    with letter.document.file.open("rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def order(db):
    order = ParentingOrderFactory(
        made_on=dt.date(2026, 8, 1),
        court="Demo Town Youth Court",
        case__referred_on=dt.date(2026, 7, 20),
        case__child__first_name="Robin",
        case__child__last_name="Ashdown",
    )
    parent = AdultFactory(
        family=order.child.family,
        title="Ms",
        first_name="Dana",
        last_name="Ashdown",
        address="4 Example Row",
        town="Demo Town",
        postcode="DT4 5XY",
        preferred_language="Polish",
        interpreter_needed=True,
    )
    order.parents.set([parent])
    return order


def test_the_warning_letter_names_the_parent_the_failure_and_the_dates(order, settings):
    """Seed 000: "A failure to fulfil the conditions can be treated as a
    criminal offence and the parent/carer can be prosecuted"."""
    FailureFactory(
        order=order,
        parent=order.parents.get(),
        kind=FailureKind.COUNSELLING,
        occurred_on=dt.date(2026, 8, 20),
        explanation="I forgot",
    )
    counts = order_jobs.warning_letters(WARNING_RUN_DATE, by=system_user())
    assert (counts["issued"], counts["existing"], counts["held"]) == (1, 0, 0)
    letter = Letter.objects.get(kind=Letter.Kind.ORDER_WARNING)
    text = pdf_text(letter)
    assert "Dear Ms Ashdown," in text
    assert "Ms Dana Ashdown 4 Example Row Demo Town DT4 5XY" in text
    assert (
        "Did not attend counselling or guidance on 20 August 2026, without a reasonable excuse."
        in text
    )
    assert (
        "On 1 August 2026 Demo Town Youth Court made a parenting order for you about Robin Ashdown"
        in text
    )
    assert "Date 30 August 2026" in text
    assert "I forgot" in text
    assert settings.LETTERHEAD["organisation"] in text
    assert letter.recipient.full_name == "Dana Ashdown"
    assert letter.generated_by == system_user()
    assert letter.history.get().history_user == system_user()
    assert (letter.family, letter.child) == (order.child.family, order.child)


def test_the_notice_says_counselling_is_now_voluntary_and_what_still_runs(order):
    """Seed 000: "After the 3 months is over, the Youth Offending Service can no
    longer enforce attendance by the parent at counselling sessions"."""
    RequirementFactory(order=order, ends_on=dt.date(2027, 3, 1))
    RequirementFactory(order=order, ends_on=dt.date(2026, 10, 1))  # over: not listed
    counts = order_jobs.counselling_ended_notices(RUN_DATE, by=system_user())
    assert (counts["issued"], counts["existing"], counts["held"]) == (1, 0, 0)
    text = pdf_text(Letter.objects.get(kind=Letter.Kind.COUNSELLING_ENDED))
    assert "Dear Ms Ashdown," in text
    assert "ended on 1 November 2026, 3 months after the order was made" in text
    assert "From 2 November 2026 you do not have to go to counselling" in text
    assert "Ensure the child attends school as required 1 March 2027" in text
    assert "1 October 2026" not in text


@pytest.mark.parametrize(
    ("run_date", "notices"),
    [(dt.date(2026, 12, 1), 1), (dt.date(2026, 12, 2), 1), (dt.date(2026, 12, 3), 0)],
)
def test_notices_look_back_thirty_days_after_counselling_ended(order, run_date, notices):
    """Counselling ended 1 November 2026; voluntary from 2 November. A run
    up to 30 days later still sends the notice (catching up after an outage);
    a first run long after does not post a stale one."""
    counts = order_jobs.counselling_ended_notices(run_date, by=system_user())
    assert counts["issued"] == notices


def test_an_accepted_excuse_gets_no_warning_letter(order):
    FailureFactory(order=order, parent=order.parents.get(), excuse=Excuse.ACCEPTED)
    counts = order_jobs.warning_letters(WARNING_RUN_DATE, by=system_user())
    assert (counts["issued"], counts["existing"]) == (0, 0)
    assert Letter.objects.count() == 0


def test_a_failure_after_the_run_date_waits_for_its_day(order):
    FailureFactory(order=order, parent=order.parents.get(), occurred_on=dt.date(2026, 9, 1))
    assert order_jobs.warning_letters(dt.date(2026, 8, 31), by=system_user())["issued"] == 0
    assert order_jobs.warning_letters(dt.date(2026, 9, 1), by=system_user())["issued"] == 1


def test_letters_are_made_once_however_often_the_step_runs(order):
    FailureFactory(order=order, parent=order.parents.get(), occurred_on=dt.date(2026, 8, 25))
    FailureFactory(order=order, parent=order.parents.get(), occurred_on=dt.date(2026, 9, 1))
    first = order_jobs.warning_letters(dt.date(2026, 9, 1), by=system_user())
    second = order_jobs.warning_letters(dt.date(2026, 9, 1), by=system_user())
    assert (first["issued"], first["existing"]) == (2, 0)
    assert (second["issued"], second["existing"]) == (0, 2)
    assert Letter.objects.count() == 2


def test_chunks_of_two_issue_every_letter(order, settings):
    settings.NIGHTLY_LETTER_CHUNK_SIZE = 2
    for day in (20, 21, 22, 23, 24):
        FailureFactory(order=order, parent=order.parents.get(), occurred_on=dt.date(2026, 8, day))
    assert order_jobs.warning_letters(WARNING_RUN_DATE, by=system_user())["issued"] == 5
    assert Letter.objects.values("dedupe_key").distinct().count() == 5
