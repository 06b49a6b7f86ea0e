"""Forms of the case records: GOV.UK rendering, plain-English messages.

Domain rules live in cases.rules and are enforced by the services; views
attach a service's ValidationError to the form, so each message shows next to
its field and in the error summary."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from cases import rules
from cases.models import (
    Adult,
    Attendance,
    Case,
    CaseKind,
    CaseStatus,
    Child,
    Family,
    Relationship,
    SessionKind,
    Title,
)
from yos.forms import GDSDateField, GDSFormMixin, QuickSelect, yes_no
from yos.lib.postcodes import INVALID_POSTCODE, is_uk_postcode, normalise_postcode
from yos.lib.versioning import (
    STALE_RECORD,  # noqa: F401 - shown by cases.views
    VersionedFormMixin,
)
from yos.models import Team

# Messages
FAMILY_NAME_REQUIRED = "Enter the family name"
TEAM_REQUIRED = "Select the team"
FIRST_NAME_REQUIRED = "Enter the first name"
LAST_NAME_REQUIRED = "Enter the last name"
DOB_REQUIRED = "Enter the child's date of birth"
RELATIONSHIP_REQUIRED = "Select how the adult is related to the child"
PR_REQUIRED = "Select whether the adult has parental responsibility for the child"
RESIDENT_REQUIRED = "Select whether the adult lives with the child"
CHILD_REQUIRED = "Select the child"
KIND_REQUIRED = "Select the kind of work"
REFERRED_ON_REQUIRED = "Enter the date referred"
CLOSED_ON_REQUIRED = "Enter the date closed"
SESSION_KIND_REQUIRED = "Select the kind of session"
SESSION_DATE_REQUIRED = "Enter the date of the session"
SESSION_TIME_REQUIRED = "Enter the start time"
SESSION_TIME_INVALID = "Enter the start time as hours and minutes, for example 14:30"
ATTENDANCE_REQUIRED = "Select the attendance"
VIEWS_TEXT_REQUIRED = "Enter what the child said"
VIEWS_DATE_REQUIRED = "Enter the date the views were recorded"
CASE_MANAGER_REQUIRED = "Select a case manager"
ADDRESS_LINES_REQUIRED = "Enter the first line of the address, such as the house number and street"


def relayout(form: forms.Form) -> None:
    """Lay the form out from its fields as they are at render time (after
    fields were added or removed): yos.forms.FieldsHelper's default."""
    form.helper.layout = None


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Family ---------------------------------------------------------------------


class FamilyForm(GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save family"

    class Meta:
        model = Family
        fields = ["name", "address", "notes"]
        labels = {"name": "Family name", "address": "Address", "notes": "Notes"}
        widgets = {"address": _textarea(), "notes": _textarea()}
        error_messages = {"name": {"required": FAMILY_NAME_REQUIRED}}


class FamilyCreateForm(FamilyForm):
    """A new family; the team is asked only of a case manager in several teams."""

    submit_label = "Add family"

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["loaded_version"]
        teams = list(teams)
        if len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                label="Team",
                queryset=Team.objects.filter(pk__in=[t.pk for t in teams]),
                error_messages={"required": TEAM_REQUIRED},
            )
        relayout(self)


