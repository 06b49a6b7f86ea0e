"""Browser journey: a member of school staff drafts a parenting contract for
two parents with two SMART requirements, records consent and presence, both
parents sign on screen and the staff member signs; the contract is active and
its PDF holds the three statements. Then non-compliance without a reasonable
explanation, and the warning letter. Axe checks every page visited."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPORT_DETAILS = "A place at breakfast club and a weekly check-in with the attendance officer."


@pytest.fixture
def _reference_data(django_db_setup, django_db_blocker):
    # Transactional tests flush what data migrations made; recreate it.
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    from yos.models import Role

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    importlib.import_module("contracts.migrations.0002_requirement_kinds").add_kinds(apps, None)


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def pdf_text(download) -> str:
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def add_requirement(page, kind: str, action: str, measure: str, *, frequency: str = "", due=None):
    page.get_by_role("link", name="Add a requirement").click()
    assert_accessible(page)
    page.get_by_label("Kind of requirement").select_option(label=kind)
    page.get_by_label("Every parent on the contract").check()
    page.get_by_label("What will be done").fill(action)
    page.get_by_label("How it will be measured").fill(measure)
    page.get_by_label("Who is responsible").fill("Both parents")
    if due:
        fill_date(page, "By when", due)
    if frequency:
        page.get_by_label("How often").fill(frequency)
    page.get_by_role("button", name="Add requirement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Requirement added")


def test_school_staff_take_a_contract_from_draft_to_warning(
    _reference_data, live_server, page, request
):
    from cases.tests.factories import AdultChildFactory, AdultFactory, ChildFactory, FamilyFactory
    from contracts.models import ParentingContract
    from yos.models import Letter

    staff = request.getfixturevalue("school_staff")
    family = FamilyFactory(name="Varga")
    ChildFactory(family=family, first_name="Kai", school=staff.school)
    pupil = family.children.get()
    for first, relationship in (("Dana", "mother"), ("Lee", "father")):
        adult = AdultFactory(family=family, first_name=first)
        AdultChildFactory(adult=adult, child=pupil, relationship=relationship)
    start = dt.date(2026, 9, 7)

    sign_in(page, live_server, "school")
    expect(
        page.get_by_role("heading", level=2, name="Parenting contracts needing action")
    ).to_be_visible()
    assert_accessible(page)

    # Draft: choose the pupil, see the errors, then fill the form in
    page.get_by_role("link", name="Parenting contracts", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Draft a parenting contract").click()
    assert_accessible(page)
    page.get_by_role("link", name="Draft a contract for Kai Varga").click()
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the parents the contract is with")
    expect(summary).to_contain_text("Enter start date")
    assert_accessible(page)
    parents = page.get_by_role("group", name="Parents the contract is with")
    parents.get_by_label("Dana Varga").check()
    parents.get_by_label("Lee Varga").check()
    page.get_by_label("One contract with all parents").check()
    page.get_by_label("Irregular attendance at school").check()
    page.get_by_label("Pupil's year group").fill("Year 8")
    fill_date(page, "Start date", start)
    fill_date(page, "End date", dt.date(2027, 2, 26))
    fill_date(page, "First review date", dt.date(2026, 10, 19))
    page.get_by_label("Lead practitioner's name").fill("Morgan Hale")
    page.get_by_label("Details of the support").fill(SUPPORT_DETAILS)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parenting contract P")
    expect(page.get_by_test_id("contract-status").locator(".govuk-tag").first).to_have_text("Draft")
    assert_accessible(page)

    # Two SMART requirements
    add_requirement(
        page,
        "Punctual and regular attendance",
        "Make sure Kai is at school by 8:40am every school day",
        "Attendance register: 95% punctual marks each half term",
        frequency="Every school day",
    )
    add_requirement(
        page,
        "Parenting programme",
        "Attend the six-session parenting course at the family hub",
        "Attendance list from the course",
        due=dt.date(2026, 12, 18),
    )
    assert_accessible(page)

    # Consent and presence at the meeting
    page.get_by_role("link", name="Record the meeting and consent").click()
    assert_accessible(page)
    fill_date(page, "Date of the meeting", start)
    page.get_by_role("group", name="Did the parents give their consent").get_by_label("Yes").check()
    fill_date(page, "Date consent was given", start)
    page.get_by_label("In person at the meeting").check()
    present = page.get_by_role("group", name="Which parents were at the meeting?")
    present.get_by_label("Dana Varga").check()
    present.get_by_label("Lee Varga").check()
    page.get_by_role("group", name="Was the pupil involved?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("consent")

    # Finalise: the document is made and waits for signatures
    page.get_by_role("button", name="Finalise and make the document").click()
    expect(page.get_by_test_id("contract-status").locator(".govuk-tag").first).to_have_text(
        "Awaiting signatures"
    )
    expect(page.get_by_test_id("missing-signatures")).to_contain_text("Dana Varga has not signed")
    assert_accessible(page)

    # Both parents sign on screen, then the staff member
    for name in ("Dana Varga", "Lee Varga"):
        page.get_by_role("link", name="Record a parent's signature").click()
        assert_accessible(page)
        page.get_by_role("group", name="Who is signing?").get_by_label(name).check()
        page.get_by_label("Signed on screen, in person").check()
        page.get_by_label("The parent has read the contract").check()
        page.get_by_role("button", name="Record signature").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Signature recorded")
    page.get_by_role("link", name="Sign on behalf of the governing body").click()
    assert_accessible(page)
    page.get_by_label("I have read this contract").check()
    page.get_by_role("button", name="Sign the contract").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The contract is now active")
    expect(page.get_by_test_id("contract-status").locator(".govuk-tag").first).to_have_text(
        "Active"
    )
    assert_accessible(page)
    contract = ParentingContract.objects.get()
    assert contract.status == ParentingContract.Status.ACTIVE
    assert contract.signatures.count() == 3

    # The PDF downloads and holds the three statements
    with page.expect_download() as info:
        page.get_by_role("link", name="Download version 1 (PDF)").click()
    text = pdf_text(info.value)
    assert "The school will support you to meet the requirements of this contract." in text
    assert SUPPORT_DETAILS in text
    assert (
        "I agree to comply with the requirements of this contract for the period it covers." in text
    )
    assert "Make sure Kai is at school by 8:40am every school day" in text
    assert "Dana Varga" in text and "Lee Varga" in text

    # Non-compliance without a reasonable explanation, then the warning letter
    page.get_by_role("link", name="Record non-compliance").click()
    assert_accessible(page)
    page.get_by_role("group", name="Which parents does it concern?").get_by_label(
        "Dana Varga"
    ).check()
    page.get_by_label("What happened").fill("Kai missed five mornings in two weeks.")
    fill_date(page, "Date it was noticed", dt.date(2026, 10, 12))
    fill_date(page, "Date the parent was contacted", dt.date(2026, 10, 13))
    page.get_by_role("group", name="How was the parent contacted?").get_by_label("Phone").check()
    page.get_by_role("group", name="Is the explanation reasonable?").get_by_label("No").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Non-compliance recorded")
    assert_accessible(page)
    # Issued, then read, approved and sent: served means sent (issue 16).
    page.get_by_role("button", name="Issue a warning letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Warning letter made")
    expect(page.get_by_test_id("contract-status").locator(".govuk-tag").first).to_have_text(
        "Active"
    )
    assert_accessible(page)
    letter = Letter.objects.get()
    assert (letter.kind, letter.recipient.full_name) == (Letter.Kind.CONTRACT_WARNING, "Dana Varga")
    page.get_by_role("link", name="Warning letter to Dana Varga").click()
    expect(page.get_by_test_id("letter-preview")).to_contain_text("Dana Varga")
    page.get_by_label("I have read this letter").check()
    page.get_by_role("button", name="Approve the letter").click()
    page.get_by_role("group", name="How was it sent?").get_by_label("Hand delivered").check()
    fill_date(page, "Date it was sent", timezone.localdate())
    page.get_by_role("button", name="Mark as sent").click()
    expect(page.get_by_test_id("letter-status")).to_have_text("Sent")
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    page.goto(f"{live_server.url}{letter.subject.get_absolute_url()}")
    expect(page.get_by_test_id("contract-status").locator(".govuk-tag").first).to_have_text(
        "Warning served"
    )
    text = pdf_text(info.value)
    assert "This letter is a warning that the contract is not working" in text
    assert "You did not give us an explanation." in text
