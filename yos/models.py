"""Users, teams, schools and the read-access log: the cross-cutting records."""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from yos.lib.dates import long_date


class Role(models.TextChoices):
    """The five roles of PRODUCT.md. Each is a Django group of the same name."""

    CASE_MANAGER = "case_manager", "Case manager"
    VICTIM_WORKER = "victim_worker", "Victim worker"
    SUPERVISOR = "supervisor", "Supervisor"
    SCHOOL_STAFF = "school_staff", "School staff"
    ADMINISTRATOR = "administrator", "Administrator"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:yos_team_change", args=[self.pk])


class School(models.Model):
    name = models.CharField(max_length=200)
    urn = models.CharField("unique reference number", max_length=12, unique=True)
    address = models.TextField(blank=True)
    telephone = models.CharField(
        max_length=30, blank=True, help_text="Printed on contract letters for parents to call."
    )
    email = models.EmailField(blank=True, help_text="Printed on contract letters.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:yos_school_change", args=[self.pk])


class User(AbstractUser):
    """A member of staff. The role is the one group the user belongs to."""

    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="School staff only: the one school whose contracts they work on.",
    )
    service_wide = models.BooleanField(
        default=False, help_text="Supervisors only: sees every team of the service."
    )
    phone = models.CharField(
        "direct telephone",
        max_length=30,
        blank=True,
        help_text="Printed under the name of a case manager who signs a letter.",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("admin:yos_user_change", args=[self.pk])

    @property
    def role(self) -> Role | None:
        """The user's role, read once per request from their groups."""
        if not hasattr(self, "_role_cache"):
            if hasattr(self, "_group_names"):  # loaded with the user (yos.backends)
                names = set(self._group_names or ())
            else:
                names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_cache = next((r for r in Role if r.value in names), None)
        return self._role_cache

    @property
    def team_names(self) -> list[str]:
        """The names of the user's teams, A to Z (for the identity bar)."""
        if hasattr(self, "_team_name_list"):  # loaded with the user (yos.backends)
            return sorted(self._team_name_list or ())
        return list(self.teams.order_by("name").values_list("name", flat=True)) if self.pk else []

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else "No role"


class AccessLog(models.Model):
    """One read of a personal record or download of a document.

    Holds who, what (a reference, never a copy of personal data), when and from
    where. Written by yos.lib.audit.log_read; nothing in the app edits it.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.content_type.model} {self.object_id}"

    def get_absolute_url(self) -> str:
        return reverse("access-log") + f"?user={self.user_id}"


class StoredDocument(models.Model):
    """A generated PDF or an uploaded file, kept privately.

    Who made it, when, why, and the SHA-256 of its bytes. Served only by
    yos.views.document_download, which checks access to the record the
    document is about and logs the download. Never deleted from the UI.
    """

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        CONTRACT = "contract", "Contract document"
        SIGNED_SCAN = "signed_scan", "Scanned signed copy"
        EVIDENCE = "evidence", "Evidence"
        EXPORT = "export", "Subject access export"
        PRINT_PACK = "print_pack", "Print pack of letters"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    mime_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {long_date(self.created_at)}"

    def get_absolute_url(self) -> str:
        return reverse("document-download", args=[self.pk])


class Flag(models.Model):
    """Something that needs doing, raised by the nightly job (or a service).

    One open flag per (kind, subject): the partial unique constraint makes a
    rerun of the job a no-op. A flag resolves itself when its condition no
    longer holds. `family` / `school` scope who sees it (yos.access.RULES).
    """

    class Kind(models.TextChoices):
        COUNSELLING_ENDING = "counselling_ending", "Counselling period ending"
        COUNSELLING_ENDED = "counselling_ended", "Counselling period ended: now voluntary"
        REQUIREMENT_ENDING = "requirement_ending", "Order requirement ending"
        REQUIREMENT_ENDED = "requirement_ended", "Order requirement ended"
        CASE_DUE_FOR_CLOSURE = "case_due_for_closure", "Case due for closure"
        CONTRACT_ENDING = "contract_ending", "Contract ending soon"
        CONTRACT_REVIEW_OVERDUE = "contract_review_overdue", "Contract review overdue"
        CONTRACT_UNSIGNED = "contract_unsigned", "Contract not signed in time"
        VICTIM_CONTACT_OVERDUE = "victim_contact_overdue", "Victim first contact overdue"
        RETENTION_DUE = "retention_due", "Past its retention period"
        ADDRESS_NEEDED = (
            "address_needed",
            "Address needed: a letter is held until the parent's own address is recorded",
        )

    kind = models.CharField(max_length=30, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    family = models.ForeignKey(
        "cases.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    child = models.ForeignKey(
        "cases.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
        help_text="The child the flagged record is about, for the child page",
    )
    due_on = models.DateField(help_text="The date the flagged period ends or ended")
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The to-do list (yos.flags: flag_assign, flag_snooze, flag_dismiss). A
    # snoozed or dismissed flag stays open (resolved_at empty), so the nightly
    # job neither raises it again nor loses it; it resolves as usual when its
    # condition no longer holds.
    assigned_to = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_flags",
        help_text="The colleague who is to act on it (empty: the family's case manager)",
    )
    snoozed_until = models.DateField(
        null=True, blank=True, help_text="Hidden from the to-do list until this date"
    )
    snooze_reason = models.CharField(max_length=300, blank=True, db_default="")
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_reason = models.CharField(max_length=300, blank=True, db_default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["kind", "resolved_at"]),
            models.Index(fields=["family", "resolved_at"]),
            models.Index(fields=["school", "resolved_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_flag_per_kind_and_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({long_date(self.due_on)})"

    def get_absolute_url(self) -> str:
        subject = self.subject
        return subject.get_absolute_url() if subject is not None else reverse("home")

    @property
    def statutory(self) -> bool:
        """A statutory deadline: never dismissed (docs/domain-flags.md)."""
        return self.kind in STATUTORY_FLAG_KINDS

    def snoozed_on(self, day) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > day


# Flags for a deadline set by an Act or a statutory code: they can be assigned
# or snoozed, never dismissed (docs/domain-flags.md gives the source of each).
STATUTORY_FLAG_KINDS = frozenset(
    {
        Flag.Kind.COUNSELLING_ENDING,
        Flag.Kind.COUNSELLING_ENDED,
        Flag.Kind.REQUIREMENT_ENDING,
        Flag.Kind.REQUIREMENT_ENDED,
        Flag.Kind.VICTIM_CONTACT_OVERDUE,
        Flag.Kind.RETENTION_DUE,
        Flag.Kind.ADDRESS_NEEDED,
    }
)


class Notice(models.Model):
    """A decision on one of the user's own requests (a breach referral, a case
    closure, a contract termination), shown on their home page until they mark
    it read. Written by yos.notices.notify_decision; never deleted."""

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notices")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    message = models.CharField(max_length=300, help_text="The decision in a sentence")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message

    def get_absolute_url(self) -> str:
        subject = self.subject
        return subject.get_absolute_url() if subject is not None else reverse("home")


class Letter(models.Model):
    """A generated letter: kind, recipient, the record it is about, the reason,
    the stored PDF (with its SHA-256), the HTML it was rendered from (the
    preview), and where it is in its life (docs/domain-letters.md):

    draft (generated) → approved → sent (how, when, by whom), or withdrawn
    (why). Regenerating after a correction makes a new version; the old one is
    withdrawn and kept. Every move is a named service in yos.letters with a
    history row by the member of staff.

    `dedupe_key` (built by yos.letters.letter_key, e.g. "order-warning:<failure
    id>:<adult id>") makes generation idempotent across reruns and crashes;
    later versions carry "/v<n>" after it.
    """

    class Kind(models.TextChoices):
        CONTRACT_WARNING = "contract_warning", "Parenting contract warning letter"
        ORDER_WARNING = "order_warning", "Parenting order warning letter"
        COUNSELLING_ENDED = "counselling_ended", "Notice: counselling now voluntary"
        CONTRACT_COPY = "contract_copy", "Copy of parenting contract"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: check and approve"
        APPROVED = "approved", "Approved: ready to send"
        SENT = "sent", "Sent"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class SentBy(models.TextChoices):
        """How it was sent (the field keeps its first name, sent_by)."""

        NOT_SENT = "not_sent", "Not sent yet"
        POST = "post", "Post"
        HAND = "hand", "Hand delivered"
        EMAIL = "email", "E-mail"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=120, unique=True)
    recipient = models.ForeignKey("cases.Adult", on_delete=models.PROTECT, related_name="letters")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    family = models.ForeignKey(
        "cases.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    child = models.ForeignKey(
        "cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    reason = models.TextField()
    document = models.OneToOneField(StoredDocument, on_delete=models.PROTECT, related_name="letter")
    address = models.TextField(
        blank=True, help_text="The address lines printed on the letter, one a line"
    )
    html = models.TextField(
        blank=True, help_text="The HTML the PDF was rendered from, shown as the preview"
    )
    letter_date = models.DateField(
        null=True, blank=True, help_text="The date printed on the letter: the run date"
    )
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The earlier version this one replaces",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.CharField(
        "how it was sent", max_length=10, choices=SentBy.choices, default=SentBy.NOT_SENT
    )
    sent_on = models.DateField(null=True, blank=True)
    sent_recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-generated_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_on__isnull=False),
                name="a_sent_letter_has_its_date",
            )
        ]

    def __str__(self) -> str:
        version = f" (version {self.version})" if self.version > 1 else ""
        return f"{self.get_kind_display()} to {self.recipient}{version}"

    def get_absolute_url(self) -> str:
        return reverse("letter-detail", args=[self.pk])

    @property
    def sha256(self) -> str:
        return self.document.sha256

    @property
    def is_warning(self) -> bool:
        return self.kind in (self.Kind.ORDER_WARNING, self.Kind.CONTRACT_WARNING)

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class PrintPack(models.Model):
    """Approved letters combined into one PDF for the post run, built by a
    background task (yos.letters.build_print_pack) that reports its progress.
    Only the member of staff who asked for it sees it (yos.access.RULES)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being put together"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be made"

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="print_packs")
    created_at = models.DateTimeField(auto_now_add=True)
    letters = models.ManyToManyField(Letter, related_name="print_packs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    document = models.OneToOneField(
        StoredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="print_pack"
    )
    error = models.TextField(blank=True)
    marked_sent_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Print pack of {self.total} letters, {long_date(timezone.localtime(self.created_at))}, {timezone.localtime(self.created_at):%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("print-pack", args=[self.pk])

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0


class JobRun(models.Model):
    """One run of a nightly job: when, for which date, what it did, what failed."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped: another run held the lock"

    job = models.CharField(max_length=60)
    run_date = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict)
    errors = models.TextField(blank=True)
    holder = models.CharField(
        max_length=120, blank=True, help_text="host:pid of the process that ran it"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"])]
        constraints = [
            # The lock on databases without advisory locks (SQLite): one
            # running row per job. On PostgreSQL pg_try_advisory_lock comes first.
            models.UniqueConstraint(
                fields=["job"],
                condition=models.Q(status="running"),
                name="one_running_job_run_per_job",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} for {self.run_date} – {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("job-runs")

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class KeptPost(models.Model):
    """What a user posted after their session had ended (yos.kept_post): kept
    for KEEP_FOR minutes so that the same user, signed in again, finds it back
    in the form. Never passwords, CSRF tokens or files. Not a domain record:
    deleted when restored or expired, and never shown to anyone else."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=500)
    # [[name, value], …] in the order posted: a list, so no database reorders it.
    fields = models.JSONField(default=list)
    had_files = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Kept form for {self.user}"

    def get_absolute_url(self) -> str:
        return self.path
