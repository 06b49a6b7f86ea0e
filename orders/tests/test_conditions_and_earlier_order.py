"""Structured conditions, and the earlier parenting order that is the ground
for omitting the programme (issue 17).

Seed 000: "they may also have conditions imposed upon them such as ensuring
their child does not visit a particular place unsupervised or ensuring their
child is at home at particular times. A failure to fulfil the conditions can
be treated as a criminal offence".

Crime and Disorder Act 1998 s.8(5): "A parenting order may, but need not,
include such a requirement as is mentioned in subsection (4)(b) above in any
case where a parenting order under this section or any other enactment has
been made in respect of the parent on a previous occasion."
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.tests.factories import AdultFactory
from orders import services
from orders.models import ConditionKind, FailureKind, ParentingOrder
from orders.tests.factories import ConditionFactory, ParentingOrderFactory

pytestmark = pytest.mark.django_db

MADE = dt.date(2026, 11, 14)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


# --- conditions ----------------------------------------------------------------------


def test_a_condition_is_recorded_with_its_kind_details_and_dates(order, case_manager):
    condition = services.condition_add(
        order=order,
        kind=ConditionKind.NOT_VISIT_PLACE,
        details="the Riverside shopping centre",
        starts_on=MADE,
        ends_on=dt.date(2027, 5, 14),
        by=case_manager,
    )
    assert condition.summary == (
        "Ensure the child does not visit the Riverside shopping centre unsupervised"
    )
    assert condition.history.get().history_user == case_manager


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "errors"),
    [
        (
            dt.date(2026, 11, 13),
            dt.date(2027, 1, 1),
            {
                "starts_on": [
                    "A condition cannot start before the order was made on 14 November 2026"
                ]
            },
        ),
        (
            MADE,
            dt.date(2027, 11, 15),
            {
                "ends_on": [
                    "A condition cannot end after 14 November 2027, 12 months after the order was made"
                ]
            },
        ),
        (
            dt.date(2027, 1, 2),
            dt.date(2027, 1, 1),
            {"ends_on": ["A condition cannot end before it starts"]},
        ),
    ],
)
def test_a_condition_outside_the_order_is_refused(order, case_manager, starts_on, ends_on, errors):
    with pytest.raises(ValidationError) as caught:
        services.condition_add(
            order=order,
            kind=ConditionKind.AT_HOME,
            details="between 8pm and 7am",
            starts_on=starts_on,
            ends_on=ends_on,
            by=case_manager,
        )
    assert caught.value.message_dict == errors
    assert not order.order_conditions.exists()


def test_a_condition_needs_its_details_in_words_for_its_kind(client_for, case_manager, order):
    response = client_for(case_manager).post(
        reverse("orders:condition-add", args=[order.pk]),
        {"kind": "at_home", **_date("starts_on", MADE), **_date("ends_on", dt.date(2027, 1, 1))},
    )
    assert response.context["form"].errors["details"] == [
        "Enter the times the child must be at home, for example 8pm to 7am"
    ]


def test_a_failure_names_the_condition_it_breaches(order, case_manager):
    condition = ConditionFactory(order=order, starts_on=dt.date(2026, 12, 1))
    failure = services.failure_record(
        order=order,
        kind=FailureKind.CONDITION,
        condition=condition,
        parent=order.parents.get(),
        occurred_on=dt.date(2026, 12, 5),
        description="Out at midnight",
        by=case_manager,
    )
    assert failure.condition == condition


def test_a_condition_failure_must_name_a_condition_that_applied_that_day(order, case_manager):
    condition = ConditionFactory(order=order, starts_on=dt.date(2026, 12, 6))
    kwargs = {
        "order": order,
        "kind": FailureKind.CONDITION,
        "parent": order.parents.get(),
        "occurred_on": dt.date(2026, 12, 5),
        "description": "Out at midnight",
        "by": case_manager,
    }
    with pytest.raises(ValidationError) as caught:
        services.failure_record(**kwargs)
    assert caught.value.message_dict == {
        "condition": ["Select the condition that was not complied with"]
    }
    with pytest.raises(ValidationError) as caught:
        services.failure_record(condition=condition, **kwargs)
    assert caught.value.message_dict == {
        "occurred_on": [
            "The condition did not apply on that date: it ran from 6 December 2026 to "
            "14 November 2027"
        ]
    }
    other = ConditionFactory()
    with pytest.raises(ValidationError) as caught:
        services.failure_record(condition=other, **kwargs)
    assert caught.value.message_dict == {"condition": ["Select a condition of this order"]}


def test_no_condition_on_a_closed_order(order, case_manager):
    order.closed_on, order.closed_by = dt.date(2026, 12, 1), case_manager
    order.save()
    with pytest.raises(ValidationError) as caught:
        services.condition_add(
            order=order,
            kind=ConditionKind.OTHER,
            details="Attend a course",
            starts_on=MADE,
            ends_on=dt.date(2027, 1, 1),
            by=case_manager,
        )
    assert caught.value.messages == [
        "This order is closed: you cannot add or change a condition on it"
    ]


def test_the_case_manager_adds_a_condition_and_the_page_shows_it(client_for, case_manager, order):
    client = client_for(case_manager)
    response = client.post(
        reverse("orders:condition-add", args=[order.pk]),
        {
            "kind": "at_home",
            "details": "between 8pm and 7am",
            **_date("starts_on", MADE),
            **_date("ends_on", dt.date(2027, 5, 14)),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Ensure the child is at home between 8pm and 7am" in page
    assert "14 May 2027" in page


@pytest.mark.parametrize(
    ("persona", "status"), [("supervisor", 403), ("school_staff", 404), ("victim_worker", 404)]
)
def test_only_the_allocated_case_manager_changes_conditions(
    request, client_for, order, persona, status
):
    condition = ConditionFactory(order=order)
    client = client_for(request.getfixturevalue(persona))
    response = client.post(
        reverse("orders:condition-edit", args=[condition.pk]),
        {"kind": "other", "details": "changed", "loaded_version": condition.version},
    )
    assert response.status_code == status
    condition.refresh_from_db()
    assert condition.details == "between 8pm and 7am"


# --- the earlier parenting order ---------------------------------------------------


def test_the_earlier_order_is_chosen_from_the_same_parents_orders(
    client_for, case_manager, parenting_case, parent
):
    earlier = ParentingOrderFactory(
        case=parenting_case, made_on=dt.date(2024, 5, 1), parents=[parent]
    )
    client = client_for(case_manager)
    url = reverse("orders:order-create", args=[parenting_case.pk])
    page = client.get(url).content.decode()
    assert "Made 1 May 2024 by Demo Town Youth Court" in page
    response = client.post(
        url,
        {
            "parents": [parent.pk],
            "court": "Demo Town Youth Court",
            **_date("made_on", dt.date(2026, 12, 1)),
            "basis": "cda_1998_s8",
            "programme_omitted": "on",
            "earlier_order": earlier.pk,
        },
        follow=True,
    )
    order = ParentingOrder.objects.exclude(pk=earlier.pk).get()
    assert order.earlier_order == earlier
    assert order.programme_omitted_note == ""
    assert earlier.get_absolute_url() in response.content.decode()


def test_free_text_only_when_the_earlier_order_is_not_recorded_here(
    order, case_manager, parenting_case, parent
):
    earlier = ParentingOrderFactory(
        case=parenting_case, made_on=dt.date(2024, 5, 1), parents=[parent]
    )
    base = {
        "case": parenting_case,
        "parents": [parent],
        "court": "Demo Town Youth Court",
        "made_on": dt.date(2026, 12, 1),
        "basis": "cda_1998_s8",
        "programme_omitted": True,
        "by": case_manager,
    }
    with pytest.raises(ValidationError) as caught:
        services.order_create(earlier_order=earlier, programme_omitted_note="Made in 2024", **base)
    assert caught.value.message_dict == {
        "programme_omitted_note": [
            "Leave the description of the earlier order empty: you selected it from the orders "
            "recorded here"
        ]
    }
    with pytest.raises(ValidationError) as caught:
        services.order_create(**base)
    assert caught.value.message_dict == {
        "programme_omitted_note": [
            "Enter why the programme was omitted, naming the earlier parenting order"
        ]
    }
    made = services.order_create(programme_omitted_note="Made in 2019 by Elsewhere Court", **base)
    assert made.earlier_order is None


def test_the_earlier_order_must_be_earlier_and_bind_one_of_the_parents(
    case_manager, parenting_case, parent
):
    other_parent = AdultFactory(family=parent.family, first_name="Sam")
    later = ParentingOrderFactory(
        case=parenting_case, made_on=dt.date(2026, 12, 5), parents=[parent]
    )
    of_other = ParentingOrderFactory(
        case=parenting_case, made_on=dt.date(2024, 1, 5), parents=[other_parent]
    )
    base = {
        "case": parenting_case,
        "parents": [parent],
        "court": "Demo Town Youth Court",
        "made_on": dt.date(2026, 12, 1),
        "basis": "cda_1998_s8",
        "programme_omitted": True,
        "by": case_manager,
    }
    with pytest.raises(ValidationError) as caught:
        services.order_create(earlier_order=later, **base)
    assert caught.value.message_dict == {
        "earlier_order": ["The earlier parenting order must have been made before this one"]
    }
    with pytest.raises(ValidationError) as caught:
        services.order_create(earlier_order=of_other, **base)
    assert caught.value.message_dict == {
        "earlier_order": [
            "Select an earlier parenting order of one of the parents or carers this order binds"
        ]
    }
