"""Issue 16: who a letter may reach and when it is due.

A letter goes only to the recipient's own recorded address (or, where the
data says the adult lives with the child, the child's address); without one
it is held with an "address needed" flag. A warning letter is automatic only
for a failure within LETTER_DUE_WITHIN_DAYS on an order or contract still in
force; the rest are listed for the case manager to decide. Every PDF is read
back with pypdf: the address lines and postcode each on their own line, and
no other address."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from cases.tests.factories import AdultChildFactory, AdultFactory
from contracts import jobs as contract_jobs
from contracts import services as contract_services
from contracts.models import ParentingContract
from contracts.tests import factories as cf
from contracts.views import ADDRESS_NEEDED
from orders import jobs as order_jobs
from orders.tests.factories import FailureFactory, ParentingOrderFactory, RequirementFactory
from yos.job_views import CONTRACT_NOT_IN_FORCE, ORDER_NOT_IN_FORCE, warnings_to_decide
from yos.letters import AddressNeeded, LetterSpec, _render, address_lines, postal_address
from yos.lib.audit import system_user
from yos.models import Flag, Letter

FAMILY_ADDRESS = "1 Carer Close\nSouthfield\nDT1 9CC"  # the carer's household
DANA_ADDRESS = "4 Example Row\nNorth Village\nDT4 5XY"


def pdf_lines(letter: Letter) -> list[str]:
    """The PDF's text, one stripped line per printed line."""
    with letter.document.file.open("rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


def assert_addressed_to(lines: list[str], name: str, address: str) -> None:
    """The name, then each address line (postcode last) on its own line."""
    expected = [name, *address_lines(address)]
    start = lines.index(name)
    assert lines[start : start + len(expected)] == expected


def assert_no_line_of(lines: list[str], address: str) -> None:
    for line in address_lines(address):
        assert not any(line in printed for printed in lines), line


# --- orders -------------------------------------------------------------------


@pytest.fixture
def order(db):
    """Made 1 August 2026: counselling until 1 November, a requirement until
    1 March 2027. Robin lives with his carer at the family's address; Dana,
    his mother, does not live with him."""
    order = ParentingOrderFactory(
        made_on=dt.date(2026, 8, 1),
        case__referred_on=dt.date(2026, 7, 20),
        case__child__first_name="Robin",
        case__child__last_name="Ashdown",
        case__child__family__address=FAMILY_ADDRESS,
    )
    RequirementFactory(order=order, ends_on=dt.date(2027, 3, 1))
    dana = AdultFactory(family=order.child.family, first_name="Dana", last_name="Ashdown")
    AdultChildFactory(adult=dana, child=order.child, resident=False)
    order.parents.set([dana])
    return order


def dana(order):
    return order.parents.get()


def test_a_parent_who_does_not_live_with_the_child_and_has_no_address_gets_no_letter(order):
    """The incident: the warning went to the carer's (the family's) address."""
    failure = FailureFactory(order=order, parent=dana(order), occurred_on=dt.date(2026, 8, 20))
    counts = order_jobs.warning_letters(dt.date(2026, 8, 25), by=system_user())
    assert (counts["issued"], counts["held"]) == (0, 1)
    assert Letter.objects.count() == 0
    flag = Flag.objects.get(kind=Flag.Kind.ADDRESS_NEEDED, resolved_at__isnull=True)
    assert flag.subject == failure
    assert (flag.family, flag.child) == (order.child.family, order.child)
    assert flag.history.get().history_user == system_user()
    # A rerun holds it again without a second flag.
    order_jobs.warning_letters(dt.date(2026, 8, 26), by=system_user())
    assert Flag.objects.filter(kind=Flag.Kind.ADDRESS_NEEDED).count() == 1


def test_once_her_own_address_is_recorded_the_letter_goes_there_and_the_flag_resolves(order):
    FailureFactory(order=order, parent=dana(order), occurred_on=dt.date(2026, 8, 20))
    order_jobs.warning_letters(dt.date(2026, 8, 25), by=system_user())
    parent = dana(order)
    parent.address = DANA_ADDRESS
    parent._history_user = system_user()
    parent.save()
    counts = order_jobs.warning_letters(dt.date(2026, 8, 26), by=system_user())
    assert (counts["issued"], counts["held"]) == (1, 0)
    flag = Flag.objects.get(kind=Flag.Kind.ADDRESS_NEEDED)
    assert flag.resolved_at is not None and flag.resolved_by == system_user()
    lines = pdf_lines(Letter.objects.get())
    assert_addressed_to(lines, "Dana Ashdown", DANA_ADDRESS)
    assert "DT4 5XY" in lines
    assert_no_line_of(lines, FAMILY_ADDRESS)


def test_a_parent_with_no_recorded_link_to_the_child_is_never_given_the_family_address(order):
    stranger = AdultFactory(family=order.child.family, first_name="Sam")
    order.parents.add(stranger)
    FailureFactory(order=order, parent=stranger, occurred_on=dt.date(2026, 8, 20))
    counts = order_jobs.warning_letters(dt.date(2026, 8, 25), by=system_user())
    assert (counts["issued"], counts["held"]) == (0, 1)


def test_a_parent_who_lives_with_the_child_is_written_to_at_the_childs_address(order):
    """Recorded as living with the child and no address of her own: the
    child's address is hers (the family's where the child has none)."""
    carer = AdultFactory(family=order.child.family, first_name="Jo", last_name="Carer")
    AdultChildFactory(adult=carer, child=order.child, relationship="grandparent", resident=True)
    order.parents.add(carer)
    FailureFactory(order=order, parent=carer, occurred_on=dt.date(2026, 8, 20))
    order_jobs.warning_letters(dt.date(2026, 8, 25), by=system_user())
    lines = pdf_lines(Letter.objects.get(recipient=carer))
    assert_addressed_to(lines, "Jo Carer", FAMILY_ADDRESS)
    assert "DT1 9CC" in lines


def test_the_childs_own_address_comes_before_the_familys(order):
    child = order.child
    child.address = "Flat 2\n9 Mill Lane\nDT2 3MM"
    carer = AdultFactory(family=child.family)
    assert postal_address(carer, child, resident=True) == ["Flat 2", "9 Mill Lane", "DT2 3MM"]
    assert postal_address(carer, child, resident=False) == []
    carer.address = "7 Own Road, Demo Town, DT7 7OO"
    assert postal_address(carer, child, resident=False) == ["7 Own Road", "Demo Town", "DT7 7OO"]


def test_the_renderer_refuses_a_letter_with_no_address(order):
    spec = LetterSpec(
        kind=Letter.Kind.ORDER_WARNING,
        dedupe_key="x",
        recipient=dana(order),
        address=[],
        subject=order,
        reason="",
        template="letters/base.html",
    )
    with pytest.raises(AddressNeeded):
        _render(spec)


def test_the_counselling_notice_is_held_too_for_a_parent_without_an_address(order):
    counts = order_jobs.counselling_ended_notices(dt.date(2026, 11, 25), by=system_user())
    assert (counts["issued"], counts["held"]) == (0, 1)
    flag = Flag.objects.get(kind=Flag.Kind.ADDRESS_NEEDED)
    assert flag.subject == order


@pytest.mark.parametrize(
    ("days_before", "letters"), [(0, 1), (14, 1), (15, 0)], ids=["today", "14-days", "15-days"]
)
def test_a_warning_is_automatic_only_within_the_window(order, days_before, letters, settings):
    settings.LETTER_DUE_WITHIN_DAYS = 14
    parent = dana(order)
    parent.address = DANA_ADDRESS
    parent.save()
    run = dt.date(2026, 9, 30)
    FailureFactory(order=order, parent=parent, occurred_on=run - dt.timedelta(days=days_before))
    assert order_jobs.warning_letters(run, by=system_user())["issued"] == letters


def test_the_window_is_a_setting(order, settings):
    settings.LETTER_DUE_WITHIN_DAYS = 30
    parent = dana(order)
    parent.address = DANA_ADDRESS
    parent.save()
    FailureFactory(order=order, parent=parent, occurred_on=dt.date(2026, 8, 31))
    assert order_jobs.warning_letters(dt.date(2026, 9, 30), by=system_user())["issued"] == 1


@time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC), tick=False)
def test_a_stale_failure_on_an_order_due_for_closure_is_listed_not_sent(
    order, case_manager, outsider, client_for
):
    """The incident: on 1 December 2026 the job wrote a warning for a failure
    on 15 November 2025, on an order due for closure."""
    old = ParentingOrderFactory(
        made_on=dt.date(2025, 10, 1),
        case__referred_on=dt.date(2025, 9, 1),
        case__child=order.child,
    )
    RequirementFactory(order=old, ends_on=dt.date(2026, 10, 1))  # ended: due for closure
    parent = dana(order)
    parent.address = DANA_ADDRESS
    parent.save()
    old.parents.set([parent])
    FailureFactory(order=old, parent=parent, occurred_on=dt.date(2025, 11, 15))
    recent = FailureFactory(order=old, parent=parent, occurred_on=dt.date(2026, 11, 28))
    family = order.child.family
    family.case_manager = case_manager
    family.team = case_manager.teams.get()
    family.save()

    assert order_jobs.warning_letters(dt.date(2026, 12, 1), by=system_user())["issued"] == 0
    assert Letter.objects.count() == 0

    rows = warnings_to_decide(case_manager)
    assert [(row["on"], row["why"]) for row in rows] == [
        (dt.date(2026, 11, 28), ORDER_NOT_IN_FORCE),
        (dt.date(2025, 11, 15), "Older than 14 days: not sent automatically"),
    ]
    assert rows[0]["url"] == recent.get_absolute_url()
    assert warnings_to_decide(outsider) == []
    body = client_for(case_manager).get(reverse("letters")).content.decode()
    assert "Warnings for you to decide" in body and "15 Nov 2025" in body
    body = client_for(outsider).get(reverse("letters")).content.decode()
    assert "15 Nov 2025" not in body and "Nothing to decide." in body


