"""Every access rule of the service, in one place.

Views declare who may reach them with ``@policy(...)`` (a URL-walk test fails
on any view without one), then fetch every object through ``get_for_user`` and
start every list from ``visible``. The rules:

* Role first: a role that has no business with an area gets a 404, the same
  answer as for a record that does not exist, so existence never leaks.
* Then the object: records hang off a family (its team and allocated case
  manager), a school (school staff), or the victims' side (victim workers).
  Not visible → 404; visible but not changeable by this user → 403.

Each domain model is listed in RULES with the path from it to its family or
school. A model missing from RULES is visible to nobody (deny by default).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from yos.backends import device_owed_q
from yos.models import Role, User

log = logging.getLogger("yos.security")

NOT_FOUND = "Page not found"  # one message for "not yours" and "does not exist"

CASEWORK = (Role.CASE_MANAGER, Role.SUPERVISOR)
ALL_ROLES = tuple(Role)


@dataclass(frozen=True)
class Rule:
    """How a model is reached: `family` is the ORM path to its Family ("" for
    Family itself), `school` the path to the School whose staff may work on it,
    `victims` marks the victims' side, kept apart from everything else, and
    `owner` the user field of a record only the member of staff who made it
    sees (a print pack)."""

    family: str | None = None
    school: str | None = None
    victims: bool = False
    owner: str | None = None  # the user field of a record only its maker sees


RULES: dict[str, Rule] = {
    # cases
    "cases.Family": Rule(family=""),
    "cases.Child": Rule(family="family"),
    "cases.ChildView": Rule(family="child__family"),
    "cases.Adult": Rule(family="family"),
    "cases.AdultChild": Rule(family="child__family"),
    "cases.Case": Rule(family="child__family"),
    "cases.Session": Rule(family="case__child__family"),
    "cases.CaseClosureRequest": Rule(family="case__child__family"),
    # orders
    "orders.ParentingOrder": Rule(family="child__family"),
    "orders.OrderRequirement": Rule(family="order__child__family"),
    "orders.OrderCondition": Rule(family="order__child__family"),
    "orders.OrderSession": Rule(family="case__child__family"),
    "orders.FailureToComply": Rule(family="order__child__family"),
    "orders.BreachReferral": Rule(family="failure__order__child__family"),
    # contracts: reached through the pupil's family (case work) or the contract's school
    "contracts.ParentingContract": Rule(family="pupil__family", school="school"),
    "contracts.ContractParent": Rule(family="contract__pupil__family", school="contract__school"),
    "contracts.LeadPractitionerChange": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    "contracts.ContractStatusChange": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    "contracts.ContractRequirement": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    "contracts.ContractDocument": Rule(family="contract__pupil__family", school="contract__school"),
    "contracts.ContractSignature": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    "contracts.ContractCopySent": Rule(family="contract__pupil__family", school="contract__school"),
    "contracts.ContractReview": Rule(family="contract__pupil__family", school="contract__school"),
    "contracts.RequirementProgress": Rule(
        family="review__contract__pupil__family", school="review__contract__school"
    ),
    "contracts.ContractNonCompliance": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    "contracts.TerminationRequest": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    "contracts.AttendanceReferral": Rule(
        family="contract__pupil__family", school="contract__school"
    ),
    # yos: flags and letters are scoped by the family or school they concern
    "yos.Flag": Rule(family="family", school="school"),
    "yos.Letter": Rule(family="family", school="school"),
    "yos.PrintPack": Rule(owner="created_by"),
    # dashboard: the events the YJB KPIs need
    "dashboard.OrderEndOutcome": Rule(family="case__child__family"),
    "dashboard.NeedsScreening": Rule(family="case__child__family"),
    # victims: kept apart, victim workers only; reparation is the child's side
    "victims.Victim": Rule(victims=True),
    "victims.VictimOffence": Rule(victims=True),
    "victims.VictimContact": Rule(victims=True),
    "victims.VictimUpdate": Rule(victims=True),
    "victims.RestorativeJusticeWork": Rule(victims=True),
    "victims.Reparation": Rule(family="case__child__family"),
}


def rule_for(model: type[models.Model]) -> Rule | None:
    return RULES.get(model._meta.label)


# --- Roles --------------------------------------------------------------------


def role_of(user) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return user.role


def team_ids(user: User) -> list[int]:
    if not hasattr(user, "_team_ids_cache"):
        if hasattr(user, "_team_id_list"):  # loaded with the user (yos.backends)
            user._team_ids_cache = sorted(user._team_id_list or ())
        else:
            user._team_ids_cache = list(user.teams.values_list("id", flat=True))
    return user._team_ids_cache


def policy(*roles: Role, public: bool = False, before_second_factor: bool = False) -> Callable:
    """Declare who may reach a view. Anonymous users are sent to sign in;
    a signed-in user whose role is not listed gets a 404; a user who still
    owes the second factor (yos.twofactor) is sent to give it.

    ``policy(public=True)`` marks a page anyone may see (sign-in, health);
    ``before_second_factor=True`` the two-factor pages themselves.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if role_of(request.user) not in roles:
                    log.info("denied role=%s path=%s", role_of(request.user), request.path)
                    raise Http404(NOT_FOUND)
                if not before_second_factor and needs_second_factor(request):
                    return redirect(
                        f"{reverse('two-factor-verify')}?{urlencode({'next': request.get_full_path()})}"
                    )
            return view(request, *args, **kwargs)

        wrapped.access_policy = "public" if public else tuple(r.value for r in roles)
        return wrapped

    return decorate


