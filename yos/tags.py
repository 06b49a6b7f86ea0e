"""One mapping from a state to its GOV.UK tag colour (docs/accessibility.md).

Every status tag of every page is drawn by ``{% status_tag %}`` or
``{% state_tag %}`` (yos/templatetags/yos_tags.py, templates/includes/tag.html)
from these tables; no template writes ``govuk-tag--<colour>`` itself
(tests/test_status_tags.py). A colour means the same everywhere:

- red: act now – overdue, failed, missed without excuse, ended in breach
- orange: look at it – a warning given, missed with an excuse
- yellow: waiting or due – referred, awaiting signatures or a decision
- green: going as it should – open, active, attended, succeeded
- blue / teal: what stage it is at – counselling, requirements running, planned
- purple: a right or need to keep in mind – enhanced rights, an interpreter
- grey: finished or not started – closed, completed, draft, not sent

The words of the tag say the state; the colour is never the only cue.
"""

from __future__ import annotations

RED, ORANGE, YELLOW, GREEN = "red", "orange", "yellow", "green"
BLUE, TEAL, PURPLE, GREY = "blue", "teal", "purple", "grey"
COLOURS = (RED, ORANGE, YELLOW, GREEN, BLUE, TEAL, PURPLE, GREY)
# Blue is govuk-frontend's plain .govuk-tag: there is no govuk-tag--blue (nor
# --light-blue, which two templates used and which drew the default blue).
DEFAULT = BLUE


def css_class(colour: str) -> str:
    """The classes of a tag in this colour."""
    return "govuk-tag" if colour == DEFAULT else f"govuk-tag govuk-tag--{colour}"


# (model label, field) → value → colour. The field is a model field with
# choices, or a derived status whose choices are named in DERIVED.
FIELDS: dict[tuple[str, str], dict[str, str]] = {
    ("cases.Case", "status"): {"referred": YELLOW, "open": GREEN, "closed": GREY},
    ("cases.Session", "attendance"): {
        "planned": BLUE,
        "attended": GREEN,
        "excused": ORANGE,
        "unexcused": RED,
    },
    ("orders.OrderSession", "attendance"): {
        "attended": GREEN,
        "missed_excused": ORANGE,
        # waiting for the parent's explanation (wt-orders)
        "missed": YELLOW,
        "missed_unexcused": RED,
    },
    ("orders.ParentingOrder", "status"): {
        "counselling": BLUE,
        "requirements": TEAL,
        "due_for_closure": RED,
        "closed": GREY,
    },
    ("yos.Letter", "status"): {
        "draft": GREY,
        "approved": GREEN,
        "sent": GREEN,
        "withdrawn": GREY,
    },
    ("yos.PrintPack", "status"): {
        "queued": YELLOW,
        "running": YELLOW,
        "done": GREEN,
        "failed": RED,
    },
    ("orders.BreachReferral", "status"): {"awaiting": YELLOW, "approved": GREEN, "declined": GREY},
    ("contracts.ParentingContract", "status"): {
        "draft": GREY,
        "awaiting_signatures": YELLOW,
        "active": GREEN,
        "warning_served": ORANGE,
        "completed": GREY,
        "terminated": RED,
        "expired": GREY,
    },
    ("cases.CaseClosureRequest", "status"): {
        "pending": YELLOW,
        "approved": GREEN,
        "refused": RED,
    },
    ("yos.JobRun", "status"): {
        "running": BLUE,
        "succeeded": GREEN,
        "failed": RED,
        "skipped": GREY,
    },
    ("yos.Flag", "kind"): {
        "counselling_ending": YELLOW,
        "counselling_ended": RED,
        "requirement_ending": YELLOW,
        "requirement_ended": RED,
        "case_due_for_closure": RED,
        "contract_ending": YELLOW,
        "contract_review_overdue": RED,
        "contract_unsigned": RED,
        "victim_contact_overdue": RED,
        "retention_due": YELLOW,
        "address_needed": YELLOW,
    },
}

# Derived statuses (not a model field): where their choices are.
DERIVED = {("orders.ParentingOrder", "status"): "orders.models.OrderStatus"}

# Short words for a tag where the choice's label is a sentence.
SHORT_LABELS = {
    ("yos.Letter", "status"): {
        "draft": "Draft",
        "approved": "Approved",
        "sent": "Sent",
        "withdrawn": "Withdrawn",
    },
    ("orders.ParentingOrder", "status"): {
        "requirements": "Requirements running",
        "due_for_closure": "Due for closure",
    },
}

# States that are no field's value: the words of the tag → colour.
STATES: dict[str, str] = {
    "Overdue": RED,
    "Due": YELLOW,
    "Made": GREEN,
    "Not signed in time": RED,
    "Review due": YELLOW,
    "Needs attention": RED,
    "Healthy": GREEN,
    "Current": BLUE,
    "Wants updates": BLUE,
    "Enhanced rights": PURPLE,
    "Young victim": PURPLE,
    "Interpreter needed": PURPLE,
    "Not sent yet": GREY,
    "Marked as sent": GREEN,
    "Non-resident": GREY,
}


def choices(key: tuple[str, str]) -> dict[str, str]:
    """value → label of a mapped field (or derived status)."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    if key in DERIVED:
        return dict(import_string(DERIVED[key]).choices)
    model = apps.get_model(key[0])
    return {str(v): str(label) for v, label in model._meta.get_field(key[1]).flatchoices}


def for_value(key: tuple[str, str], value) -> tuple[str, str]:
    """(colour, words) of a field's value; an unmapped value is a bug."""
    value = str(value)
    colour = FIELDS[key][value]
    words = SHORT_LABELS.get(key, {}).get(value) or choices(key)[value]
    return colour, words


def for_state(words: str) -> str:
    return STATES[words]


def colour_by_words() -> dict[str, set[str]]:
    """Every tag's words → the colours it is drawn in (one each, always)."""
    seen: dict[str, set[str]] = {}
    for key, colours in FIELDS.items():
        for value, colour in colours.items():
            seen.setdefault(for_value(key, value)[1].lower(), set()).add(colour)
    for words, colour in STATES.items():
        seen.setdefault(words.lower(), set()).add(colour)
    return seen
