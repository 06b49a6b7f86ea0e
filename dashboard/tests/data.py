"""A hand-made data set for the dashboard tests: one copy holds, for the
supervisor's team (North) and for another team (South), the same records, so
every figure has a known count and nothing of South may be counted.

Dates: the range under test is 1 January to 31 October 2026.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from cases.models import SEN, Attendance, CaseKind, CaseStatus
from cases.tests.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    FamilyFactory,
    SessionFactory,
)
from contracts.models import ParentingContract
from dashboard.models import NeedKind, NeedsScreening, OrderEndOutcome
from orders.models import Attendance as OrderAttendance
from orders.models import ReferralStatus
from orders.tests.factories import (
    FailureFactory,
    OrderSessionFactory,
    ParentingCaseFactory,
    ParentingOrderFactory,
    ReferralFactory,
    RequirementFactory,
)
from victims.tests.factories import (
    RestorativeJusticeWorkFactory,
    VictimContactFactory,
    VictimOffenceFactory,
    VictimUpdateFactory,
)
from yos.models import JobRun, Letter, School, StoredDocument

START = dt.date(2026, 1, 1)
END = dt.date(2026, 10, 31)
LONDON = ZoneInfo("Europe/London")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)


def _letter(
    family, child, adult, by, n: str, kind=Letter.Kind.ORDER_WARNING, on=dt.date(2026, 4, 2)
):
    ct = ContentType.objects.get_for_model(family)
    doc = StoredDocument.objects.create(
        kind=StoredDocument.Kind.LETTER,
        file=f"documents/2026/04/{n}.pdf",
        mime_type="application/pdf",
        size=10,
        sha256="0" * 64,
        created_by=by,
        reason="Warning letter",
        content_type=ct,
        object_id=family.pk,
    )
    letter = Letter.objects.create(
        kind=kind,
        dedupe_key=f"test:{n}",
        recipient=adult,
        content_type=ct,
        object_id=family.pk,
        family=family,
        child=child,
        reason="Warning",
        document=doc,
        generated_by=by,
    )
    Letter.objects.filter(pk=letter.pk).update(generated_at=_at(on))
    return letter


def build(team, case_manager, *, tag: str = "", first_name: str = "Amira") -> dict:
    """One team's records. Returns the main records by name."""
    by = case_manager
    fam = FamilyFactory(team=team, case_manager=case_manager, name=f"Okoro{tag}")
    unallocated = FamilyFactory(team=team, case_manager=None, name=f"Lindqvist{tag}")
    ehcp = ChildFactory(family=fam, first_name=first_name, sen=SEN.EHCP)
    support = ChildFactory(family=fam, first_name="Benedek", sen=SEN.SUPPORT)
    unknown = ChildFactory(family=unallocated, first_name="Caoimhe", sen=SEN.NOT_KNOWN)
    adult = AdultFactory(family=fam)

    # Cases: open on 31 October: 2 (a referral order, a parenting case);
    # statutory cases closed in the range: 2; one closed before it.
    open_order = CaseFactory(
        child=ehcp,
        kind=CaseKind.REFERRAL_ORDER,
        opened_on=dt.date(2026, 3, 1),
        referred_on=dt.date(2026, 2, 20),
    )
    caution = CaseFactory(
        child=ehcp,
        kind=CaseKind.YOUTH_CAUTION,
        status=CaseStatus.CLOSED,
        referred_on=dt.date(2026, 1, 5),
        opened_on=dt.date(2026, 1, 6),
        closed_on=dt.date(2026, 5, 1),
        closure_reason="Caution completed",
    )
    yro = CaseFactory(
        child=support,
        kind=CaseKind.YRO,
        status=CaseStatus.CLOSED,
        referred_on=dt.date(2025, 10, 1),
        opened_on=dt.date(2025, 10, 2),
        closed_on=dt.date(2026, 6, 10),
        closure_reason="Order completed",
    )
    CaseFactory(
        child=unknown,
        kind=CaseKind.YRO,
        status=CaseStatus.CLOSED,
        referred_on=dt.date(2025, 1, 1),
        opened_on=dt.date(2025, 1, 2),
        closed_on=dt.date(2025, 12, 1),
        closure_reason="Order completed",
    )
    parenting = ParentingCaseFactory(
        child=unknown, opened_on=dt.date(2026, 7, 25), referred_on=dt.date(2026, 7, 20)
    )

    # KPI events. The YRO: latest outcome suitable accommodation and ETE (an
    # earlier record said ETE was not suitable). The caution: nothing recorded.
    OrderEndOutcome.objects.create(
        case=yro,
        recorded_on=dt.date(2026, 6, 1),
        accommodation_suitable=True,
        ete_suitable=False,
        recorded_by=by,
    )
    OrderEndOutcome.objects.create(
        case=yro,
        recorded_on=dt.date(2026, 6, 9),
        accommodation_suitable=True,
        ete_suitable=True,
        ete_hours=25,
        recorded_by=by,
    )
    NeedsScreening.objects.create(
        case=yro,
        need=NeedKind.MENTAL_HEALTH,
        screened_on=dt.date(2026, 1, 10),
        identified=True,
        support_offered=True,
        attending=True,
        recorded_by=by,
    )
    NeedsScreening.objects.create(
        case=caution,
        need=NeedKind.MENTAL_HEALTH,
        screened_on=dt.date(2026, 1, 10),
        identified=True,
        recorded_by=by,
    )

    # Parenting orders: counselling ending 1 November and a requirement ending
    # 15 November (within 30 days of 31 October); an older order whose last
    # requirement ended 1 May (its case is due for closure).
    order = ParentingOrderFactory(case=parenting, made_on=dt.date(2026, 8, 1), parents=[adult])
    RequirementFactory(order=order, ends_on=dt.date(2026, 11, 15))
    old_case = ParentingCaseFactory(
        child=support, opened_on=dt.date(2025, 6, 1), referred_on=dt.date(2025, 6, 1)
    )
    old_order = ParentingOrderFactory(case=old_case, made_on=dt.date(2025, 6, 1), parents=[adult])
    RequirementFactory(order=old_order, ends_on=dt.date(2026, 5, 1))

    # Sessions: March 2 attended, 1 missed (case); August 1 attended, 1 missed (order).
    for day, attendance in (
        (dt.date(2026, 3, 2), Attendance.ATTENDED),
        (dt.date(2026, 3, 9), Attendance.ATTENDED),
        (dt.date(2026, 3, 16), Attendance.UNEXCUSED),
        (dt.date(2025, 12, 1), Attendance.ATTENDED),  # before the range
    ):
        SessionFactory(case=open_order, starts_at=_at(day), attendance=attendance)
    OrderSessionFactory(
        order=order,
        held_on=dt.date(2026, 8, 8),
        attendance=OrderAttendance.ATTENDED,
        recorded_by=by,
    )
    missed = OrderSessionFactory(
        order=order,
        held_on=dt.date(2026, 8, 15),
        attendance=OrderAttendance.MISSED_UNEXCUSED,
        recorded_by=by,
    )

    # Compliance: one failure, one approved referral, one warning letter.
    failure = FailureFactory(
        order=order,
        session=missed,
        occurred_on=dt.date(2026, 8, 15),
        parent=adult,
        excuse_decided_by=by,
    )
    ReferralFactory(
        failure=failure,
        requested_by=by,
        requested_at=_at(dt.date(2026, 8, 20)),
        status=ReferralStatus.APPROVED,
        decided_by=by,
        decided_at=_at(dt.date(2026, 8, 21)),
        decision_reason="Third failure",
    )
    _letter(fam, ehcp, adult, by, f"warning{tag}{team.pk}")

    # Contracts: one review overdue (active), one awaiting signatures since
    # January (not signed in time), one completed and one terminated in the range.
    school, _ = School.objects.get_or_create(urn="900001", defaults={"name": "Hillside School"})
    common = {
        "pupil": support,
        "school": school,
        "lead_practitioner": "Lead",
        "created_by": by,
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
    }
    ParentingContract.objects.create(
        status="active",
        consent_given=True,
        activated_on=dt.date(2026, 1, 5),
        next_review_on=dt.date(2026, 10, 1),
        **common,
    )
    ParentingContract.objects.create(
        status="awaiting_signatures",
        consent_given=True,
        finalised_on=dt.date(2026, 1, 10),
        **common,
    )
    ParentingContract.objects.create(
        status="completed",
        consent_given=True,
        activated_on=dt.date(2026, 1, 5),
        ended_on=dt.date(2026, 7, 1),
        **common,
    )
    ParentingContract.objects.create(
        status="terminated",
        consent_given=True,
        activated_on=dt.date(2026, 1, 5),
        ended_on=dt.date(2026, 7, 2),
        **common,
    )

    # Victims of the open referral order: one received 2 March 2026 (Monday),
    # offered RJ on 4 March (in time), consented, taking part; one received
    # 2 March and first offered RJ on 20 March (late), consented, not taking
    # part; one received in 2025 (outside the range). One update in the range.
    on_time = VictimOffenceFactory(case=open_order, victim__details_received_on=dt.date(2026, 3, 2))
    VictimContactFactory(
        victim=on_time.victim,
        contacted_on=dt.date(2026, 3, 4),
        consent_given=True,
        consent_on=dt.date(2026, 3, 4),
        by=by,
    )
    RestorativeJusticeWorkFactory(offence=on_time, started_on=dt.date(2026, 4, 1))
    late = VictimOffenceFactory(case=open_order, victim__details_received_on=dt.date(2026, 3, 2))
    VictimContactFactory(
        victim=late.victim,
        contacted_on=dt.date(2026, 3, 20),
        consent_given=True,
        consent_on=dt.date(2026, 3, 20),
        by=by,
    )
    VictimUpdateFactory(victim=late.victim, given_on=dt.date(2026, 4, 10), by=by)
    VictimOffenceFactory(case=open_order, victim__details_received_on=dt.date(2025, 3, 2))

    return {
        "ehcp": ehcp,
        "support": support,
        "unknown": unknown,
        "yro": yro,
        "caution": caution,
        "open_order": open_order,
        "family": fam,
    }


def job_runs() -> None:
    JobRun.objects.create(
        job="nightly", run_date=dt.date(2026, 10, 30), status=JobRun.Status.FAILED, errors="boom"
    )
    JobRun.objects.create(
        job="nightly", run_date=dt.date(2026, 10, 31), status=JobRun.Status.SUCCEEDED
    )
