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

from yos import kept_post
from yos.lib.ids import MAX_ID, parse_id
from yos.signin import normalise_username


def _the(label: str) -> str:
    """'Date of birth' → 'the date of birth' for messages such as 'Enter …'."""
    text = str(label)
    return text[0].lower() + text[1:] if text else text


DATE_PARTS = ("day", "month", "year")
DATE_INCOMPLETE = "{label} must include a {parts}"
DATE_NOT_REAL = "{label} must be a real date"
DATE_TOO_EARLY = "{label} must be after 1900"


class GDSDateField(DateInputField):
    """The GOV.UK day/month/year date input with one message that names the
    field, however many of the three parts are wrong (crispy-forms-gds's
    DateInputField gives one message per part: three for one bad date)."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        super().__init__(label=label, required=required, **kwargs)
        self.error_messages["required"] = f"Enter {_the(label)}"

    def _refuse(self, template: str, **params) -> ValidationError:
        return ValidationError(template.format(label=self.label, **params), code="invalid")

    def clean(self, value):
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        parts = [str(v if v is not None else "").strip() for v in [*(value or ()), None, None]][:3]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [i for i, part in enumerate(parts) if not part]
        if missing:
            names = " and ".join(DATE_PARTS[i] for i in missing)
            raise self._refuse(DATE_INCOMPLETE, parts=names)
        for part in parts:
            if not (part.isascii() and part.isdigit()):
                raise self._refuse(DATE_NOT_REAL)
        day, month, year = (int(part) for part in parts)
        try:
            out = date(day=day, month=month, year=year)
        except ValueError:
            raise self._refuse(DATE_NOT_REAL) from None
        if out.year < 1900:
            raise self._refuse(DATE_TOO_EARLY)
        self.validate(out)
        self.run_validators(out)
        return out

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(DATE_NOT_REAL.format(label=self.label), code="invalid") from None


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
    Select renders each option through a template, too slow for the hundreds
    of teams a national service's supervisor chooses from."""

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
    if getattr(field, "_ids_bounded", False):
        return
    field._ids_bounded = True
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


DJANGO_EMPTY_LABEL = "---------"  # Django's blank choice: developer output, never shown


def choose_label(label) -> str:
    """A select's blank choice: 'Team' → 'Choose the team'."""
    text = _the(str(label or "").removesuffix(" (optional)").strip())
    if not text:
        return "Choose one"
    return f"Choose {text}" if text.startswith("the ") else f"Choose the {text}"


def _without_dashes(field: forms.Field) -> None:
    """Replace Django's "---------" blank choice: radios and checkboxes lose
    it (no choice is chosen until one is clicked), a select offers "Choose …"."""
    if not isinstance(field, forms.ChoiceField):
        return
    radios = isinstance(field.widget, forms.RadioSelect)  # and CheckboxSelectMultiple
    label = None if radios else choose_label(field.label)
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = label
        return
    choices = list(field.choices)
    if not any(value == "" and text == DJANGO_EMPTY_LABEL for value, text in choices):
        return
    field.choices = [
        (value, label if value == "" and text == DJANGO_EMPTY_LABEL else text)
        for value, text in choices
        if not (radios and value == "" and text == DJANGO_EMPTY_LABEL)
    ]


def first_input_id(bound_field: forms.BoundField) -> str | None:
    """The id of the first input, select or textarea the field renders, where
    its error-summary link goes (so following it moves focus there, with or
    without JavaScript); None when it renders none.

    crispy-forms-gds numbers radios and checkboxes from 1 (id_<name>_1); a
    date's day, month and year are <id>_0, _1 and _2, so a date links to its
    day. Django's own id_for_label gives id_<name>_0 for radios (an id crispy
    does not render) and "" for a MultiWidget."""
    widget = bound_field.field.widget
    if bound_field.is_hidden or not bound_field.auto_id:
        return None
    if isinstance(widget, forms.RadioSelect):  # radios and CheckboxSelectMultiple
        # the same id crispy's gds/layout/radio_item.html and checkboxes.html give
        return f"id_{bound_field.html_name}_1" if widget.choices else None
    if isinstance(widget, forms.MultiWidget):
        return f"{widget.attrs.get('id') or bound_field.auto_id}_0"
    return bound_field.id_for_label or None


def error_summary_items(form: forms.BaseForm) -> list[tuple[str | None, str]]:
    """(target id or None, message) for each error of the form, in the order
    of the page. Each field's errors link to its first input; errors that name
    no visible field (the form's own, a stale hidden version) link to the
    first visible field's first input."""
    visible = form.visible_fields()
    first = first_input_id(visible[0]) if visible else None
    items = [(first, str(error)) for error in form.non_field_errors()]
    for bound_field in form.hidden_fields():
        items.extend((first, str(error)) for error in bound_field.errors)
    for bound_field in visible:
        if bound_field.errors:
            target = first_input_id(bound_field)
            items.extend((target, str(error)) for error in bound_field.errors)
    return items


class GDSFormMixin:
    """Renders through crispy-forms-gds with a submit button, replaces
    Django's generic "This field is required." with a message naming the
    field, and Django's "---------" blank choice (_without_dashes).

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
        self.helper = FieldsHelper(self)
        self.helper.add_input(Submit("submit", self.submit_label))

    def __getitem__(self, name):
        # Here rather than in __init__: it also reaches the fields that a
        # subclass adds after this __init__ (a team choice, say). Every render
        # and every clean takes its bound fields from here.
        if not self.is_bound and not getattr(self, "_kept_values_applied", False):
            # What the user posted after their session ended (yos.kept_post).
            self._kept_values_applied = True
            if (kept := kept_post.restored_fields()) is not None:
                kept_post.initial_from(self, kept)
        _without_dashes(self.fields[name])
        _bound_ids(self.fields[name])
        return super().__getitem__(name)


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


YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(label: str, message: str, **kwargs) -> forms.TypedChoiceField:
    """A required Yes/No radio question read back as True/False."""
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": message},
        **kwargs,
    )
