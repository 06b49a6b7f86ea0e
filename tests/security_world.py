"""A small world for the security battery: two teams, two schools, and on each
side a family with children, parents, cases, a parenting order (requirement,
failure, referral), an active and a draft parenting contract (documents,
signatures, non-compliance, a warning letter), a victim (contact, update,
restorative-justice work), reparation, a flag and letters.

"own" is the North team's family allocated to ``case_manager``, its child a
pupil at Hillcrest (``school_staff``); "other" is the South team's family
allocated to ``outsider``, its child at Riverside (``other_school_staff``).
Every name carries a canary so a test can tell whose data a page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import CaseKind, ChildView
from cases.tests.factories import (
    AdultChildFactory,
    AdultFactory,
    CaseFactory,
    ChildFactory,
    FamilyFactory,
    SessionFactory,
)
from contracts import services as contract_services
from contracts.models import ParentingContract
from contracts.tests import factories as cf
from orders.tests.factories import (
    ConditionFactory,
    FailureFactory,
    OrderSessionFactory,
    ParentingCaseFactory,
    ParentingOrderFactory,
    ReferralFactory,
    RequirementFactory,
)
from victims.tests.factories import (
    ReparationFactory,
    RestorativeJusticeWorkFactory,
    VictimContactFactory,
    VictimFactory,
    VictimOffenceFactory,
    VictimUpdateFactory,
)
from yos.letters import letter_approve, print_pack_build, print_pack_request
from yos.models import Flag, Letter, StoredDocument
from yos.notices import notify_decision

PERSONAS = (
    "anonymous",
    "case_manager",
    "colleague",
    "outsider",
    "supervisor",
    "victim_worker",
    "school_staff",
    "other_school_staff",
    "administrator",
)


@dataclass
class Side:
    """One family's records (all the sample objects of one side)."""

    key: str
    canary: str
    family: object = None
    child: object = None
    sibling: object = None
    adult: object = None
    other_adult: object = None
    case: object = None
    session: object = None
    parenting_case: object = None
    order: object = None
    requirement: object = None
    condition: object = None
    failure: object = None
    referral: object = None
    contract: object = None
    draft_contract: object = None
    la_contract: object = None
    termination_request: object = None
    non_compliance: object = None
    document: object = None
    letter_document: object = None
    victim: object = None
    victim_contact: object = None
    rj_work: object = None
    reparation: object = None
    flag: object = None
    notice: object = None
    letter: object = None
    print_pack: object = None
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    users: dict
    own: Side
    other: Side
    teams: tuple
    schools: tuple

    def side(self, key: str) -> Side:
        return {"own": self.own, "other": self.other}[key]


