"""Victims of the children the service works with, kept apart from the case.

Every model here except Reparation is on the victims' side (yos.access.RULES:
`Rule(victims=True)`): only victim workers read it. Reparation is the child's
unpaid work for the community and hangs off the child's case.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from victims import messages as m
from victims import rules
from yos.lib.dates import long_date
from yos.lib.models import DomainModel


class VictimKind(models.TextChoices):
    PERSON = "person", "A person"
    ORGANISATION = "organisation", "An organisation"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    TEXT = "text", "Text message"


class Invitation(models.TextChoices):
    NOT_DECIDED = "not_decided", "Not decided yet"
    INVITE = "invite", "Invite to take part"
    DO_NOT_INVITE = "do_not_invite", "Do not invite"


class RJChoice(models.TextChoices):
    """The victim's choice about restorative justice."""

    UNDECIDED = "undecided", "Not decided yet"
    NONE = "none", "No restorative justice"
    INDIRECT_LETTER = "indirect_letter", "Indirect: letter"
    INDIRECT_SHUTTLE = "indirect_shuttle", "Indirect: shuttle mediation"
    DIRECT_CONFERENCE = "direct_conference", "Direct: restorative conference"

    @classmethod
    def indirect(cls) -> set[str]:
        return {cls.INDIRECT_LETTER.value, cls.INDIRECT_SHUTTLE.value}

    @classmethod
    def summary(cls, value: str) -> str:
        """The anonymised words for the child's page ("chose indirect …")."""
        if value in cls.indirect():
            return "chose indirect restorative justice"
        if value == cls.DIRECT_CONFERENCE:
            return "chose direct restorative justice"
        if value == cls.NONE:
            return "chose no restorative justice"
        return "has not chosen yet"


class GivenBy(models.TextChoices):
    """Who gave a consent, a choice or took part in a contact: the victim, or
    the parent or guardian acting for a young victim (Victims' Code)."""

    VICTIM = "victim", "The victim"
    REPRESENTATIVE = "representative", "Their parent or guardian, acting for them"


class VictimQuerySet(models.QuerySet):
    def with_first_contact(self) -> VictimQuerySet:
        """Annotate `contacted`: a contact in which restorative justice was offered."""
        offered = VictimContact.objects.filter(
            victim=OuterRef("pk"), offered_restorative_justice=True
        )
        return self.annotate(contacted=Exists(offered))

    def awaiting_first_contact(self) -> VictimQuerySet:
        return self.with_first_contact().filter(contacted=False)

    def first_contact_overdue(self, on: date) -> VictimQuerySet:
        """Awaiting first contact and past the due date on `on` (set-based: two
        date bounds, one per clock; see rules.latest_receipt_overdue_on)."""
        standard = rules.latest_receipt_overdue_on(on, enhanced_rights=False)
        enhanced = rules.latest_receipt_overdue_on(on, enhanced_rights=True)
        return self.awaiting_first_contact().filter(
            Q(enhanced_rights=False, details_received_on__lte=standard)
            | Q(enhanced_rights=True, details_received_on__lte=enhanced)
        )


