"""Forms of the parenting-contract pages. Messages are module constants,
asserted in the tests; the rules' own messages come from contracts.rules."""

from __future__ import annotations

from django import forms
from django.conf import settings

from contracts import rules
from contracts.models import (
    ContractCopySent,
    ContractNonCompliance,
    ContractSignature,
    ParentingContract,
    RequirementKind,
    RequirementProgress,
)
from yos.forms import GDSDateField, GDSFormMixin
from yos.lib.files import validate_upload
from yos.lib.versioning import VersionedFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]
NEEDS_DATE_OR_FREQUENCY = "Enter by when, or how often, the requirement is to be done"
CONFIRM_PARENT_SIGNED = "Confirm that the parent signed the contract"
CONFIRM_STAFF_SIGNS = "Confirm that you sign the contract on behalf of the governing body"
CONFIRM_LA_SIGNED = "Confirm that the local authority officer signed the contract"
UPLOAD_THE_SCAN = "Upload the scanned signed copy"
SELECT_PARENT_SIGNING = "Select the parent who is signing"
SELECT_PARENTS_CONCERNED = "Select the parents the non-compliance concerns"
REASONABLE_NEEDS_EXPLANATION = (
    "Enter the parent's explanation, or select No: without an explanation it cannot be reasonable"
)
SELECT_REQUESTING_PARENT = "Select the parent who asked for the earlier review"
PURPOSE_REQUIRED = "Select why the contract is offered"
DECISION_REQUIRED = "Select whether you approve the request to end the contract"


def _yes_no(label: str, required_message: str) -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        empty_value=None,
    )
    field.error_messages["required"] = required_message
    return field


def _text(
    label: str, *, required: bool = True, rows: int = 3, message: str = ""
) -> forms.CharField:
    field = forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )
    if message:
        field.error_messages["required"] = message
    return field


class ParentChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.full_name


class ParentRadioField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, obj) -> str:
        return obj.full_name


# --- Drafting ---------------------------------------------------------------------