def build_side(key, *, canary, team, school, case_manager, school_user) -> Side:
    s = Side(key=key, canary=canary)
    s.family = FamilyFactory(name=f"{canary}family", team=team, case_manager=case_manager)
    s.child = ChildFactory(family=s.family, first_name=f"{canary}child", school=school)
    s.sibling = ChildFactory(family=s.family, first_name=f"{canary}sibling", school=None)
    s.adult = AdultFactory(family=s.family, first_name=f"{canary}mother")
    s.other_adult = AdultFactory(family=s.family, first_name=f"{canary}father")
    AdultChildFactory(adult=s.adult, child=s.child, relationship="mother")
    AdultChildFactory(adult=s.other_adult, child=s.child, relationship="father")
    s.case = CaseFactory(child=s.child, kind=CaseKind.REFERRAL_ORDER)
    s.session = SessionFactory(case=s.case, notes=f"{canary}session note")
    ChildView.objects.create(
        child=s.child,
        recorded_on=dt.date(2026, 10, 1),
        recorded_by=case_manager,
        text=f"{canary}views of the child",
    )
    # Parenting order on a parenting case, with a requirement, a session, a
    # failure to comply and a breach referral.
    s.parenting_case = ParentingCaseFactory(child=s.child)
    s.order = ParentingOrderFactory(case=s.parenting_case, parents=[s.adult])
    s.requirement = RequirementFactory(order=s.order)
    s.condition = ConditionFactory(order=s.order)
    OrderSessionFactory(order=s.order, recorded_by=case_manager)
    s.failure = FailureFactory(order=s.order, excuse_decided_by=case_manager)
    s.referral = ReferralFactory(failure=s.failure, requested_by=case_manager)
    # An active contract (documents, signatures, non-compliance and a served
    # warning letter) and a draft.
    parents = [s.adult, s.other_adult]
    s.contract = cf.active(s.child, parents, school_user)
    s.non_compliance = cf.non_compliance(s.contract, school_user)
    letters = contract_services.warning_serve(non_compliance=s.non_compliance, by=school_user)
    s.letter = letters[0]
    s.letter_document = s.letter.document
    # The second letter approved and put into a print pack by the school's staff.
    letter_approve(letter=letters[1], by=school_user)
    s.print_pack = print_pack_request(letters=[letters[1]], by=school_user)
    print_pack_build(s.print_pack.pk)
    s.draft_contract = cf.draft(s.child, parents, school_user)
    # A contract with the local authority, and the case manager's request to end it.
    s.la_contract = cf.finalised(
        s.child, parents, case_manager, party=ParentingContract.Party.LOCAL_AUTHORITY
    )
    s.termination_request = contract_services.termination_request(
        contract=s.la_contract,
        reason=f"{canary} parents moved away",
        ended_on=dt.date(2026, 11, 30),
        services_consulted=False,
        by=case_manager,
    )
    s.document = StoredDocument.objects.filter(
        kind=StoredDocument.Kind.CONTRACT,
        content_type=ContentType.objects.get_for_model(ParentingContract),
        object_id=s.contract.pk,
    ).first()
    # The victim of the child's offence, and the child's reparation.
    s.victim = VictimFactory(name=f"VICTIMCANARY{canary} Person", address=f"VICTIMADDR{canary}")
    offence = VictimOffenceFactory(victim=s.victim, case=s.case)
    s.victim_contact = VictimContactFactory(victim=s.victim, by=case_manager)
    VictimUpdateFactory(victim=s.victim, by=case_manager, text=f"VICTIMUPDATE{canary}")
    s.rj_work = RestorativeJusticeWorkFactory(offence=offence)
    s.reparation = ReparationFactory(case=s.case, placement=f"{canary}garden")
    # A flag no save answers (extensions.flag_answers()), so that the crawls and
    # forms that edit the records leave it open for the flag pages' cells.
    s.flag = Flag.objects.create(
        kind=Flag.Kind.ADDRESS_NEEDED,
        content_type=ContentType.objects.get_for_model(type(s.failure)),
        object_id=s.failure.pk,
        family=s.family,
        child=s.child,
        due_on=dt.date(2026, 12, 1),
        raised_by=case_manager,
    )
    # A decision on the case manager's breach referral (yos.notices).
    s.notice = notify_decision(
        recipient=case_manager,
        subject=s.failure,
        message=f"{canary}supervisor approved your breach referral",
        by=case_manager,
    )
    assert Letter.objects.filter(pk=s.letter.pk).exists()
    return s


@pytest.fixture
def world(
    team,
    other_team,
    school,
    other_school,
    case_manager,
    colleague,
    outsider,
    supervisor,
    victim_worker,
    school_staff,
    other_school_staff,
    administrator,
) -> World:
    users = {
        "case_manager": case_manager,
        "colleague": colleague,
        "outsider": outsider,
        "supervisor": supervisor,
        "victim_worker": victim_worker,
        "school_staff": school_staff,
        "other_school_staff": other_school_staff,
        "administrator": administrator,
    }
    own = build_side(
        "own",
        canary="Ashdown",
        team=team,
        school=school,
        case_manager=case_manager,
        school_user=school_staff,
    )
    other = build_side(
        "other",
        canary="Brackley",
        team=other_team,
        school=other_school,
        case_manager=outsider,
        school_user=other_school_staff,
    )
    # An unconfirmed authenticator, so the admin's device pages have a sample.
    TOTPDevice.objects.create(user=administrator, name="matrix sample", confirmed=False)
    return World(
        users=users, own=own, other=other, teams=(team, other_team), schools=(school, other_school)
    )
