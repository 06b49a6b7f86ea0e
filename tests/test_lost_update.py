"""No lost updates (SECURITY.md check 34; issue 9): two people open the same
edit form, both save. The second is told someone else changed the record,
and nothing of theirs is written: the first person's value stays, and the
record has exactly one new history row.

Each edit form is driven as a browser would (the rendered HTML, hidden
version field included), by two separate signed-in clients.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.htmlform import form_data
from tests.security_world import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else changed this record while you were editing it"

# (persona, url name, sample attribute, a free-text field of the form)
EDIT_FORMS = [
    ("case_manager", "cases:edit-family", "family", "notes"),
    ("case_manager", "cases:edit-child", "child", "partner_notes"),
    ("case_manager", "cases:edit-adult", "adult", "address"),
    ("case_manager", "cases:edit-case", "case", "offence"),
    ("case_manager", "cases:session-edit", "session", "notes"),
    ("case_manager", "victims:edit-reparation", "reparation", "notes"),
    ("victim_worker", "victims:edit", "victim", "vulnerability"),
    ("victim_worker", "victims:edit-rj-work", "rj_work", "outcome"),
    ("case_manager", "orders:order-edit", "order", "court"),
    ("case_manager", "orders:requirement-edit", "requirement", "description"),
    ("school_staff", "contracts:edit", "draft_contract", "support_details"),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "name", "attr", "field"), EDIT_FORMS, ids=[e[1] for e in EDIT_FORMS]
)
def test_the_second_of_two_concurrent_edits_is_refused_and_overwrites_nothing(
    world,  # noqa: F811
    persona,
    name,
    attr,
    field,
):
    record = getattr(world.own, attr)
    model = type(record)
    url = reverse(name, args=[record.pk])
    user = world.users[persona]
    first, second = _client(user), _client(user)
    form_first = form_data(first.get(url).content.decode())
    form_second = form_data(second.get(url).content.decode())
    assert "loaded_version" in form_first, f"{name} does not carry the version"
    history_before = record.history.count()

    form_first[field] = "Saved first"
    assert first.post(url, form_first).status_code == 302

    form_second[field] = "Saved second, over a stale copy"
    response = second.post(url, form_second)
    assert response.status_code in (200, 400, 409)
    assert CONFLICT in response.content.decode()
    fresh = model.objects.get(pk=record.pk)
    assert getattr(fresh, field) == "Saved first"
    assert record.history.count() == history_before + 1


@pytest.mark.parametrize(
    ("persona", "name", "attr", "field"), EDIT_FORMS, ids=[e[1] for e in EDIT_FORMS]
)
@pytest.mark.parametrize("version", [None, "", "abc", "0"], ids=["absent", "empty", "text", "zero"])
def test_an_edit_that_does_not_say_which_version_it_changes_is_refused(
    world,  # noqa: F811
    persona,
    name,
    attr,
    field,
    version,
):
    """loaded_version is required on every edit: a post without it (a hand-made
    request, a page from before versions) could only overwrite blindly."""
    record = getattr(world.own, attr)
    model = type(record)
    url = reverse(name, args=[record.pk])
    client = _client(world.users[persona])
    data = form_data(client.get(url).content.decode())
    before = getattr(model.objects.get(pk=record.pk), field)
    history_before = record.history.count()
    data[field] = "Saved without a version"
    if version is None:
        del data["loaded_version"]
    else:
        data["loaded_version"] = version
    response = client.post(url, data)
    assert response.status_code in (200, 400)  # the form again, with the message
    assert "This page is out of date" in response.content.decode()
    assert getattr(model.objects.get(pk=record.pk), field) == before
    assert record.history.count() == history_before