# --- The second factor (yos.twofactor has the pages) -------------------------------


def has_device(user) -> bool:
    """Whether the user has an authenticator, or had one reset by an
    administrator and must enrol a new one."""
    if hasattr(user, "_has_device"):  # loaded with the user (yos.backends)
        return user._has_device
    return TOTPDevice.objects.filter(device_owed_q(), user=user).exists()


def role_requires_second_factor(user) -> bool:
    """Roles in settings.OTP_REQUIRED_ROLES always give a second factor."""
    role = user.role
    return role is not None and role.value in settings.OTP_REQUIRED_ROLES


def second_factor_required(user) -> bool:
    """Roles in OTP_REQUIRED_ROLES always give a second factor; anyone else
    once they have set one up."""
    return role_requires_second_factor(user) or has_device(user)


def needs_second_factor(request: HttpRequest) -> bool:
    """Signed in with a password but still owing the second factor."""
    user = request.user
    return second_factor_required(user) and not user.is_verified()


# --- Objects ------------------------------------------------------------------


def _family_q(user: User, path: str, *, write: bool) -> Q | None:
    """Which families' records this user may read (or change, with write)."""
    prefix = f"{path}__" if path else ""
    role = role_of(user)
    if role == Role.CASE_MANAGER:
        if write:
            return Q(**{f"{prefix}case_manager_id": user.pk})
        return Q(**{f"{prefix}team_id__in": team_ids(user)})
    if role == Role.SUPERVISOR and not write:
        if sees_whole_service(user):
            return Q()
        return Q(**{f"{prefix}team_id__in": team_ids(user)})
    return None


def _q(user: User, rule: Rule, *, write: bool) -> Q | None:
    """The filter for a rule, or None when the user may see nothing of it."""
    role = role_of(user)
    if role is None:
        return None
    if rule.victims:
        return Q() if role == Role.VICTIM_WORKER else None
    if rule.owner is not None:
        if role in (Role.CASE_MANAGER, Role.SUPERVISOR, Role.SCHOOL_STAFF):
            return Q(**{f"{rule.owner}_id": user.pk})
        return None
    if role == Role.SCHOOL_STAFF:
        if rule.school is None or user.school_id is None:
            return None
        return Q(**{f"{rule.school}_id" if rule.school else "id": user.school_id})
    if rule.family is None:
        return None
    return _family_q(user, rule.family, write=write)


def visible(user: User, qs: QuerySet | type[models.Model], *, write: bool = False) -> QuerySet:
    """The records of qs this user may read (or change, with write=True)."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    rule = rule_for(qs.model)
    q = _q(user, rule, write=write) if rule else None
    if q is None:
        return qs.none()
    return qs.filter(q)


def can_change(user: User, obj: models.Model) -> bool:
    """Whether user may change obj (one query, or none for a role that never may)."""
    rule = rule_for(type(obj))
    q = _q(user, rule, write=True) if rule else None
    if q is None:
        return False
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def get_for_user(user: User, qs: QuerySet | type[models.Model], pk, *, write: bool = False):
    """The object with pk if user may read it, else 404; with write=True, 403
    when it is visible but not theirs to change."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    try:
        obj = visible(user, qs).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None
    if write and not can_change(user, obj):
        log.info("denied write user=%s model=%s pk=%s", user.pk, obj._meta.label, obj.pk)
        raise PermissionDenied("You cannot change this record")
    return obj