class ContractTermsForm(GDSFormMixin, forms.ModelForm):
    """The terms of a draft: period, lead practitioner, the statements."""

    starts_on = GDSDateField(label="Start date")
    ends_on = GDSDateField(label="End date")
    next_review_on = GDSDateField(label="First review date", required=False)
    support_statement = _text(
        "Statement of the support the school or local authority will give",
        required=False,
        rows=4,
    )
    support_details = _text("Details of the support", required=False, rows=4)
    parent_statement = _text("The parent's statement of agreement", required=False, rows=3)

    class Meta:
        model = ParentingContract
        fields = [
            "year_group",
            "arrangement",
            "starts_on",
            "ends_on",
            "length_reason",
            "next_review_on",
            "lead_practitioner",
            "lead_practitioner_organisation",
            "purpose",
            "reason",
            "services_involved",
            "support_statement",
            "support_details",
            "parent_statement",
        ]
        labels = {
            "arrangement": "Is this one contract with all parents, or a separate contract?",
            "lead_practitioner": "Lead practitioner's name",
            "lead_practitioner_organisation": "Lead practitioner's role or organisation",
            "length_reason": "Why the contract lasts less than 3 or more than 12 months (if it does)",
            "services_involved": "Other services working with the family (if any)",
            "purpose": "Why is the contract offered?",
            "reason": "More about why it is offered (optional)",
        }
        error_messages = {"purpose": {"required": PURPOSE_REQUIRED}}
        widgets = {
            "arrangement": forms.RadioSelect,
            "purpose": forms.RadioSelect,
            "length_reason": forms.Textarea(attrs={"rows": 2}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "services_involved": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        for problem in rules.length_problems(
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            reason=data.get("length_reason") or "",
        ):
            field = "ends_on" if problem == rules.END_BEFORE_START else "length_reason"
            self.add_error(field, problem)
        return data


class ContractDraftForm(ContractTermsForm):
    submit_label = "Save draft"
    parents = ParentChoiceField(label="Parents the contract is with", queryset=None)

    field_order = ["parents"]

    def __init__(self, *args, parents_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parents"].queryset = parents_queryset
        self.fields["parents"].error_messages["required"] = rules.NO_PARENTS
        self.fields[
            "support_statement"
        ].initial = "The school will support you to meet the requirements of this contract."
        self.fields[
            "parent_statement"
        ].initial = (
            "I agree to comply with the requirements of this contract for the period it covers."
        )

    def clean(self):
        data = super().clean()
        parents = data.get("parents")
        if parents:
            for problem in rules.parent_choice_problems(
                separate=data.get("arrangement") == ParentingContract.Arrangement.SEPARATE,
                parent_ids=[p.pk for p in parents],
            ):
                self.add_error("parents", problem)
        return data


class ContractEditForm(VersionedFormMixin, ContractTermsForm):
    submit_label = "Save changes"


class InitiationForm(GDSFormMixin, forms.Form):
    submit_label = "Save"
    initiated_on = GDSDateField(label="Date of the meeting")
    consent_given = _yes_no("Did the parents give their consent to the contract?", rules.NO_CONSENT)
    consent_on = GDSDateField(label="Date consent was given", required=False)
    consent_how = forms.ChoiceField(
        label="How was consent given?",
        choices=ParentingContract.ConsentHow.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    present = ParentChoiceField(
        label="Which parents were at the meeting?", queryset=None, required=False
    )
    unresponsive = ParentChoiceField(
        label="Which parents have not responded?", queryset=None, required=False
    )
    unresponsive_notes = _text(
        "How the parents who have not responded were contacted", required=False, rows=2
    )
    pupil_engaged = forms.ChoiceField(
        label="Was the pupil involved?",
        choices=[("yes", "Yes"), ("no", "No"), ("not_recorded", "Not recorded")],
        widget=forms.RadioSelect,
    )
    pupil_engagement_notes = _text("Notes on the pupil's involvement", required=False, rows=2)

    def __init__(self, *args, contract: ParentingContract, **kwargs):
        super().__init__(*args, **kwargs)
        adults = contract.parents.all()
        self.fields["present"].queryset = adults
        self.fields["unresponsive"].queryset = adults

    def clean(self):
        data = super().clean()
        if data.get("consent_given") is False:
            self.add_error("consent_given", rules.NO_CONSENT)
        if "present" in data and not data.get("present"):
            self.add_error("present", rules.PARENT_ABSENT)
        present = {a.pk for a in data.get("present") or []}
        unresponsive = {a.pk for a in data.get("unresponsive") or []}
        if present & unresponsive:
            self.add_error("unresponsive", rules.PRESENT_AND_UNRESPONSIVE)
        return data

    @property
    def pupil_engaged_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["pupil_engaged"])


class RequirementForm(GDSFormMixin, forms.Form):
    submit_label = "Add requirement"
    kind = forms.ModelChoiceField(label="Kind of requirement", queryset=None)
    parent = ParentRadioField(
        label="Which parent is it for?",
        queryset=None,
        required=False,
        empty_label="Every parent on the contract",
        blank=True,
    )
    action = _text("What will be done", message="Enter what will be done")
    measure = _text("How it will be measured", message="Enter how it will be measured")
    owner = forms.CharField(label="Who is responsible", max_length=150)
    due_on = GDSDateField(label="By when", required=False)
    frequency = forms.CharField(label="How often", max_length=150, required=False)

    def __init__(self, *args, contract: ParentingContract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = RequirementKind.objects.filter(active=True)
        self.fields["kind"].error_messages["required"] = "Select the kind of requirement"
        self.fields["owner"].error_messages["required"] = "Enter who is responsible"
        self.fields["parent"].queryset = contract.parents.all()

    def clean(self):
        data = super().clean()
        if not data.get("due_on") and not (data.get("frequency") or "").strip():
            if "due_on" not in self.errors:
                self.add_error("frequency", NEEDS_DATE_OR_FREQUENCY)
        return data


# --- Signatures --------------------------------------------------------------------


class _ScanMixin:
    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            validate_upload(scan, max_bytes=settings.UPLOAD_MAX_BYTES)
        return scan

    def _require_scan(self, data):
        if data.get("method") == ContractSignature.Method.SCANNED and not data.get("scan"):
            if "scan" not in self.errors:
                self.add_error("scan", UPLOAD_THE_SCAN)


class ParentSignatureForm(_ScanMixin, GDSFormMixin, forms.Form):
    submit_label = "Record signature"
    adult = ParentRadioField(label="Who is signing?", queryset=None)
    method = forms.ChoiceField(
        label="How did they sign?",
        choices=ContractSignature.Method.choices,
        widget=forms.RadioSelect,
        initial=ContractSignature.Method.ON_SCREEN,
    )
    scan = forms.FileField(label="Scanned signed copy (if signed on paper)", required=False)
    confirm = forms.BooleanField(
        label="The parent has read the contract, or had it read to them, and signed it"
    )

    def __init__(self, *args, parents_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adult"].queryset = parents_queryset
        self.fields["adult"].error_messages["required"] = SELECT_PARENT_SIGNING
        self.fields["confirm"].error_messages["required"] = CONFIRM_PARENT_SIGNED

    def clean(self):
        data = super().clean()
        self._require_scan(data)
        return data


class StaffSignatureForm(GDSFormMixin, forms.Form):
    submit_label = "Sign the contract"
    confirm = forms.BooleanField(
        label="I have read this contract and sign it on behalf of the governing body"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].error_messages["required"] = CONFIRM_STAFF_SIGNS


class OfficerSignatureForm(_ScanMixin, GDSFormMixin, forms.Form):
    submit_label = "Record signature"
    name = forms.CharField(label="Local authority officer's name", max_length=150)
    method = forms.ChoiceField(
        label="How did they sign?",
        choices=ContractSignature.Method.choices,
        widget=forms.RadioSelect,
    )
    scan = forms.FileField(label="Scanned signed copy (if signed on paper)", required=False)
    confirm = forms.BooleanField(label="The local authority officer signed the contract")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the officer's name"
        self.fields["confirm"].error_messages["required"] = CONFIRM_LA_SIGNED

    def clean(self):
        data = super().clean()
        self._require_scan(data)
        return data


class CopySentForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Record copy sent"
    sent_on = GDSDateField(label="When was it sent?")

    class Meta:
        model = ContractCopySent
        fields = ["recipient", "organisation", "method", "sent_on"]
        labels = {"recipient": "Who was it sent to?", "method": "How was it sent?"}
        widgets = {"method": forms.RadioSelect}


class LeadChangeForm(GDSFormMixin, forms.Form):
    submit_label = "Change lead practitioner"
    name = forms.CharField(label="New lead practitioner's name", max_length=150)
    organisation = forms.CharField(label="Role or organisation", max_length=150, required=False)
    from_date = GDSDateField(label="From")
    reason = _text(
        "Why the lead practitioner changed", message="Enter why the lead practitioner changed"
    )


# --- Reviews and non-compliance -------------------------------------------------------


class ReviewForm(GDSFormMixin, forms.Form):
    submit_label = "Save review"
    held_on = GDSDateField(label="Date of the review")
    early_at_parents_request = forms.BooleanField(
        label="This review was brought forward because a parent asked for it", required=False
    )
    requested_by = ParentRadioField(
        label="Which parent asked for it?", queryset=None, required=False
    )
    notes = _text("Notes", required=False)
    next_review_on = GDSDateField(label="Next review date", required=False)

    def __init__(self, *args, contract: ParentingContract, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].queryset = contract.parents.all()
        self.requirements = list(requirements)
        for number, requirement in enumerate(self.requirements, start=1):
            field = forms.ChoiceField(
                label=f"Progress on requirement {number}",
                choices=RequirementProgress.Progress.choices,
                widget=forms.RadioSelect,
            )
            field.error_messages["required"] = f"Select the progress on requirement {number}"
            self.fields[f"progress_{requirement.pk}"] = field
            self.fields[f"progress_notes_{requirement.pk}"] = _text(
                f"Notes on requirement {number}", required=False, rows=2
            )

    def clean(self):
        data = super().clean()
        if data.get("early_at_parents_request") and not data.get("requested_by"):
            self.add_error("requested_by", SELECT_REQUESTING_PARENT)
        return data

    def progress(self) -> dict:
        return {
            r: (self.cleaned_data[f"progress_{r.pk}"], self.cleaned_data[f"progress_notes_{r.pk}"])
            for r in self.requirements
        }


class NonComplianceForm(GDSFormMixin, forms.Form):
    submit_label = "Save"
    parents = ParentChoiceField(label="Which parents does it concern?", queryset=None)
    requirement = forms.ModelChoiceField(
        label="Which requirement was not kept?",
        queryset=None,
        required=False,
        empty_label="More than one, or none in particular",
    )
    what_happened = _text("What happened", message="Enter what happened")
    noticed_on = GDSDateField(label="Date it was noticed")
    contacted_on = GDSDateField(label="Date the parent was contacted")
    contact_method = forms.ChoiceField(
        label="How was the parent contacted?",
        choices=ContractNonCompliance.ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    explanation = _text("The parent's explanation (leave empty if none was given)", required=False)
    explanation_reasonable = _yes_no(
        "Is the explanation reasonable?", "Select whether the explanation is reasonable"
    )
    decision_notes = _text("Notes on the decision", required=False, rows=2)

    def __init__(self, *args, contract: ParentingContract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parents"].queryset = contract.parents.all()
        self.fields["parents"].error_messages["required"] = SELECT_PARENTS_CONCERNED
        self.fields["requirement"].queryset = contract.requirements.select_related("kind")
        self.fields["contact_method"].error_messages["required"] = (
            "Select how the parent was contacted"
        )

    def clean(self):
        data = super().clean()
        if data.get("explanation_reasonable") and not (data.get("explanation") or "").strip():
            self.add_error("explanation", REASONABLE_NEEDS_EXPLANATION)
        return data


class ReasonForm(GDSFormMixin, forms.Form):
    reason = _text("Reason", message="Enter the reason")

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class EndForm(GDSFormMixin, forms.Form):
    submit_label = "Complete the contract"
    ended_on = GDSDateField(label="Date it ended")
    reason = _text("Outcome", message="Enter the outcome")


class TerminateForm(GDSFormMixin, forms.Form):
    submit_label = "End the contract"
    ended_on = GDSDateField(label="Date it ended")
    reason = _text(
        "Why the contract is being ended", message="Enter why the contract is being ended"
    )
    services_consulted = forms.BooleanField(
        label="The services working with the family were told and asked for advice first",
        required=False,
    )
    services_consulted_details = _text(
        "Who was consulted, when, and what they said", required=False, rows=3
    )


class TerminationRequestForm(GDSFormMixin, forms.Form):
    """The allocated case manager asks a supervisor to end a local-authority contract."""

    submit_label = "Send the request to a supervisor"
    ended_on = GDSDateField(label="Date it should end")
    reason = _text("Why the contract should end", message="Enter why the contract should end")
    services_consulted = forms.BooleanField(
        label="The services working with the family were told and asked for advice first",
        required=False,
    )
    services_consulted_details = _text(
        "Who was consulted, when, and what they said", required=False, rows=3
    )


class TerminationDecisionForm(GDSFormMixin, forms.Form):
    """A supervisor approves or refuses a request to end a contract, with a reason."""

    submit_label = "Save the decision"
    approve = _yes_no("Do you approve ending the contract?", DECISION_REQUIRED)
    decision_reason = _text(
        "Reason for your decision", message="Enter the reason for your decision"
    )


class ReferralForm(GDSFormMixin, forms.Form):
    submit_label = "Record referral"
    made_on = GDSDateField(label="Date of the referral")
    external_reference = forms.CharField(
        label="Referral reference (if any)", max_length=60, required=False
    )
    letter = forms.FileField(
        label="Letter telling the parents about the referral (only if there is no contract document)",
        required=False,
    )
    notes = _text("Notes", required=False)

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter:
            validate_upload(letter, max_bytes=settings.UPLOAD_MAX_BYTES)
        return letter