class Victim(DomainModel):
    """A person or an organisation harmed by an offence of a child the service
    works with. Identity and contact details: victim workers only."""

    kind = models.CharField(max_length=12, choices=VictimKind.choices, default=VictimKind.PERSON)
    name = models.CharField("name", max_length=200)
    contact_person = models.CharField("contact person (organisations)", max_length=200, blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True
    )
    preferred_contact_times = models.CharField(max_length=200, blank=True)
    vulnerability = models.TextField("vulnerability and support needs", blank=True)
    interpreter_needed = models.BooleanField(default=False)
    language = models.CharField("preferred language", max_length=60, blank=True)
    enhanced_rights = models.BooleanField(
        "entitled to enhanced rights under the Victims' Code", default=False
    )
    enhanced_rights_reason = models.CharField(max_length=300, blank=True)
    details_received_on = models.DateField("date the service received the victim's details")
    # Young victims (Victims' Code): under 18 at the time of the offence, from
    # the date of birth, or known to be when the date of birth is not.
    date_of_birth = models.DateField("victim's date of birth", null=True, blank=True)
    known_under_18 = models.BooleanField(
        "under 18 at the time of the offence (date of birth not known)", default=False
    )
    # Derived by the services (rules.is_young_victim) from the above and the
    # linked offences' dates; stored so the clock's query can read it. A
    # young victim is entitled to enhanced rights automatically.
    young_victim = models.BooleanField(
        "under 18 at the time of the offence", default=False, editable=False
    )
    # A parent or guardian acts for a young victim (PRODUCT.md, Victims).
    representative_name = models.CharField(
        "parent or guardian acting for the victim", max_length=200, blank=True
    )
    representative_relationship = models.CharField(max_length=100, blank=True)
    representative_phone = models.CharField(max_length=30, blank=True)
    # The YOS decides whether to invite the victim to take part, and records why.
    invitation = models.CharField(
        max_length=14, choices=Invitation.choices, default=Invitation.NOT_DECIDED
    )
    invitation_reason = models.TextField(blank=True)
    invitation_decided_on = models.DateField(null=True, blank=True)
    invitation_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    objects = VictimQuerySet.as_manager()

    class Meta:
        ordering = ["details_received_on", "id"]
        indexes = [models.Index(fields=["details_received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(enhanced_rights=False) | ~Q(enhanced_rights_reason=""),
                name="victim_enhanced_rights_has_reason",
                violation_error_message=m.ENHANCED_REASON_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(enhanced_rights=False) | Q(kind=VictimKind.PERSON),
                name="victim_enhanced_rights_person_only",
                violation_error_message=m.ENHANCED_ORGANISATION,
            ),
            models.CheckConstraint(
                condition=Q(invitation=Invitation.NOT_DECIDED) | ~Q(invitation_reason=""),
                name="victim_invitation_has_reason",
                violation_error_message=m.INVITATION_REASON_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(young_victim=False) | Q(enhanced_rights=True),
                name="victim_young_has_enhanced_rights",
                violation_error_message=m.YOUNG_VICTIM_ENHANCED,
            ),
            models.CheckConstraint(
                condition=Q(kind=VictimKind.PERSON)
                | Q(date_of_birth__isnull=True, known_under_18=False),
                name="victim_age_person_only",
                violation_error_message=m.AGE_ORGANISATION,
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(known_under_18=False),
                name="victim_birth_date_or_known_under_18",
                violation_error_message=m.BIRTH_DATE_AND_UNDER_18,
            ),
        ]

    def __str__(self) -> str:
        # Never shown outside the victims' pages; still, keep it generic.
        return f"Victim {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("victims:detail", args=[self.pk])

    @property
    def first_contact_due_on(self) -> date:
        """The last day to give information about restorative justice on time."""
        return rules.rj_information_due_on(
            self.details_received_on, enhanced_rights=self.enhanced_rights
        )

    def is_first_contact_overdue(self, on: date) -> bool:
        """Agrees with VictimQuerySet.first_contact_overdue (a test checks it).
        Uses the `contacted` annotation when the queryset made it."""
        contacted = getattr(self, "contacted", None)
        if contacted is None:
            contacted = self.contacts.filter(offered_restorative_justice=True).exists()
        return rules.is_first_contact_overdue(
            self.details_received_on,
            enhanced_rights=self.enhanced_rights,
            contacted=contacted,
            on=on,
        )


class VictimOffence(DomainModel):
    """The victim of the offence recorded on one of a child's cases."""

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="offences")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="victim_links")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "case"], name="one_link_per_victim_case")
        ]

    def __str__(self) -> str:
        return f"Victim {self.victim_id} of case {self.case_id}"

    def get_absolute_url(self) -> str:
        return self.victim.get_absolute_url()


