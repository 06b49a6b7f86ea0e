"""Reads of parenting contracts (N+1-free), and the contracts' contributions
to pages other apps own (yos/extensions.py): the home page, the child's and
family's pages and the child's timeline."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from contracts import rules
from contracts.models import (
    ContractDocument,
    ContractNonCompliance,
    ContractParent,
    ContractRequirement,
    ContractReview,
    ContractSignature,
    ContractStatusChange,
    ParentingContract,
    TerminationRequest,
)
from yos import access
from yos.extensions import TimelineEvent, can_change_on_page


def contract_list(user, *, status: str = "") -> QuerySet:
    """The contracts this user may read, with pupil, school and parents."""
    qs = access.visible(user, ParentingContract).select_related("pupil", "school")
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(
        Prefetch("parent_links", queryset=ContractParent.objects.select_related("adult"))
    ).order_by("-starts_on", "-id")


def contract_detail(user, pk) -> ParentingContract:
    """One contract with everything its page shows, in a fixed number of queries."""
    qs = ParentingContract.objects.select_related("pupil", "school", "created_by").prefetch_related(
        Prefetch("parent_links", queryset=ContractParent.objects.select_related("adult")),
        Prefetch(
            "requirements", queryset=ContractRequirement.objects.select_related("kind", "parent")
        ),
        Prefetch("documents", queryset=ContractDocument.objects.select_related("document")),
        Prefetch(
            "signatures",
            queryset=ContractSignature.objects.select_related("version", "adult", "scan"),
        ),
        "copies_sent",
        "lead_changes",
        Prefetch(
            "reviews",
            queryset=ContractReview.objects.select_related("requested_by").prefetch_related(
                "progress__requirement"
            ),
        ),
        Prefetch(
            "non_compliance",
            queryset=ContractNonCompliance.objects.select_related("requirement").prefetch_related(
                "parents", "warning_letters__document"
            ),
        ),
        Prefetch("status_changes", queryset=ContractStatusChange.objects.select_related("by")),
        Prefetch(
            "termination_requests",
            queryset=TerminationRequest.objects.select_related("requested_by", "decided_by"),
        ),
        "referrals__attachment",
    )
    return access.get_for_user(user, qs, pk)


def pupils_for_new_contract(user) -> QuerySet:
    return access.contract_pupils(user).select_related("school").order_by("last_name", "first_name")


def parents_of(pupil) -> QuerySet:
    """The adults linked to the pupil (the parents a contract can bind)."""
    from cases.models import Adult

    return (
        Adult.objects.filter(child_links__child=pupil)
        .distinct()
        .order_by("last_name", "first_name")
    )


def missing_signatures_from(contract: ParentingContract) -> list[str]:
    """Like services.missing_signatures but from the prefetched detail."""
    versions = sorted(contract.documents.all(), key=lambda d: d.number)
    current = versions[-1] if versions else None
    present = {
        link.adult_id: link.adult.full_name
        for link in contract.parent_links.all()
        if link.present_at_initiation
    }
    facts = [
        rules.SignatureFact(s.signer_kind, s.adult_id)
        for s in contract.signatures.all()
        if current is not None and s.version_id == current.pk
    ]
    return rules.missing_signatures(
        present_parents=present, la_is_party=contract.la_is_party, signatures=facts
    )


# --- Extension hooks ----------------------------------------------------------------


def home_panels(user) -> list[dict]:
    """School staff: their school's contracts needing action (unsigned, review
    due, warning served). Case managers: the contracts of their families."""
    if access.works_for_school(user):
        contracts = list(contract_list(user).needing_action()[:50])
        return [
            {
                "template": "contracts/includes/home_panel.html",
                "title": "Parenting contracts needing action",
                "contracts": contracts,
                "empty": "No contracts need action.",
            }
        ]
    if access.has_caseload(user):
        contracts = list(
            access.visible(user, ParentingContract, write=True)
            .filter(status__in=rules.Status.OPEN)
            .select_related("pupil", "school")
            .prefetch_related(
                Prefetch("parent_links", queryset=ContractParent.objects.select_related("adult"))
            )[:50]
        )
        return [
            {
                "template": "contracts/includes/home_panel.html",
                "title": "Parenting contracts of your families",
                "contracts": contracts,
                "empty": "None of your families has an open parenting contract.",
            }
        ]
    return []


def child_panels(user, child) -> list[dict]:
    contracts = list(contract_list(user).filter(pupil=child))
    return [
        {
            "template": "contracts/includes/contracts_panel.html",
            "title": "Parenting contracts",
            "contracts": contracts,
            "new_url": reverse("contracts:draft", args=[child.pk])
            if _may_draft_for(user, child)
            else "",
        }
    ]


def _may_draft_for(user, child) -> bool:
    """Whether child is one of access.contract_pupils(user): for a case manager
    that is a child they may change who has a school, which the child page
    already knows; anyone else is asked in a query."""
    return access.may_draft_contract_for(
        user, child, changeable=lambda: can_change_on_page(user, child)
    )


def family_panels(user, family) -> list[dict]:
    contracts = list(contract_list(user).filter(pupil__family=family))
    return [
        {
            "template": "contracts/includes/contracts_panel.html",
            "title": "Parenting contracts",
            "contracts": contracts,
            "new_url": "",
        }
    ]


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def timeline_events(user, child) -> list[TimelineEvent]:
    """Status changes, reviews and non-compliance of the child's contracts."""
    visible = access.visible(user, ParentingContract).filter(pupil=child)
    events: list[TimelineEvent] = []
    for change in ContractStatusChange.objects.filter(contract__in=visible).select_related(
        "contract", "by"
    ):
        events.append(
            TimelineEvent(
                at=change.at,
                title=f"Parenting contract {change.contract.reference}: "
                f"{change.get_to_status_display().lower()}",
                description=change.reason,
                by=str(change.by),
                url=change.contract.get_absolute_url(),
                kind="contract",
            )
        )
    for review in ContractReview.objects.filter(contract__in=visible).select_related(
        "contract", "recorded_by"
    ):
        events.append(
            TimelineEvent(
                at=_at(review.held_on),
                title=f"Parenting contract {review.contract.reference} reviewed",
                description=review.notes,
                by=str(review.recorded_by),
                url=review.get_absolute_url(),
                kind="contract",
            )
        )
    for record in ContractNonCompliance.objects.filter(contract__in=visible).select_related(
        "contract", "recorded_by"
    ):
        events.append(
            TimelineEvent(
                at=_at(record.noticed_on),
                title=f"Parenting contract {record.contract.reference}: non-compliance",
                description=record.what_happened,
                by=str(record.recorded_by),
                url=record.get_absolute_url(),
                kind="contract",
            )
        )
    return events
