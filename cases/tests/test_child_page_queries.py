"""The child page asks each question once: whether the user may change the
child is answered with the child itself (the same write filter as
access.can_change, as a subquery), not by a query of its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
from yos import access

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(team, case_manager, colleague, outsider, other_team):
    return {
        "own": ChildFactory(family=FamilyFactory(team=team, case_manager=case_manager)),
        "colleague's": ChildFactory(family=FamilyFactory(team=team, case_manager=colleague)),
        "other team's": ChildFactory(family=FamilyFactory(team=other_team, case_manager=outsider)),
    }


@pytest.mark.parametrize("who", ["case_manager", "colleague", "supervisor", "outsider"])
def test_the_child_page_offers_changes_exactly_when_access_allows_them(
    request, client_for, children, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    seen = 0
    for child in children.values():
        response = client.get(child.get_absolute_url())
        if response.status_code == 404:
            continue
        seen += 1
        assert response.context["can_change"] is access.can_change(user, child)
    assert seen >= 1


def test_the_child_page_sends_no_separate_can_change_query(client_for, case_manager, children):
    """No section of the page asks access.can_change again: the cases app
    answers it with the child, and the other apps' hooks read that answer
    (yos.extensions.can_change_on_page)."""
    child = children["own"]
    CaseFactory(child=child)
    client = client_for(case_manager)
    client.get(child.get_absolute_url())  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(child.get_absolute_url())
    assert response.context["can_change"] is True
    exists = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT 1 AS "a"')]
    assert exists == []


def test_each_app_fetches_the_child_page_data_once(client_for, case_manager, children):
    """The panels and the timeline share one fetch per app: no statement is
    sent twice by one child page."""
    child = children["own"]
    CaseFactory(child=child)
    client = client_for(case_manager)
    client.get(child.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        client.get(child.get_absolute_url())
    statements = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(statements) > 5
    repeated = {sql[:120] for sql in statements if statements.count(sql) > 1}
    assert repeated == set()