class VictimContact(DomainModel):
    """One contact with the victim: what was offered and what they chose."""

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField("date of the contact")
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_information = models.BooleanField("information about the case and the process")
    offered_support_referral = models.BooleanField("referral to support services")
    support_referred_to = models.CharField(max_length=200, blank=True)
    offered_restorative_justice = models.BooleanField("information about restorative justice")
    choice = models.CharField(
        "the victim's choice", max_length=20, choices=RJChoice.choices, default=RJChoice.UNDECIDED
    )
    consent_given = models.BooleanField("the victim consented to take part", default=False)
    consent_on = models.DateField(null=True, blank=True)
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    wants_updates = models.BooleanField("wants to be kept informed", default=False)
    notes = models.TextField(blank=True)
    # Who spoke, chose and consented in this contact: the victim, or their
    # parent or guardian (name and relationship as recorded at the time).
    given_by = models.CharField(
        "who gave the choice and consent",
        max_length=14,
        choices=GivenBy.choices,
        default=GivenBy.VICTIM,
    )
    representative_name = models.CharField(max_length=200, blank=True)
    representative_relationship = models.CharField(max_length=100, blank=True)
    withdrawal_given_by = models.CharField(
        "who withdrew consent", max_length=14, choices=GivenBy.choices, blank=True
    )
    withdrawal_representative = models.CharField(
        "parent or guardian who withdrew consent", max_length=300, blank=True
    )

    class Meta:
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["victim", "-contacted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True, consent_on__isnull=False)
                | Q(consent_given=False, consent_on__isnull=True),
                name="victim_contact_consent_has_date",
                violation_error_message=m.CONSENT_DATE_REQUIRED,
            ),
            models.CheckConstraint(
                condition=~Q(choice=RJChoice.DIRECT_CONFERENCE) | Q(consent_given=True),
                name="victim_contact_direct_needs_consent",
                violation_error_message=m.DIRECT_NEEDS_CONSENT,
            ),
            models.CheckConstraint(
                condition=Q(consent_withdrawn_on__isnull=True)
                | Q(consent_given=True, consent_withdrawn_on__gte=models.F("consent_on")),
                name="victim_contact_withdrawal_after_consent",
                violation_error_message=m.WITHDRAWAL_BEFORE_CONSENT,
            ),
            models.CheckConstraint(
                condition=Q(given_by=GivenBy.VICTIM) | ~Q(representative_name=""),
                name="victim_contact_representative_named",
                violation_error_message=m.NO_REPRESENTATIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"Contact on {long_date(self.contacted_on)}"

    def get_absolute_url(self) -> str:
        return self.victim.get_absolute_url() + f"#contact-{self.pk}"

    @property
    def consent_current(self) -> bool:
        return self.consent_given and self.consent_withdrawn_on is None

    @property
    def given_by_words(self) -> str:
        """ "the victim" or "Jo Doe (mother), acting for the victim"."""
        if self.given_by == GivenBy.REPRESENTATIVE:
            return rules.representative_words(
                self.representative_name, self.representative_relationship
            )
        return "the victim"


class VictimUpdate(DomainModel):
    """An update on case progress given to a victim who asked to be kept informed."""

    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="updates")
    given_on = models.DateField("date the update was given")
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("what the victim was told")

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"Update on {long_date(self.given_on)}"

    def get_absolute_url(self) -> str:
        return self.victim.get_absolute_url() + f"#update-{self.pk}"


class RJKind(models.TextChoices):
    LETTER = "letter", "Letter of explanation or apology"
    SHUTTLE = "shuttle", "Shuttle mediation"
    CONFERENCE = "conference", "Restorative conference"


class RestorativeJusticeWorkQuerySet(models.QuerySet):
    def conclusion_notice_due(self) -> RestorativeJusticeWorkQuerySet:
        """rules.conclusion_notice_due as a filter."""
        return self.filter(CONCLUSION_NOTICE_DUE)


# The query form of rules.conclusion_notice_due (a test checks they agree).
CONCLUSION_NOTICE_DUE = Q(ended_on__isnull=False, conclusion_notice_on__isnull=True)


class RestorativeJusticeWork(DomainModel):
    """Restorative-justice work between a victim and the child of one offence."""

    offence = models.ForeignKey(VictimOffence, on_delete=models.PROTECT, related_name="rj_work")
    kind = models.CharField("type", max_length=12, choices=RJKind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    participants = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    conclusion_notice_on = models.DateField(
        "date the victim was told the intervention had ended", null=True, blank=True
    )

    objects = RestorativeJusticeWorkQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "restorative-justice work"
        verbose_name_plural = "restorative-justice work"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="rj_work_ends_after_start",
                violation_error_message=m.RJ_END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(conclusion_notice_on__isnull=True)
                | Q(ended_on__isnull=False, conclusion_notice_on__gte=models.F("ended_on")),
                name="rj_work_notice_after_end",
                violation_error_message=m.RJ_NOTICE_BEFORE_END,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {long_date(self.started_on)}"

    def get_absolute_url(self) -> str:
        return reverse("victims:edit-rj-work", args=[self.pk])

    @property
    def victim(self) -> Victim:
        return self.offence.victim

    @property
    def conclusion_notice_due(self) -> bool:
        """Ended, but the victim has not yet been told it has (the page's tag)."""
        return rules.conclusion_notice_due(
            ended_on=self.ended_on, notice_on=self.conclusion_notice_on
        )


class Reparation(DomainModel):
    """Unpaid work for the community by the child (the child's side: case work
    roles see it, victim workers do not need to)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reparations")
    placement = models.CharField(max_length=200)
    hours = models.PositiveSmallIntegerField("hours of reparation")
    hours_completed = models.PositiveSmallIntegerField(default=0)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_completed__lte=models.F("hours")),
                name="reparation_completed_within_hours",
                violation_error_message=m.REPARATION_COMPLETED_TOO_MANY,
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="reparation_ends_after_start",
                violation_error_message=m.REPARATION_END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        return f"Reparation at {self.placement}"

    def get_absolute_url(self) -> str:
        return reverse("victims:edit-reparation", args=[self.pk])
