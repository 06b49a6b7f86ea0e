"""Why a contract is offered, and contracts that reach their end date (issue 17).

Seed 001: "A parenting contract is a formal written agreement between a parent
and either the governing body of a school /or local authority to address
irregular attendance at school or alternative provision. They can also be used
in cases where behaviour is a concern, and the pupil may have received
suspensions." Anti-social Behaviour Act 2003 s.19: the requirements are for
improving the pupil's behaviour and/or securing regular attendance.

Issue 17: "a contract past its end date is moved to 'ended' by the nightly job
(a named transition, audited), not left 'active' with a flag."
"""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from contracts import forms as f
from contracts import jobs, services
from contracts.models import ContractStatusChange, ParentingContract
from contracts.tests import factories as cf
from contracts.tests.test_views_contract import date_fields, draft_post
from yos.jobs import run_nightly_jobs
from yos.lib.audit import system_user
from yos.models import Flag

pytestmark = pytest.mark.django_db


def _text(stored) -> str:
    with stored.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def family(school):
    return cf.pupil_with_parents(school)


# --- Purpose ---------------------------------------------------------------------------


def test_a_behaviour_contract_speaks_of_behaviour_in_the_document_letter_and_page(
    client_for, family, school_staff
):
    """ "They can also be used in cases where behaviour is a concern, and the
    pupil may have received suspensions." A behaviour contract never says it
    is about attendance."""
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff, purpose=ParentingContract.Purpose.BEHAVIOUR)
    document = _text(contract.documents.get(number=1).document)
    assert "a written agreement to help improve Kai's behaviour at school" in document
    assert "attendance at school" not in document.split("Why this contract is offered")[0]
    assert (
        "There are concerns about Kai's behaviour at school, and Kai may have been suspended."
        in (document)
    )
    with time_machine.travel(dt.datetime(2026, 10, 14, 12, tzinfo=dt.UTC), tick=False):
        letters = services.warning_serve(
            non_compliance=cf.non_compliance(contract, school_staff), by=school_staff
        )
    assert letters
    letter = _text(letters[0].document)
    assert "to help improve Kai's behaviour at school." in letter
    assert "attendance at school." not in letter
    page = client_for(school_staff).get(contract.get_absolute_url()).content.decode()
    assert "Behaviour at school, or suspensions" in page
    assert "There are concerns about Kai&#x27;s behaviour at school" in page


def test_both_purposes_name_attendance_and_behaviour(family, school_staff):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff, purpose=ParentingContract.Purpose.BOTH)
    document = _text(contract.documents.get(number=1).document)
    assert "to help improve Kai's attendance and behaviour at school" in document


def test_an_attendance_contract_is_the_default(family, school_staff):
    """Existing contracts migrate to attendance (migration 0003's default): the
    purpose every contract had before it was recorded."""
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    assert contract.purpose == ParentingContract.Purpose.ATTENDANCE
    field = ParentingContract._meta.get_field("purpose")
    assert field.default == ParentingContract.Purpose.ATTENDANCE


def test_the_draft_form_asks_why_the_contract_is_offered(client_for, family, school_staff):
    pupil, parents = family
    data = draft_post(parents)
    data.pop("purpose")
    response = client_for(school_staff).post(reverse("contracts:draft", args=[pupil.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["purpose"] == [f.PURPOSE_REQUIRED]
    assert not ParentingContract.objects.exists()
    response = client_for(school_staff).post(
        reverse("contracts:draft", args=[pupil.pk]), draft_post(parents, purpose="both")
    )
    assert response.status_code == 302
    assert ParentingContract.objects.get().purpose == ParentingContract.Purpose.BOTH


# --- Contracts end ---------------------------------------------------------------------


def test_the_nightly_job_ends_a_contract_past_its_end_date(family, school_staff):
    """A contract whose end date passed is moved to "Ended: end date reached"
    by the named transition "expire", with who (the job's user) and why, and
    the "contract ending" flag it had is resolved. A rerun changes nothing."""
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    day_before_end = cf.END - dt.timedelta(days=1)
    run_nightly_jobs(day_before_end)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE  # on its last day it still runs
    assert Flag.objects.filter(kind=Flag.Kind.CONTRACT_ENDING, object_id=contract.pk).exists()

    day_after = cf.END + dt.timedelta(days=1)
    run = run_nightly_jobs(day_after)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.EXPIRED
    assert contract.get_status_display() == "Ended: end date reached"
    assert contract.ended_on == cf.END
    change = ContractStatusChange.objects.get(contract=contract, transition="expire")
    assert (change.from_status, change.by) == ("active", system_user())
    assert contract.history.first().history_user == system_user()
    assert run.counts["contracts.end_past_contracts"] == {"ended": 1}
    ending = Flag.objects.get(kind=Flag.Kind.CONTRACT_ENDING, object_id=contract.pk)
    assert ending.resolved_at is not None

    # idempotent: the next run finds nothing to end
    assert jobs.end_past_contracts(day_after + dt.timedelta(days=1), by=system_user()) == {
        "ended": 0
    }
    assert ContractStatusChange.objects.filter(contract=contract, transition="expire").count() == 1


def test_contracts_already_past_their_end_are_ended_by_the_next_run(family, school_staff, school):
    """Existing records: contracts left "active" (and one never signed) long
    after their end date are ended by the next run; drafts, finished and
    running contracts are left alone."""
    pupil, parents = family
    stale_active = cf.active(pupil, parents, school_staff)
    stale_unsigned = cf.finalised(pupil, parents, school_staff)
    running = cf.active(pupil, parents, school_staff, ends_on=dt.date(2027, 9, 1))
    draft = cf.draft(pupil, parents, school_staff)
    completed = cf.active(pupil, parents, school_staff)
    services.contract_complete(
        contract=completed, reason="Attendance 97%", ended_on=cf.END, by=school_staff
    )
    later = dt.date(2027, 6, 1)
    counts = jobs.end_past_contracts(later, by=system_user())
    assert counts == {"ended": 2}
    statuses = {
        c.pk: c.status
        for c in ParentingContract.objects.filter(
            pk__in=[stale_active.pk, stale_unsigned.pk, running.pk, draft.pk, completed.pk]
        )
    }
    assert statuses == {
        stale_active.pk: "expired",
        stale_unsigned.pk: "expired",
        running.pk: "active",
        draft.pk: "draft",
        completed.pk: "completed",
    }


def test_the_ended_contract_page_says_so(client_for, family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    jobs.end_past_contracts(cf.END + dt.timedelta(days=1), by=system_user())
    page = client_for(school_staff).get(contract.get_absolute_url()).content.decode()
    assert "Ended: end date reached" in page
    assert "The contract reached its end date" in page
    assert reverse("contracts:terminate", args=[contract.pk]) not in page


def test_a_terminate_date_form_still_works_for_the_school(client_for, family, school_staff):
    """The school's staff can still end their own contract early (not by the job)."""
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    response = client_for(school_staff).post(
        reverse("contracts:terminate", args=[contract.pk]),
        {"reason": "Left the school", **date_fields("ended_on", dt.date(2026, 11, 1))},
    )
    assert response.status_code == 302
