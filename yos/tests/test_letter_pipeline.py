"""The one letter pipeline (issue 16: "one function that decides what is due,
one de-duplication key, one render-and-store … dated by the run date; nightly
and on demand go through it"), for the contract kinds: the warning, served
when sent, and the copy to a parent who could not attend.

Seed 001: "Any parties who could not attend (e.g., a practitioner supporting
the family from an external agency) should be sent a copy for their records."
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from contracts import jobs as contract_jobs
from contracts import services as contract_services
from contracts.models import ParentingContract
from contracts.tests import factories as cf
from orders import jobs as order_jobs
from yos import letters as L
from yos.lib.audit import system_user
from yos.models import Letter

TODAY = timezone.localdate()


def pages_of(document) -> list[str]:
    with document.file.open("rb") as stored:
        return [page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages]


@pytest.fixture
def pupil_and_parents(school):
    school.address = "Hill Road\nDemo Town\nDT3 1HA"
    school.save()
    pupil, (dana, lee) = cf.pupil_with_parents(school)
    dana.address = "4 Example Row\nNorth Village\nDT4 5XY"
    dana.save()
    lee.address = "7 Other Street\nWest End\nDT9 8ZZ"
    lee.save()
    return pupil, dana, lee


def test_every_kind_builds_its_key_in_one_place():
    assert order_jobs.warning_key(3, 4) == L.letter_key(Letter.Kind.ORDER_WARNING, 3, 4)
    assert order_jobs.notice_key(3, 4) == L.letter_key(Letter.Kind.COUNSELLING_ENDED, 3, 4)
    assert contract_jobs.warning_key(3, 4) == "contract-warning:3:4"
    assert contract_jobs.copy_key(3, 4) == "contract-copy:3:4"
    assert L.key_ids(L.version_key("contract-warning:3:4", 3)) == (3, 4)


def test_the_contract_job_dates_its_letter_by_the_run_date_and_it_is_served_when_sent(
    pupil_and_parents, school_staff
):
    pupil, dana, lee = pupil_and_parents
    contract = cf.active(pupil, [dana, lee], school_staff)
    cf.non_compliance(contract, school_staff)  # noticed 12 October 2026
    run_date = dt.date(2026, 10, 20)
    assert contract_jobs.warning_letters(run_date, by=system_user())["issued"] == 2
    letter = Letter.objects.get(recipient=dana)
    assert letter.letter_date == run_date
    assert "20 October 2026" in pages_of(letter.document)[0]
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE  # made, not served
    L.letter_approve(letter=letter, by=school_staff)
    L.letter_send(letter=letter, by=school_staff, method=Letter.SentBy.POST, sent_on=TODAY)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.WARNING_SERVED
    transition = contract.status_changes.get(transition="serve_warning")
    assert transition.by == school_staff and "Dana" in transition.reason


def test_the_page_and_the_job_make_one_letter_between_them(
    pupil_and_parents, school_staff, client_for
):
    pupil, dana, lee = pupil_and_parents
    contract = cf.active(pupil, [dana, lee], school_staff)
    record = cf.non_compliance(contract, school_staff)
    url = reverse("contracts:serve-warning", args=[contract.pk, record.pk])
    body = client_for(school_staff).post(url, follow=True).content.decode()
    assert "Warning letter made (2)" in body
    assert contract_jobs.warning_letters(dt.date(2026, 10, 20), by=system_user())["issued"] == 0
    assert Letter.objects.count() == 2
    assert set(record.warning_letters.all()) == set(Letter.objects.all())


def test_a_parent_who_was_not_at_the_meeting_gets_a_copy_with_the_contract(
    pupil_and_parents, school_staff
):
    pupil, dana, lee = pupil_and_parents
    contract = cf.draft(pupil, [dana, lee], school_staff)
    cf.add_requirements(contract, school_staff)
    cf.initiate(contract, school_staff, present=[dana])  # Lee could not attend
    contract_services.contract_finalise(contract=contract, by=school_staff)
    counts = contract_jobs.copy_letters(TODAY, by=system_user())
    assert (counts["issued"], counts["held"]) == (1, 0)
    copy = Letter.objects.get(kind=Letter.Kind.CONTRACT_COPY)
    assert copy.recipient == lee
    pages = pages_of(copy.document)
    version = contract.documents.get()
    assert len(pages) == 1 + len(pages_of(version.document))  # the letter, then the contract
    assert "A copy of your parenting contract" in pages[0] and "DT9 8ZZ" in pages[0]
    assert contract_jobs.copy_letters(TODAY, by=system_user())["issued"] == 0
    L.letter_approve(letter=copy, by=school_staff)
    L.letter_send(letter=copy, by=school_staff, method=Letter.SentBy.EMAIL, sent_on=TODAY)
    recorded = contract.copies_sent.get()
    assert (recorded.recipient, recorded.method, recorded.sent_on) == (
        lee.full_name,
        "email",
        TODAY,
    )
