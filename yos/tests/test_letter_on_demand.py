""" "Issue a warning letter" from the failure to comply (issue 16: "nightly and
on demand ("Issue a warning letter" from the failure or non-compliance page)
go through it"): the same letter, key and rules as the nightly job, and the
case manager's way of deciding a warning the job left to them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import AdultChildFactory, AdultFactory
from orders.models import Excuse, ExplanationStatus
from orders.tests.factories import FailureFactory, ParentingOrderFactory, RequirementFactory
from orders.views import NO_WARNING_FOR_EXCUSE, NO_WARNING_YET, WARNING_MADE
from yos.job_views import warnings_to_decide
from yos.models import Letter

TODAY = timezone.localdate()


@pytest.fixture
def order(team, case_manager):
    order = ParentingOrderFactory(
        made_on=TODAY - dt.timedelta(days=80),
        case__referred_on=TODAY - dt.timedelta(days=90),
        case__opened_on=TODAY - dt.timedelta(days=85),
        case__child__family__team=team,
        case__child__family__case_manager=case_manager,
    )
    RequirementFactory(order=order, ends_on=TODAY + dt.timedelta(days=90))
    dana = AdultFactory(family=order.child.family, first_name="Dana", address="4 Row\nDT4 5XY")
    AdultChildFactory(adult=dana, child=order.child, resident=False)
    order.parents.set([dana])
    return order


def test_a_stale_failure_is_decided_by_issuing_the_letter_once(order, case_manager, client_for):
    failure = FailureFactory(order=order, occurred_on=TODAY - dt.timedelta(days=40))
    assert [row["url"] for row in warnings_to_decide(case_manager)] == [failure.get_absolute_url()]
    client = client_for(case_manager)
    url = reverse("orders:issue-warning", args=[failure.pk])
    body = client.post(url, follow=True).content.decode()
    assert WARNING_MADE in body
    letter = Letter.objects.get()
    assert (letter.kind, letter.status, letter.letter_date) == (
        Letter.Kind.ORDER_WARNING,
        Letter.Status.DRAFT,
        TODAY,
    )
    assert letter.dedupe_key == f"order-warning:{failure.pk}:{failure.parent_id}"
    assert letter.get_absolute_url() in body  # the order page links the letter
    assert warnings_to_decide(case_manager) == []
    client.post(url)
    assert Letter.objects.count() == 1


def test_no_warning_letter_for_an_accepted_excuse(order, case_manager, client_for):
    failure = FailureFactory(
        order=order, occurred_on=TODAY - dt.timedelta(days=2), excuse=Excuse.ACCEPTED
    )
    url = reverse("orders:issue-warning", args=[failure.pk])
    body = client_for(case_manager).post(url, follow=True).content.decode()
    assert NO_WARNING_FOR_EXCUSE in body
    assert Letter.objects.count() == 0


def test_no_warning_letter_before_the_parent_was_asked(order, case_manager, client_for):
    """wt-orders' explanation rule holds on demand too: not offered on the
    order page, and refused if posted, until the warning is due."""
    failure = FailureFactory(
        order=order,
        occurred_on=TODAY - dt.timedelta(days=2),
        explanation_status=ExplanationStatus.NOT_ASKED,
        explanation_on=None,
        excuse="",
        excuse_decided_by=None,
        excuse_decided_at=None,
    )
    client = client_for(case_manager)
    page = client.get(order.get_absolute_url()).content.decode()
    assert reverse("orders:issue-warning", args=[failure.pk]) not in page
    url = reverse("orders:issue-warning", args=[failure.pk])
    body = client.post(url, follow=True).content.decode()
    assert NO_WARNING_YET in body
    assert Letter.objects.count() == 0
