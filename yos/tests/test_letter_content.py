"""What every letter and the contract document say, read back from the real
PDFs (issue 16, "Addressing and content"): the recipient's own address with
the town and the postcode on lines of their own, the salutation from the
recorded title and name preferences ("Dear Ms Ashworth", never "Dear Donna
Ashworth"), the service's reference and the letter's own number, the named
case manager (or lead practitioner) signing with direct contact, the order's
statutory basis in words, the language and interpreter offer, one date format.

Seed 001 (contracts): "considerations made to ensure it is understood by
parents (e.g., where they may be a language barrier)".
"""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from cases.tests.factories import AdultChildFactory, AdultFactory, ChildFactory, FamilyFactory
from contracts import jobs as contract_jobs
from contracts import services as contract_services
from contracts.tests import factories as cf
from orders import jobs as order_jobs
from orders.models import FailureKind, StatutoryBasis
from orders.tests.factories import FailureFactory, ParentingOrderFactory
from yos import letter_content
from yos.lib.audit import system_user
from yos.models import Letter

pytestmark = pytest.mark.django_db

WARNING_RUN_DATE = dt.date(2026, 8, 30)
NOTICE_RUN_DATE = dt.date(2026, 11, 25)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def pdf_lines(stored) -> list[str]:
    """The PDF's text, line by line, as pypdf reads it back."""
    with stored.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [
        " ".join(line.split())
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]


def flat(lines: list[str]) -> str:
    return " ".join(lines)


def assert_block(lines: list[str], block: list[str]) -> None:
    """The lines of block appear one after another, each a line of its own."""
    start = lines.index(block[0])
    assert lines[start : start + len(block)] == block, lines[start : start + len(block) + 2]


def assert_one_date_format(text: str) -> None:
    """Every date reads "1 December 2026": no leading zeros, no numeric dates."""
    assert not re.search(r"\b0\d (?:" + MONTHS + r") \d{4}", text), text
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b", text), text


@pytest.fixture
def order(case_manager):
    case_manager.phone = "01234 567123"
    case_manager.email = "casey.morgan@example.invalid"
    case_manager.save()
    order = ParentingOrderFactory(
        made_on=dt.date(2026, 8, 1),
        court="Demo Town Youth Court",
        basis=StatutoryBasis.SA_2020_S366,
        case__referred_on=dt.date(2026, 7, 20),
        case__child__first_name="Robin",
        case__child__last_name="Ashworth",
        case__child__family__case_manager=case_manager,
    )
    parent = AdultFactory(
        family=order.child.family,
        title="Ms",
        first_name="Donna",
        last_name="Ashworth",
        address="Flat 2\n14 Canal Row",
        town="Demo Town",
        postcode="DT4 5XY",
        preferred_language="Polish",
        interpreter_needed=True,
    )
    order.parents.set([parent])
    return order


def _order_warning(order) -> Letter:
    FailureFactory(
        order=order,
        parent=order.parents.get(),
        kind=FailureKind.COUNSELLING,
        occurred_on=dt.date(2026, 8, 20),
    )
    order_jobs.warning_letters(WARNING_RUN_DATE, by=system_user())
    return Letter.objects.get(kind=Letter.Kind.ORDER_WARNING)


def test_the_order_warning_letter_carries_everything_a_council_posts(order, case_manager):
    letter = _order_warning(order)
    lines = pdf_lines(letter.document)
    text = flat(lines)
    # the recipient's own address, town and postcode on lines of their own
    assert_block(lines, ["Ms Donna Ashworth", "Flat 2", "14 Canal Row", "Demo Town", "DT4 5XY"])
    # the salutation from the title: never the full name
    assert "Dear Ms Ashworth," in lines
    assert "Dear Donna Ashworth" not in text
    # the service's reference (the case) and the letter's own number
    assert f"Our reference {order.case.reference}" in text
    assert f"Letter number {letter_content.letter_number(letter.dedupe_key)}" in text
    # the statutory basis in words
    assert "a parenting order made under section 366 of the Sentencing Act 2020" in text
    # the named case manager signs, with direct contact
    assert "Yours sincerely," in lines
    assert_block(lines, ["Casey Morgan", "Case manager"])
    assert "Direct telephone 01234 567123" in text
    assert "Email casey.morgan@example.invalid" in text
    # the language line names the recorded language and the interpreter need
    assert (
        "We have recorded that your preferred language is Polish and that you need an "
        "interpreter." in text
    )
    assert "Date 30 August 2026" in text
    assert_one_date_format(text)


