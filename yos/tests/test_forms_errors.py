"""The error state of a form (yos.forms): one message for a bad date, the
error summary focused on load and linking to each field's first input, and
no Django "---------" blank choice. tests/test_form_error_states.py checks the
same of every form of the project."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, Template

from yos.forms import GDSDateField, GDSFormMixin, error_summary_items

TEMPLATE = Template("{% load yos_tags %}{% gds_form form %}")
KINDS = [("", "---------"), ("a", "Apple"), ("b", "Banana")]


class _Form(GDSFormMixin, forms.Form):
    name = forms.CharField(label="Name")
    kind = forms.ChoiceField(label="Kind", choices=KINDS, widget=forms.RadioSelect)
    extras = forms.MultipleChoiceField(
        label="Extras", choices=KINDS[1:], widget=forms.CheckboxSelectMultiple
    )
    fruit = forms.ChoiceField(label="Fruit (optional)", choices=KINDS, required=False)
    born_on = GDSDateField(label="Date of birth")
    version = forms.IntegerField(label="Version", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["later"] = forms.ChoiceField(
            label="Added later", choices=KINDS, error_messages={"required": "Select one"}
        )

    def clean(self):
        super().clean()
        raise forms.ValidationError("Something about the whole form")


def _date_errors(day, month, year, *, required=True) -> list[str]:
    class DateForm(forms.Form):
        born_on = GDSDateField(label="Date of birth", required=required)

    form = DateForm({"born_on_0": day, "born_on_1": month, "born_on_2": year})
    form.is_valid()
    return form.errors.get("born_on", [])


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("aa", "bb", "cc", "Date of birth must be a real date"),
        ("31", "2", "2020", "Date of birth must be a real date"),
        ("1", "13", "2020", "Date of birth must be a real date"),
        ("-1", "1", "2020", "Date of birth must be a real date"),
        ("", "5", "", "Date of birth must include a day and year"),
        ("1", "", "", "Date of birth must include a month and year"),
        ("1", "2", "", "Date of birth must include a year"),
        ("1", "1", "1800", "Date of birth must be after 1900"),
        ("", "", "", "Enter date of birth"),
    ],
)
def test_a_bad_date_gives_one_message_for_the_field(day, month, year, message):
    assert _date_errors(day, month, year) == [message]


def test_an_optional_date_left_empty_is_none_and_one_partly_filled_is_refused():
    class DateForm(forms.Form):
        born_on = GDSDateField(label="Date of birth", required=False)

    empty = DateForm({"born_on_0": "", "born_on_1": "", "born_on_2": ""})
    assert empty.is_valid() and empty.cleaned_data["born_on"] is None
    assert _date_errors("4", "", "2011", required=False) == ["Date of birth must include a month"]
    good = DateForm({"born_on_0": " 4", "born_on_1": "03", "born_on_2": "2011"})
    assert good.is_valid() and str(good.cleaned_data["born_on"]) == "2011-03-04"


def test_a_bad_date_shows_one_message_on_the_page():
    form = _Form({"born_on_0": "zz", "born_on_1": "zz", "born_on_2": "zz"})
    html = TEMPLATE.render(Context({"form": form}))
    assert html.count("Date of birth must be a real date") == 2  # the summary and the field
    assert "Enter a valid" not in html


def test_each_error_summary_link_goes_to_the_first_input_of_its_field():
    form = _Form({})
    assert error_summary_items(form) == [
        ("id_name", "Something about the whole form"),
        ("id_name", "Enter version"),  # a hidden field: the first field
        ("id_name", "Enter name"),
        ("id_kind_1", "Select kind"),  # crispy numbers radios from 1
        ("id_extras_1", "Select extras"),
        ("id_born_on_0", "Enter date of birth"),  # the day
        ("id_later", "Select one"),
    ]
    html = TEMPLATE.render(Context({"form": form}))
    for target, _message in error_summary_items(form):
        assert f'href="#{target}"' in html
        assert re.search(rf'<(input|select|textarea)\b[^>]*\bid="{target}"', html), target


def test_the_error_summary_is_focused_on_load_without_javascript():
    html = TEMPLATE.render(Context({"form": _Form({})}))
    summary = re.search(r'<div class="govuk-error-summary"[^>]*>', html).group(0)
    assert "autofocus" in summary
    assert 'tabindex="-1"' in summary
    assert 'data-module="govuk-error-summary"' in summary
    assert '<div role="alert">' in html


def test_no_error_summary_without_errors():
    html = TEMPLATE.render(Context({"form": _Form()}))
    assert "govuk-error-summary" not in html


def test_radios_lose_djangos_blank_choice_and_selects_say_choose():
    form = _Form()
    html = TEMPLATE.render(Context({"form": form}))
    assert "---------" not in html
    assert 'id="id_kind_1" value="a"' in re.sub(r"\s+", " ", html)
    assert '<option value="" selected>Choose the fruit</option>' in html
    assert '<option value="" selected>Choose the added later</option>' in html  # added after init
