"""The access decisions that moved into yos/access.py in issue 15 (they were
made in cases/views.py, yos/sar.py and contracts/selectors.py): who sees
which teams, who may export a subject's records, and for whom a contract may
be started, with the two ways of asking that last question agreeing."""

import pytest
from django.http import Http404
from django.urls import reverse

from cases.models import Adult, Child
from cases.tests.factories import AdultFactory, ChildFactory, FamilyFactory
from yos import access
from yos.models import Role

pytestmark = pytest.mark.django_db


def test_teams_for_a_team_supervisor_a_service_wide_one_and_a_case_manager(
    team, other_team, supervisor, case_manager
):
    assert list(access.teams_for(supervisor)) == [team]
    assert list(access.teams_for(case_manager)) == [team]
    supervisor.service_wide = True
    supervisor.save()
    assert set(access.teams_for(supervisor)) == {team, other_team}
    # service_wide means nothing on a case manager's account
    case_manager.service_wide = True
    case_manager.save()
    assert list(access.teams_for(case_manager)) == [team]
    assert not access.sees_whole_service(case_manager)


def test_the_find_a_child_team_filter_offers_only_those_teams(
    client_for, team, other_team, supervisor
):
    """cases/views.find_child lists the teams through access.teams_for."""
    response = client_for(supervisor).get(reverse("cases:find-child"))
    teams = list(response.context["form"].fields["team"].queryset)
    assert teams == [team]


def test_only_an_administrator_gets_a_subject_to_export(personas, team):
    child = ChildFactory(family=FamilyFactory(team=team))
    adult = AdultFactory(family=child.family)
    admin = personas[Role.ADMINISTRATOR]
    assert access.subject_for_export(admin, Child, child.pk) == child
    assert access.subject_for_export(admin, Adult, adult.pk) == adult
    with pytest.raises(Http404):
        access.subject_for_export(admin, Child, child.pk + 1000)
    with pytest.raises(Http404):
        access.subject_for_export(admin, Child, "not a number")
    for role, user in personas.items():
        if role != Role.ADMINISTRATOR:
            with pytest.raises(Http404):
                access.subject_for_export(user, Child, child.pk)


def test_may_draft_for_agrees_with_contract_pupils_for_every_role(personas, team, school):
    """One rule for "which pupils may this user start a contract for":
    access.contract_pupils; may_draft_contract_for asks it for one child, with
    or without the page's own answer to "may this user change the child"."""
    cm = personas[Role.CASE_MANAGER]
    mine = ChildFactory(family=FamilyFactory(team=team, case_manager=cm), school=school)
    no_school = ChildFactory(family=FamilyFactory(team=team, case_manager=cm), school=None)
    colleagues = ChildFactory(family=FamilyFactory(team=team), school=school)
    for user in personas.values():
        pupils = set(access.contract_pupils(user))
        for child in (mine, no_school, colleagues):
            expected = child in pupils
            assert access.may_draft_contract_for(user, child) is expected, (user, child)
            answer = access.can_change(user, child)
            assert (
                access.may_draft_contract_for(user, child, changeable=lambda a=answer: a)
                is expected
            ), (user, child)
    assert access.may_draft_contract_for(cm, mine)
    assert not access.may_draft_contract_for(cm, no_school)