# --- contracts ----------------------------------------------------------------


@pytest.fixture
def contract(school, school_staff):
    """Kai lives with Dana (resident, her own address recorded). Lee, his
    father, does not live with him and has no address of his own."""
    school.address = "Hill Road\nDemo Town\nDT3 1HA"
    school.save()
    pupil, (dana_, lee) = cf.pupil_with_parents(school)
    family = pupil.family
    family.address = FAMILY_ADDRESS
    family.save()
    dana_.address = DANA_ADDRESS
    dana_.save()
    lee.child_links.update(resident=False)
    return cf.active(pupil, [dana_, lee], school_staff)


def test_a_contract_warning_has_the_parents_address_and_the_schools_contact(contract, school_staff):
    record = cf.non_compliance(contract, school_staff)
    held: list = []
    letters = contract_services.warning_serve(non_compliance=record, by=school_staff, held=held)
    assert [letter.recipient.first_name for letter in letters] == ["Dana"]
    assert [parent.first_name for parent in held] == ["Lee"]
    lines = pdf_lines(letters[0])
    name = letters[0].recipient.full_name
    assert_addressed_to(lines, name, DANA_ADDRESS)
    assert "DT4 5XY" in lines
    assert_no_line_of(lines, FAMILY_ADDRESS)
    # The school's name and recorded address, each line on its own.
    assert "How to contact the school" in lines
    start = lines.index("How to contact the school")
    assert lines[start + 1 : start + 5] == [
        "Hillcrest Academy",
        "Hill Road",
        "Demo Town",
        "DT3 1HA",
    ]


