"""A parent's or carer's title, name for letters and postal address in parts
(issue 16: "the address on one line without the postcode"; "title and surname
salutation from recorded title/name preferences"; "validated UK postcode
shape"). Existing addresses recorded as one text are split by migration 0006
where a postcode can be found at their end.
"""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases.forms import ADDRESS_LINES_REQUIRED
from cases.models import Adult
from cases.tests.factories import AdultFactory, FamilyFactory
from yos.lib.postcodes import INVALID_POSTCODE, is_uk_postcode, normalise_postcode, split_address

MIGRATION = importlib.import_module("cases.migrations.0006_adult_title_and_address_parts")


def _edit_data(adult, **changes) -> dict:
    data = {
        "title": adult.title,
        "first_name": adult.first_name,
        "last_name": adult.last_name,
        "letter_name": adult.letter_name,
        "phone": adult.phone,
        "email": adult.email,
        "address": adult.address,
        "town": adult.town,
        "postcode": adult.postcode,
        "preferred_language": adult.preferred_language,
        "loaded_version": adult.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def adult(case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    return AdultFactory(family=family, first_name="Donna", last_name="Ashworth", address="")


@pytest.mark.parametrize(
    "postcode", ["SW1A 2AA", "sw1a2aa", "DT1 1AA", "M1 1AE", "B33 8TH", "EC1A 1BB", "GIR 0AA"]
)
def test_real_postcode_shapes_are_accepted(postcode):
    assert is_uk_postcode(postcode)


@pytest.mark.parametrize("postcode", ["12345", "AA 1AA", "SW1A 2AI", "DT1", "Demo Town", "Q1 1AA"])
def test_other_text_is_not_a_postcode(postcode):
    assert not is_uk_postcode(postcode)


@pytest.mark.django_db
def test_the_form_saves_the_parts_and_the_title(client_for, case_manager, adult):
    url = reverse("cases:edit-adult", args=[adult.pk])
    response = client_for(case_manager).post(
        url,
        _edit_data(
            adult,
            title="Ms",
            address="Flat 2\n14 Canal Row",
            town="Demo Town",
            postcode="dt4 5xy",
        ),
    )
    assert response.status_code == 302
    adult.refresh_from_db()
    assert (adult.title, adult.town, adult.postcode) == ("Ms", "Demo Town", "DT4 5XY")
    assert adult.postal_lines == ["Flat 2", "14 Canal Row", "Demo Town", "DT4 5XY"]
    assert adult.history.first().history_user == case_manager
    page = client_for(case_manager).get(adult.get_absolute_url()).content.decode()
    assert "14 Canal Row<br>Demo Town<br>DT4 5XY" in page


@pytest.mark.django_db
def test_a_postcode_of_the_wrong_shape_is_refused_next_to_the_field(
    client_for, case_manager, adult
):
    url = reverse("cases:edit-adult", args=[adult.pk])
    response = client_for(case_manager).post(
        url, _edit_data(adult, address="14 Canal Row", town="Demo Town", postcode="DT45")
    )
    assert response.status_code in (200, 400)  # the form page again, with the error
    assert response.context["form"].errors["postcode"] == [INVALID_POSTCODE]
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert INVALID_POSTCODE in body
    assert "14 Canal Row" in body  # what was typed is kept
    adult.refresh_from_db()
    assert adult.address == ""


@pytest.mark.django_db
def test_a_town_or_postcode_without_address_lines_is_refused(client_for, case_manager, adult):
    response = client_for(case_manager).post(
        reverse("cases:edit-adult", args=[adult.pk]), _edit_data(adult, postcode="DT4 5XY")
    )
    assert response.status_code in (200, 400)  # the form page again, with the error
    assert response.context["form"].errors["address"] == [ADDRESS_LINES_REQUIRED]


@pytest.mark.django_db
def test_adding_an_adult_checks_the_postcode_too(client_for, case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    response = client_for(case_manager).post(
        reverse("cases:add-adult", args=[family.pk]),
        {
            "first_name": "Craig",
            "last_name": "Ashworth",
            "address": "14 Canal Row",
            "postcode": "not a postcode",
            "preferred_language": "English",
        },
    )
    assert response.status_code in (200, 400)  # the form page again, with the error
    assert response.context["form"].errors["postcode"] == [INVALID_POSTCODE]
    assert not Adult.objects.filter(first_name="Craig").exists()


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("14 Canal Row, Other Town, OT2 4BB", ("14 Canal Row", "Other Town", "OT2 4BB")),
        ("Flat 2\n3 High St\nLeeds\nls1 4ap", ("Flat 2\n3 High St", "Leeds", "LS1 4AP")),
        ("12 Road, Demo Town DT11AA", ("12 Road", "Demo Town", "DT1 1AA")),
        ("1 Example Street, Demo Town", ("1 Example Street\nDemo Town", "", "")),
        ("", ("", "", "")),
    ],
)
def test_split_address(text, parts):
    assert split_address(text) == parts
    if parts[2]:
        assert normalise_postcode(parts[2]) == parts[2]


@pytest.mark.django_db
def test_the_data_migration_splits_where_a_postcode_is_found_and_keeps_the_rest(team):
    """Run migration 0006's data step on recorded adults: an address ending in
    a postcode is split, one without is left exactly as it was, and the split
    is in the adult's history."""
    family = FamilyFactory(team=team)
    with_postcode = AdultFactory(family=family, address="14 Canal Row, Other Town, OT2 4BB")
    without = AdultFactory(family=family, address="1 Example Street, Demo Town")
    none = AdultFactory(family=family, address="")
    history_before = with_postcode.history.count()
    MIGRATION.split_addresses(global_apps, None)
    with_postcode.refresh_from_db()
    without.refresh_from_db()
    none.refresh_from_db()
    assert (with_postcode.address, with_postcode.town, with_postcode.postcode) == (
        "14 Canal Row",
        "Other Town",
        "OT2 4BB",
    )
    assert with_postcode.postal_lines == ["14 Canal Row", "Other Town", "OT2 4BB"]
    assert (without.address, without.town, without.postcode) == (
        "1 Example Street, Demo Town",
        "",
        "",
    )
    assert (none.address, none.postcode) == ("", "")
    assert with_postcode.history.count() == history_before + 1
    assert with_postcode.history.first().history_change_reason.startswith("Address split")
    # run again: nothing more to split (idempotent)
    MIGRATION.split_addresses(global_apps, None)
    assert with_postcode.history.count() == history_before + 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_itself_runs_forward_on_an_old_address(_roles):
    """The real migration, from 0005 to 0006, on a row written before it."""
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0005_keyset_and_trigram_indexes")])
    old_apps = executor.loader.project_state([("cases", "0005_keyset_and_trigram_indexes")]).apps
    Team = old_apps.get_model("yos", "Team")
    Family = old_apps.get_model("cases", "Family")
    OldAdult = old_apps.get_model("cases", "Adult")
    family = Family.objects.create(name="Ashworth", team=Team.objects.create(name="Old team"))
    old = OldAdult.objects.create(
        family=family, first_name="Craig", last_name="Ashworth", address="14 Canal Row\nOT2 4BB"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = Adult.objects.get(pk=old.pk)
    assert (migrated.address, migrated.town, migrated.postcode, migrated.title) == (
        "14 Canal Row",
        "",
        "OT2 4BB",
        "",
    )
