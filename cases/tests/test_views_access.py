"""Each role against the child, family and case pages of a family allocated to
the case manager, a family of their team, and another team's family."""

import pytest
from django.urls import reverse

from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "cases:child-detail",
    "cases:family-detail",
    "cases:case-detail",
    "cases:child-history",
]
WRITE_PAGES = ["cases:edit-child", "cases:edit-family", "cases:edit-case", "cases:record-session"]

# role → (allocated family, team family, other team's family)
READ = {
    "case_manager": (200, 200, 404),
    "supervisor": (200, 200, 404),
    "victim_worker": (404, 404, 404),
    "school_staff": (404, 404, 404),
    "administrator": (404, 404, 404),
}
WRITE = {
    "case_manager": (200, 403, 404),
    "supervisor": (403, 403, 404),
    "victim_worker": (404, 404, 404),
    "school_staff": (404, 404, 404),
    "administrator": (404, 404, 404),
}


@pytest.fixture
def families(team, other_team, case_manager, colleague, outsider, school):
    made = []
    for fam_team, manager in ((team, case_manager), (team, colleague), (other_team, outsider)):
        family = FamilyFactory(team=fam_team, case_manager=manager)
        # The school of school_staff, to show that a pupil's school opens nothing here.
        child = ChildFactory(family=family, school=school)
        made.append({"family": family, "child": child, "case": CaseFactory(child=child)})
    return made


def _object_of(name: str) -> str:
    return {
        "cases:edit-child": "child",
        "cases:edit-family": "family",
        "cases:edit-case": "case",
        "cases:record-session": "case",
    }[name]


def _url(name, records):
    kind = {
        "cases:child-detail": "child",
        "cases:child-history": "child",
        "cases:family-detail": "family",
        "cases:case-detail": "case",
    }.get(name) or _object_of(name)
    return reverse(name, args=[records[kind].pk])


@pytest.mark.parametrize("role", list(READ))
def test_each_role_reads_only_its_rows(role, personas, families, client_for):
    client = client_for(personas[role])
    got = {
        name: tuple(client.get(_url(name, records)).status_code for records in families)
        for name in READ_PAGES
    }
    assert got == dict.fromkeys(READ_PAGES, READ[role])


@pytest.mark.parametrize("role", list(WRITE))
def test_each_role_changes_only_its_rows(role, personas, families, client_for):
    client = client_for(personas[role])
    got = {
        name: tuple(client.get(_url(name, records)).status_code for records in families)
        for name in WRITE_PAGES
    }
    assert got == dict.fromkeys(WRITE_PAGES, WRITE[role])


def test_a_refused_post_changes_nothing(colleague, families, client_for):
    child = families[0]["child"]
    response = client_for(colleague).post(
        reverse("cases:edit-child", args=[child.pk]), {"first_name": "Changed"}
    )
    assert response.status_code == 403
    child.refresh_from_db()
    assert child.first_name != "Changed"


def test_signed_out_users_are_sent_to_sign_in(client, families):
    response = client.get(_url("cases:child-detail", families[0]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_only_supervisors_reach_allocation(personas, families, client_for):
    url = reverse("cases:allocate-family", args=[families[1]["family"].pk])
    got = {role: client_for(user).get(url).status_code for role, user in personas.items()}
    assert got == {
        "case_manager": 404,
        "supervisor": 200,
        "victim_worker": 404,
        "school_staff": 404,
        "administrator": 404,
    }


def test_find_a_child_lists_only_visible_children(personas, families, client_for):
    url = reverse("cases:find-child")
    cm = client_for(personas["case_manager"]).get(url)
    assert list(cm.context["page"].object_list) == sorted(
        [families[0]["child"], families[1]["child"]], key=lambda c: (c.last_name, c.first_name)
    )
    for role in ("victim_worker", "school_staff", "administrator"):
        assert client_for(personas[role]).get(url).status_code == 404
