"""Events the Youth Justice Board's key performance indicators need that no
earlier issue recorded (PRODUCT.md, "Dashboards"): the child's accommodation
and education, training or employment (ETE) at the end of an order (KPIs 1
and 2), and mental-health and substance-misuse needs screened, support offered
and attended (KPIs 4 and 5). KPI 3 reads Child.sen; KPI 10 the victims app.

Each record is an event: a correction is a new record, and the latest one for
a case counts (nothing is edited or deleted, history stays readable).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from yos.lib.dates import long_date
from yos.lib.models import DomainModel


class OrderEndOutcome(DomainModel):
    """The child's accommodation and ETE when their order (case) ended."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="end_outcomes")
    recorded_on = models.DateField("date checked")
    accommodation_suitable = models.BooleanField("suitable accommodation at the end of the order")
    ete_suitable = models.BooleanField(
        "suitable education, training or employment at the end of the order"
    )
    ete_hours = models.PositiveSmallIntegerField(
        "hours of education, training or employment a week", null=True, blank=True
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["case", "-recorded_on", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ete_hours__isnull=True) | Q(ete_hours__lte=168),
                name="order_end_outcome_hours_in_a_week",
            )
        ]

    def __str__(self) -> str:
        return f"End-of-order outcomes checked on {long_date(self.recorded_on)}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", args=[self.case_id]) + f"#end-outcome-{self.pk}"


class NeedKind(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health or emotional wellbeing"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"


class NeedsScreening(DomainModel):
    """One screening of one need on a case: identified, support offered, attending."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    need = models.CharField(max_length=20, choices=NeedKind.choices)
    screened_on = models.DateField("date screened")
    identified = models.BooleanField("need identified")
    support_offered = models.BooleanField("support offered", default=False)
    attending = models.BooleanField("attending support", default=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-screened_on", "-id"]
        verbose_name_plural = "needs screenings"
        indexes = [models.Index(fields=["case", "need", "-screened_on", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(identified=True) | Q(support_offered=False, attending=False),
                name="screening_support_only_for_identified_need",
            ),
            models.CheckConstraint(
                condition=Q(attending=False) | Q(support_offered=True),
                name="screening_attending_needs_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()} screened on {long_date(self.screened_on)}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", args=[self.case_id]) + f"#screening-{self.pk}"
