"""Forms are laid out from their fields as they are when rendered
(yos.forms.FieldsHelper): a form that removes or adds a field after it is
built renders exactly its fields, and crispy finds every field it names."""

from __future__ import annotations

import logging

from django import forms
from django.template import Context, Template

from yos.forms import GDSFormMixin

TEMPLATE = Template("{% load crispy_forms_tags %}{% crispy form %}")


class _ParentForm(GDSFormMixin, forms.Form):
    parent = forms.CharField(label="Parent")
    notes = forms.CharField(label="Notes", required=False)

    def __init__(self, *args, bound_parents: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not bound_parents:
            del self.fields["parent"]  # voluntary support: no one is bound
        else:
            self.fields["extra"] = forms.CharField(label="Added later", required=False)


def test_a_field_removed_after_init_is_not_rendered_and_nothing_is_logged(caplog):
    with caplog.at_level(logging.WARNING):
        html = TEMPLATE.render(Context({"form": _ParentForm(bound_parents=False)}))
    assert 'name="notes"' in html
    assert 'name="parent"' not in html
    assert not [r for r in caplog.records if "resolve" in r.getMessage().lower()]


def test_a_field_added_after_init_is_rendered():
    html = TEMPLATE.render(Context({"form": _ParentForm(bound_parents=True)}))
    assert 'name="parent"' in html and 'name="extra"' in html


def test_quick_select_offers_what_djangos_select_offers_escaped():
    """yos.forms.QuickSelect (options built in Python) against Django's Select:
    the same options, the same one selected, labels escaped."""
    import re

    from yos.forms import QuickSelect

    choices = [("", "Any"), ("1", "North <b>team</b>"), ("2", 'South "team"')]

    class Both(forms.Form):
        django = forms.ChoiceField(choices=choices, required=False)
        quick = forms.ChoiceField(choices=choices, required=False, widget=QuickSelect)

    form = Both({"django": "2", "quick": "2"})

    def options(html):
        return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)

    django_html = form["django"].as_widget(attrs={"class": "govuk-select"})
    quick_html = form["quick"].as_widget(attrs={"class": "govuk-select"})
    assert options(quick_html) == options(django_html)
    assert ("2", " selected", "South &quot;team&quot;") in options(quick_html)
    assert "<b>" not in quick_html and 'class="govuk-select"' in quick_html
    assert 'name="quick"' in quick_html and 'id="id_quick"' in quick_html