class AllocateForm(GDSFormMixin, forms.Form):
    submit_label = "Allocate family"
    case_manager = forms.ModelChoiceField(
        label="Case manager",
        queryset=None,
        error_messages={"required": CASE_MANAGER_REQUIRED},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = candidates
        self.fields["case_manager"].empty_label = "Select a case manager"


# --- Child ----------------------------------------------------------------------

CHILD_FIELDS = [
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address",
    "school",
    "sen",
    "sen_notes",
    "care_status",
    "responsible_authority",
    "social_care",
    "early_help",
    "mappa",
    "partner_notes",
]


class ChildForm(GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save child"
    date_of_birth = GDSDateField(label="Date of birth")

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "preferred_name": "Preferred name (optional)",
            "gender": "Gender",
            "ethnicity": "Ethnicity",
            "address": "Address (optional)",
            "school": "School (optional)",
            "sen": "Special educational needs",
            "sen_notes": "Special educational needs: details (optional)",
            "care_status": "Looked-after status",
            "responsible_authority": "Responsible authority",
            "social_care": "Social care involved",
            "early_help": "Early Help involved",
            "mappa": "MAPPA involved",
            "partner_notes": "Partner agencies: details (optional)",
        }
        help_texts = {
            "responsible_authority": "The local authority that looks after the child or "
            "supports the care leaver",
            "care_status": "A care leaver is aged 16 or over; a younger child in care is a "
            "looked-after child",
        }
        widgets = {
            "gender": forms.RadioSelect,
            "care_status": forms.RadioSelect,
            "address": _textarea(),
            "sen_notes": _textarea(),
            "partner_notes": _textarea(),
        }
        error_messages = {
            "first_name": {"required": FIRST_NAME_REQUIRED},
            "last_name": {"required": LAST_NAME_REQUIRED},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].error_messages["required"] = DOB_REQUIRED
        self.fields["school"].empty_label = "Not at a school we work with"

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in CHILD_FIELDS}


