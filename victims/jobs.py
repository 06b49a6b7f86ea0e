"""Nightly step for victims (Victims' Code, seed 003): flag each victim whose
first contact (information about restorative justice) is overdue. The flag has
no family or school: only victim workers see it (yos.flags)."""

from __future__ import annotations

from datetime import date

from victims.models import Victim
from yos.flags import Wanted, flags_sync
from yos.models import Flag


def first_contact_flags(run_date: date, *, by) -> dict:
    """Awaiting first contact and past its due date (victims' own queryset)."""
    wanted = {
        victim.pk: Wanted(due_on=victim.first_contact_due_on)
        for victim in Victim.objects.first_contact_overdue(run_date).only(
            "pk", "details_received_on", "enhanced_rights"
        )
    }
    return flags_sync(kind=Flag.Kind.VICTIM_CONTACT_OVERDUE, model=Victim, wanted=wanted, by=by)


STEPS = [("first_contact_flags", first_contact_flags)]