# --- Named abilities -----------------------------------------------------------
# Every question "is this user a ..." asked outside this module is one of
# these (tests/test_import_rules.py fails on a role comparison elsewhere).


def has_caseload(user: User) -> bool:
    """Case managers: families are allocated to them and they change their records."""
    return role_of(user) == Role.CASE_MANAGER


def supervises(user: User) -> bool:
    """Supervisors: oversee their teams (or the whole service) and approve."""
    return role_of(user) == Role.SUPERVISOR


def works_with_victims(user: User) -> bool:
    """Victim workers: the victims' side, kept apart from case work."""
    return role_of(user) == Role.VICTIM_WORKER


def works_for_school(user: User) -> bool:
    """School staff: their school's parenting contracts, nothing else."""
    return role_of(user) == Role.SCHOOL_STAFF


def administers(user: User) -> bool:
    """Administrators: the service's configuration, job runs and subject access."""
    return role_of(user) == Role.ADMINISTRATOR


def does_case_work(user: User) -> bool:
    """Case managers and supervisors: the case-work side (families, children, cases)."""
    return role_of(user) in CASEWORK


def may_draft_contracts(user: User) -> bool:
    """School staff and case managers start parenting contracts (for whom:
    contract_pupils)."""
    return works_for_school(user) or has_caseload(user)


def sees_whole_service(user: User) -> bool:
    """A supervisor marked service-wide reads every team's case work (the
    one place ``User.service_wide`` is read)."""
    return supervises(user) and user.service_wide


def teams_for(user: User) -> QuerySet:
    """The teams this user may choose from (filters, lists): every team for a
    service-wide supervisor, else their own teams."""
    from yos.models import Team

    if sees_whole_service(user):
        return Team.objects.all()
    return Team.objects.filter(pk__in=team_ids(user))


def case_managers() -> QuerySet:
    """Every user in the case managers' group."""
    return User.objects.filter(groups__name=Role.CASE_MANAGER.value)


def can_allocate(user: User) -> bool:
    """Allocation of families to case managers: supervisors only."""
    return supervises(user)


def can_approve(user: User) -> bool:
    """Approvals (breach referral, contract termination, case closure): supervisors."""
    return supervises(user)


def can_request_case_closure(user: User, case) -> bool:
    """Asking to close a case: the family's allocated case manager (they may no
    longer close it themselves: a supervisor decides, PRODUCT.md)."""
    if not has_caseload(user):
        return False
    return can_change(user, case)


def can_decide_case_closure(user: User, case) -> bool:
    """Approving or refusing a closure request: a supervisor of the family's
    team (or a service-wide supervisor), never a case manager."""
    if not can_approve(user):
        return False
    return visible(user, type(case)).filter(pk=case.pk).exists()


def allocatable_case_managers(user: User, team_ids_: Iterable[int] | None = None) -> QuerySet:
    """Case managers this supervisor may allocate work to."""
    qs = case_managers().filter(is_active=True)
    if not sees_whole_service(user):
        qs = qs.filter(teams__in=team_ids(user))
    if team_ids_ is not None:
        qs = qs.filter(teams__in=list(team_ids_))
    return qs.distinct()


# --- Letters ----------------------------------------------------------------------

LETTER_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.SCHOOL_STAFF)


def can_act_on_letter(user: User, letter) -> bool:
    """Whether this user may move this letter along its life at all (which
    moves its state allows is yos.letters' to say): the family's allocated
    case manager, school staff for their school's letters, a supervisor for
    their teams' letters."""
    from yos.models import Letter

    role = role_of(user)
    if role == Role.SUPERVISOR:
        return visible(user, Letter).filter(pk=letter.pk).exists()
    if role in (Role.CASE_MANAGER, Role.SCHOOL_STAFF):
        return can_change(user, letter)
    return False


def supervisor_must_approve(letter) -> bool:
    """settings.LETTERS_SUPERVISOR_APPROVES_WARNINGS: warning letters need a supervisor."""
    return letter.is_warning and settings.LETTERS_SUPERVISOR_APPROVES_WARNINGS


