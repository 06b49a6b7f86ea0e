"""Forms for parenting orders. Messages are module constants, asserted in tests."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cases.models import Adult, Case
from orders.models import (
    Attendance,
    Excuse,
    FailureKind,
    FailureToComply,
    OrderRequirement,
    ParentingOrder,
    RequirementKind,
    StatutoryBasis,
)
from yos.forms import GDSDateField, GDSFormMixin
from yos.lib.versioning import VersionedFormMixin

SELECT_PARENTS = "Select the parents or carers the order binds"
ENTER_COURT = "Enter the court that made the order"
MADE_ON_FUTURE = "The date the order was made must be today or in the past"
SELECT_BASIS = "Select the act and section the order was made under"
SELECT_KIND = "Select the kind of requirement"
HELD_ON_FUTURE = "The date of the session must be today or in the past"
SELECT_ATTENDANCE = "Select whether the parent attended"
SELECT_PARENT_MISSED = "Select the parent or carer who missed the session"
OCCURRED_ON_FUTURE = "The date of the failure must be today or in the past"
SELECT_EXCUSE = "Select whether the explanation was accepted as a reasonable excuse"
ENTER_REFERRAL_REASON = "Enter why the failure should be referred for prosecution"
SELECT_DECISION = "Select whether you approve or decline the referral"
ENTER_DECISION_REASON = "Enter the reason for your decision"


def _not_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


class OrderForm(VersionedFormMixin, GDSFormMixin, forms.ModelForm):
    submit_label = "Save order"

    made_on = GDSDateField(label="Date the order was made")

    class Meta:
        model = ParentingOrder
        fields = [
            "parents",
            "court",
            "made_on",
            "basis",
            "conditions",
            "programme_omitted",
            "programme_omitted_note",
            "residential",
            "residential_more_effective",
            "residential_proportionate",
        ]
        labels = {
            "parents": "Parents or carers the order binds",
            "court": "Court",
            "basis": "Statutory basis",
            "conditions": "Conditions attached (optional)",
            "programme_omitted": "The counselling or guidance programme was omitted because "
            "the parent has had a parenting order before",
            "programme_omitted_note": "Earlier parenting order (if the programme was omitted)",
            "residential": "The programme is residential",
            "residential_more_effective": "The court found a residential programme likely to be "
            "more effective than a non-residential one",
            "residential_proportionate": "The court found the likely interference with family "
            "life proportionate",
        }
        help_texts = {
            "conditions": "For example, ensure the child does not visit a named place "
            "unsupervised, or is at home between set times.",
        }
        widgets = {
            "parents": forms.CheckboxSelectMultiple,
            "basis": forms.RadioSelect,
        }
        error_messages = {
            "parents": {"required": SELECT_PARENTS},
            "court": {"required": ENTER_COURT},
            "basis": {"required": SELECT_BASIS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        child = self.instance.child
        self.fields["parents"].queryset = Adult.objects.filter(family_id=child.family_id)
        self.fields["basis"].choices = StatutoryBasis.choices

    def clean_made_on(self):
        return _not_future(self.cleaned_data.get("made_on"), MADE_ON_FUTURE)


class RequirementForm(VersionedFormMixin, GDSFormMixin, forms.ModelForm):
    submit_label = "Save requirement"

    ends_on = GDSDateField(label="End date")

    class Meta:
        model = OrderRequirement
        fields = ["kind", "child_case", "description", "ends_on"]
        labels = {
            "kind": "Requirement",
            "child_case": "The child's order (for “ensure the child complies with their order”)",
            "description": "Description (required for another requirement)",
        }
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"kind": {"required": SELECT_KIND}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.instance.order
        self.fields["kind"].choices = RequirementKind.choices
        self.fields["child_case"].queryset = Case.objects.filter(child_id=order.child_id).exclude(
            pk=order.case_id
        )
        self.fields["child_case"].empty_label = "Not applicable"


class SessionForm(GDSFormMixin, forms.Form):
    submit_label = "Save session"

    held_on = GDSDateField(label="Date of the session")
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_ATTENDANCE},
    )
    parent = forms.ModelChoiceField(
        label="Parent or carer who missed the session (if missed)",
        queryset=Adult.objects.none(),
        required=False,
        empty_label="Not applicable",
    )
    explanation = forms.CharField(
        label="The parent's explanation (optional)", widget=forms.Textarea, required=False
    )
    worker = forms.CharField(label="Parenting worker (optional)", required=False, max_length=150)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, order: ParentingOrder | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        if order is None:
            del self.fields["parent"]  # voluntary support: no one is bound
        else:
            self.fields["parent"].queryset = order.parents.all()

    def clean_held_on(self):
        return _not_future(self.cleaned_data.get("held_on"), HELD_ON_FUTURE)

    def clean(self):
        data = super().clean()
        missed = data.get("attendance") == Attendance.MISSED_UNEXCUSED
        held_on = data.get("held_on")
        if (
            self.order is not None
            and missed
            and held_on
            and self.order.counselling_enforceable_on(held_on)
            and not data.get("parent")
        ):
            self.add_error("parent", SELECT_PARENT_MISSED)
        return data


class FailureForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save failure to comply"

    occurred_on = GDSDateField(label="Date of the failure")

    class Meta:
        model = FailureToComply
        fields = [
            "kind",
            "requirement",
            "parent",
            "occurred_on",
            "description",
            "explanation",
            "excuse",
        ]
        labels = {
            "kind": "What was not complied with",
            "requirement": "Requirement (if a requirement was not complied with)",
            "parent": "Parent or carer",
            "description": "What happened",
            "explanation": "The parent's explanation (optional)",
            "excuse": "Was the explanation accepted as a reasonable excuse?",
        }
        widgets = {"kind": forms.RadioSelect, "excuse": forms.RadioSelect}
        error_messages = {"excuse": {"required": SELECT_EXCUSE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.instance.order
        self.fields["kind"].choices = FailureKind.choices
        self.fields["excuse"].choices = Excuse.choices
        self.fields["requirement"].queryset = order.requirements.select_related("child_case")
        self.fields["requirement"].empty_label = "Not applicable"
        self.fields["parent"].queryset = order.parents.all()

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data.get("occurred_on"), OCCURRED_ON_FUTURE)


class ReferralRequestForm(GDSFormMixin, forms.Form):
    submit_label = "Ask a supervisor to approve the referral"

    reason = forms.CharField(
        label="Why should this failure be referred for prosecution?",
        widget=forms.Textarea,
        error_messages={"required": ENTER_REFERRAL_REASON},
    )


class ReferralDecisionForm(GDSFormMixin, forms.Form):
    submit_label = "Save decision"

    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("approve", "Approve the referral for prosecution"),
            ("decline", "Decline the referral"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_DECISION},
    )
    reason = forms.CharField(
        label="Reason for your decision",
        widget=forms.Textarea,
        error_messages={"required": ENTER_DECISION_REASON},
    )
