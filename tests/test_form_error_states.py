"""Every form of the project, in its error state, through the real template
({% gds_form form %}, as every page renders its form):

- each error-summary link goes to the id of the first input, select or
  textarea of its field (errors of the form itself, and of hidden fields, to
  the first field's first input), so following it moves focus there with or
  without JavaScript;
- the summary has one entry per error, and is focused on load without
  JavaScript (autofocus, tabindex="-1");
- no form, bound or not, offers Django's "---------" blank choice.

Forms are found, not listed: every module of the project's packages is
imported and every form class defined in them is checked. Forms whose
constructor needs arguments are built by BUILDERS from the factories; the
few that are not rendered are in NOT_RENDERED with the reason.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import RequestFactory

from cases.models import Adult, Child
from yos.forms import DJANGO_EMPTY_LABEL
from yos.models import Team

pytestmark = pytest.mark.django_db

PACKAGES = ["yos", "cases", "orders", "contracts", "victims", "dashboard", "sar"]
# Never imported by the running application, or start a second application.
SKIPPED_MODULES = re.compile(r"\.(tests|migrations|management)(\.|$)|^yos\.(wsgi|asgi)$")

NOT_RENDERED = {
    "cases.forms.LinkFields": "fields that AdultLinkForm and AdultCreateForm reuse; no page renders it",
}

TEMPLATE = Template("{% load yos_tags %}{% gds_form form %}")


def _import_project() -> None:
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if not SKIPPED_MODULES.search(info.name):
                importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> dict[str, type]:
    """Every form class defined in a module of the project (not its tests)."""
    _import_project()
    found = {}
    for cls in _subclasses(forms.BaseForm):
        name = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__module__.split(".")[0] in PACKAGES and not SKIPPED_MODULES.search(cls.__module__):
            found[name] = cls
    return dict(sorted(found.items()))


FORMS = project_forms()


# --- The records the forms' constructors need, made with the factories ----------------


@pytest.fixture
def world(team, other_team, school, case_manager, school_staff):
    from cases.tests.factories import CaseFactory, SessionFactory
    from contracts.tests import factories as cf
    from orders.models import FailureToComply, OrderCondition
    from orders.tests.factories import ParentingOrderFactory, RequirementFactory
    from victims.tests.factories import (
        ReparationFactory,
        RestorativeJusticeWorkFactory,
        VictimFactory,
        VictimOffenceFactory,
    )

    case_manager.teams.add(other_team)
    pupil, parents = cf.pupil_with_parents(school, team=team)
    contract = cf.draft(pupil, parents, school_staff)
    cf.add_requirements(contract, school_staff)
    case = CaseFactory(child=pupil)
    order = ParentingOrderFactory(case__child=pupil, parents=parents)
    victim = VictimFactory()
    offence = VictimOffenceFactory(victim=victim, case=case)
    return {
        "family": pupil.family,
        "child": pupil,
        "adult": parents[0],
        "case": case,
        "session": SessionFactory(case=case),
        "order": order,
        "requirement": RequirementFactory(order=order),
        "failure": FailureToComply(order=order),
        "condition": OrderCondition(order=order),
        "contract": contract,
        "victim": victim,
        "rj_work": RestorativeJusticeWorkFactory(offence=offence),
        "reparation": ReparationFactory(case=case),
        "user": case_manager,
    }


def _version(record) -> dict:
    return {"initial": {"loaded_version": record.version}}


BUILDERS = {
    # cases
    "cases.forms.FamilyForm": lambda w: {"instance": w["family"]},
    "cases.forms.FamilyCreateForm": lambda w: {"teams": Team.objects.all()},
    "cases.forms.AllocateForm": lambda w: {"candidates": get_user_model().objects.all()},
    "cases.forms.ChildForm": lambda w: {"instance": w["child"]},
    "cases.forms.AdultForm": lambda w: {"instance": w["adult"]},
    "cases.forms.AdultLinkForm": lambda w: {"children": Child.objects.all()},
    "cases.forms.AdultCreateForm": lambda w: {"children": Child.objects.all()},
    "cases.forms.CaseForm": lambda w: {"instance": w["case"]},
    "cases.forms.CaseCloseForm": lambda w: _version(w["case"]),
    "cases.forms.SessionForm": lambda w: _version(w["session"]),
    "cases.forms.ChildSearchForm": lambda w: {
        "case_managers": get_user_model().objects.all(),
        "teams": Team.objects.all(),
    },
    # orders
    "orders.forms.OrderForm": lambda w: {"instance": w["order"]},
    "orders.forms.RequirementForm": lambda w: {"instance": w["requirement"]},
    "orders.forms.SessionForm": lambda w: {"order": w["order"]},
    "orders.forms.FailureForm": lambda w: {"instance": w["failure"]},
    "orders.forms.ConditionForm": lambda w: {"instance": w["condition"]},
    "orders.forms.ExplanationForm": lambda w: {"failure": w["failure"]},
    # contracts
    "contracts.forms.ContractDraftForm": lambda w: {"parents_queryset": Adult.objects.all()},
    "contracts.forms.ContractEditForm": lambda w: {"instance": w["contract"]},
    "contracts.forms.InitiationForm": lambda w: {"contract": w["contract"]},
    "contracts.forms.RequirementForm": lambda w: {"contract": w["contract"]},
    "contracts.forms.ParentSignatureForm": lambda w: {"parents_queryset": Adult.objects.all()},
    "contracts.forms.ReviewForm": lambda w: {
        "contract": w["contract"],
        "requirements": w["contract"].requirements.all(),
    },
    "contracts.forms.NonComplianceForm": lambda w: {"contract": w["contract"]},
    # victims
    "victims.forms.VictimForm": lambda w: {"instance": w["victim"]},
    "victims.forms.CaseLinkForm": lambda w: {"victim": w["victim"]},
    "victims.forms.ContactForm": lambda w: {"victim": w["victim"]},
    "victims.forms.UpdateForm": lambda w: {"victim": w["victim"]},
    "victims.forms.InvitationForm": lambda w: _version(w["victim"]),
    "victims.forms.RJWorkForm": lambda w: {"victim": w["victim"], "instance": w["rj_work"]},
    "victims.forms.ReparationForm": lambda w: {"instance": w["reparation"]},
    # yos
    "dashboard.forms.FilterForm": lambda w: {"teams": Team.objects.all()},
    "yos.views.NewPasswordForm": lambda w: {"user": w["user"]},
    "yos.twofactor.SetupForm": lambda w: {"user": w["user"]},
    "yos.forms.SignInForm": lambda w: {"request": RequestFactory().post("/sign-in/")},
    "yos.flag_views.FlagAssignForm": lambda w: {"candidates": get_user_model().objects.all()},
    "yos.letter_views.PrintPackForm": lambda w: {"user": w["user"]},
}


def nonsense(form: forms.BaseForm) -> dict:
    """'zz' in every input of every field: radios and selects get a choice that
    does not exist, dates a part that is not a number, numbers a word."""
    data = {}
    for bound_field in form:
        widget = bound_field.field.widget
        if isinstance(widget, forms.MultiWidget):
            for i in range(len(widget.widgets)):
                data[f"{bound_field.html_name}_{i}"] = "zz"
        else:
            data[bound_field.html_name] = "zz"
    return data


def build(name: str, world, data=None):
    kwargs = BUILDERS.get(name, lambda w: {})(world)
    if data is None:
        return FORMS[name](**kwargs)
    return FORMS[name](data=data, files={}, **kwargs)


def render(form) -> str:
    return TEMPLATE.render(Context({"form": form, "csrf_token": "test-token"}))


# --- Reading the rendered page ---------------------------------------------------------


class _Page(HTMLParser):
    """The error summary's attributes and entries, and every input, select and
    textarea with its id and name, in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.summary_attrs: dict | None = None
        self.entries: list[list] = []  # [href or None, text]
        self.controls: list[tuple[str, str, str]] = []  # (tag, id, name)
        self.ids: dict[str, str] = {}
        self._depth = 0  # inside the summary: open div depth
        self._in_item = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"]] = tag
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append((tag, a.get("id") or "", a.get("name") or ""))
        if self._depth:
            if tag == "div":
                self._depth += 1
            elif tag == "li":
                self._in_item = True
                self.entries.append([None, ""])
            elif tag == "a" and self._in_item:
                self.entries[-1][0] = a.get("href")
        elif tag == "div" and "govuk-error-summary" in (a.get("class") or "").split():
            self.summary_attrs = a
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1
        elif tag == "li":
            self._in_item = False

    def handle_data(self, data):
        if self._in_item:
            self.entries[-1][1] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def first_control_of(page: _Page, bound_field) -> str | None:
    """The id of the first input, select or textarea, in page order, that
    submits this field (a date's parts submit <name>_0, _1 and _2)."""
    name = bound_field.html_name
    multi = isinstance(bound_field.field.widget, forms.MultiWidget)
    for _tag, control_id, control_name in page.controls:
        if control_name == name or (
            multi and re.fullmatch(rf"{re.escape(name)}_\d+", control_name)
        ):
            return control_id
    return None


