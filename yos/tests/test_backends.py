"""The signed-in user is loaded with their role, teams and authenticator in
one query (yos.backends), read afresh on every request: a change of role or
team takes effect on the user's next page (SECURITY.md pitfalls: leaks arise
when permissions change)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.factories import ChildFactory, FamilyFactory
from yos.backends import UserBackend
from yos.models import Role

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_role_teams_and_device_in_one_query(case_manager, team):
    with CaptureQueriesContext(connection) as ctx:
        user = UserBackend().get_user(case_manager.pk)
        role, names, has_device = user.role, user.team_names, user._has_device
        from yos import access

        ids = access.team_ids(user)
    assert len(ctx.captured_queries) == 1
    assert (role, names, ids, has_device) == (Role.CASE_MANAGER, [team.name], [team.pk], False)


def test_a_user_with_no_team_or_group_loads_as_such(db):
    from yos.models import User

    bare = User.objects.create_user("nobody", password="x-Password-2026")
    user = UserBackend().get_user(bare.pk)
    assert (user.role, user.team_names, user._has_device) == (None, [], False)


def test_leaving_a_team_closes_its_children_on_the_next_request(
    client_for, colleague, team, other_team
):
    child = ChildFactory(family=FamilyFactory(team=team, case_manager=None))
    client = client_for(colleague)
    assert client.get(child.get_absolute_url()).status_code == 200
    colleague.teams.set([other_team])
    assert client.get(child.get_absolute_url()).status_code == 404


def test_losing_the_case_manager_role_closes_case_pages_on_the_next_request(
    client_for, case_manager, team
):
    child = ChildFactory(family=FamilyFactory(team=team, case_manager=case_manager))
    client = client_for(case_manager)
    assert client.get(child.get_absolute_url()).status_code == 200
    case_manager.groups.set([Group.objects.get(name=Role.SCHOOL_STAFF.value)])
    assert client.get(child.get_absolute_url()).status_code == 404
