"""Browser journey (issue 6): the victim worker records a first contact in
which the victim chooses indirect restorative justice and wants updates, then
an update; the case manager sees only the anonymised line on the child's page.
axe finds no violations on the pages visited."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VICTIM_NAME = "Journeyvictim Example"
VICTIM_PHONE = "07700 900654"


@pytest.fixture
def child(_roles, request):
    from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
    from victims.tests.factories import VictimOffenceFactory

    team = request.getfixturevalue("team")
    case_manager = request.getfixturevalue("case_manager")
    request.getfixturevalue("victim_worker")
    family = FamilyFactory(team=team, case_manager=case_manager)
    case = CaseFactory(child=ChildFactory(family=family), offence="Criminal damage")
    VictimOffenceFactory(
        case=case,
        victim__name=VICTIM_NAME,
        victim__phone=VICTIM_PHONE,
        victim__details_received_on=timezone.localdate(),
    )
    return case.child


def _fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_first_contact_update_and_the_anonymised_line(live_server, page, child):
    today = timezone.localdate()
    long_today = f"{today.day} {today:%B %Y}"

    sign_in(page, live_server, "victimworker")
    expect(page.get_by_test_id("first-contacts")).to_contain_text(VICTIM_NAME)
    assert_accessible(page)

    page.get_by_role("link", name=VICTIM_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VICTIM_NAME)
    assert_accessible(page)

    page.get_by_role("button", name="Record a contact").click()
    page.get_by_role("button", name="Save contact").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the contact")
    assert_accessible(page)

    _fill_date(page, "Date of the contact", today)
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Offered information about the case and the process").check()
    page.get_by_label("Gave information about restorative justice").check()
    page.get_by_label("Indirect: letter").check()
    page.get_by_label("The victim wants to be kept informed about the case").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_test_id("contacts")).to_contain_text("Indirect: letter")
    expect(page.get_by_test_id("contacts")).to_contain_text("Wants updates")
    assert_accessible(page)

    page.get_by_role("button", name="Record an update").click()
    _fill_date(page, "Date the update was given", today)
    page.get_by_label("Letter").check()
    page.get_by_label("What the victim was told").fill("The referral order panel has met.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_test_id("updates")).to_contain_text("The referral order panel has met.")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "casemanager")
    page.goto(f"{live_server.url}{child.get_absolute_url()}")
    expect(page.get_by_test_id("victim-lines")).to_have_text(
        f"Victim of criminal damage: first contact made on {long_today}, "
        "chose indirect restorative justice"
    )
    expect(page.locator("body")).not_to_contain_text(VICTIM_NAME)
    expect(page.locator("body")).not_to_contain_text(VICTIM_PHONE)
    assert_accessible(page)


def test_the_other_victim_pages_are_accessible(live_server, page, child, request):
    """The list, the add form with its errors, the decision, RJ work and
    History pages, and the administrator's reason form."""
    from victims.models import Victim

    victim = Victim.objects.get()
    sign_in(page, live_server, "victimworker")
    for path in (
        "/victims/",
        "/victims/new",
        f"/victims/{victim.pk}/invitation",
        f"/victims/{victim.pk}/restorative-justice/new",
        f"/victims/{victim.pk}/offences/new",
        f"/victims/{victim.pk}/edit",
        f"/victims/{victim.pk}/history",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(f"{live_server.url}/victims/new")
    page.get_by_role("button", name="Add victim").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the victim's name")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    request.getfixturevalue("administrator")
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/victims/{victim.pk}/")
    expect(page.locator("body")).not_to_contain_text(VICTIM_NAME)
    assert_accessible(page)
    page.get_by_label("Why do you need to open this victim's record?").fill(
        "Subject access request"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VICTIM_NAME)
    assert_accessible(page)