class ChildCreateForm(ChildForm):
    submit_label = "Add child"
    confirm_not_duplicate = forms.BooleanField(
        label="This is a different child: add them anyway",
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["loaded_version"]
        relayout(self)

    def ask_to_confirm(self) -> None:
        """Show the confirmation checkbox (after a possible duplicate was found)."""
        self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()


class ChildViewForm(GDSFormMixin, forms.Form):
    submit_label = "Save views"
    recorded_on = GDSDateField(label="Date recorded")
    text = forms.CharField(
        label="What the child said about their views, wishes and feelings",
        widget=_textarea(6),
        error_messages={"required": VIEWS_TEXT_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].error_messages["required"] = VIEWS_DATE_REQUIRED


# --- Adults ---------------------------------------------------------------------

ADULT_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "letter_name",
    "phone",
    "email",
    "address",
    "town",
    "postcode",
    "preferred_language",
    "interpreter_needed",
]


class AdultAddressMixin:
    """Title choices and the address parts' rules, shared by the adult forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [("", "No title recorded"), *Title.choices]

    def clean_postcode(self) -> str:
        value = self.cleaned_data.get("postcode", "")
        if value.strip() and not is_uk_postcode(value):
            raise forms.ValidationError(INVALID_POSTCODE)
        return normalise_postcode(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        has_lines = bool((data.get("address") or "").strip())
        if not has_lines and ((data.get("town") or "").strip() or data.get("postcode")):
            self.add_error("address", ADDRESS_LINES_REQUIRED)
        return data


class AdultForm(AdultAddressMixin, GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save adult"

    class Meta:
        model = Adult
        fields = ADULT_FIELDS
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "phone": "Phone number (optional)",
            "email": "Email address (optional)",
            "title": "Title (optional)",
            "letter_name": "Name to use in letters (optional)",
            "address": "Address lines (optional)",
            "town": "Town or city (optional)",
            "postcode": "Postcode (optional)",
            "preferred_language": "Preferred language",
            "interpreter_needed": "Needs an interpreter",
        }
        help_texts = {
            "title": "Letters start “Dear” with the title and last name, for example "
            "Dear Ms Ashworth. Without a title they start “Dear parent or carer”.",
            "address": "House number or name and street, one line each. The town and the "
            "postcode go in their own boxes.",
        }
        widgets = {
            "address": _textarea(),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
        error_messages = {
            "first_name": {"required": FIRST_NAME_REQUIRED},
            "last_name": {"required": LAST_NAME_REQUIRED},
            "email": {
                "invalid": "Enter an email address in the correct format, like name@example.com"
            },
            "preferred_language": {"required": "Enter the adult's preferred language"},
            "postcode": {"max_length": INVALID_POSTCODE},
            "letter_name": {"max_length": "Name to use in letters must be 150 characters or fewer"},
        }

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in ADULT_FIELDS}


class LinkFields(forms.Form):
    """How an adult is related to one child of the family."""

    child = forms.ModelChoiceField(
        label="Child", queryset=None, error_messages={"required": CHILD_REQUIRED}
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        choices=[("", "Select")] + Relationship.choices,
        error_messages={"required": RELATIONSHIP_REQUIRED},
    )
    parental_responsibility = yes_no("Has parental responsibility for the child", PR_REQUIRED)
    resident = yes_no("Lives with the child", RESIDENT_REQUIRED)


class AdultLinkForm(GDSFormMixin, LinkFields):
    submit_label = "Save relationship"

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].empty_label = "Select a child"


class AdultCreateForm(AdultAddressMixin, GDSFormMixin, forms.ModelForm):
    """A new adult and, when the family has children, how they relate to one."""

    submit_label = "Add adult"
    child = LinkFields.base_fields["child"]
    relationship = LinkFields.base_fields["relationship"]
    parental_responsibility = LinkFields.base_fields["parental_responsibility"]
    resident = LinkFields.base_fields["resident"]

    class Meta(AdultForm.Meta):
        pass

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].empty_label = "Select a child"
        if not children:
            for name in ("child", "relationship", "parental_responsibility", "resident"):
                del self.fields[name]
            relayout(self)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in ADULT_FIELDS}

    def links(self) -> list[dict]:
        if "child" not in self.fields:
            return []
        return [
            {
                name: self.cleaned_data[name]
                for name in ("child", "relationship", "parental_responsibility", "resident")
            }
        ]


# --- Cases ----------------------------------------------------------------------

CASE_FIELDS = ["kind", "referred_on", "opened_on", "offence_date", "offence"]


class CaseForm(GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save case"
    referred_on = GDSDateField(label="Date referred")
    opened_on = GDSDateField(label="Date opened (optional)", required=False)
    offence_date = GDSDateField(label="Date of the offence", required=False)

    class Meta:
        model = Case
        fields = [*CASE_FIELDS, "outcome"]
        labels = {
            "kind": "Kind of work",
            "offence": "Offence (optional for prevention and parenting work)",
            "outcome": "Outcome (optional)",
        }
        help_texts = {
            "kind": "Work that follows an offence is only for a child aged 10 or over on the "
            "date of the offence",
            "offence_date": "Needed for every kind of work except prevention and parenting",
        }
        error_messages = {"kind": {"required": KIND_REQUIRED}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Select")] + CaseKind.choices
        self.fields["referred_on"].error_messages["required"] = REFERRED_ON_REQUIRED
        self.fields[
            "offence_date"
        ].help_text = "Needed for every kind of work except prevention and parenting support"

    def clean(self):
        """The date order (referred ≤ opened) next to its field, before the
        database constraint behind it would speak (issue 17)."""
        data = super().clean()
        problems = rules.case_dates_problems(
            referred_on=data.get("referred_on"), opened_on=data.get("opened_on"), closed_on=None
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class CaseOpenForm(CaseForm):
    submit_label = "Open case"
    confirm_age = forms.BooleanField(
        label="I have checked the child's age and want to continue",
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta(CaseForm.Meta):
        fields = CASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["loaded_version"]
        relayout(self)

    def ask_to_confirm(self) -> None:
        self.fields["confirm_age"].widget = forms.CheckboxInput()


class CaseCloseForm(GDSFormMixin, forms.Form):
    """The case manager asks a supervisor to close the case (PRODUCT.md:
    supervisors approve case closure)."""

    submit_label = "Ask a supervisor to close the case"
    closed_on = GDSDateField(label="Date closed")
    closure_reason = forms.CharField(label="Reason for closing", widget=_textarea())
    outcome = forms.CharField(label="Outcome (optional)", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].error_messages["required"] = CLOSED_ON_REQUIRED
        self.fields["closure_reason"].error_messages["required"] = rules.CLOSURE_REASON_REQUIRED
        self.fields[
            "closed_on"
        ].help_text = (
            "The day the work ended: today or in the past. A supervisor approves the closure"
        )


APPROVE = "approve"
REFUSE = "refuse"


class ClosureDecisionForm(GDSFormMixin, forms.Form):
    """A supervisor approves or refuses a request to close a case."""

    submit_label = "Save decision"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve: close the case"), (REFUSE, "Refuse: the case stays open")],
        widget=forms.RadioSelect,
        error_messages={"required": rules.DECISION_REQUIRED},
    )
    refusal_reason = forms.CharField(
        label="Reason for refusing (if you refuse)",
        required=False,
        widget=_textarea(),
        help_text="The case manager sees it on the case page",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == REFUSE and not (data.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", rules.REFUSAL_REASON_REQUIRED)
        return data


# --- Sessions -------------------------------------------------------------------


class SessionForm(GDSFormMixin, VersionedFormMixin, forms.Form):
    submit_label = "Save session"
    kind = forms.ChoiceField(
        label="Kind of session",
        choices=SessionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": SESSION_KIND_REQUIRED},
    )
    day = GDSDateField(label="Date of the session")
    start = forms.CharField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 14:30",
        max_length=5,
        error_messages={"required": SESSION_TIME_REQUIRED},
    )
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.choices,
        initial=Attendance.PLANNED,
        widget=forms.RadioSelect,
        error_messages={"required": ATTENDANCE_REQUIRED},
    )
    absence_reason = forms.CharField(
        label="Reason for the excused absence (if excused)", required=False, max_length=300
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=_textarea(5))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].error_messages["required"] = SESSION_DATE_REQUIRED

    def clean_start(self) -> time:
        value = self.cleaned_data["start"].strip().replace(".", ":")
        try:
            return datetime.strptime(value, "%H:%M").time()  # noqa: DTZ007 - a time of day
        except ValueError:
            raise forms.ValidationError(SESSION_TIME_INVALID) from None

    def starts_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"])
        )

    @classmethod
    def initial_for(cls, session) -> dict:
        local = timezone.localtime(session.starts_at)
        return {
            "kind": session.kind,
            "day": local.date(),
            "start": local.strftime("%H:%M"),
            "attendance": session.attendance,
            "absence_reason": session.absence_reason,
            "notes": session.notes,
            "loaded_version": session.version,
        }


# --- Find a child ---------------------------------------------------------------

SORT_CHOICES = [
    ("name", "Name"),
    ("dob", "Date of birth"),
    ("reference", "Reference"),
    ("case_manager", "Case manager"),
]


class ChildSearchForm(GDSFormMixin, forms.Form):
    submit_label = "Search"
    q = forms.CharField(label="Name or reference", required=False, max_length=100)
    dob = GDSDateField(label="Date of birth", required=False)
    kind = forms.ChoiceField(
        label="Kind of work", required=False, choices=[("", "Any")] + CaseKind.choices
    )
    status = forms.ChoiceField(
        label="Case status", required=False, choices=[("", "Any")] + CaseStatus.choices
    )
    case_manager = forms.ModelChoiceField(
        label="Case manager",
        required=False,
        queryset=None,
        empty_label="Any",
        widget=QuickSelect,
        help_text="Case managers of the team chosen, or of your own teams",
        error_messages={
            "invalid_choice": "Choose a case manager of the team you chose, or choose Any"
        },
    )
    team = forms.ModelChoiceField(
        label="Team", required=False, queryset=None, empty_label="Any", widget=QuickSelect
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case_managers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = case_managers
        self.fields["team"].queryset = teams
        self.helper.form_method = "get"
        self.helper.form_tag = True
