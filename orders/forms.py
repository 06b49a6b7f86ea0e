"""Forms for parenting orders. Messages are module constants, asserted in tests."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cases.models import Adult, Case
from orders import rules
from orders.models import (
    Attendance,
    ConditionKind,
    Excuse,
    ExplanationStatus,
    FailureKind,
    FailureToComply,
    OrderCondition,
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
SELECT_CONDITION_KIND = "Select the kind of condition"
ENTER_EXCUSED_REASON = "Enter the reasonable excuse the parent gave"
SELECT_EXPLANATION_STEP = "Select what happened when you asked the parent for a reason"
ENTER_DESCRIPTION = "Enter what happened"


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
            "programme_omitted",
            "earlier_order",
            "programme_omitted_note",
            "residential",
            "residential_more_effective",
            "residential_proportionate",
        ]
        labels = {
            "parents": "Parents or carers the order binds",
            "court": "Court",
            "basis": "Statutory basis",
            "programme_omitted": "The counselling or guidance programme was omitted because "
            "the parent has had a parenting order before",
            "earlier_order": "The earlier parenting order (if the programme was omitted)",
            "programme_omitted_note": "If the earlier order is not recorded in this system, "
            "describe it: the court and the date it was made",
            "residential": "The programme is residential",
            "residential_more_effective": "The court found a residential programme likely to be "
            "more effective than a non-residential one",
            "residential_proportionate": "The court found the likely interference with family "
            "life proportionate",
        }
        help_texts = {
            "earlier_order": "Orders recorded here that bound a parent or carer of this family.",
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
        earlier = self.fields["earlier_order"]
        earlier.queryset = (
            ParentingOrder.objects.filter(parents__family_id=child.family_id)
            .exclude(pk=self.instance.pk)
            .distinct()
            .select_related("child")
            .order_by("-made_on", "-id")
        )
        earlier.label_from_instance = lambda o: (
            f"Made {rules.long_date(o.made_on)} by {o.court} (about {o.child.full_name})"
        )
        earlier.empty_label = "Not recorded in this system"

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


class ConditionForm(VersionedFormMixin, GDSFormMixin, forms.ModelForm):
    submit_label = "Save condition"

    starts_on = GDSDateField(label="Date the condition starts")
    ends_on = GDSDateField(label="Date the condition ends")

    class Meta:
        model = OrderCondition
        fields = ["kind", "details", "starts_on", "ends_on"]
        labels = {"kind": "Condition", "details": "Details"}
        help_texts = {
            "details": "The named place, the times the child must be at home (for example "
            "8pm to 7am), or the condition in the court's words.",
        }
        widgets = {"kind": forms.RadioSelect, "details": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"kind": {"required": SELECT_CONDITION_KIND}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.instance.order
        self.fields["kind"].choices = ConditionKind.choices
        # The model's clean gives the message for the kind (one message, not two).
        self.fields["details"].required = False
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("starts_on", order.made_on)
            self.initial.setdefault("ends_on", order.latest_requirement_end)


class SessionForm(GDSFormMixin, forms.Form):
    submit_label = "Save session"

    held_on = GDSDateField(label="Date of the session")
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.offered(),
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_ATTENDANCE},
        help_text="A missed session is recorded as a failure to comply waiting for the "
        "parent's explanation: ask them for a reason before anything is decided.",
    )
    parent = forms.ModelChoiceField(
        label="Parent or carer who missed the session (if missed)",
        queryset=Adult.objects.none(),
        required=False,
        empty_label="Not applicable",
    )
    explanation = forms.CharField(
        label="The reasonable excuse the parent gave (if missed with a reasonable excuse)",
        widget=forms.Textarea,
        required=False,
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
        missed = data.get("attendance") == Attendance.MISSED
        held_on = data.get("held_on")
        if (
            data.get("attendance") == Attendance.MISSED_EXCUSED
            and not (data.get("explanation") or "").strip()
        ):
            self.add_error("explanation", ENTER_EXCUSED_REASON)
        if data.get("attendance") != Attendance.MISSED_EXCUSED:
            data["explanation"] = ""  # the failure holds a missed session's explanation
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
        fields = ["kind", "requirement", "condition", "parent", "occurred_on", "description"]
        labels = {
            "kind": "What was not complied with",
            "requirement": "Requirement (if a requirement was not complied with)",
            "condition": "Condition (if a condition was not complied with)",
            "parent": "Parent or carer",
            "description": "What happened",
        }
        help_texts = {
            "description": "What happened, not the parent's reasons: you record those once "
            "you have asked them.",
        }
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"description": {"required": ENTER_DESCRIPTION}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.instance.order
        self.fields["kind"].choices = FailureKind.choices
        self.fields["requirement"].queryset = order.requirements.select_related("child_case")
        self.fields["requirement"].empty_label = "Not applicable"
        self.fields["condition"].queryset = order.order_conditions.all()
        self.fields["condition"].empty_label = "Not applicable"
        self.fields["parent"].queryset = order.parents.all()

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data.get("occurred_on"), OCCURRED_ON_FUTURE)


class ExplanationForm(GDSFormMixin, forms.Form):
    """The next step in asking the parent why they did not comply."""

    submit_label = "Save"

    status = forms.ChoiceField(
        label="What happened when you asked the parent for a reason?",
        choices=[
            (ExplanationStatus.ASKED.value, "We asked the parent for a reason and are waiting"),
            (ExplanationStatus.NOT_REACHED.value, "We tried to contact the parent and could not"),
            (ExplanationStatus.GIVEN.value, "The parent gave an explanation"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_EXPLANATION_STEP},
    )
    explanation_on = GDSDateField(label="Date you asked, tried, or were told", required=False)
    explanation = forms.CharField(
        label="What the parent told you (if they gave an explanation)",
        help_text="In their words, as it will follow “You told us that” in the warning "
        "letter: for example “your car broke down on the way”. Not a case note.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    excuse = forms.ChoiceField(
        label="Is it accepted as a reasonable excuse? (if they gave an explanation)",
        choices=Excuse.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, failure: FailureToComply, **kwargs):
        super().__init__(*args, **kwargs)
        self.failure = failure

    def clean(self):
        data = super().clean()
        status = data.get("status")
        day = data.get("explanation_on")
        if status and day is None and "explanation_on" not in self.errors:
            self.add_error("explanation_on", rules.EXPLANATION_DATE_NEEDED[status])
        if day and day > timezone.localdate():
            self.add_error("explanation_on", "The date must be today or in the past")
        elif day and self.failure.occurred_on and day < self.failure.occurred_on:
            self.add_error(
                "explanation_on",
                rules.EXPLANATION_DATE_BEFORE_FAILURE.format(
                    day=rules.long_date(self.failure.occurred_on)
                ),
            )
        if status == ExplanationStatus.GIVEN:
            if not (data.get("explanation") or "").strip():
                self.add_error("explanation", rules.EXPLANATION_TEXT_NEEDED)
            if not data.get("excuse"):
                self.add_error("excuse", SELECT_EXCUSE)
        else:
            data["explanation"], data["excuse"] = "", ""
        return data


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