def test_a_contract_warning_is_held_for_the_parent_with_no_address(contract, school_staff):
    record = cf.non_compliance(contract, school_staff)
    contract_services.warning_serve(non_compliance=record, by=school_staff)
    assert not Letter.objects.filter(recipient__first_name="Lee").exists()
    flag = Flag.objects.get(kind=Flag.Kind.ADDRESS_NEEDED)
    assert (flag.subject, flag.school, flag.child) == (record, contract.school, contract.pupil)
    assert flag.history.get().history_user == school_staff


def test_no_letter_at_all_leaves_the_contract_not_warned(contract, school_staff):
    record = cf.non_compliance(
        contract, school_staff, parents=[contract.parents.get(first_name="Lee")]
    )
    assert contract_services.warning_serve(non_compliance=record, by=school_staff) == []
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE


def test_the_contract_job_serves_only_within_the_window_and_resolves_the_flag(
    contract, school_staff
):
    cf.non_compliance(contract, school_staff)  # noticed 12 October 2026
    late = contract_jobs.warning_letters(dt.date(2026, 10, 27), by=system_user())
    assert late["issued"] == 0
    counts = contract_jobs.warning_letters(dt.date(2026, 10, 26), by=system_user())
    assert (counts["issued"], counts["held"]) == (1, 1)
    assert Flag.objects.filter(kind=Flag.Kind.ADDRESS_NEEDED, resolved_at__isnull=True).count() == 1
    lee = contract.parents.get(first_name="Lee")
    lee.address = "3 Far Street\nElsewhere\nEL1 1EE"
    lee.save()
    counts = contract_jobs.warning_letters(dt.date(2026, 10, 26), by=system_user())
    assert (counts["issued"], counts["held"]) == (1, 0)
    assert not Flag.objects.filter(kind=Flag.Kind.ADDRESS_NEEDED, resolved_at__isnull=True).exists()
    assert_addressed_to(
        pdf_lines(Letter.objects.get(recipient=lee)),
        lee.full_name,
        "3 Far Street\nElsewhere\nEL1 1EE",
    )


@time_machine.travel(dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC), tick=False)
def test_non_compliance_on_an_ended_contract_is_listed_not_served(
    contract, school_staff, other_school_staff
):
    record = cf.non_compliance(contract, school_staff)
    ParentingContract.objects.filter(pk=contract.pk).update(
        status=ParentingContract.Status.TERMINATED
    )
    assert contract_jobs.warning_letters(dt.date(2026, 10, 20), by=system_user())["issued"] == 0
    rows = warnings_to_decide(school_staff)
    assert [(row["url"], row["why"]) for row in rows] == [
        (record.get_absolute_url(), CONTRACT_NOT_IN_FORCE)
    ]
    assert warnings_to_decide(other_school_staff) == []


def test_serving_from_the_page_says_which_parent_has_no_address(contract, school_staff, client_for):
    record = cf.non_compliance(contract, school_staff)
    url = reverse("contracts:serve-warning", args=[contract.pk, record.pk])
    response = client_for(school_staff).post(url, follow=True)
    body = response.content.decode()
    lee = contract.parents.get(first_name="Lee")
    assert ADDRESS_NEEDED.format(name=lee.full_name) in body
    assert Letter.objects.filter(recipient__first_name="Dana").count() == 1
