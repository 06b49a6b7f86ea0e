"""Parenting contracts (Anti-social Behaviour Act 2003 s.19; seed 001).

A contract is between the parents of a pupil and the school's governing body
or the local authority. Its records hang off the contract, which carries the
pupil's school: that is how school staff reach them (yos.access.RULES).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from contracts import rules
from yos.lib.dates import long_date
from yos.lib.models import DomainModel, new_reference


class RequirementKind(DomainModel):
    """The catalogue of requirement kinds. Seeded from seed 001's list by a data
    migration; administrators may add more (it "is no official list")."""

    name = models.CharField(max_length=200, unique=True)
    example = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:contracts_requirementkind_change", args=[self.pk])


class ContractQuerySet(models.QuerySet):
    def signing_overdue(self, today: date | None = None):
        """Awaiting signatures for longer than CONTRACT_SIGNING_ALLOWED_DAYS
        (agrees with ParentingContract.is_signing_overdue)."""
        today = today or timezone.localdate()
        cutoff = today - timezone.timedelta(days=settings.CONTRACT_SIGNING_ALLOWED_DAYS)
        return self.filter(
            status=ParentingContract.Status.AWAITING_SIGNATURES, finalised_on__lt=cutoff
        )

    def review_due(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(status__in=rules.Status.IN_FORCE, next_review_on__lte=today)

    def needing_action(self, today: date | None = None):
        """Unsigned, review due, or a warning served: what school staff act on."""
        today = today or timezone.localdate()
        return self.filter(
            Q(status=ParentingContract.Status.AWAITING_SIGNATURES)
            | Q(status__in=rules.Status.IN_FORCE, next_review_on__lte=today)
            | Q(status=ParentingContract.Status.WARNING_SERVED)
        )


class ParentingContract(DomainModel):
    class Party(models.TextChoices):
        GOVERNING_BODY = "governing_body", "The school's governing body"
        LOCAL_AUTHORITY = "local_authority", "The local authority"

    class Arrangement(models.TextChoices):
        JOINT = "joint", "One contract with all parents"
        SEPARATE = "separate", "A separate contract with one parent"

    class Status(models.TextChoices):
        DRAFT = rules.Status.DRAFT, "Draft"
        AWAITING_SIGNATURES = rules.Status.AWAITING_SIGNATURES, "Awaiting signatures"
        ACTIVE = rules.Status.ACTIVE, "Active"
        WARNING_SERVED = rules.Status.WARNING_SERVED, "Warning served"
        COMPLETED = rules.Status.COMPLETED, "Completed"
        TERMINATED = rules.Status.TERMINATED, "Terminated"
        EXPIRED = rules.Status.EXPIRED, "Ended: end date reached"

    class Purpose(models.TextChoices):
        """Why the contract is offered (Anti-social Behaviour Act 2003 s.19; seed
        001: "to address irregular attendance … They can also be used in cases
        where behaviour is a concern, and the pupil may have received suspensions")."""

        ATTENDANCE = "attendance", "Irregular attendance at school"
        BEHAVIOUR = "behaviour", "Behaviour at school, or suspensions"
        BOTH = "both", "Both attendance and behaviour"

    class ConsentHow(models.TextChoices):
        IN_PERSON = "in_person", "In person at the meeting"
        IN_WRITING = "in_writing", "In writing"
        PHONE = "phone", "By phone"

    reference = models.CharField(max_length=12, unique=True, editable=False)
    pupil = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="parenting_contracts"
    )
    school = models.ForeignKey(
        "yos.School", on_delete=models.PROTECT, related_name="parenting_contracts"
    )
    year_group = models.CharField("pupil's year group", max_length=20, blank=True)
    party = models.CharField(max_length=16, choices=Party.choices, default=Party.GOVERNING_BODY)
    arrangement = models.CharField(
        max_length=10, choices=Arrangement.choices, default=Arrangement.JOINT
    )
    parents = models.ManyToManyField(
        "cases.Adult", through="ContractParent", related_name="parenting_contracts"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField()
    ends_on = models.DateField()
    length_reason = models.TextField("reason for the length", blank=True)
    next_review_on = models.DateField("next review date", null=True, blank=True)
    lead_practitioner = models.CharField(max_length=150)
    lead_practitioner_organisation = models.CharField(max_length=150, blank=True)
    # Consent and the initiation meeting (seed 001: both must be recorded).
    consent_given = models.BooleanField(default=False)
    consent_on = models.DateField(null=True, blank=True)
    consent_how = models.CharField(max_length=12, choices=ConsentHow.choices, blank=True)
    initiated_on = models.DateField("date of the meeting", null=True, blank=True)
    pupil_engaged = models.BooleanField(null=True, blank=True)
    pupil_engagement_notes = models.TextField(blank=True)
    # The three statements every contract must contain.
    support_statement = models.TextField(blank=True)
    support_details = models.TextField(blank=True)
    parent_statement = models.TextField(blank=True)
    purpose = models.CharField(
        "why the contract is offered",
        max_length=10,
        choices=Purpose.choices,
        default=Purpose.ATTENDANCE,
    )
    reason = models.TextField("why a contract is being offered", blank=True)
    services_involved = models.TextField("other services working with the family", blank=True)
    document_version = models.PositiveIntegerField(default=0)
    finalised_on = models.DateField(null=True, blank=True)
    activated_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    services_consulted = models.BooleanField(
        "multi-agency services consulted before ending", default=False
    )
    services_consulted_details = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["school", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(consent_given=True),
                name="contract_not_draft_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "awaiting_signatures"])
                | Q(activated_on__isnull=False)
                | Q(status="terminated")
                | Q(status="expired"),
                name="contract_in_force_has_activation_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Parenting contract {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference("P")
        super().save(*args, **kwargs)

    @property
    def la_is_party(self) -> bool:
        return self.party == self.Party.LOCAL_AUTHORITY

    @property
    def is_open(self) -> bool:
        return self.status in rules.Status.OPEN

    @property
    def is_in_force(self) -> bool:
        return self.status in rules.Status.IN_FORCE

    @property
    def length_is_usual(self) -> bool:
        return rules.length_is_usual(self.starts_on, self.ends_on)

    @property
    def is_signing_overdue(self) -> bool:
        """Not signed within settings.CONTRACT_SIGNING_ALLOWED_DAYS of being
        finalised (agrees with ContractQuerySet.signing_overdue)."""
        return self.status == self.Status.AWAITING_SIGNATURES and rules.signing_overdue(
            finalised_on=self.finalised_on,
            today=timezone.localdate(),
            allowed_days=settings.CONTRACT_SIGNING_ALLOWED_DAYS,
        )

    @property
    def is_review_due(self) -> bool:
        return self.is_in_force and rules.review_due(
            next_review_on=self.next_review_on, today=timezone.localdate()
        )


class ContractParent(DomainModel):
    """A parent the contract binds, whether they were at the meeting, and
    whether they were recorded as unresponsive (seed 001: "this should be
    recorded as … it may be used as evidence")."""

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="parent_links"
    )
    adult = models.ForeignKey("cases.Adult", on_delete=models.PROTECT, related_name="+")
    present_at_initiation = models.BooleanField(default=False)
    unresponsive = models.BooleanField(default=False)
    unresponsive_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "adult"], name="one_link_per_contract_adult"
            ),
            models.CheckConstraint(
                condition=~(Q(present_at_initiation=True) & Q(unresponsive=True)),
                name="present_parent_not_unresponsive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adult} on {self.contract}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()


class LeadPractitionerChange(DomainModel):
    """Every lead practitioner the contract has had, from when (seed 001:
    "Circumstances may change … which may require a change of … lead practitioner")."""

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="lead_changes"
    )
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150, blank=True)
    from_date = models.DateField()
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["from_date", "id"]

    def __str__(self) -> str:
        return f"{self.name} from {long_date(self.from_date)}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + "#lead-practitioner"


