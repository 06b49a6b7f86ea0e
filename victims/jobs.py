"""Nightly step for victims (run by yos.jobs): flag overdue first contacts.

A flag is open for each victim not yet given information about restorative
justice after the due date (5 working days, or 1 with enhanced rights, from
the date the service received their details). Flags carry no family, school
or child: they are on the victims' side and only victim workers see them
(yos.flags.victim_flags). Set-based (one query) and idempotent (flags_sync).
"""

from __future__ import annotations

from datetime import date

from victims import rules, selectors
from victims.models import Victim
from yos.flags import Answer, Wanted, flags_sync, itself
from yos.models import Flag


def first_contact_flags(run_date: date, *, by) -> dict:
    rows = selectors.first_contacts_overdue(run_date).values_list(
        "pk", "details_received_on", "enhanced_rights"
    )
    wanted = {
        pk: Wanted(due_on=rules.rj_information_due_on(received, enhanced_rights=enhanced))
        for pk, received, enhanced in rows
    }
    return {
        "overdue": flags_sync(
            kind=Flag.Kind.VICTIM_CONTACT_OVERDUE, model=Victim, wanted=wanted, by=by
        )
    }


STEPS = [("first_contact_flags", first_contact_flags)]


# --- Answers (issue 16): the saves that resolve these flags in their request -------

ANSWERS = {
    # Recording the first contact (information about restorative justice given).
    Flag.Kind.VICTIM_CONTACT_OVERDUE: Answer(
        model="victims.Victim",
        wanted=selectors.first_contacts_overdue,
        triggers={
            "victims.Victim": itself,
            "victims.VictimContact": lambda contact: [contact.victim_id],
        },
    ),
}
