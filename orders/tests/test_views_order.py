"""The order page, its forms and who may reach them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from orders.models import OrderRequirement, ParentingOrder, RequirementKind
from orders.tests.factories import (
    FailureFactory,
    OrderSessionFactory,
    ParentingOrderFactory,
    ReferralFactory,
    RequirementFactory,
)
from yos.models import AccessLog

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 2, 16)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2027, 2, 16, 12, tzinfo=dt.UTC), tick=False):
        yield


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


# --- Who may reach the order page ---------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("case_manager", 200),
        ("colleague", 200),
        ("supervisor", 200),
        ("outsider", 404),
        ("victim_worker", 404),
        ("school_staff", 404),
        ("administrator", 404),
    ],
)
def test_who_may_read_the_order_page(request, client_for, order, persona, status):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(order.get_absolute_url())
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("case_manager", 200), ("colleague", 403), ("supervisor", 403), ("outsider", 404)],
)
def test_only_the_allocated_case_manager_may_change_the_order(
    request, client_for, order, persona, status
):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("orders:order-edit", args=[order.pk]))
    assert response.status_code == status


def test_anonymous_users_are_sent_to_sign_in(client, order):
    response = client.get(order.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_the_order_page_shows_the_clock_and_logs_the_read(client_for, case_manager, order):
    RequirementFactory(order=order, ends_on=dt.date(2027, 11, 14))
    response = client_for(case_manager).get(order.get_absolute_url())
    body = response.content.decode()
    assert "Counselling enforceable until 14 February 2027" not in body  # ended two days ago
    assert "Counselling ended on 14 February 2027: attendance is now voluntary" in body
    assert "Counselling is now voluntary" in body
    assert "Runs until 14 November 2027" in body
    assert "Case open until 14 November 2027" in body
    assert "3 calendar months from the date the order was made (14 November 2026)" in body
    assert AccessLog.objects.filter(user=case_manager, object_id=order.pk).exists()


def test_the_clock_counts_the_days_left(client_for, case_manager, parenting_case, parent):
    order = ParentingOrderFactory(
        case=parenting_case, made_on=dt.date(2026, 11, 30), parents=[parent]
    )
    response = client_for(case_manager).get(order.get_absolute_url())
    assert (
        "Counselling enforceable until 28 February 2027 (12 days left)" in response.content.decode()
    )


def _fill(order, n):
    for i in range(n):
        RequirementFactory(order=order, ends_on=dt.date(2027, 3, 1) + dt.timedelta(days=i))
        session = OrderSessionFactory(order=order, held_on=dt.date(2026, 12, 1))
        failure = FailureFactory(
            order=order, parent=order.parents.get(), occurred_on=dt.date(2026, 12, 1)
        )
        ReferralFactory(failure=failure)
        assert session.pk


def test_the_order_page_costs_the_same_queries_for_5_and_50_rows(
    client_for, case_manager, order, django_assert_num_queries
):
    client = client_for(case_manager)
    _fill(order, 5)
    client.get(order.get_absolute_url())  # warm the session and the user's caches
    with django_assert_num_queries(_count(client, order)):
        client.get(order.get_absolute_url())
    _fill(order, 45)
    with django_assert_num_queries(_count(client, order)) as captured:
        client.get(order.get_absolute_url())
    assert len(captured.captured_queries) < 30


def _count(client, order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(order.get_absolute_url())
    return len(ctx.captured_queries)


def test_the_order_list_costs_the_same_queries_for_5_and_50_orders(
    client_for, case_manager, parenting_case, parent
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(case_manager)

    def make(n):
        for _ in range(n):
            o = ParentingOrderFactory(case=parenting_case, parents=[parent])
            RequirementFactory(order=o)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("orders:order-list"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    make(5)
    client.get(reverse("orders:order-list"))
    five = count()
    make(45)
    assert count() == five


def test_the_case_manager_records_an_order(client_for, case_manager, parenting_case, parent):
    response = client_for(case_manager).post(
        reverse("orders:order-create", args=[parenting_case.pk]),
        {
            "parents": [parent.pk],
            "court": "Demo Town Youth Court",
            **_date("made_on", TODAY),
            "basis": "sa_2020_s366",
            "conditions": "Home between 7pm and 7am",
        },
    )
    order = ParentingOrder.objects.get()
    assert response.status_code == 302
    assert response.url == order.get_absolute_url()
    assert order.counselling_ends_on == dt.date(2027, 5, 16)
    assert order.history.first().history_user == case_manager


def test_the_order_form_errors_are_plain_english(client_for, case_manager, parenting_case):
    response = client_for(case_manager).post(
        reverse("orders:order-create", args=[parenting_case.pk]),
        {**_date("made_on", TODAY + dt.timedelta(days=1)), "residential": "on"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["parents"] == ["Select the parents or carers the order binds"]
    assert errors["court"] == ["Enter the court that made the order"]
    assert errors["basis"] == ["Select the act and section the order was made under"]
    assert errors["made_on"] == ["The date the order was made must be today or in the past"]
    assert "govuk-error-summary" in response.content.decode()
    assert ParentingOrder.objects.count() == 0


def test_adding_a_requirement_past_twelve_months_is_refused_with_the_latest_date(
    client_for, case_manager, order
):
    response = client_for(case_manager).post(
        reverse("orders:requirement-add", args=[order.pk]),
        {"kind": RequirementKind.ATTEND_SCHOOL, **_date("ends_on", dt.date(2027, 11, 15))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "A requirement cannot end after 14 November 2027, 12 months after the order was made"
    ]
    assert OrderRequirement.objects.count() == 0


def test_a_stale_edit_saves_nothing(client_for, case_manager, order, parent):
    order.court = "Changed meanwhile"
    order.version = 2
    order.save()
    response = client_for(case_manager).post(
        reverse("orders:order-edit", args=[order.pk]),
        {
            "parents": [parent.pk],
            "court": "My change",
            **_date("made_on", order.made_on),
            "basis": order.basis,
            "loaded_version": 1,
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    order.refresh_from_db()
    assert order.court == "Changed meanwhile"


def test_the_history_tab_shows_who_changed_what(client_for, case_manager, order, parent):
    from cases.tests.factories import AdultFactory

    second = AdultFactory(family=parent.family, first_name="Quinn", last_name="Ashdown")
    client = client_for(case_manager)
    client.post(
        reverse("orders:order-edit", args=[order.pk]),
        {
            "parents": [parent.pk, second.pk],
            "court": "Northtown Youth Court",
            **_date("made_on", order.made_on),
            "basis": order.basis,
            "loaded_version": order.version,
        },
    )
    response = client.get(reverse("orders:order-history", args=[order.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Northtown Youth Court" in body
    assert "Casey Morgan" in body
    assert "Parents or carers bound" in body
    assert "Morgan Ashdown, Quinn Ashdown" in body


def test_recording_a_missed_session_after_counselling_says_it_is_voluntary(
    client_for, case_manager, order, parent
):
    response = client_for(case_manager).post(
        reverse("orders:session-record", args=[order.pk]),
        {**_date("held_on", TODAY), "attendance": "missed", "parent": parent.pk},
        follow=True,
    )
    assert "Counselling is now voluntary, so a missed session is not a failure to comply" in (
        response.content.decode()
    )
    assert order.failures.count() == 0


def test_recording_a_failure_against_counselling_after_it_ended_is_refused(
    client_for, case_manager, order, parent
):
    response = client_for(case_manager).post(
        reverse("orders:record-failure", args=[order.pk]),
        {
            "kind": "counselling",
            "parent": parent.pk,
            **_date("occurred_on", TODAY),
            "description": "Did not come",
            "excuse": "not_accepted",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_on"] == [
        "Counselling ended on 14 February 2027: attendance is now voluntary, so a missed "
        "session cannot be recorded as a failure to comply"
    ]
    assert "Counselling ended on 14 February 2027 and is now voluntary" in response.content.decode()
    assert order.failures.count() == 0


def test_closing_an_order_before_it_is_due_is_refused(client_for, case_manager, order):
    RequirementFactory(order=order, ends_on=dt.date(2027, 6, 1))
    response = client_for(case_manager).post(
        reverse("orders:order-close", args=[order.pk]), follow=True
    )
    assert (
        "cannot be closed while counselling or a requirement is running"
        in response.content.decode()
    )
    order.refresh_from_db()
    assert order.closed_on is None


def test_closing_an_order_due_for_closure(client_for, case_manager, order):
    response = client_for(case_manager).post(reverse("orders:order-close", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.closed_on == TODAY


def test_closing_needs_post(client_for, case_manager, order):
    response = client_for(case_manager).get(reverse("orders:order-close", args=[order.pk]))
    assert response.status_code == 405


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_support_page_costs_the_same_queries_for_5_and_50_sessions(
    client_for, case_manager, parenting_case
):
    from orders.tests.factories import OrderSessionFactory

    client = client_for(case_manager)
    url = reverse("orders:support-detail", args=[parenting_case.pk])

    def make(n):
        for _ in range(n):
            OrderSessionFactory(order=None, case=parenting_case, held_on=dt.date(2027, 1, 5))

    make(5)
    _queries(client, url)
    five = _queries(client, url)
    make(45)
    assert _queries(client, url) == five


def test_the_history_tab_costs_the_same_queries_for_5_and_50_records(
    client_for, case_manager, order
):
    client = client_for(case_manager)
    url = reverse("orders:order-history", args=[order.pk])
    _fill(order, 5)
    _queries(client, url)
    five = _queries(client, url)
    _fill(order, 45)
    assert _queries(client, url) == five


def test_names_in_the_form_choices_are_escaped(client_for, case_manager, parenting_case, parent):
    parent.first_name = "<script>alert(1)</script>"
    parent.save()
    body = (
        client_for(case_manager)
        .get(reverse("orders:order-create", args=[parenting_case.pk]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
