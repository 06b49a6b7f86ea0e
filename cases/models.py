"""Children, families, adults, cases and sessions: the case manager's records."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cases import rules
from yos.lib.dates import age_on, long_date
from yos.lib.models import DomainModel, new_reference


class Family(DomainModel):
    """A household and the wider family around one or more children.

    Whole-family approach: one allocated case manager coordinates all work.
    """

    name = models.CharField("family name", max_length=150)
    team = models.ForeignKey("yos.Team", on_delete=models.PROTECT, related_name="families")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_families",
    )
    address = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:family-detail", args=[self.pk])


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """The 2021 census high-level groups, as the YJB returns use them."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class SEN(models.TextChoices):
    NONE = "none", "No special educational needs"
    SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan"
    NOT_KNOWN = "not_known", "Not known"


class CareStatus(models.TextChoices):
    NONE = "none", "Not looked after"
    LOOKED_AFTER = "looked_after", "Looked-after child"
    CARE_LEAVER = "care_leaver", "Care leaver"


class Child(DomainModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    reference = models.CharField(max_length=12, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(
        max_length=12, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    address = models.TextField(blank=True)
    school = models.ForeignKey(
        "yos.School", null=True, blank=True, on_delete=models.PROTECT, related_name="pupils"
    )
    sen = models.CharField(
        "special educational needs", max_length=12, choices=SEN.choices, default=SEN.NOT_KNOWN
    )
    sen_notes = models.TextField("special educational needs: details", blank=True)
    care_status = models.CharField(
        "looked-after status", max_length=14, choices=CareStatus.choices, default=CareStatus.NONE
    )
    responsible_authority = models.CharField(max_length=150, blank=True)
    social_care = models.BooleanField("social care involved", default=False)
    early_help = models.BooleanField("Early Help involved", default=False)
    mappa = models.BooleanField("MAPPA involved", default=False)
    partner_notes = models.TextField("partner-agency notes", blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        indexes = [
            # Keyset pagination by name (find a child): last_name, first_name, id.
            # The trigram GIN index on the full name is PostgreSQL-only and is
            # created by migration 0005 (see docs/performance.md).
            models.Index(fields=["last_name", "first_name", "id"], name="child_name_keyset"),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("cases:child-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int:
        """Age today in whole years, derived from the date of birth (never stored)."""
        return age_on(self.date_of_birth, timezone.localdate())

    @property
    def care_status_notice(self) -> str:
        """The child page's notice for a care leaver recorded before the age rule
        (docs/domain-cases.md: such records are not changed; the page asks)."""
        if self.care_status != CareStatus.CARE_LEAVER:
            return ""
        if self.age >= rules.CARE_LEAVER_MIN_AGE:
            return ""
        return rules.CARE_LEAVER_UNDER_16_NOTICE.format(age=self.age)

    def save(self, *args, **kwargs):
        if not self.reference:
            # A reference that reveals neither the name nor the date of birth.
            self.reference = new_reference("C")
        super().save(*args, **kwargs)


class ChildView(DomainModel):
    """The child's views, wishes and feelings, recorded over time
    (corporate parenting principles 2 and 3, seed 002)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="views")
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("what the child said")

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"Views of {self.child} on {long_date(self.recorded_on)}"

    def get_absolute_url(self) -> str:
        return self.child.get_absolute_url() + "#views"


class Title(models.TextChoices):
    """How a parent or carer is addressed in letters ("Dear Ms Ashworth")."""

    MR = "Mr", "Mr"
    MRS = "Mrs", "Mrs"
    MISS = "Miss", "Miss"
    MS = "Ms", "Ms"
    MX = "Mx", "Mx"
    DR = "Dr", "Dr"


class Adult(DomainModel):
    """A parent or carer in a family.

    The postal address is in parts so a letter prints the postcode on its own
    line: ``address`` holds the address lines (house, street, area), then
    ``town`` and ``postcode`` (checked for a UK postcode's shape by the form).
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="adults")
    title = models.CharField(max_length=4, choices=Title.choices, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    letter_name = models.CharField(
        "name to use in letters",
        max_length=150,
        blank=True,
        help_text="For example Dr Okafor or Mrs Ashworth-Khan. Leave empty to use the "
        "title and last name.",
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField("address lines", blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_language = models.CharField(max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("cases:adult-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def postal_lines(self) -> list[str]:
        """The recorded address as printed: each address line, the town, then
        the postcode on its own line ([] when no address is recorded)."""
        from yos.lib.postcodes import address_lines

        lines = address_lines(self.address)
        return lines + [part for part in (self.town.strip(), self.postcode.strip()) if part]


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    GRANDPARENT = "grandparent", "Grandparent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    OTHER_CARER = "other_carer", "Other carer"


class AdultChild(DomainModel):
    """How one adult is related to one child."""

    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, related_name="child_links")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="adult_links")
    relationship = models.CharField(max_length=14, choices=Relationship.choices)
    parental_responsibility = models.BooleanField()
    resident = models.BooleanField(help_text="Lives with the child")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["adult", "child"],
                name="one_link_per_adult_child",
                violation_error_message=rules.ADULT_ALREADY_LINKED,
            )
        ]

    def __str__(self) -> str:
        return f"{self.adult} – {self.get_relationship_display().lower()} of {self.child}"

    def get_absolute_url(self) -> str:
        return self.adult.get_absolute_url()


class CaseKind(models.TextChoices):
    PREVENTION = "prevention", "Prevention"
    TRIAGE = "triage", "Triage at police custody"
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
    YOUTH_CAUTION = "youth_caution", "Youth caution"
    YOUTH_CONDITIONAL_CAUTION = "youth_conditional_caution", "Youth conditional caution"
    BAIL_REMAND = "bail_remand", "Bail or remand"
    REFERRAL_ORDER = "referral_order", "Referral order"
    YRO = "yro", "Youth rehabilitation order"
    DTO = "dto", "Detention and training order"
    PARENTING = "parenting", "Parenting support or parenting order"

    @classmethod
    def statutory(cls) -> set[str]:
        """Kinds that follow an offence: the child must be under 18 at its date."""
        return {k.value for k in cls} - {cls.PREVENTION.value, cls.PARENTING.value}

    @classmethod
    def court_orders(cls) -> set[str]:
        """Court-ordered kinds (issue 17: monitoring and closure rules)."""
        return {cls.REFERRAL_ORDER.value, cls.YRO.value, cls.DTO.value}


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(DomainModel):
    """One intervention episode with a child."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=12, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=CaseKind.choices)
    status = models.CharField(
        max_length=10, choices=CaseStatus.choices, default=CaseStatus.REFERRED
    )
    referred_on = models.DateField()
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    offence_date = models.DateField(null=True, blank=True)
    offence = models.CharField("offence", max_length=200, blank=True)
    closure_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            # Open cases of the children on one page of find a child.
            models.Index(fields=["child", "status"], name="case_child_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("referred_on")),
                name="case_closed_after_referred",
                violation_error_message=rules.CLOSED_BEFORE_REFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(opened_on__isnull=True)
                | models.Q(opened_on__gte=models.F("referred_on")),
                name="case_opened_after_referred",
                violation_error_message=rules.OPENED_BEFORE_REFERRED,
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | (models.Q(closed_on__isnull=False) & ~models.Q(closure_reason="")),
                name="case_closed_has_date_and_reason",
                violation_error_message=rules.CLOSED_NEEDS_DATE_AND_REASON,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", args=[self.pk])

    @property
    def title(self) -> str:
        """The case by kind, child and reference: page titles and captions
        (two cases of one child never read alike)."""
        return f"{self.get_kind_display()} for {self.child.full_name}, case {self.reference}"

    @property
    def family(self) -> Family:
        return self.child.family

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference("K")
        super().save(*args, **kwargs)


class SessionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group"
    FAMILY = "family", "Family"
    PARENTING = "parenting", "Parenting session"
    HOME_VISIT = "home_visit", "Home visit"
    # Seed 003: "surveillance monitoring (statutory orders only)".
    MONITORING = "monitoring", "Surveillance or monitoring"


class Attendance(models.TextChoices):
    PLANNED = "planned", "Planned"
    ATTENDED = "attended", "Attended"
    UNEXCUSED = "unexcused", "Unexcused absence"
    EXCUSED = "excused", "Excused absence"


class Session(DomainModel):
    """A planned or held appointment on a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(max_length=12, choices=SessionKind.choices)
    starts_at = models.DateTimeField()
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.PLANNED
    )
    absence_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["case", "-starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(attendance="excused") | ~models.Q(absence_reason=""),
                name="session_excused_has_reason",
                violation_error_message=rules.EXCUSED_ABSENCE_NEEDS_REASON,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {long_date(self.starts_at)}"

    def get_absolute_url(self) -> str:
        return reverse("cases:session-edit", args=[self.pk])


class ClosureRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a supervisor"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class CaseClosureRequest(DomainModel):
    """A case manager's request to close a case, decided by a supervisor of the
    family's team (PRODUCT.md: supervisors approve case closure). Approval
    closes the case through cases.services.case_close, with what it proposes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closure_requests")
    status = models.CharField(
        max_length=10, choices=ClosureRequestStatus.choices, default=ClosureRequestStatus.PENDING
    )
    closed_on = models.DateField("date closed (proposed)")
    closure_reason = models.TextField("reason for closing")
    outcome = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField("reason for refusing", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_closure_request_per_case",
                violation_error_message=rules.CLOSURE_ALREADY_REQUESTED,
            ),
            models.CheckConstraint(
                condition=~models.Q(closure_reason=""),
                name="closure_request_has_reason",
                violation_error_message=rules.CLOSURE_REASON_REQUIRED,
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="closure_refusal_has_reason",
                violation_error_message=rules.REFUSAL_REASON_REQUIRED,
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (models.Q(decided_by__isnull=False) & models.Q(decided_at__isnull=False)),
                name="closure_decision_has_who_and_when",
                violation_error_message=rules.DECISION_NEEDS_WHO_AND_WHEN,
            ),
        ]

    def __str__(self) -> str:
        return f"Request to close case {self.case.reference}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url() + "#closure"
