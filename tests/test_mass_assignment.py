"""Mass assignment (SECURITY.md check 20, ASVS 4.1.2): every edit form of a
domain record, submitted as a browser would with extra fields that name
another school, case manager, case, family, team, staff flag or version,
saves what the form offers and nothing else.

SECURITY.md: "POST extra fields (`school`, `owner`, `is_staff`, `case`).
Pass: no change in the database (4.1.2)."
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.htmlform import form_data
from tests.security_world import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _extras(world):  # noqa: F811
    o = world.other
    return {
        "school": world.schools[1].pk,
        "case_manager": world.users["outsider"].pk,
        "owner": world.users["outsider"].pk,
        "is_staff": "on",
        "is_superuser": "on",
        "case": o.case.pk,
        "family": o.family.pk,
        "team": world.teams[1].pk,
        "child": o.child.pk,
        "pupil": o.child.pk,
        "order": o.order.pk,
        "victim": o.victim.pk,
        "reference": "HACKED01",
        "version": "999",
        "created_by": world.users["outsider"].pk,
        "recorded_by": world.users["outsider"].pk,
        "status": "closed",
        "id": o.child.pk,
        "pk": o.child.pk,
    }


# (persona, url name, the record, the fields that must not move)
EDITS = [
    ("case_manager", "cases:edit-family", "family", ["team_id", "case_manager_id", "version"]),
    ("case_manager", "cases:edit-child", "child", ["family_id", "reference", "version"]),
    ("case_manager", "cases:edit-adult", "adult", ["family_id", "version"]),
    ("case_manager", "cases:edit-case", "case", ["child_id", "reference", "status", "version"]),
    ("case_manager", "cases:session-edit", "session", ["case_id", "recorded_by_id", "version"]),
    ("case_manager", "orders:order-edit", "order", ["case_id", "child_id", "version"]),
    ("case_manager", "orders:requirement-edit", "requirement", ["order_id", "version"]),
    ("school_staff", "contracts:edit", "draft_contract", ["pupil_id", "school_id", "status"]),
    ("victim_worker", "victims:edit", "victim", ["version"]),
    ("victim_worker", "victims:edit-rj-work", "rj_work", ["offence_id", "version"]),
    ("case_manager", "victims:edit-reparation", "reparation", ["case_id", "version"]),
]


@pytest.mark.parametrize(("persona", "name", "attr", "fixed"), EDITS, ids=[e[1] for e in EDITS])
def test_extra_fields_posted_to_an_edit_form_change_nothing_they_name(
    world,  # noqa: F811
    client,
    persona,
    name,
    attr,
    fixed,
):
    record = getattr(world.own, attr)
    user = world.users[persona]
    client.force_login(user)
    url = reverse(name, args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {**_extras(world), **form_data(page.content.decode())}
    before = {f: getattr(type(record).objects.get(pk=record.pk), f) for f in fixed}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after_record = type(record).objects.get(pk=record.pk)
    after = {f: getattr(after_record, f) for f in fixed}
    if "version" in fixed:  # a save bumps the version by at most one, never to 999
        assert after.pop("version") - before.pop("version") in (0, 1)
    assert after == before
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (persona == "administrator",) * 2


def test_the_sign_in_page_never_redirects_off_site(client, case_manager):
    from conftest import PASSWORD

    response = client.post(
        reverse("login") + "?next=https://evil.example/steal",
        {"username": "casemanager", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
