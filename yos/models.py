"""Users, teams, schools and the read-access log: the cross-cutting records."""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


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
            names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_cache = next((r for r in Role if r.value in names), None)
        return self._role_cache

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
        return f"{self.get_kind_display()} {self.created_at:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("document-download", args=[self.pk])
