"""The dashboard's filter (a GET form: works without JavaScript) and the forms
that record the events the YJB KPIs need."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from dashboard.models import NeedKind
from yos.forms import GDSDateField, GDSFormMixin, yes_no

START_AFTER_END = "The start date must be the same as or before the end date"
RANGE_TOO_LONG = "The date range must be 3 years or shorter"
END_IN_FUTURE = "The end date must be today or in the past"
MAX_RANGE_DAYS = 3 * 366

ACCOMMODATION_REQUIRED = "Select yes if the child was in suitable accommodation"
ETE_REQUIRED = "Select yes if the child was in suitable education, training or employment"
HOURS_TOO_MANY = "Hours a week must be 168 or fewer"
CHECKED_IN_FUTURE = "The date must be today or in the past"
NEED_REQUIRED = "Select the need that was screened"
IDENTIFIED_REQUIRED = "Select yes if a need was identified"
OFFER_WITHOUT_NEED = "Support can only be recorded for a need that was identified"
ATTENDING_WITHOUT_OFFER = "Select yes for support offered if the child is attending support"


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 12 months: from the first day of the month 11 months ago to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, today


class FilterForm(GDSFormMixin, forms.Form):
    submit_label = "Show figures"
    start = GDSDateField(label="Start date")
    end = GDSDateField(label="End date")
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All your teams")] + [(t.pk, t.name) for t in teams]
        self.fields["team"].error_messages["invalid_choice"] = "Select one of your teams"
        self.helper.form_method = "get"
        self.helper.form_tag = True

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("start", START_AFTER_END)
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("start", RANGE_TOO_LONG)
            if end > timezone.localdate():
                self.add_error("end", END_IN_FUTURE)
        return data


class OrderEndOutcomeForm(GDSFormMixin, forms.Form):
    submit_label = "Save the outcomes"
    recorded_on = GDSDateField(label="Date checked")
    accommodation_suitable = yes_no(
        "Was the child in suitable accommodation at the end of the order?", ACCOMMODATION_REQUIRED
    )
    ete_suitable = yes_no(
        "Was the child in suitable education, training or employment at the end of the order?",
        ETE_REQUIRED,
    )
    ete_hours = forms.IntegerField(
        label="Hours of education, training or employment a week (optional)",
        required=False,
        min_value=0,
        max_value=168,
        error_messages={
            "max_value": HOURS_TOO_MANY,
            "min_value": "Hours a week must be 0 or more",
            "invalid": "Hours a week must be a whole number, like 25",
        },
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def clean_recorded_on(self):
        day = self.cleaned_data["recorded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(CHECKED_IN_FUTURE)
        return day


class NeedsScreeningForm(GDSFormMixin, forms.Form):
    submit_label = "Save the screening"
    need = forms.ChoiceField(
        label="Need screened",
        choices=NeedKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": NEED_REQUIRED},
    )
    screened_on = GDSDateField(label="Date screened")
    identified = yes_no("Was a need identified?", IDENTIFIED_REQUIRED)
    support_offered = forms.BooleanField(label="Support offered", required=False)
    attending = forms.BooleanField(label="Attending support", required=False)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def clean_screened_on(self):
        day = self.cleaned_data["screened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(CHECKED_IN_FUTURE)
        return day

    def clean(self):
        data = super().clean()
        if data.get("identified") is False and data.get("support_offered"):
            self.add_error("support_offered", OFFER_WITHOUT_NEED)
        if data.get("attending") and not data.get("support_offered"):
            self.add_error("support_offered", ATTENDING_WITHOUT_OFFER)
        return data
