"""Parenting-contract flags at their edges (time-machine, as beat runs the
job), and warning letters the job serves when nobody did from the page."""

import io

import pytest
from pypdf import PdfReader

from contracts import jobs as contract_jobs
from contracts import services
from contracts.models import ParentingContract
from contracts.tests import factories as cf
from yos.letters import letter_approve, letter_send
from yos.lib.audit import system_user
from yos.models import Flag, Letter
from yos.tests.nightly import D, walk


@pytest.fixture(autouse=True)
def _window(settings):
    settings.FLAG_WARNING_DAYS = 14
    settings.CONTRACT_SIGNING_ALLOWED_DAYS = 10


@pytest.fixture
def pupil_and_parents(school):
    return cf.pupil_with_parents(school)


@pytest.fixture
def contract(pupil_and_parents, school_staff):
    pupil, parents = pupil_and_parents
    return cf.active(pupil, parents, school_staff)


def test_contract_ending_soon_edges(contract):
    ParentingContract.objects.filter(pk=contract.pk).update(next_review_on=D(2027, 6, 1))
    assert contract.ends_on == D(2027, 3, 5)
    walk(
        contract,
        [
            (D(2027, 2, 18), set()),
            (D(2027, 2, 19), {Flag.Kind.CONTRACT_ENDING}),  # 14 days before the end
            (D(2027, 2, 20), {Flag.Kind.CONTRACT_ENDING}),
        ],
    )
    flag = Flag.objects.get(kind=Flag.Kind.CONTRACT_ENDING)
    assert (flag.school, flag.family, flag.child) == (
        contract.school,
        contract.pupil.family,
        contract.pupil,
    )


def test_contract_review_overdue_edges(contract):
    """Seed 001: a review date is set per case; PRODUCT.md: flag overdue reviews."""
    assert contract.next_review_on == D(2026, 10, 19)
    walk(
        contract,
        [
            (D(2026, 10, 18), set()),
            (D(2026, 10, 19), {Flag.Kind.CONTRACT_REVIEW_OVERDUE}),
            (D(2026, 10, 20), {Flag.Kind.CONTRACT_REVIEW_OVERDUE}),
        ],
    )
    # A review sets the next date: the flag resolves itself on the next run.
    ParentingContract.objects.filter(pk=contract.pk).update(next_review_on=D(2026, 12, 7))
    walk(contract, [(D(2026, 10, 21), set())])


def test_contract_not_signed_in_time_edges(pupil_and_parents, school_staff):
    """Seed 001: "it must be signed as soon as possible" — flagged once it has
    waited more than CONTRACT_SIGNING_ALLOWED_DAYS (10) since it was finalised."""
    pupil, parents = pupil_and_parents
    contract = cf.finalised(pupil, parents, school_staff)
    ParentingContract.objects.filter(pk=contract.pk).update(finalised_on=D(2026, 9, 7))
    walk(
        contract,
        [
            (D(2026, 9, 17), set()),  # the 10th day: still in time
            (D(2026, 9, 18), {Flag.Kind.CONTRACT_UNSIGNED}),
            (D(2026, 9, 19), {Flag.Kind.CONTRACT_UNSIGNED}),
        ],
    )
    assert Flag.objects.get(kind=Flag.Kind.CONTRACT_UNSIGNED).due_on == D(2026, 9, 17)


def test_the_job_serves_a_warning_nobody_served(contract, school_staff):
    """Seed 001: if there is no explanation, or it is not satisfactory, a
    warning letter is served saying the contract is not working."""
    cf.non_compliance(contract, school_staff)  # noticed 12 October 2026
    counts = contract_jobs.warning_letters(D(2026, 10, 20), by=system_user())
    assert (counts["issued"], counts["existing"], counts["held"]) == (2, 0, 0)
    letters = Letter.objects.filter(kind=Letter.Kind.CONTRACT_WARNING)
    assert {letter.recipient.first_name for letter in letters} == {"Dana", "Lee"}
    assert {letter.generated_by for letter in letters} == {system_user()}
    # Made, not served: the warning is served when a letter is sent (issue 16).
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    dana = letters.get(recipient__first_name="Dana")
    letter_approve(letter=dana, by=school_staff)
    letter_send(letter=dana, by=school_staff, method=Letter.SentBy.POST, sent_on=D(2026, 10, 21))
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.WARNING_SERVED
    with letters.get(recipient__first_name="Dana").document.file.open("rb") as f:
        text = " ".join(PdfReader(io.BytesIO(f.read())).pages[0].extract_text().split())
    assert "Dear parent or carer," in text  # no title recorded: the neutral salutation
    assert "Your parenting contract is not working" in text
    assert "12 October 2026" in text
    again = contract_jobs.warning_letters(D(2026, 10, 21), by=system_user())
    assert (again["issued"], again["existing"]) == (0, 2)


def test_a_warning_served_from_the_page_is_not_served_again(contract, school_staff):
    record = cf.non_compliance(contract, school_staff)
    services.warning_serve(non_compliance=record, by=school_staff)
    counts = contract_jobs.warning_letters(D(2026, 10, 20), by=system_user())
    assert (counts["issued"], counts["existing"]) == (0, 2)
    assert Letter.objects.count() == 2


def test_a_reasonable_explanation_gets_no_warning(contract, school_staff):
    cf.non_compliance(
        contract, school_staff, explanation="The pupil was in hospital", reasonable=True
    )
    counts = contract_jobs.warning_letters(D(2026, 10, 20), by=system_user())
    assert (counts["issued"], counts["existing"]) == (0, 0)
