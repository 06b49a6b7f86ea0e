"""The nightly step that flags overdue first contacts."""

import datetime as dt

import pytest

from victims.jobs import first_contact_flags
from victims.tests.factories import VictimContactFactory, VictimFactory
from yos.lib.audit import system_user
from yos.models import Flag
from yos.tests.nightly import D, walk

pytestmark = pytest.mark.django_db


def test_it_flags_overdue_first_contacts_once_and_resolves_them(case_manager):
    """Received Monday 2 November 2026: due Monday 9 November; overdue from the 10th."""
    victim = VictimFactory(details_received_on=dt.date(2026, 11, 2))
    by = system_user()
    assert first_contact_flags(dt.date(2026, 11, 9), by=by)["overdue"]["raised"] == 0
    assert first_contact_flags(dt.date(2026, 11, 10), by=by)["overdue"]["raised"] == 1
    assert first_contact_flags(dt.date(2026, 11, 11), by=by)["overdue"]["raised"] == 0
    flag = Flag.objects.get()
    assert (flag.object_id, flag.due_on, flag.family_id) == (victim.pk, dt.date(2026, 11, 9), None)

    # Recording the contact answers the flag in the same request (issue 16:
    # victims.jobs.ANSWERS); the next night's run agrees and has nothing to do.
    VictimContactFactory(victim=victim, contacted_on=dt.date(2026, 11, 11))
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert first_contact_flags(dt.date(2026, 11, 12), by=by)["overdue"] == {
        "raised": 0,
        "resolved": 0,
        "updated": 0,
        "open": 0,
    }


# --- Victims (Victims' Code) ----------------------------------------------------


def test_victim_first_contact_overdue_edges():
    """PRODUCT.md, Victims: information about restorative justice is due within
    5 working days. Received Monday 2 November 2026: due Monday 9 November."""
    victim = VictimFactory(details_received_on=D(2026, 11, 2))
    assert victim.first_contact_due_on == D(2026, 11, 9)
    walk(
        victim,
        [
            (D(2026, 11, 8), set()),
            (D(2026, 11, 9), set()),  # the due date: still on time
            (D(2026, 11, 10), {Flag.Kind.VICTIM_CONTACT_OVERDUE}),
            (D(2026, 11, 11), {Flag.Kind.VICTIM_CONTACT_OVERDUE}),
        ],
    )