def letter_actions(user: User, letter) -> set[str]:
    """What this user may do to this letter now: "approve", "send",
    "withdraw", "regenerate" (docs/domain-letters.md "Who does what").

    Those who may change the record the letter is about act on it: the
    family's allocated case manager, school staff for their school's
    contract letters. Supervisors act on the letters of their teams. With
    LETTERS_SUPERVISOR_APPROVES_WARNINGS, only a supervisor approves a
    warning letter. Nobody acts on a sent letter, or on an old version."""
    from yos.models import Letter

    if not can_act_on_letter(user, letter):
        return set()
    supervisor = role_of(user) == Role.SUPERVISOR
    superseded = Letter.objects.filter(supersedes=letter).exists()
    actions = set()
    if letter.status == Letter.Status.DRAFT and (supervisor or not supervisor_must_approve(letter)):
        actions.add("approve")
    if letter.status == Letter.Status.APPROVED:
        actions.add("send")
    if letter.status in (Letter.Status.DRAFT, Letter.Status.APPROVED):
        actions.add("withdraw")
    if letter.status != Letter.Status.SENT and not superseded:
        actions.add("regenerate")
    return actions


# --- Contracts -------------------------------------------------------------------


def contract_pupils(user: User) -> QuerySet:
    """The pupils this user may start a parenting contract for: school staff,
    the pupils recorded at their school (only to pick one: the Child page stays
    closed to them); case managers, the children of families allocated to them
    who have a school."""
    Child = apps.get_model("cases", "Child")  # by label, as in RULES: yos imports no app
    role = role_of(user)
    if role == Role.SCHOOL_STAFF and user.school_id is not None:
        return Child.objects.filter(school_id=user.school_id)
    if role == Role.CASE_MANAGER:
        return visible(user, Child, write=True).filter(school__isnull=False)
    return Child.objects.none()


def may_draft_contract_for(user: User, child, *, changeable: Callable[[], bool] | None = None):
    """Whether child is one of contract_pupils(user). For a case manager that is
    a child with a school whose record they may change; ``changeable`` is the
    page's own answer to can_change(user, child) when it has one (no query)."""
    if has_caseload(user) and changeable is not None:
        return child.school_id is not None and changeable()
    return contract_pupils(user).filter(pk=child.pk).exists()


SCHOOL_CANNOT_END_LA_CONTRACT = (
    "Only a YOS supervisor can end a contract with the local authority. "
    "Ask the family's case manager to request it."
)
CASE_MANAGER_REQUESTS_ENDING = (
    "A case manager cannot end a contract with the local authority: request it, "
    "and a supervisor decides."
)
NOT_YOUR_SCHOOLS_CONTRACT = "Only staff of the pupil's school can end this school's contract."
CANNOT_END_CONTRACT = "You cannot end this contract."
ONLY_ALLOCATED_REQUESTS = (
    "Only the family's allocated case manager can request that a contract with the "
    "local authority is ended."
)
ONLY_LA_CONTRACTS_REQUESTED = (
    "This is the school's own contract: the school's staff or a supervisor end it, "
    "no request is needed."
)
ONLY_SUPERVISORS_DECIDE = "Only a YOS supervisor can decide a request to end a contract."


def termination_refusal(user: User, contract) -> str | None:
    """Why user may not end contract early, or None when they may.

    A contract with the local authority is ended by a YOS supervisor who can
    see it (PRODUCT.md: supervisors approve contract terminations); the
    allocated case manager may only request it (termination_request_refusal).
    A school's own contract (the governing body is the party) is ended by that
    school's staff or by a supervisor. School staff can never end a contract
    with the local authority."""
    if supervises(user):
        if visible(user, type(contract)).filter(pk=contract.pk).exists():
            return None
        return CANNOT_END_CONTRACT
    if works_for_school(user):
        if contract.school_id != user.school_id:
            return NOT_YOUR_SCHOOLS_CONTRACT
        return SCHOOL_CANNOT_END_LA_CONTRACT if contract.la_is_party else None
    if has_caseload(user) and contract.la_is_party:
        return CASE_MANAGER_REQUESTS_ENDING
    return CANNOT_END_CONTRACT


def can_terminate_contract(user: User, contract) -> bool:
    return termination_refusal(user, contract) is None


def termination_request_refusal(user: User, contract) -> str | None:
    """Why user may not request that contract is ended, or None: only the
    family's allocated case manager, and only for a local-authority contract."""
    if not contract.la_is_party:
        return ONLY_LA_CONTRACTS_REQUESTED
    if not has_caseload(user) or not can_change(user, contract):
        return ONLY_ALLOCATED_REQUESTS
    return None


def can_request_termination(user: User, contract) -> bool:
    return termination_request_refusal(user, contract) is None