class ContractStatusChange(DomainModel):
    """A named transition: from, to, who and why."""

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="status_changes"
    )
    transition = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=ParentingContract.Status.choices)
    to_status = models.CharField(max_length=20, choices=ParentingContract.Status.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url()


class TerminationRequest(DomainModel):
    """A case manager's request to end a local-authority contract early, and
    the supervisor's decision on it (who, when, why). Only a YOS supervisor
    ends a contract with the local authority (yos.access.can_terminate_contract)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a supervisor"
        APPROVED = "approved", "Approved: the contract was ended"
        REFUSED = "refused", "Refused: the contract continues"

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="termination_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField("why the contract should end")
    ended_on = models.DateField("date it should end")
    services_consulted = models.BooleanField(
        "multi-agency services consulted before ending", default=False
    )
    services_consulted_details = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(decision="pending"),
                name="one_pending_termination_request_per_contract",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_by__isnull=False),
                name="termination_decision_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"Request to end {self.contract} ({self.get_decision_display().lower()})"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + f"#termination-request-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING


class ContractRequirement(DomainModel):
    """A SMART requirement: what the parent will do, how it is measured, who
    is responsible, by when or how often."""

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="requirements"
    )
    kind = models.ForeignKey(RequirementKind, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "cases.Adult",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave empty when the requirement is for every parent.",
    )
    action = models.TextField("what will be done")
    measure = models.TextField("how it will be measured")
    owner = models.CharField("who", max_length=150)
    due_on = models.DateField("by when", null=True, blank=True)
    frequency = models.CharField("how often", max_length=150, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=False) | ~Q(frequency=""),
                name="requirement_has_date_or_frequency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.action[:60]}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + f"#requirement-{self.pk}"

    @property
    def when(self) -> str:
        parts = []
        if self.due_on:
            parts.append(f"By {long_date(self.due_on)}")
        if self.frequency:
            parts.append(self.frequency)
        return "; ".join(parts)


class ContractDocument(DomainModel):
    """One version of the contract document (an amendment adds a version and
    keeps the old ones). The PDF is a StoredDocument with its SHA-256."""

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="documents"
    )
    number = models.PositiveIntegerField()
    document = models.OneToOneField(
        "yos.StoredDocument", on_delete=models.PROTECT, related_name="contract_version"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="one_document_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.contract} version {self.number}"

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url()

    @property
    def sha256(self) -> str:
        return self.document.sha256


class ContractSignature(DomainModel):
    class SignerKind(models.TextChoices):
        PARENT = "parent", "Parent"
        SCHOOL_STAFF = "school_staff", "School staff, on behalf of the governing body"
        LA_OFFICER = "la_officer", "Local authority officer"

    class Method(models.TextChoices):
        ON_SCREEN = "on_screen", "Signed on screen, in person"
        SCANNED = "scanned", "Signed on paper: scanned copy uploaded"

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(
        ContractDocument, on_delete=models.PROTECT, related_name="signatures"
    )
    signer_kind = models.CharField(max_length=14, choices=SignerKind.choices)
    name = models.CharField(max_length=150)
    adult = models.ForeignKey(
        "cases.Adult", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who signed, when they signed themselves.",
    )
    signed_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    scan = models.ForeignKey(
        "yos.StoredDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_sha256 = models.CharField("SHA-256 of the document signed", max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(signer_kind="parent") | Q(adult__isnull=False),
                name="parent_signature_names_the_adult",
            ),
            models.CheckConstraint(
                condition=~Q(method="scanned") | Q(scan__isnull=False),
                name="scanned_signature_has_scan",
            ),
            models.UniqueConstraint(
                fields=["version", "adult"],
                condition=Q(signer_kind="parent"),
                name="one_signature_per_parent_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_signer_kind_display()})"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + "#signatures"


class ContractCopySent(DomainModel):
    """A copy sent to a party who could not attend (seed 001)."""

    class Method(models.TextChoices):
        POST = "post", "Post"
        EMAIL = "email", "Email"
        HAND = "hand", "By hand"

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="copies_sent"
    )
    recipient = models.CharField("sent to", max_length=150)
    organisation = models.CharField("role or organisation", max_length=150, blank=True)
    method = models.CharField("how", max_length=8, choices=Method.choices)
    sent_on = models.DateField("when")
    version = models.ForeignKey(
        ContractDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"Copy to {self.recipient} on {long_date(self.sent_on)}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + "#copies"


class ContractReview(DomainModel):
    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="reviews"
    )
    scheduled_on = models.DateField(null=True, blank=True)
    held_on = models.DateField()
    early_at_parents_request = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        "cases.Adult", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review on {long_date(self.held_on)}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + f"#review-{self.pk}"


class RequirementProgress(DomainModel):
    class Progress(models.TextChoices):
        MET = "met", "Met"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not_met", "Not met"

    review = models.ForeignKey(ContractReview, on_delete=models.PROTECT, related_name="progress")
    requirement = models.ForeignKey(
        ContractRequirement, on_delete=models.PROTECT, related_name="progress"
    )
    progress = models.CharField(max_length=8, choices=Progress.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["requirement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "requirement"], name="one_progress_per_requirement_per_review"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {self.get_progress_display()}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url()


class ContractNonCompliance(DomainModel):
    """A failure to comply: the contact with the parent, their explanation,
    whether it was reasonable, and the warning letters served."""

    class ContactMethod(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="non_compliance"
    )
    requirement = models.ForeignKey(
        ContractRequirement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parents = models.ManyToManyField("cases.Adult", related_name="+")
    what_happened = models.TextField()
    noticed_on = models.DateField()
    contacted_on = models.DateField()
    contact_method = models.CharField(max_length=10, choices=ContactMethod.choices)
    explanation = models.TextField(blank=True, help_text="Empty when no explanation was given.")
    explanation_reasonable = models.BooleanField(default=False)
    decision_notes = models.TextField(blank=True)
    warning_letters = models.ManyToManyField("yos.Letter", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-noticed_on", "-id"]

    def __str__(self) -> str:
        return f"Non-compliance noticed {long_date(self.noticed_on)}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + f"#non-compliance-{self.pk}"

    @property
    def warning_due(self) -> bool:
        return rules.warning_due(
            explanation=self.explanation, reasonable=self.explanation_reasonable
        )


class AttendanceReferral(DomainModel):
    """A request for statutory attendance intervention (PIAS, via the Digital
    Front Door), with the contract document — or, where there is none, the
    letter telling the parents of the referral — attached."""

    class Evidence(models.TextChoices):
        CONTRACT = "contract", "The contract document"
        LETTER = "letter", "The letter telling the parents of the referral"

    contract = models.ForeignKey(
        ParentingContract, on_delete=models.PROTECT, related_name="referrals"
    )
    made_on = models.DateField()
    external_reference = models.CharField(max_length=60, blank=True)
    evidence = models.CharField(max_length=10, choices=Evidence.choices)
    attachment = models.ForeignKey("yos.StoredDocument", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"Statutory attendance referral on {long_date(self.made_on)}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + "#referrals"
