"""Every orders URL, for every persona who must not reach it: 404 (the same
answer as for a record that does not exist), never a page or a change."""

import re

import pytest
from django.urls import reverse

from orders.models import BreachReferral, ParentingOrder
from orders.tests.factories import (
    ConditionFactory,
    FailureFactory,
    ReferralFactory,
    RequirementFactory,
)
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db


def _orders_urls(order):
    requirement = RequirementFactory(order=order)
    condition = ConditionFactory(order=order)
    referral = ReferralFactory(failure=FailureFactory(order=order, parent=order.parents.get()))
    pk_for = {
        "requirements": requirement.pk,
        "conditions": condition.pk,
        "failures": referral.failure.pk,
        "referrals": referral.pk,
    }
    urls = []
    for route, name, _callback in walk():
        if not name.startswith("orders:"):
            continue
        tail = route.removeprefix("orders/")
        kwargs = {}
        for kwarg in re.findall(r"<int:(\w+)>", tail):
            if kwarg == "case_pk":
                kwargs[kwarg] = order.case_id
            else:
                kwargs[kwarg] = pk_for.get(tail.split("/")[0], order.pk)
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_the_walk_finds_every_orders_url(order):
    assert len(_orders_urls(order)) == 18  # with "Issue a warning letter" (issue 16)


@pytest.mark.parametrize("persona", ["outsider", "victim_worker", "school_staff", "administrator"])
def test_personas_without_business_get_404_everywhere(request, client_for, order, persona):
    client = client_for(request.getfixturevalue(persona))
    list_url = reverse("orders:order-list")
    for url in _orders_urls(order):
        if url == list_url and persona == "outsider":
            # An outsider case manager may open the list, but sees nothing of this team.
            response = client.get(url)
            assert response.status_code == 200
            assert order.get_absolute_url() not in response.content.decode()
            continue
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        assert statuses <= {404, 405} and 404 in statuses, (url, statuses)
    order.refresh_from_db()
    assert order.version == 1
    assert ParentingOrder.objects.count() == 1
    assert BreachReferral.objects.get().status == "awaiting"