def expected_entries(form, page: _Page) -> list[tuple[str | None, str]]:
    visible = form.visible_fields()
    first = first_control_of(page, visible[0]) if visible else None
    expected = [(first, str(e)) for e in form.non_field_errors()]
    for bound_field in form.hidden_fields():
        expected += [(first, str(e)) for e in bound_field.errors]
    for bound_field in visible:
        target = first_control_of(page, bound_field)
        expected += [(target, str(e)) for e in bound_field.errors]
    return expected


def check_error_state(name: str, form) -> None:
    html = render(form)
    page = parse(html)
    assert form.errors, f"{name}: no errors to check"
    assert page.summary_attrs is not None, f"{name}: no error summary"
    assert "autofocus" in page.summary_attrs, f"{name}: the summary is not focused on load"
    assert page.summary_attrs.get("tabindex") == "-1", name
    found = []
    for href, text in page.entries:
        if href is not None:
            assert href.startswith("#"), f"{name}: {href}"
            target = href[1:]
            assert page.ids.get(target) in ("input", "select", "textarea"), (
                f"{name}: the link for {text.strip()!r} goes to #{target}, "
                f"a {page.ids.get(target) or 'missing element'}, not an input"
            )
            found.append((target, " ".join(text.split())))
        else:
            found.append((None, " ".join(text.split())))
    expected = [(t, " ".join(m.split())) for t, m in expected_entries(form, page)]
    # Same order, same messages, each link the first input of its field
    # (an entry without a link only where the field renders no input).
    assert found == expected, (
        f"{name}: the summary's links are not the first inputs of their fields"
    )
    assert DJANGO_EMPTY_LABEL not in html, f"{name} offers {DJANGO_EMPTY_LABEL!r}"


# --- The tests --------------------------------------------------------------------------


def test_the_walk_finds_the_forms_and_every_builder_and_exception_names_one():
    assert "cases.forms.ChildCreateForm" in FORMS and "yos.job_views.RerunForm" in FORMS
    assert set(BUILDERS) <= set(FORMS), set(BUILDERS) - set(FORMS)
    assert set(NOT_RENDERED) <= set(FORMS), set(NOT_RENDERED) - set(FORMS)
    assert len(NOT_RENDERED) <= 3, "keep the exceptions few: build the form instead"


CHECKED = [name for name in FORMS if name not in NOT_RENDERED]


@pytest.mark.parametrize("name", CHECKED)
def test_every_error_summary_link_goes_to_the_first_input_of_its_field(name, world):
    """Bound empty and bound with nonsense: the summary's links, its focus on
    load, and no "---------"; unbound: no "---------" either."""
    assert DJANGO_EMPTY_LABEL not in render(build(name, world)), name
    empty = build(name, world, data={})
    if empty.errors:
        check_error_state(name, empty)
    garbage = build(name, world, data=nonsense(build(name, world)))
    if garbage.errors:
        check_error_state(name, garbage)
    assert empty.errors or garbage.errors, f"{name}: neither binding has an error to check"
