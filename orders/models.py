"""Parenting orders, their requirements, sessions, failures to comply and
breach referrals (seed 000; PRODUCT.md "Parenting orders")."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from orders import rules
from yos.lib.models import DomainModel

CHILD_NOT_ON_CASE = "The child must be the child of the parenting case"
NOTE_FOR_OMITTED = "Enter why the programme was omitted, naming the earlier parenting order"
RESIDENTIAL_FINDINGS = (
    "A residential programme needs both court findings: that it is likely to be more "
    "effective, and that the interference with family life is proportionate"
)
ORDER_CASE_NEEDED = "Select the child's case that the parent must ensure they comply with"
CLOSED_BEFORE_MADE = "The order cannot be closed before it was made"
NOTE_AND_EARLIER_ORDER = (
    "Leave the description of the earlier order empty: you selected it from the orders "
    "recorded here"
)
EARLIER_ORDER_WITHOUT_OMISSION = (
    "Select an earlier order only when the programme was omitted because of it"
)
EARLIER_ORDER_NOT_BEFORE = "The earlier parenting order must have been made before this one"
EARLIER_ORDER_OTHER_PARENT = (
    "Select an earlier parenting order of one of the parents or carers this order binds"
)
# Failures to comply: what the parent was asked, and the decision on the excuse.
EXPLANATION_STEP_DATED = (
    "Enter the date the parent was asked, contact was tried, or the explanation was given"
)
CONDITION_NAMED = "Select the condition that was not complied with"
CONDITION_NOT_RUNNING = "The condition did not apply on that date: it ran from {starts} to {ends}"
CONDITION_KIND_ONLY = "A condition can only be named for a failure to comply with a condition"
CONDITION_DETAILS_NEEDED = {
    "not_visit_place": "Enter the place the child must not visit unsupervised",
    "at_home": "Enter the times the child must be at home, for example 8pm to 7am",
    "other": "Enter the condition",
}


class StatutoryBasis(models.TextChoices):
    """The act and section the order was made under (the rules are the same)."""

    CDA_1998_S8 = "cda_1998_s8", "Crime and Disorder Act 1998, section 8"
    SA_2020_S366 = "sa_2020_s366", "Sentencing Act 2020, section 366 (child convicted)"
    SA_2020_S368 = (
        "sa_2020_s368",
        "Sentencing Act 2020, section 368 (failure to attend a youth offender panel)",
    )
    SA_2020_S369 = "sa_2020_s369", "Sentencing Act 2020, section 369 (Education Act offences)"
    ASBA_2003_S20 = (
        "asba_2003_s20",
        "Anti-social Behaviour Act 2003, section 20 (applied for by the local authority)",
    )
    ASBA_2003_S26 = (
        "asba_2003_s26",
        "Anti-social Behaviour Act 2003, section 26 (applied for by the youth offending team)",
    )


class OrderStatus(models.TextChoices):
    """Derived from dates, never typed in."""

    COUNSELLING = "counselling", "Counselling enforceable"
    REQUIREMENTS = "requirements", "Requirements running (counselling voluntary)"
    DUE_FOR_CLOSURE = "due_for_closure", "All requirements ended: due for closure"
    CLOSED = "closed", "Closed"


# The query form of rules.has_counselling_to_enforce (a test checks they agree).
COUNSELLING_TO_ENFORCE = Q(programme_omitted=False)


class ParentingOrderQuerySet(models.QuerySet):
    def with_counselling_to_enforce(self) -> ParentingOrderQuerySet:
        """Orders that include a counselling or guidance programme
        (rules.has_counselling_to_enforce)."""
        return self.filter(COUNSELLING_TO_ENFORCE)

    def with_status(self, on: date | None = None) -> ParentingOrderQuerySet:
        """Annotate `last_requirement_ends_on` and `derived_status` as on the day
        `on` (today by default); agrees with ParentingOrder.status_on."""
        on = on or timezone.localdate()
        last_end = (
            OrderRequirement.objects.filter(order=OuterRef("pk"))
            .values("order")
            .annotate(last=Max("ends_on"))
            .values("last")
        )
        return self.annotate(last_requirement_ends_on=Subquery(last_end)).annotate(
            derived_status=models.Case(
                When(closed_on__isnull=False, then=Value(OrderStatus.CLOSED.value)),
                When(
                    COUNSELLING_TO_ENFORCE & Q(counselling_ends_on__gte=on),
                    then=Value(OrderStatus.COUNSELLING.value),
                ),
                When(
                    last_requirement_ends_on__gte=on,
                    then=Value(OrderStatus.REQUIREMENTS.value),
                ),
                default=Value(OrderStatus.DUE_FOR_CLOSURE.value),
                output_field=models.CharField(),
            )
        )

    def in_status(self, status: str, on: date | None = None) -> ParentingOrderQuerySet:
        return self.with_status(on).filter(derived_status=status)


class ParentingOrder(DomainModel):
    """An order made by a court binding one or more parents/carers of a child."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="parenting_orders"
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="parenting_orders"
    )
    parents = models.ManyToManyField(
        "cases.Adult", related_name="parenting_orders", verbose_name="parents or carers bound"
    )
    court = models.CharField(max_length=150)
    made_on = models.DateField("date the order was made")
    counselling_ends_on = models.DateField(
        editable=False, help_text="Worked out from the date the order was made (3 months)"
    )
    basis = models.CharField("statutory basis", max_length=20, choices=StatutoryBasis.choices)
    # Before conditions were structured (OrderCondition) they were free text;
    # migration 0005 moved every text to an "other" condition and emptied this
    # column. It stays so the audit keeps the old values; nothing reads it.
    conditions = models.TextField("conditions attached (before they were structured)", blank=True)
    programme_omitted = models.BooleanField(
        "counselling or guidance programme omitted", default=False
    )
    # The ground for omitting the programme (CDA 1998 s.8(5)): the earlier
    # parenting order, linked when it is recorded here, described when not.
    earlier_order = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_orders",
        verbose_name="earlier parenting order",
    )
    programme_omitted_note = models.TextField("why the programme was omitted", blank=True)
    residential = models.BooleanField("residential programme", default=False)
    residential_more_effective = models.BooleanField(
        "court found a residential programme likely to be more effective", default=False
    )
    residential_proportionate = models.BooleanField(
        "court found the interference with family life proportionate", default=False
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ParentingOrderQuerySet.as_manager()
    # Keep who was bound in the history too: simple_history snapshots the M2M
    # into the history row written when the parents change (its m2m_changed
    # handler); a plain save skips the snapshot (see _snapshot_parents_on_change
    # below), so it costs exactly one extra query, the history INSERT.
    _history_m2m_fields = ["parents"]

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            # The nightly job's counselling and closure steps (open orders by end date).
            models.Index(
                fields=["counselling_ends_on"],
                condition=Q(closed_on__isnull=True),
                name="order_open_counselling_end",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme_omitted=False)
                | Q(earlier_order__isnull=False)
                | ~Q(programme_omitted_note=""),
                name="order_omitted_programme_has_note",
                violation_error_message=NOTE_FOR_OMITTED,
            ),
            models.CheckConstraint(
                condition=Q(earlier_order__isnull=True) | Q(programme_omitted_note=""),
                name="order_earlier_order_or_note",
                violation_error_message=NOTE_AND_EARLIER_ORDER,
            ),
            models.CheckConstraint(
                condition=Q(earlier_order__isnull=True) | Q(programme_omitted=True),
                name="order_earlier_order_only_if_omitted",
                violation_error_message=EARLIER_ORDER_WITHOUT_OMISSION,
            ),
            models.CheckConstraint(
                condition=Q(residential=False)
                | Q(residential_more_effective=True, residential_proportionate=True),
                name="order_residential_has_both_findings",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("made_on")),
                name="order_closed_after_made",
            ),
            models.CheckConstraint(
                condition=Q(counselling_ends_on__gt=F("made_on")),
                name="order_counselling_ends_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"Parenting order made {rules.long_date(self.made_on)}"

    def get_absolute_url(self) -> str:
        return reverse("orders:order-detail", args=[self.pk])

    def clean(self) -> None:
        if self.made_on:
            self.counselling_ends_on = rules.counselling_ends_on(self.made_on)
        errors = {}
        if self.case_id and self.child_id and self.case.child_id != self.child_id:
            errors["child"] = CHILD_NOT_ON_CASE
        if self.programme_omitted and not (
            self.earlier_order_id or self.programme_omitted_note.strip()
        ):
            errors["programme_omitted_note"] = NOTE_FOR_OMITTED
        if self.earlier_order_id and self.programme_omitted_note.strip():
            errors["programme_omitted_note"] = NOTE_AND_EARLIER_ORDER
        if self.earlier_order_id and not self.programme_omitted:
            errors["earlier_order"] = EARLIER_ORDER_WITHOUT_OMISSION
        elif self.earlier_order_id and self.made_on:
            if self.earlier_order_id == self.pk or self.earlier_order.made_on >= self.made_on:
                errors["earlier_order"] = EARLIER_ORDER_NOT_BEFORE
        if self.residential and not (
            self.residential_more_effective and self.residential_proportionate
        ):
            errors["residential"] = RESIDENTIAL_FINDINGS
        if self.closed_on and self.made_on and self.closed_on < self.made_on:
            errors["closed_on"] = CLOSED_BEFORE_MADE
        if errors:
            raise ValidationError(errors)

    # --- the clock (rules.py does the arithmetic) ---

    @property
    def latest_requirement_end(self) -> date:
        return rules.latest_requirement_end(self.made_on)

    def requirement_ends(self) -> list[date]:
        """End dates of the requirements (uses a prefetch when there is one)."""
        return [r.ends_on for r in self.requirements.all()]

    @property
    def has_counselling_to_enforce(self) -> bool:
        return rules.has_counselling_to_enforce(self)

    @property
    def case_open_until(self) -> date:
        return rules.case_open_until(
            self.made_on, self.requirement_ends(), counselling=self.has_counselling_to_enforce
        )

    def counselling_enforceable_on(self, on: date) -> bool:
        return self.has_counselling_to_enforce and rules.counselling_is_enforceable(
            self.made_on, on
        )

    def counselling_voluntary_on(self, on: date) -> bool:
        """Counselling was ordered and has ended by `on`: the screens say it is
        now voluntary (never for an order without a programme)."""
        return self.has_counselling_to_enforce and on > self.counselling_ends_on

    def status_on(self, on: date) -> OrderStatus:
        """The status on a day; agrees with ParentingOrderQuerySet.with_status."""
        if self.closed_on is not None:
            return OrderStatus.CLOSED
        counselling = self.has_counselling_to_enforce
        ends = self.requirement_ends()
        if rules.is_due_for_closure(self.made_on, ends, on, counselling=counselling):
            return OrderStatus.DUE_FOR_CLOSURE
        if counselling and on <= self.counselling_ends_on:
            return OrderStatus.COUNSELLING
        return OrderStatus.REQUIREMENTS

    @property
    def status(self) -> OrderStatus:
        return self.status_on(timezone.localdate())


# --- the parents in the history: snapshot on change only ----------------------
#
# simple_history writes a history row for every save and, with
# _history_m2m_fields, SELECTs the parents and INSERTs their snapshot into
# every one of them (3 queries instead of 1, also when nothing about the
# parents changed). Its m2m_changed handler writes a history row (by the same
# user) when the parents are added, removed or cleared: only those rows need
# the snapshot. orders.selectors.parents_history reads the snapshots only.

PARENTS_CHANGING = "_history_parents_changing"


@receiver(m2m_changed, sender=ParentingOrder.parents.through)
def _parents_changing(sender, instance, action, reverse, **kwargs):
    if not reverse and action in ("pre_add", "pre_remove", "pre_clear"):
        setattr(instance, PARENTS_CHANGING, True)


@receiver(pre_create_historical_record)
def _snapshot_parents_on_change(sender, instance, history_instance, **kwargs):
    if not isinstance(instance, ParentingOrder):
        return
    if getattr(instance, PARENTS_CHANGING, False):
        return  # the m2m_changed row: keep the snapshot (cleared after it, below)
    history_instance._history_m2m_fields = ()  # a plain save: no SELECT, no INSERT


@receiver(m2m_changed, sender=ParentingOrder.parents.through)
def _parents_changed(sender, instance, action, reverse, **kwargs):
    # Connected after simple_history's handler, so it runs after the snapshot.
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        instance.__dict__.pop(PARENTS_CHANGING, None)


class RequirementKind(models.TextChoices):
    """The usual requirements (seed 000), and "other" with a description."""

    COMPLY_WITH_ORDER = "comply_with_order", "Ensure the child complies with their order"
    ATTEND_SCHOOL = "attend_school", "Ensure the child attends school as required"
    OTHER = "other", "Other requirement"


class OrderRequirement(DomainModel):
    """A requirement imposed by the court, lasting at most 12 months from made_on."""

    order = models.ForeignKey(ParentingOrder, on_delete=models.PROTECT, related_name="requirements")
    kind = models.CharField(max_length=20, choices=RequirementKind.choices)
    child_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="the child's order",
    )
    description = models.TextField(blank=True)
    ends_on = models.DateField("end date")

    class Meta:
        ordering = ["ends_on", "id"]
        indexes = [
            # The nightly job's requirement step (by end date) and the closure step.
            models.Index(fields=["ends_on", "order"], name="requirement_ends_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="comply_with_order") | Q(child_case__isnull=False),
                name="requirement_comply_names_case",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(description=""),
                name="requirement_other_has_description",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return self.order.get_absolute_url() + f"#requirement-{self.pk}"

    @property
    def summary(self) -> str:
        if self.kind == RequirementKind.COMPLY_WITH_ORDER and self.child_case_id:
            return (
                f"Ensure the child complies with their {self.child_case.get_kind_display().lower()}"
            )
        if self.kind == RequirementKind.OTHER:
            return self.description
        return self.get_kind_display()

    def clean(self) -> None:
        errors = {}
        if self.order_id and self.ends_on:
            message = rules.requirement_end_error(self.order.made_on, self.ends_on)
            if message:
                errors["ends_on"] = message
        if self.kind == RequirementKind.COMPLY_WITH_ORDER:
            if not self.child_case_id:
                errors["child_case"] = ORDER_CASE_NEEDED
            elif self.order_id and self.child_case.child_id != self.order.child_id:
                errors["child_case"] = ORDER_CASE_NEEDED
        if self.kind == RequirementKind.OTHER and not self.description.strip():
            errors["description"] = "Enter a description of the requirement"
        if errors:
            raise ValidationError(errors)

    def is_running_on(self, on: date) -> bool:
        return rules.requirement_is_running(self.ends_on, on)


class ConditionKind(models.TextChoices):
    """The conditions seed 000 names, and "other" (its text in the details)."""

    NOT_VISIT_PLACE = (
        "not_visit_place",
        "Ensure the child does not visit a named place unsupervised",
    )
    AT_HOME = "at_home", "Ensure the child is at home between set times"
    OTHER = "other", "Other condition"


class OrderCondition(DomainModel):
    """A condition attached to the order (seed 000: "ensuring their child does
    not visit a particular place unsupervised or ensuring their child is at
    home at particular times"), running between two dates within the order."""

    order = models.ForeignKey(
        ParentingOrder, on_delete=models.PROTECT, related_name="order_conditions"
    )
    kind = models.CharField("condition", max_length=20, choices=ConditionKind.choices)
    details = models.TextField("details", blank=True)  # clean() asks for it in words
    starts_on = models.DateField("from")
    ends_on = models.DateField("to")

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="condition_ends_after_start",
                violation_error_message=rules.CONDITION_ENDS_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=~Q(details=""),
                name="condition_has_details",
                violation_error_message=CONDITION_DETAILS_NEEDED["other"],
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return self.order.get_absolute_url() + f"#condition-{self.pk}"

    @property
    def summary(self) -> str:
        if self.kind == ConditionKind.NOT_VISIT_PLACE:
            return f"Ensure the child does not visit {self.details} unsupervised"
        if self.kind == ConditionKind.AT_HOME:
            return f"Ensure the child is at home {self.details}"
        return self.details

    def clean(self) -> None:
        errors = {}
        if not self.details.strip():
            errors["details"] = CONDITION_DETAILS_NEEDED.get(
                self.kind, CONDITION_DETAILS_NEEDED["other"]
            )
        if self.order_id:
            errors.update(
                rules.condition_date_errors(self.order.made_on, self.starts_on, self.ends_on)
            )
        if errors:
            raise ValidationError(errors)

    def applies_on(self, on: date) -> bool:
        return self.starts_on <= on <= self.ends_on


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    MISSED_EXCUSED = "missed_excused", "Missed, with a reasonable excuse given"
    # A missed session whose explanation is still to be asked for: the
    # failure to comply records the asking and the decision (seed 000).
    MISSED = "missed", "Missed: the parent has not explained yet"
    # Before explanations were recorded (migration 0005 moved these to MISSED);
    # kept so old history rows still read in words. Never offered.
    MISSED_UNEXCUSED = "missed_unexcused", "Missed, without a reasonable excuse (recorded earlier)"

    @classmethod
    def offered(cls) -> list[tuple[str, str]]:
        return [(v, label) for v, label in cls.choices if v != cls.MISSED_UNEXCUSED]


class OrderSession(DomainModel):
    """A counselling/guidance or parenting support session on a parenting case.

    With an order, and held while counselling is enforceable, a missed session
    without reasonable excuse is a failure to comply. Without an order
    (voluntary parenting support) or after counselling ended, it never is.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="order_sessions")
    order = models.ForeignKey(
        ParentingOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField("date of the session")
    worker = models.CharField("parenting worker", max_length=150, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    explanation = models.TextField("the parent's explanation", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Session on {rules.long_date(self.held_on)}"

    def get_absolute_url(self) -> str:
        if self.order_id:
            return self.order.get_absolute_url() + f"#session-{self.pk}"
        return reverse("orders:support-detail", args=[self.case_id]) + f"#session-{self.pk}"

    @property
    def enforceable(self) -> bool:
        """Attendance could be enforced: under an order, within counselling."""
        return self.order_id is not None and self.order.counselling_enforceable_on(self.held_on)


class FailureKind(models.TextChoices):
    COUNSELLING = "counselling", "Did not attend counselling or guidance"
    REQUIREMENT = "requirement", "Did not comply with a requirement"
    CONDITION = "condition", "Did not comply with a condition"


class Excuse(models.TextChoices):
    ACCEPTED = "accepted", "Accepted as a reasonable excuse"
    NOT_ACCEPTED = "not_accepted", "Not accepted: no reasonable excuse"


class ExplanationStatus(models.TextChoices):
    """Whether the parent was asked why they did not comply (seed 000: failure
    "can be treated as a criminal offence" only without reasonable excuse)."""

    NOT_ASKED = "not_asked", "Not asked yet"
    ASKED = "asked", "Asked for a reason: waiting for the parent's reply"
    NOT_REACHED = "not_reached", "Tried to contact the parent: could not reach them"
    GIVEN = "given", "The parent gave an explanation"


# The query forms of rules.failure_warning_due / failure_waiting_for_explanation
# (a test checks they agree on every status and day).
def warning_due_q(on: date) -> Q:
    reply_by = on - timedelta(days=rules.EXPLANATION_REPLY_DAYS)
    return (
        Q(explanation_status=ExplanationStatus.GIVEN, excuse=Excuse.NOT_ACCEPTED)
        | Q(explanation_status=ExplanationStatus.NOT_REACHED, explanation_on__lte=on)
        | Q(explanation_status=ExplanationStatus.ASKED, explanation_on__lte=reply_by)
    )


def waiting_for_explanation_q(on: date) -> Q:
    reply_by = on - timedelta(days=rules.EXPLANATION_REPLY_DAYS)
    return Q(explanation_status=ExplanationStatus.NOT_ASKED) | Q(
        explanation_status=ExplanationStatus.ASKED, explanation_on__gt=reply_by
    )


class FailureQuerySet(models.QuerySet):
    def warning_due(self, on: date) -> FailureQuerySet:
        """Failures whose warning letter is due on `on` by the explanation rule
        (rules.failure_warning_due); the letter window is the job's."""
        return self.filter(warning_due_q(on))

    def waiting_for_explanation(self, on: date) -> FailureQuerySet:
        return self.filter(waiting_for_explanation_q(on))


class FailureToComply(DomainModel):
    """A failure to comply with the order, and whether the parent's
    explanation was accepted as a reasonable excuse (and by whom)."""

    order = models.ForeignKey(ParentingOrder, on_delete=models.PROTECT, related_name="failures")
    kind = models.CharField(
        "what was not complied with", max_length=20, choices=FailureKind.choices
    )
    session = models.OneToOneField(
        OrderSession, null=True, blank=True, on_delete=models.PROTECT, related_name="failure"
    )
    requirement = models.ForeignKey(
        OrderRequirement, null=True, blank=True, on_delete=models.PROTECT, related_name="failures"
    )
    parent = models.ForeignKey("cases.Adult", on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField("date of the failure")
    condition = models.ForeignKey(
        OrderCondition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="failures",
        verbose_name="condition breached",
    )
    description = models.TextField("what happened")
    explanation_status = models.CharField(
        "asking the parent for an explanation",
        max_length=12,
        choices=ExplanationStatus.choices,
        default=ExplanationStatus.NOT_ASKED,
    )
    explanation_on = models.DateField(
        "date the parent was asked, contact was tried, or the explanation was given",
        null=True,
        blank=True,
    )
    explanation = models.TextField("the parent's explanation", blank=True)
    excuse = models.CharField(
        "reasonable excuse", max_length=20, choices=Excuse.choices, blank=True
    )
    excuse_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    excuse_decided_at = models.DateTimeField(null=True, blank=True)

    objects = FailureQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "failures to comply"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="requirement") | Q(requirement__isnull=False),
                name="failure_requirement_named",
                violation_error_message="Select the requirement that was not complied with",
            ),
            models.CheckConstraint(
                condition=Q(explanation_status="not_asked", explanation_on__isnull=True)
                | (~Q(explanation_status="not_asked") & Q(explanation_on__isnull=False)),
                name="failure_explanation_step_dated",
                violation_error_message=EXPLANATION_STEP_DATED,
            ),
            models.CheckConstraint(
                condition=(Q(explanation_status="given") & ~Q(excuse=""))
                | (~Q(explanation_status="given") & Q(excuse="")),
                name="failure_excuse_decided_on_explanation",
                violation_error_message=rules.EXCUSE_NEEDS_EXPLANATION,
            ),
            models.CheckConstraint(
                condition=Q(
                    excuse="", excuse_decided_by__isnull=True, excuse_decided_at__isnull=True
                )
                | (
                    ~Q(excuse="")
                    & Q(excuse_decided_by__isnull=False, excuse_decided_at__isnull=False)
                ),
                name="failure_excuse_decision_recorded",
                violation_error_message=rules.EXCUSE_DECISION_NEEDED,
            ),
            models.CheckConstraint(
                condition=Q(condition__isnull=True) | Q(kind="condition"),
                name="failure_condition_only_for_condition",
                violation_error_message=CONDITION_KIND_ONLY,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {rules.long_date(self.occurred_on)}"

    def get_absolute_url(self) -> str:
        return self.order.get_absolute_url() + f"#failure-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.order_id and self.occurred_on:
            if self.occurred_on < self.order.made_on:
                errors["occurred_on"] = "The failure cannot be before the order was made"
            elif self.kind == FailureKind.COUNSELLING:
                message = rules.failure_to_attend_counselling_error(
                    self.order.made_on,
                    self.occurred_on,
                    counselling=self.order.has_counselling_to_enforce,
                )
                if message:
                    errors["occurred_on"] = message
            elif self.kind == FailureKind.REQUIREMENT and self.requirement_id:
                if not self.requirement.is_running_on(self.occurred_on):
                    errors["occurred_on"] = (
                        f"The requirement had ended on {rules.long_date(self.requirement.ends_on)}"
                    )
            elif self.kind == FailureKind.CONDITION and self.condition_id:
                if not self.condition.applies_on(self.occurred_on):
                    errors["occurred_on"] = CONDITION_NOT_RUNNING.format(
                        starts=rules.long_date(self.condition.starts_on),
                        ends=rules.long_date(self.condition.ends_on),
                    )
        if self.kind == FailureKind.REQUIREMENT and not self.requirement_id:
            errors["requirement"] = "Select the requirement that was not complied with"
        if self.condition_id and self.kind != FailureKind.CONDITION:
            errors["condition"] = CONDITION_KIND_ONLY
        if self.condition_id and self.order_id and self.condition.order_id != self.order_id:
            errors["condition"] = CONDITION_NAMED
        errors.update(
            rules.explanation_errors(
                status=self.explanation_status,
                on=self.explanation_on,
                occurred_on=self.occurred_on,
                explanation=self.explanation,
                excuse=self.excuse,
            )
        )
        if errors:
            raise ValidationError(errors)

    def warning_due_on(self, on: date) -> bool:
        """The warning letter is due on `on` (rules.failure_warning_due)."""
        return rules.failure_warning_due(self, on)

    def waiting_for_explanation_on(self, on: date) -> bool:
        return rules.failure_waiting_for_explanation(self, on)

    @property
    def explanation_summary(self) -> str:
        """The explanation step in words, for the order page."""
        return rules.explanation_summary(self)

    @property
    def live_referral(self) -> BreachReferral | None:
        """The referral awaiting a decision or approved (uses the prefetch)."""
        return next((r for r in self.referrals.all() if r.status != ReferralStatus.DECLINED), None)

    @property
    def can_be_referred(self) -> bool:
        """Only once the warning is due: explanation not accepted, no reply
        in time, or the parent could not be reached."""
        return self.warning_due_on(timezone.localdate()) and self.live_referral is None


class ReferralStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a supervisor's decision"
    APPROVED = "approved", "Approved for prosecution"
    DECLINED = "declined", "Declined"


class BreachReferral(DomainModel):
    """A case manager's request to refer a failure to comply for prosecution;
    a supervisor approves or declines it, saying why."""

    failure = models.ForeignKey(FailureToComply, on_delete=models.PROTECT, related_name="referrals")
    reason = models.TextField("why the failure should be referred for prosecution")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("why", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["failure"],
                condition=~Q(status="declined"),
                name="one_live_referral_per_failure",
            ),
            models.CheckConstraint(
                condition=Q(status="awaiting", decided_by__isnull=True, decided_at__isnull=True)
                | (
                    ~Q(status="awaiting")
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                    & ~Q(decision_reason="")
                ),
                name="referral_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach referral ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("orders:referral-decide", args=[self.pk])
