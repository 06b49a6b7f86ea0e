"""Writes of the victims app: atomic, validated, with the history user set.

Each service checks the rules that need today's date or other records (the
model constraints check the rest through full_clean) and raises
ValidationError with the messages of victims.messages.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from victims import messages as m
from victims import rules
from victims.models import (
    GivenBy,
    Invitation,
    Reparation,
    RestorativeJusticeWork,
    RJKind,
    Victim,
    VictimContact,
    VictimKind,
    VictimOffence,
    VictimUpdate,
)
from yos.lib.dates import long_date
from yos.lib.versioning import save_if_current
from yos.models import User


def _save(instance, *, by: User):
    instance.full_clean()
    instance._history_user = by
    instance.save()
    return instance


def _not_future(value: date | None, field: str, message: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: message})


def _check_victim(victim: Victim) -> None:
    _not_future(victim.details_received_on, "details_received_on", m.RECEIVED_FUTURE)
    if not (victim.address.strip() or victim.phone.strip() or victim.email.strip()):
        raise ValidationError({"address": m.CONTACT_DETAIL_REQUIRED})
    if victim.kind == VictimKind.ORGANISATION and (victim.date_of_birth or victim.known_under_18):
        raise ValidationError({"date_of_birth": m.AGE_ORGANISATION})
    if victim.date_of_birth and victim.known_under_18:
        raise ValidationError({"known_under_18": m.BIRTH_DATE_AND_UNDER_18})
    if victim.date_of_birth and victim.date_of_birth >= timezone.localdate():
        raise ValidationError({"date_of_birth": m.BIRTH_DATE_FUTURE})
    if victim.representative_name.strip() and not victim.representative_relationship.strip():
        raise ValidationError(
            {"representative_relationship": m.REPRESENTATIVE_RELATIONSHIP_REQUIRED}
        )


def _apply_young_victim(victim: Victim, cases: list[Case]) -> None:
    """Work out whether the victim was under 18 at the time of the offence
    (rules.is_young_victim over every linked offence) and, if so, give them
    enhanced rights automatically (Victims' Code), which sets the 1-working-day
    clock. Enhanced rights given only for being young go when they no longer
    apply (a corrected date of birth); grounds the worker recorded stay."""
    for case in cases:
        if victim.date_of_birth and case.offence_date and victim.date_of_birth > case.offence_date:
            raise ValidationError(
                {
                    "date_of_birth": m.BIRTH_DATE_AFTER_OFFENCE.format(
                        day=long_date(case.offence_date)
                    )
                }
            )
    victim.young_victim = victim.kind == VictimKind.PERSON and rules.is_young_victim(
        date_of_birth=victim.date_of_birth,
        known_under_18=victim.known_under_18,
        offence_dates=[case.offence_date for case in cases],
        details_received_on=victim.details_received_on,
    )
    if victim.young_victim:
        victim.enhanced_rights = True
        if not victim.enhanced_rights_reason.strip():
            victim.enhanced_rights_reason = m.YOUNG_VICTIM_REASON
    elif victim.enhanced_rights_reason == m.YOUNG_VICTIM_REASON:
        victim.enhanced_rights, victim.enhanced_rights_reason = False, ""
    if victim.enhanced_rights and not victim.enhanced_rights_reason.strip():
        raise ValidationError({"enhanced_rights_reason": m.ENHANCED_REASON_REQUIRED})


def _linked_cases(victim: Victim) -> list[Case]:
    if victim.pk is None:
        return []
    return list(Case.objects.filter(victim_links__victim=victim))


@transaction.atomic
def victim_create(*, victim: Victim, case: Case, by: User) -> Victim:
    """Save a new victim (built from a form, unsaved) linked to the case's offence."""
    _check_victim(victim)
    _apply_young_victim(victim, [case])
    _save(victim, by=by)
    victim_link_case(victim=victim, case=case, by=by)
    return victim


def victim_edit(*, victim: Victim, loaded_version: int | None, by: User) -> Victim:
    """Save changes to a victim loaded at loaded_version (StaleRecord if changed since)."""
    _check_victim(victim)
    _apply_young_victim(victim, _linked_cases(victim))
    victim.full_clean()
    return save_if_current(victim, loaded_version, by=by)


@transaction.atomic
def victim_link_case(*, victim: Victim, case: Case, by: User) -> VictimOffence:
    if not case.offence:
        raise ValidationError({"case_reference": m.CASE_WITHOUT_OFFENCE})
    if VictimOffence.objects.filter(victim=victim, case=case).exists():
        raise ValidationError({"case_reference": m.CASE_ALREADY_LINKED})
    link = _save(VictimOffence(victim=victim, case=case), by=by)
    # A new offence may make the victim young at the time of it.
    victim = Victim.objects.select_for_update().get(pk=victim.pk)
    was = (victim.young_victim, victim.enhanced_rights, victim.enhanced_rights_reason)
    try:
        _apply_young_victim(victim, _linked_cases(victim))
    except ValidationError as error:
        raise ValidationError({"case_reference": error.messages}) from error
    if (victim.young_victim, victim.enhanced_rights, victim.enhanced_rights_reason) != was:
        victim.version += 1
        _save(victim, by=by)
    return link


@transaction.atomic
def victim_contact_record(*, contact: VictimContact, by: User) -> VictimContact:
    """Record a contact (built from a form, unsaved, victim set) made by `by`."""
    today = timezone.localdate()
    _not_future(contact.contacted_on, "contacted_on", m.CONTACT_DATE_FUTURE)
    if contact.contacted_on < contact.victim.details_received_on:
        raise ValidationError({"contacted_on": m.CONTACT_BEFORE_RECEIVED})
    problems = rules.consent_problems(
        choice=contact.choice,
        consent_given=contact.consent_given,
        consent_on=contact.consent_on,
        withdrawn_on=contact.consent_withdrawn_on,
        today=today,
    )
    if problems:
        raise ValidationError(problems)
    _record_given_by(contact)
    contact.by = by
    return _save(contact, by=by)


def _record_given_by(contact: VictimContact) -> None:
    """A parent or guardian acting for the victim: keep their name and
    relationship on the contact as recorded on the victim now."""
    victim = contact.victim
    if contact.given_by == GivenBy.REPRESENTATIVE:
        if not victim.representative_name.strip():
            raise ValidationError({"given_by": m.NO_REPRESENTATIVE})
        contact.representative_name = victim.representative_name
        contact.representative_relationship = victim.representative_relationship
    else:
        contact.representative_name = contact.representative_relationship = ""


@transaction.atomic
def victim_contact_withdraw_consent(
    *, contact: VictimContact, withdrawn_on: date, by: User, given_by: str = GivenBy.VICTIM
):
    """Record that the victim (or their parent or guardian, acting for them)
    withdrew the consent given in this contact."""
    locked = VictimContact.objects.select_for_update().select_related("victim").get(pk=contact.pk)
    if locked.consent_withdrawn_on is not None:
        raise ValidationError({"consent_withdrawn_on": m.ALREADY_WITHDRAWN})
    problems = rules.consent_problems(
        choice=locked.choice,
        consent_given=locked.consent_given,
        consent_on=locked.consent_on,
        withdrawn_on=withdrawn_on,
        today=timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)
    locked.consent_withdrawn_on = withdrawn_on
    locked.withdrawal_given_by = given_by
    if given_by == GivenBy.REPRESENTATIVE:
        victim = locked.victim
        if not victim.representative_name.strip():
            raise ValidationError({"given_by": m.NO_REPRESENTATIVE})
        locked.withdrawal_representative = rules.representative_words(
            victim.representative_name, victim.representative_relationship
        ).removesuffix(", acting for the victim")
    locked.version += 1
    return _save(locked, by=by)


@transaction.atomic
def victim_update_record(*, update: VictimUpdate, by: User) -> VictimUpdate:
    """Record an update on case progress given to the victim by `by`."""
    _not_future(update.given_on, "given_on", m.UPDATE_DATE_FUTURE)
    update.by = by
    return _save(update, by=by)


@transaction.atomic
def victim_decide_invitation(
    *, victim: Victim, invitation: str, reason: str, loaded_version: int | None, by: User
) -> Victim:
    """Record whether the victim is invited to take part in restorative justice, and why."""
    if invitation == Invitation.NOT_DECIDED:
        raise ValidationError({"invitation": m.INVITATION_REQUIRED})
    if not reason.strip():
        raise ValidationError({"invitation_reason": m.INVITATION_REASON_REQUIRED})
    victim.invitation = invitation
    victim.invitation_reason = reason.strip()
    victim.invitation_decided_on = timezone.localdate()
    victim.invitation_decided_by = by
    victim.full_clean()
    return save_if_current(victim, loaded_version, by=by)


def has_current_consent(victim: Victim) -> bool:
    """The latest contact that recorded consent still holds it (not withdrawn)."""
    latest = victim.contacts.filter(consent_given=True).order_by("-consent_on", "-id").first()
    return latest is not None and latest.consent_current


def _check_rj_work(work: RestorativeJusticeWork) -> None:
    _not_future(work.started_on, "started_on", m.RJ_START_FUTURE)
    _not_future(work.ended_on, "ended_on", m.RJ_END_FUTURE)
    _not_future(work.conclusion_notice_on, "conclusion_notice_on", m.RJ_NOTICE_FUTURE)
    if work.conclusion_notice_on is not None and work.ended_on is None:
        raise ValidationError({"conclusion_notice_on": m.RJ_NOTICE_NEEDS_END})
    if work.kind == RJKind.CONFERENCE and not has_current_consent(work.offence.victim):
        raise ValidationError({"kind": m.RJ_CONFERENCE_NEEDS_CONSENT})


@transaction.atomic
def rj_work_record(*, work: RestorativeJusticeWork, by: User) -> RestorativeJusticeWork:
    """Record restorative-justice work (unsaved, offence set). A conference
    needs the victim's current consent."""
    _check_rj_work(work)
    return _save(work, by=by)


def rj_work_edit(
    *, work: RestorativeJusticeWork, loaded_version: int | None, by: User
) -> RestorativeJusticeWork:
    """Save changes (outcome, end, conclusion notice) over loaded_version."""
    _check_rj_work(work)
    work.full_clean()
    return save_if_current(work, loaded_version, by=by)


def _check_reparation(reparation: Reparation) -> None:
    if reparation.hours_completed > reparation.hours:
        raise ValidationError({"hours_completed": m.REPARATION_COMPLETED_TOO_MANY})


@transaction.atomic
def reparation_record(*, reparation: Reparation, by: User) -> Reparation:
    """Record reparation (unpaid work for the community) on a child's case."""
    _check_reparation(reparation)
    return _save(reparation, by=by)


def reparation_edit(*, reparation: Reparation, loaded_version: int | None, by: User) -> Reparation:
    _check_reparation(reparation)
    reparation.full_clean()
    return save_if_current(reparation, loaded_version, by=by)