def test_the_counselling_notice_carries_the_same_content(order):
    order_jobs.counselling_ended_notices(NOTICE_RUN_DATE, by=system_user())
    letter = Letter.objects.get(kind=Letter.Kind.COUNSELLING_ENDED)
    lines = pdf_lines(letter.document)
    text = flat(lines)
    assert_block(lines, ["Ms Donna Ashworth", "Flat 2", "14 Canal Row", "Demo Town", "DT4 5XY"])
    assert "Dear Ms Ashworth," in lines
    assert f"Our reference {order.case.reference}" in text
    assert f"Letter number {letter_content.letter_number(letter.dedupe_key)}" in text
    assert "a parenting order made under section 366 of the Sentencing Act 2020" in text
    assert_block(lines, ["Casey Morgan", "Case manager"])
    assert "interpreter" in text
    assert "Date 25 November 2026" in text
    assert_one_date_format(text)


def test_a_parent_with_no_title_gets_the_neutral_salutation(order):
    """Decision (docs/domain-letters.md): with no title and no name to use
    recorded, "Dear parent or carer" — never the first name and surname."""
    parent = order.parents.get()
    parent.title = ""
    parent.save()
    lines = pdf_lines(_order_warning(order).document)
    assert "Dear parent or carer," in lines
    assert "Donna Ashworth" in lines  # the address block still names her
    assert "Dear Donna Ashworth" not in flat(lines)


def test_the_name_to_use_in_letters_wins(order):
    parent = order.parents.get()
    parent.letter_name = "Mrs Ashworth-Khan"
    parent.save()
    assert "Dear Mrs Ashworth-Khan," in pdf_lines(_order_warning(order).document)


def test_an_english_speaker_gets_the_general_offer(order):
    parent = order.parents.get()
    parent.preferred_language = "English"
    parent.interpreter_needed = False
    parent.save()
    text = flat(pdf_lines(_order_warning(order).document))
    assert (
        "If you would like this letter in another language, or you need an interpreter, please "
        "call us on 01234 567890 and we will arrange it free of charge." in text
    )


def test_two_letters_never_share_a_number(order):
    numbers = {letter_content.letter_number(f"order-warning:{n}:1") for n in range(2000)}
    assert len(numbers) == 2000
    assert re.fullmatch(r"L-[0-9A-F]{5}-[0-9A-F]{5}", numbers.pop())


@pytest.mark.parametrize("basis", StatutoryBasis.values)
def test_every_statutory_basis_has_words(basis):
    """Each orders.StatutoryBasis, checked against legislation.gov.uk: the act
    and section of the choice appear in the words the letter prints."""
    words = letter_content.basis_in_words(basis)
    label = StatutoryBasis(basis).label
    act, _, rest = label.partition(", section ")
    section = rest.split(" ")[0]
    assert words.startswith(f"a parenting order made under section {section} of the {act}")


# --- Contracts -----------------------------------------------------------------------------


@pytest.fixture
def contract_parents(school):
    school.address = "Hillcrest Road\nDemo Town\nDT2 2CD"
    school.telephone = "01234 222333"
    school.email = "office@hillcrest.example.invalid"
    school.save()
    family = FamilyFactory()
    pupil = ChildFactory(family=family, school=school, first_name="Kai")
    mother = AdultFactory(
        family=family,
        title="Mrs",
        first_name="Dana",
        last_name="Okafor",
        address="3 Mill Lane",
        town="Demo Town",
        postcode="DT3 3EF",
        preferred_language="Yoruba",
        interpreter_needed=True,
    )
    father = AdultFactory(
        family=family,
        title="",
        first_name="Lee",
        last_name="Okafor",
        address="9 Quay Street",
        town="Port Demo",
        postcode="PD1 4GH",
    )
    for adult in (mother, father):
        AdultChildFactory(adult=adult, child=pupil, relationship="mother", resident=False)
    return pupil, mother, father


@pytest.fixture
def contract_world(contract_parents, school_staff):
    pupil, mother, father = contract_parents
    contract = cf.active(
        pupil, [mother, father], school_staff, purpose="both", lead_practitioner="Morgan Hale"
    )
    return contract, mother, father