def termination_decision_refusal(user: User, contract) -> str | None:
    """Why user may not decide a request to end contract, or None: a supervisor who sees it."""
    if not supervises(user):
        return ONLY_SUPERVISORS_DECIDE
    if not visible(user, type(contract)).filter(pk=contract.pk).exists():
        return ONLY_SUPERVISORS_DECIDE
    return None


def can_decide_termination(user: User, contract) -> bool:
    return termination_decision_refusal(user, contract) is None


# --- Subject access -----------------------------------------------------------------


def can_export_subject(user: User) -> bool:
    """Subject access exports are the data protection officer's work, done by
    administrators (docs/security.md, check 33)."""
    return administers(user)


def subject_for_export(user: User, model: type[models.Model], pk):
    """The child or adult with pk for a subject access export: any of them for
    an administrator, whatever their team; 404 for anyone else or no such record."""
    if not can_export_subject(user):
        raise Http404(NOT_FOUND)
    try:
        return model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


# --- victims ------------------------------------------------------------------------


def can_open_victim_with_reason(user: User) -> bool:
    """Administrators may open a victim's record, but only after giving a
    reason that the view logs with the read (PRODUCT.md: "never case content
    without a logged reason"). Victim workers need no reason."""
    return administers(user)


def victim_for_administrator(user: User, qs: QuerySet, pk):
    """The victim with pk for an administrator (the caller asks for the reason
    and logs it before showing anything); 404 for anyone else or no such victim."""
    if not can_open_victim_with_reason(user):
        raise Http404(NOT_FOUND)
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


# --- Flags: the to-do list ------------------------------------------------------------


def _victim_content_type():
    from django.contrib.contenttypes.models import ContentType

    # by label, as in RULES: yos imports no app
    return ContentType.objects.get_for_model(apps.get_model("victims", "Victim"))


def visible_flags(user: User) -> QuerySet:
    """The flags this user may see: the family's or school's (RULES), and for
    victim workers the victims' flags, which carry neither. A victims' flag is
    never visible to anyone else, a service-wide supervisor included."""
    from yos.models import Flag

    if works_with_victims(user):
        return Flag.objects.filter(content_type=_victim_content_type())
    return visible(user, Flag).exclude(content_type=_victim_content_type())


def can_act_on_flag(user: User, flag) -> bool:
    """Who may assign, snooze or dismiss a flag they can see (no query: the
    flag's family is loaded with it). Case managers: flags of the families
    allocated to them, and flags assigned to them. Supervisors: any flag of
    their teams. School staff: their school's flags. Victim workers: the
    victims' flags. Administrators: none."""
    role = role_of(user)
    if role == Role.CASE_MANAGER:
        if flag.assigned_to_id == user.pk:
            return True
        return flag.family_id is not None and flag.family.case_manager_id == user.pk
    if role == Role.SUPERVISOR:
        return flag.family_id is not None and (
            user.service_wide or flag.family.team_id in team_ids(user)
        )
    if role == Role.SCHOOL_STAFF:
        return flag.school_id is not None and flag.school_id == user.school_id
    if role == Role.VICTIM_WORKER:
        return flag.content_type_id == _victim_content_type().pk
    return False


def flag_assignees(flag) -> QuerySet:
    """The colleagues a flag may be assigned to: active users who may see its
    record. A family's flag: the case managers and supervisors of the
    family's team (and, for a contract's flag, the school's staff); a
    victims' flag: victim workers; a school's flag: that school's staff."""
    users = User.objects.filter(is_active=True)
    if flag.content_type_id == _victim_content_type().pk:
        return users.filter(groups__name=Role.VICTIM_WORKER.value).distinct()
    who = Q(pk__in=[])
    if flag.family_id is not None:
        who |= Q(
            groups__name__in=[Role.CASE_MANAGER.value, Role.SUPERVISOR.value],
            teams=flag.family.team_id,
        )
        who |= Q(groups__name=Role.SUPERVISOR.value, service_wide=True)
    if flag.school_id is not None:
        who |= Q(groups__name=Role.SCHOOL_STAFF.value, school_id=flag.school_id)
    return users.filter(who).distinct()


def visible_notices(user: User) -> QuerySet:
    """A user's own decisions only: nobody sees another user's notices."""
    from yos.models import Notice

    if role_of(user) is None:
        return Notice.objects.none()
    return Notice.objects.filter(recipient_id=user.pk)
