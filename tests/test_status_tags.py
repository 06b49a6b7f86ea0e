"""One mapping from state to GOV.UK tag colour (issue 18: "the same state is
red in one place and orange in another ... One mapping from state to tag
colour, in one place"). yos/tags.py holds it; templates draw tags only
through {% status_tag %}, {% value_tag %} and {% state_tag %}."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import Context, Template

from yos import tags

TEMPLATES = Path(settings.BASE_DIR) / "templates"
APPS = ("yos", "cases", "orders", "contracts", "victims")
# The phase banner's "Beta" is not a state; tag.html is the one place a
# colour is written; letters are printed, in black.
NOT_STATUS = {"base.html", "base_plain.html", "includes/tag.html"}


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        rel = str(path.relative_to(TEMPLATES))
        if rel not in NOT_STATUS and not rel.startswith("letters/"):
            yield rel, path.read_text()


def test_no_template_writes_a_tag_colour_itself():
    """Every tag goes through the mapping: no template but includes/tag.html
    names a govuk-tag class (a colour chosen in a template could differ from
    the mapping's)."""
    found = [rel for rel, text in _templates() if re.search(r"govuk-tag\b", text)]
    assert found == []


def test_the_templates_draw_tags_and_every_state_tag_is_mapped():
    """The tags are used (so the test above is not vacuous), and the words of
    every {% state_tag %} are in the mapping (an unknown one would fail when
    the page is drawn)."""
    used = {rel for rel, text in _templates() if re.search(r"{% (status|value|state)_tag ", text)}
    assert len(used) >= 10, used
    words = {m for _rel, text in _templates() for m in re.findall(r'{% state_tag "([^"]+)"', text)}
    assert words and words <= set(tags.STATES), words - set(tags.STATES)


def _status_fields():
    """Every field of every model of the project that holds a status: named
    status or attendance, with choices (historical copies left out)."""
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.fields:
            if field.choices and field.name in ("status", "attendance"):
                yield (model._meta.label, field.name)


def test_the_mapping_covers_every_status_choice_of_every_model():
    fields = set(_status_fields())
    assert ("cases.Case", "status") in fields and (
        "contracts.ParentingContract",
        "status",
    ) in fields
    missing = fields - set(tags.FIELDS)
    assert missing == set(), f"statuses with no tag colours: {missing}"
    for key, colours in tags.FIELDS.items():
        assert set(colours) == set(tags.choices(key)), key
        assert set(colours.values()) <= set(tags.COLOURS), key


def test_the_same_words_are_always_the_same_colour():
    """e.g. "Closed" (a case, an order), "Attended" (a case session, an order
    session), "Due for closure" (an order, a flag): one colour each."""
    mixed = {w: c for w, c in tags.colour_by_words().items() if len(c) > 1}
    assert mixed == {}
    # and "due for closure" is red both as an order's status and as a flag
    order = tags.for_value(("orders.ParentingOrder", "status"), "due_for_closure")[0]
    flag = tags.FIELDS[("yos.Flag", "kind")]["case_due_for_closure"]
    assert order == flag


def test_every_colour_is_a_class_govuk_frontend_defines():
    """govuk-frontend 6 has no govuk-tag--blue (blue is the plain tag) and no
    --light-blue: a class it does not define draws the default colour."""
    mixin = Path(settings.BASE_DIR) / "node_modules/govuk-frontend/dist/govuk/components/tag"
    defined = set(re.findall(r"\.govuk-tag--([a-z-]+)", (mixin / "_mixin.scss").read_text()))
    assert {"red", "green", "grey"} <= defined
    for colour in tags.COLOURS:
        modifier = tags.css_class(colour).removeprefix("govuk-tag").strip()
        assert modifier == "" or modifier.removeprefix("govuk-tag--") in defined, colour


@pytest.mark.django_db
def test_a_status_tag_draws_the_mapped_colour_and_the_words():
    from cases.tests.factories import CaseFactory, SessionFactory

    case = CaseFactory(status="referred")
    session = SessionFactory(case=case, attendance="unexcused")
    html = Template(
        "{% load yos_tags %}{% status_tag case %}|{% status_tag s 'attendance' %}|"
        '{% value_tag "orders.ParentingOrder" "status" "requirements" %}|{% state_tag "Overdue" %}'
    ).render(Context({"case": case, "s": session}))
    parts = [re.sub(r"\s+", " ", p).strip() for p in html.split("|")]
    expected = [
        (tags.FIELDS[("cases.Case", "status")]["referred"], case.get_status_display()),
        (tags.FIELDS[("cases.Session", "attendance")]["unexcused"], "Unexcused absence"),
        (tags.FIELDS[("orders.ParentingOrder", "status")]["requirements"], "Requirements running"),
        (tags.STATES["Overdue"], "Overdue"),
    ]
    for part, (colour, words) in zip(parts, expected, strict=True):
        assert f'class="{tags.css_class(colour)} app-tag"' in part, part
        assert part.endswith(f">{words}</strong>"), part
