"""Form plumbing shared by every app: GOV.UK rendering and plain-English errors."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from yos.lib.ids import MAX_ID, parse_id
from yos.signin import normalise_username


def _the(label: str) -> str:
    """'Date of birth' → 'the date of birth' for messages such as 'Enter …'."""
    text = str(label)
    return text[0].lower() + text[1:] if text else text


class GDSDateField(DateInputField):
    """The GOV.UK day/month/year date input with messages that name the field."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        super().__init__(label=label, required=required, **kwargs)
        self.error_messages["required"] = f"Enter {_the(label)}"
        self.error_messages["incomplete"] = f"{label} must include a day, month and year"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"{self.label} must be a real date", code="invalid") from None
        if value.year < 1900:
            raise ValidationError(f"{self.label} must be after 1900", code="invalid")
        return value


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to the fields it names, in
    the error summary either way (messages naming no field go on the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class FieldsHelper(FormHelper):
    """A crispy helper whose layout, unless one is set, is the form's fields
    as they are when the form is rendered. FormHelper(form) freezes the layout
    at construction, so a form that then adds or removes a field (a parent
    choice only where an order binds parents, say) would render a layout
    naming a field that is gone, and crispy logs a KeyError for it."""

    def __init__(self, form):
        super().__init__()
        self.form = form
        self._layout = None

    @property
    def layout(self):
        if self._layout is None:
            return self.build_default_layout(self.form)
        return self._layout

    @layout.setter
    def layout(self, value):
        self._layout = value


class QuickSelect(forms.Select):
    """A <select> built in Python, every value and label escaped. Django's
    Select renders each option through a template, which costs 100 ms and
    more for the 500 teams a national service's supervisor chooses from."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


def _bound_ids(field: forms.Field) -> None:
    """A record chosen by id takes only an id that can exist: ASCII digits in
    the 64-bit range (yos.lib.ids). Django's ModelChoiceField passes "²" or a
    20-digit number to the database, where SQLite raises OverflowError."""
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):

        def refuse_non_ids(values) -> None:
            # Read when the form is cleaned: some forms set the queryset later.
            if field.to_field_name is not None or field.queryset is None:
                return
            if not isinstance(field.queryset.model._meta.pk, models.AutoField):
                return
            for one in values:
                if one not in field.empty_values and parse_id(str(one)) is None:
                    raise ValidationError(
                        field.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": one},
                    )

        if isinstance(field, forms.ModelMultipleChoiceField):
            check_values = field._check_values

            def checked(value, check_values=check_values):
                refuse_non_ids(value)
                return check_values(value)

            field._check_values = checked
        else:
            to_python = field.to_python

            def checked_one(value, to_python=to_python):
                refuse_non_ids([value])
                return to_python(value)

            field.to_python = checked_one
    elif isinstance(field, forms.IntegerField) and field.max_value is None:
        field.max_value = MAX_ID
        field.validators.append(MaxValueValidator(MAX_ID))


class GDSFormMixin:
    """Renders through crispy-forms-gds with a submit button, and replaces
    Django's generic "This field is required." with a message naming the field.

    Forms set ``submit_label``; fields keep any ``required`` message they set.
    """

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            generic = forms.Field.default_error_messages["required"]
            if field.error_messages.get("required") in (generic, None):
                verb = (
                    "Select"
                    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
                    else "Enter"
                )
                field.error_messages["required"] = f"{verb} {_the(field.label or '')}".strip()
            _bound_ids(field)
        self.helper = FieldsHelper(self)
        self.helper.add_input(Submit("submit", self.submit_label))


class SignInForm(GDSFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account is inactive",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )

    def clean_username(self):
        # One spelling for sign-in and for the lock-out that counts failures.
        return normalise_username(self.cleaned_data.get("username"))
