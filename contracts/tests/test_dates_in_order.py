"""Consent, reviews and non-compliance dated in order (issue 17, rule 5).

Seed 001: "A parenting contract cannot be put in place if there is no
parental consent. Additionally, a parenting contract cannot be initiated in
the absence of the parent(s), even if they consent for that to happen." So
consent is dated, not in the future and not after the initiation meeting.
A review held, or non-compliance noticed, happened: not in the future and
not before the contract started (a next review may be set ahead).
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import rules, services
from contracts.models import ParentingContract
from contracts.tests import factories as cf

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
MEETING = dt.date(2026, 9, 7)  # cf.START: the contract starts on the day of the meeting


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def family(school):
    return cf.pupil_with_parents(school)


def _initiate(contract, by, **extra):
    values = {
        "contract": contract,
        "consent_given": True,
        "consent_on": MEETING,
        "consent_how": ParentingContract.ConsentHow.IN_PERSON,
        "initiated_on": MEETING,
        "present": list(contract.parents.all()),
        "unresponsive": [],
        "pupil_engaged": True,
        "by": by,
        **extra,
    }
    return services.contract_record_initiation(**values)


@pytest.mark.parametrize(
    ("consent_on", "initiated_on", "message"),
    [
        (None, MEETING, "Enter the date consent was given"),
        (
            TODAY + dt.timedelta(days=1),
            MEETING,
            "Date consent was given must be today or in the past",
        ),
        (
            dt.date(2026, 9, 8),
            MEETING,
            "Date consent was given must be the same as or before the date of the meeting",
        ),
    ],
)
def test_consent_is_dated_and_not_after_the_meeting(
    family, school_staff, consent_on, initiated_on, message
):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as caught:
        _initiate(contract, school_staff, consent_on=consent_on, initiated_on=initiated_on)
    assert caught.value.message_dict == {"consent_on": [message]}
    contract.refresh_from_db()
    assert contract.consent_given is False


def test_consent_before_or_on_the_day_of_the_meeting_is_accepted(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    _initiate(contract, school_staff, consent_on=dt.date(2026, 9, 1))
    contract.refresh_from_db()
    assert (contract.consent_on, contract.initiated_on) == (dt.date(2026, 9, 1), MEETING)


def _review(contract, by, held_on, next_review_on=None):
    requirements = list(contract.requirements.all())
    return services.review_record(
        contract=contract,
        held_on=held_on,
        progress={r: ("met", "") for r in requirements},
        next_review_on=next_review_on,
        by=by,
    )


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "Date of the review must be today or in the past"),
        (
            dt.date(2026, 9, 6),
            "Date of the review must be the same as or after the date the contract started, "
            "7 September 2026",
        ),
    ],
)
def test_a_review_held_is_not_in_the_future_nor_before_the_start(
    family, school_staff, held_on, message
):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as caught:
        _review(contract, school_staff, held_on)
    assert caught.value.message_dict == {"held_on": [message]}
    assert contract.reviews.count() == 0


def test_a_review_held_today_may_set_the_next_one_ahead(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    review = _review(contract, school_staff, TODAY, next_review_on=dt.date(2027, 1, 11))
    assert review.next_review_on == dt.date(2027, 1, 11)


def _non_compliance(contract, by, noticed_on, contacted_on=None):
    return services.non_compliance_record(
        contract=contract,
        parents=list(contract.parents.all()),
        what_happened="Missed five mornings in a fortnight",
        noticed_on=noticed_on,
        contacted_on=contacted_on or noticed_on,
        contact_method="phone",
        explanation="",
        explanation_reasonable=False,
        by=by,
    )


@pytest.mark.parametrize(
    ("noticed_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "Date it was noticed must be today or in the past"),
        (
            dt.date(2026, 9, 6),
            "Date it was noticed must be the same as or after the date the contract started, "
            "7 September 2026",
        ),
    ],
)
def test_non_compliance_noticed_is_not_in_the_future_nor_before_the_start(
    family, school_staff, noticed_on, message
):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as caught:
        _non_compliance(contract, school_staff, noticed_on, contacted_on=TODAY)
    assert caught.value.message_dict == {"noticed_on": [message]}
    assert contract.non_compliance.count() == 0


def _date(name, value):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def test_school_staff_see_the_consent_date_error_next_to_the_field(
    client_for, school_staff, family
):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    cf.add_requirements(contract, school_staff)
    response = client_for(school_staff).post(
        reverse("contracts:record-initiation", args=[contract.pk]),
        {
            **_date("initiated_on", MEETING),
            "consent_given": "yes",
            **_date("consent_on", dt.date(2026, 9, 8)),
            "consent_how": ParentingContract.ConsentHow.IN_PERSON,
            "present": [p.pk for p in parents],
            "pupil_engaged": "yes",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["consent_on"] == [rules.CONSENT_AFTER_MEETING]
    assert rules.CONSENT_AFTER_MEETING in response.content.decode()


def test_school_staff_see_the_review_date_error_next_to_the_field(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    data = {**_date("held_on", TODAY + dt.timedelta(days=1))}
    for requirement in contract.requirements.all():
        data[f"progress_{requirement.pk}"] = "met"
    response = client_for(school_staff).post(
        reverse("contracts:record-review", args=[contract.pk]), data
    )
    assert response.status_code == 400
    assert response.context["form"].errors["held_on"] == [rules.HELD_IN_FUTURE]
