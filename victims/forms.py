"""Forms of the victims app: GOV.UK rendering, messages from victims.messages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cases.models import Case
from victims import messages as m
from victims import rules
from victims.models import (
    ContactMethod,
    GivenBy,
    Invitation,
    Reparation,
    RestorativeJusticeWork,
    RJChoice,
    Victim,
    VictimContact,
    VictimKind,
    VictimOffence,
    VictimUpdate,
)
from yos.forms import GDSDateField, GDSFormMixin
from yos.lib.versioning import VersionedFormMixin


def _date(label: str, *, required: bool = True, required_message: str = "") -> GDSDateField:
    field = GDSDateField(label=label, required=required)
    if required_message:
        field.error_messages["required"] = required_message
    return field


def _not_future(form: forms.Form, field: str, message: str) -> None:
    value = form.cleaned_data.get(field)
    if value is not None and value > timezone.localdate():
        form.add_error(field, message)


class CaseReferenceField(forms.CharField):
    """A case reference typed by the victim worker (they cannot browse cases)."""

    def __init__(self, **kwargs):
        super().__init__(
            label="Reference of the child's case",
            help_text="The case manager can give you the reference, for example K7K2M9QX.",
            max_length=12,
            error_messages={"required": m.CASE_REFERENCE_REQUIRED},
            **kwargs,
        )

    def clean(self, value):
        reference = super().clean(value).strip().upper()
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(m.CASE_REFERENCE_UNKNOWN)
        return case


class VictimForm(GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save victim"

    details_received_on = _date(
        "Date the service received the victim's details", required_message=m.RECEIVED_REQUIRED
    )
    date_of_birth = _date("Victim's date of birth (if known)", required=False)

    class Meta:
        model = Victim
        fields = [
            "kind",
            "name",
            "contact_person",
            "address",
            "phone",
            "email",
            "preferred_contact_method",
            "preferred_contact_times",
            "vulnerability",
            "interpreter_needed",
            "language",
            "date_of_birth",
            "known_under_18",
            "enhanced_rights",
            "enhanced_rights_reason",
            "details_received_on",
            "representative_name",
            "representative_relationship",
            "representative_phone",
        ]
        labels = {
            "known_under_18": "The victim was under 18 at the time of the offence (date of "
            "birth not known)",
            "kind": "Is the victim a person or an organisation?",
            "name": "Name of the person or organisation",
            "enhanced_rights_reason": "Why the victim is entitled to enhanced rights",
            "representative_relationship": "Their relationship to the victim",
            "representative_phone": "Their phone number",
        }
        help_texts = {
            "enhanced_rights": (
                "For example victims of the most serious crime, persistently targeted "
                "or vulnerable or intimidated victims."
            ),
            "representative_name": "For a victim under 18, or one who cannot act for themselves.",
            "known_under_18": "A victim under 18 at the time of the offence is entitled to "
            "enhanced rights automatically: information is due within 1 working day.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "vulnerability": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = VictimKind.choices
        self.fields["kind"].error_messages["required"] = m.KIND_REQUIRED
        self.fields["name"].error_messages["required"] = m.NAME_REQUIRED

    def clean(self):
        data = super().clean()
        _not_future(self, "details_received_on", m.RECEIVED_FUTURE)
        # The age may make the victim young at the offence, which gives the
        # reason by itself (services._apply_young_victim); the service decides.
        young_info = data.get("date_of_birth") or data.get("known_under_18")
        if data.get("enhanced_rights"):
            if data.get("kind") == VictimKind.ORGANISATION:
                self.add_error("enhanced_rights", m.ENHANCED_ORGANISATION)
            elif not (data.get("enhanced_rights_reason") or "").strip() and not young_info:
                self.add_error("enhanced_rights_reason", m.ENHANCED_REASON_REQUIRED)
        if young_info and data.get("kind") == VictimKind.ORGANISATION:
            self.add_error("date_of_birth", m.AGE_ORGANISATION)
        elif data.get("date_of_birth") and data.get("known_under_18"):
            self.add_error("known_under_18", m.BIRTH_DATE_AND_UNDER_18)
        dob = data.get("date_of_birth")
        if dob and dob >= timezone.localdate():
            self.add_error("date_of_birth", m.BIRTH_DATE_FUTURE)
        if (data.get("representative_name") or "").strip() and not (
            data.get("representative_relationship") or ""
        ).strip():
            self.add_error("representative_relationship", m.REPRESENTATIVE_RELATIONSHIP_REQUIRED)
        if not any((data.get(f) or "").strip() for f in ("address", "phone", "email")):
            self.add_error("address", m.CONTACT_DETAIL_REQUIRED)
        return data


class VictimCreateForm(VictimForm):
    submit_label = "Add victim"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_reference"] = CaseReferenceField()
        del self.fields["loaded_version"]
        self.order_fields(["case_reference"])

    def clean_case_reference(self):
        case = self.cleaned_data["case_reference"]
        if not case.offence:
            raise forms.ValidationError(m.CASE_WITHOUT_OFFENCE)
        return case


class CaseLinkForm(GDSFormMixin, forms.Form):
    submit_label = "Link case"

    def __init__(self, *args, victim: Victim, **kwargs):
        super().__init__(*args, **kwargs)
        self.victim = victim
        self.fields["case_reference"] = CaseReferenceField()
        self.helper.form_tag = True

    def clean_case_reference(self):
        case = self.cleaned_data["case_reference"]
        if not case.offence:
            raise forms.ValidationError(m.CASE_WITHOUT_OFFENCE)
        if VictimOffence.objects.filter(victim=self.victim, case=case).exists():
            raise forms.ValidationError(m.CASE_ALREADY_LINKED)
        return case


class ContactForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save contact"

    contacted_on = _date("Date of the contact", required_message=m.CONTACT_DATE_REQUIRED)
    consent_on = _date("Date the victim gave consent", required=False)

    class Meta:
        model = VictimContact
        fields = [
            "contacted_on",
            "method",
            "offered_information",
            "offered_support_referral",
            "support_referred_to",
            "offered_restorative_justice",
            "choice",
            "consent_given",
            "consent_on",
            "wants_updates",
            "given_by",
            "notes",
        ]
        labels = {
            "given_by": "Who gave the choice and consent?",
            "method": "How was the contact made?",
            "offered_information": "Offered information about the case and the process",
            "offered_support_referral": "Offered a referral to support services",
            "support_referred_to": "Support service referred to (if any)",
            "offered_restorative_justice": "Gave information about restorative justice",
            "choice": "The victim's choice about restorative justice",
            "consent_given": "The victim consented to take part in restorative justice",
            "wants_updates": "The victim wants to be kept informed about the case",
        }
        widgets = {
            "method": forms.RadioSelect,
            "choice": forms.RadioSelect,
            "given_by": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, victim: Victim, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.victim = victim
        _given_by_field(self, victim)
        for name in ("offered_information", "offered_support_referral"):
            self.fields[name].required = False
        self.fields["offered_restorative_justice"].required = False
        self.fields["method"].choices = ContactMethod.choices
        self.fields["method"].error_messages["required"] = m.METHOD_REQUIRED
        self.fields["choice"].choices = RJChoice.choices
        self.fields["choice"].error_messages["required"] = m.CHOICE_REQUIRED

    def clean(self):
        data = super().clean()
        _not_future(self, "contacted_on", m.CONTACT_DATE_FUTURE)
        contacted_on = data.get("contacted_on")
        if contacted_on and contacted_on < self.instance.victim.details_received_on:
            self.add_error("contacted_on", m.CONTACT_BEFORE_RECEIVED)
        problems = rules.consent_problems(
            choice=data.get("choice") or "",
            consent_given=bool(data.get("consent_given")),
            consent_on=data.get("consent_on"),
            withdrawn_on=None,
            today=timezone.localdate(),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


def _given_by_field(form: forms.Form, victim: Victim | None) -> None:
    """Who gave it: asked only when a parent or guardian acts for the victim
    (their name is on the victim's page, not in the label)."""
    if victim is None or not victim.representative_name:
        form.fields.pop("given_by", None)
        return
    field = form.fields.get("given_by") or forms.ChoiceField()
    field.label = field.label or "Who withdrew consent?"
    field.choices = GivenBy.choices
    field.widget = forms.RadioSelect(choices=GivenBy.choices)
    field.required = True
    field.error_messages["required"] = m.SELECT_GIVEN_BY
    form.fields["given_by"] = field


class WithdrawConsentForm(GDSFormMixin, forms.Form):
    submit_label = "Record withdrawal"

    consent_withdrawn_on = _date(
        "Date the victim withdrew consent", required_message=m.WITHDRAWAL_DATE_REQUIRED
    )

    def __init__(self, *args, victim: Victim | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _given_by_field(self, victim)


class UpdateForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save update"

    given_on = _date("Date the update was given", required_message=m.UPDATE_DATE_REQUIRED)

    class Meta:
        model = VictimUpdate
        fields = ["given_on", "method", "text"]
        labels = {"method": "How was the update given?", "text": "What the victim was told"}
        widgets = {"method": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, victim: Victim, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.victim = victim
        self.fields["method"].choices = ContactMethod.choices
        self.fields["method"].error_messages["required"] = m.METHOD_REQUIRED
        self.fields["text"].error_messages["required"] = m.UPDATE_TEXT_REQUIRED

    def clean(self):
        data = super().clean()
        _not_future(self, "given_on", m.UPDATE_DATE_FUTURE)
        return data


class InvitationForm(GDSFormMixin, VersionedFormMixin, forms.Form):
    submit_label = "Save decision"

    invitation = forms.ChoiceField(
        label="Will the service invite the victim to take part in restorative justice?",
        choices=[(v, label) for v, label in Invitation.choices if v != Invitation.NOT_DECIDED],
        widget=forms.RadioSelect,
        error_messages={"required": m.INVITATION_REQUIRED},
    )
    invitation_reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": m.INVITATION_REASON_REQUIRED},
    )


class RJWorkForm(GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save restorative-justice work"

    started_on = _date("Date the work started", required_message=m.RJ_START_REQUIRED)
    ended_on = _date("Date the work ended", required=False)
    conclusion_notice_on = _date(
        "Date the victim was told the intervention had ended", required=False
    )

    class Meta:
        model = RestorativeJusticeWork
        fields = [
            "offence",
            "kind",
            "started_on",
            "participants",
            "ended_on",
            "outcome",
            "conclusion_notice_on",
        ]
        labels = {"offence": "Offence the work is about", "kind": "Type of restorative justice"}
        widgets = {
            "kind": forms.RadioSelect,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, victim: Victim, **kwargs):
        super().__init__(*args, **kwargs)
        offences = self.fields["offence"]
        offences.queryset = VictimOffence.objects.filter(victim=victim).select_related(
            "case__child"
        )
        offences.label_from_instance = lambda link: (
            f"{link.case.offence} ({link.case.child.full_name}, {link.case.reference})"
        )
        offences.empty_label = None
        offences.error_messages["required"] = m.RJ_OFFENCE_REQUIRED
        self.fields["kind"].error_messages["required"] = m.RJ_KIND_REQUIRED
        if self.instance.pk is None:
            for name in ("ended_on", "outcome", "conclusion_notice_on", "loaded_version"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        _not_future(self, "started_on", m.RJ_START_FUTURE)
        _not_future(self, "ended_on", m.RJ_END_FUTURE)
        _not_future(self, "conclusion_notice_on", m.RJ_NOTICE_FUTURE)
        started, ended = data.get("started_on"), data.get("ended_on")
        notice = data.get("conclusion_notice_on")
        if started and ended and ended < started:
            self.add_error("ended_on", m.RJ_END_BEFORE_START)
        if notice and not ended and "ended_on" in self.fields:
            self.add_error("conclusion_notice_on", m.RJ_NOTICE_NEEDS_END)
        elif notice and ended and notice < ended:
            self.add_error("conclusion_notice_on", m.RJ_NOTICE_BEFORE_END)
        return data


class ReparationForm(GDSFormMixin, VersionedFormMixin, forms.ModelForm):
    submit_label = "Save reparation"

    started_on = _date("Date the reparation starts", required_message=m.REPARATION_START_REQUIRED)
    ended_on = _date("Date the reparation ended", required=False)

    class Meta:
        model = Reparation
        fields = ["placement", "hours", "hours_completed", "started_on", "ended_on", "notes"]
        labels = {"placement": "Placement (where the unpaid work is done)"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = self.fields["hours"]
        hours.error_messages.update(
            required=m.REPARATION_HOURS_REQUIRED,
            invalid=m.REPARATION_HOURS_RANGE,
            min_value=m.REPARATION_HOURS_RANGE,
        )
        hours.min_value, hours.max_value = 1, 300
        hours.validators = []
        self.fields["placement"].error_messages["required"] = m.REPARATION_PLACEMENT_REQUIRED
        self.fields["hours_completed"].required = False
        if self.instance.pk is None:
            del self.fields["loaded_version"]

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if not 1 <= hours <= 300:
            raise forms.ValidationError(m.REPARATION_HOURS_RANGE)
        return hours

    def clean_hours_completed(self):
        return self.cleaned_data.get("hours_completed") or 0

    def clean(self):
        data = super().clean()
        hours, done = data.get("hours"), data.get("hours_completed") or 0
        if hours is not None and done > hours:
            self.add_error("hours_completed", m.REPARATION_COMPLETED_TOO_MANY)
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", m.REPARATION_END_BEFORE_START)
        return data


class AdministratorReasonForm(GDSFormMixin, forms.Form):
    """An administrator opens a victim's record only after giving a reason."""

    submit_label = "Open the record"

    reason = forms.CharField(
        label="Why do you need to open this victim's record?",
        help_text="Your reason is kept in the access log with your name and the time.",
        max_length=300,
        error_messages={"required": m.ADMIN_REASON_REQUIRED},
    )
