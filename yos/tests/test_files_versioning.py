"""No lost updates (yos.lib.versioning): a save over a stale version is
refused and changes nothing; a current one bumps the version and writes
history by the user."""

import pytest

from cases.tests.factories import FamilyFactory
from yos.lib.versioning import StaleRecord, save_if_current
from yos.tests.factories import UserFactory


@pytest.fixture
def family(db):
    return FamilyFactory(name="Testfamily")


def test_a_current_save_bumps_the_version_and_writes_history(family):
    user = UserFactory()
    family.notes = "Met at home"
    save_if_current(family, 1, by=user)
    family.refresh_from_db()
    assert (family.version, family.notes) == (2, "Met at home")
    latest = family.history.first()
    assert (latest.history_user, latest.notes, latest.version) == (user, "Met at home", 2)


def test_a_stale_save_is_refused_and_changes_nothing(family):
    first, second = UserFactory(), UserFactory()
    mine = type(family).objects.get(pk=family.pk)
    theirs = type(family).objects.get(pk=family.pk)
    theirs.notes = "Their change"
    save_if_current(theirs, 1, by=first)
    mine.notes = "My change"
    with pytest.raises(StaleRecord) as error:
        save_if_current(mine, 1, by=second)
    assert error.value.current.notes == "Their change"
    family.refresh_from_db()
    assert (family.version, family.notes) == (2, "Their change")
    assert family.history.filter(history_user=second).count() == 0