def test_the_contract_warning_letter_carries_the_same_content(contract_world, school_staff):
    """Issue 16: "Contract warning letters have no recipient address and no
    school contact details"; they now extend the same base as order letters."""
    contract, mother, father = contract_world
    with time_machine.travel(dt.datetime(2026, 10, 14, 12, tzinfo=dt.UTC), tick=False):
        letters = contract_services.warning_serve(
            non_compliance=cf.non_compliance(contract, school_staff), by=school_staff
        )
    by_recipient = {letter.recipient_id: letter for letter in letters}
    lines = pdf_lines(by_recipient[mother.pk].document)
    text = flat(lines)
    assert_block(lines, ["Mrs Dana Okafor", "3 Mill Lane", "Demo Town", "DT3 3EF"])
    assert "Dear Mrs Okafor," in lines
    assert f"Our reference {contract.reference}" in text
    letter = by_recipient[mother.pk]
    assert f"Letter number {letter_content.letter_number(letter.dedupe_key)}" in text
    assert "to help improve Kai's attendance and behaviour at school." in text
    # from the school, with its contact details
    assert "Telephone 01234 222333" in text
    assert "Email office@hillcrest.example.invalid" in text
    assert_block(lines, ["Morgan Hale", "Lead practitioner, Assistant headteacher"])
    assert (
        "We have recorded that your preferred language is Yoruba and that you need an "
        "interpreter. If you would like this letter in Yoruba, or an interpreter for any "
        "meeting, please call us on 01234 222333 and we will arrange it free of charge." in text
    )
    assert "Date 14 October 2026" in text
    assert_one_date_format(text)
    # the other parent: own address, neutral salutation, the general offer
    other = pdf_lines(by_recipient[father.pk].document)
    assert_block(other, ["Lee Okafor", "9 Quay Street", "Port Demo", "PD1 4GH"])
    assert "Dear parent or carer," in other
    assert "If you would like this letter in another language" in flat(other)
    assert "3 Mill Lane" not in flat(other)


def test_the_contract_document_carries_each_parents_address_and_the_language_line(
    contract_world,
):
    contract, mother, father = contract_world
    lines = pdf_lines(contract.documents.get(number=1).document)
    text = flat(lines)
    assert_block(lines, ["Mrs Dana Okafor", "3 Mill Lane", "Demo Town", "DT3 3EF"])
    assert_block(lines, ["Lee Okafor", "9 Quay Street", "Port Demo", "PD1 4GH"])
    assert f"Our reference {contract.reference}" in text
    assert "section 19 of the Anti-social Behaviour Act 2003" in text
    assert "to help improve Kai's attendance and behaviour at school" in text
    assert "Morgan Hale, Assistant headteacher" in text
    assert "Telephone 01234 222333" in text
    assert "We have recorded that your preferred language is Yoruba" in text
    assert "If you would like this letter in another language" in text
    assert_one_date_format(text)


def test_the_contract_copy_letter_carries_the_same_content(contract_parents, school_staff):
    """The covering letter of the copy for a parent who was not at the meeting
    (letters2's contract_copy kind) extends the same base: own address,
    salutation, references, letter number, purpose, the lead practitioner
    signing with the school's contacts, the language line."""
    pupil, mother, father = contract_parents
    contract = cf.draft(pupil, [mother, father], school_staff, purpose="both")
    cf.add_requirements(contract, school_staff)
    cf.initiate(contract, school_staff, present=[father])  # the mother could not attend
    contract_services.contract_finalise(contract=contract, by=school_staff)
    contract_jobs.copy_letters(timezone.localdate(), by=system_user())
    letter = Letter.objects.get(kind=Letter.Kind.CONTRACT_COPY)
    assert letter.recipient == mother
    lines = pdf_lines(letter.document)
    text = flat(lines)
    assert_block(lines, ["Mrs Dana Okafor", "3 Mill Lane", "Demo Town", "DT3 3EF"])
    assert "Dear Mrs Okafor," in lines
    assert f"Our reference {contract.reference}" in text
    assert f"Letter number {letter_content.letter_number(letter.dedupe_key)}" in text
    assert "to help improve Kai's attendance and behaviour at school." in text
    assert "Telephone 01234 222333" in text
    assert_block(lines, ["Morgan Hale", "Lead practitioner, Assistant headteacher"])
    assert "We have recorded that your preferred language is Yoruba" in text
    assert_one_date_format(text)
