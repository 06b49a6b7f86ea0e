"""Issue 17, "Children and cases": the age of criminal responsibility, care
leavers aged 16 or over, and surveillance or monitoring only on court orders,
through the services and the pages, per persona."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import rules, services
from cases.models import Attendance, CareStatus, Case, CaseKind, Child, Session, SessionKind
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory, SessionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False)


@pytest.fixture
def family(team, case_manager):
    return FamilyFactory(team=team, case_manager=case_manager, name="Marlowe")


def dmy(name: str, day: dt.date) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def under_ten(age: int, on: dt.date) -> str:
    return rules.UNDER_AGE_OF_RESPONSIBILITY.format(age=age, on=rules.long_date(on))


# --- Age of criminal responsibility ----------------------------------------------------


def test_the_refusal_reads_in_plain_english():
    assert under_ten(9, dt.date(2026, 10, 3)) == (
        "A child under 10 cannot be guilty of an offence, so this kind of case cannot be "
        "opened: the child was 9 on 3 October 2026. Choose prevention work instead"
    )


@pytest.mark.parametrize(
    ("offence_date", "refused"),
    [
        (dt.date(2026, 5, 16), True),  # the day before the 10th birthday
        (dt.date(2026, 5, 17), False),  # the 10th birthday
    ],
)
def test_a_child_is_responsible_from_their_tenth_birthday(offence_date, refused):
    """Children and Young Persons Act 1933 s.50: "It shall be conclusively
    presumed that no child under the age of ten years can be guilty of any
    offence." """
    problem = rules.criminal_responsibility_problem(
        kind=CaseKind.YOUTH_CAUTION,
        offence_kinds=CaseKind.statutory(),
        date_of_birth=dt.date(2016, 5, 17),
        offence_date=offence_date,
        referred_on=dt.date(2026, 9, 1),
    )
    assert (problem == under_ten(9, offence_date)) if refused else problem is None


def test_a_29_february_child_is_ten_on_1_march_of_a_common_year():
    """s.50 with the one age function: born 29 February 2016, the child is
    still 9 on 28 February 2026 and 10 on 1 March 2026."""

    def on(day):
        return rules.criminal_responsibility_problem(
            kind=CaseKind.YRO,
            offence_kinds=CaseKind.statutory(),
            date_of_birth=dt.date(2016, 2, 29),
            offence_date=day,
            referred_on=None,
        )

    assert on(dt.date(2026, 2, 28)) == under_ten(9, dt.date(2026, 2, 28))
    assert on(dt.date(2026, 3, 1)) is None


def test_without_an_offence_date_the_age_is_taken_on_the_date_referred():
    """s.50; decision (docs/domain-cases.md): with no offence date recorded the
    referral date is used, the latest day the offence can have happened."""
    problem = rules.criminal_responsibility_problem(
        kind=CaseKind.BAIL_REMAND,
        offence_kinds=CaseKind.statutory(),
        date_of_birth=dt.date(2017, 1, 10),
        offence_date=None,
        referred_on=dt.date(2026, 11, 2),
    )
    assert problem == under_ten(9, dt.date(2026, 11, 2))


@pytest.mark.parametrize(
    "kind",
    [
        CaseKind.TRIAGE,
        CaseKind.COMMUNITY_RESOLUTION,
        CaseKind.YOUTH_CAUTION,
        CaseKind.YOUTH_CONDITIONAL_CAUTION,
        CaseKind.BAIL_REMAND,
        CaseKind.REFERRAL_ORDER,
        CaseKind.YRO,
        CaseKind.DTO,
    ],
)
def test_no_case_that_follows_an_offence_opens_for_a_nine_year_old(family, case_manager, kind):
    """s.50: "no child under the age of ten years can be guilty of any offence",
    so no out-of-court disposal, bail or remand, court order (or triage)."""
    child = ChildFactory(family=family, date_of_birth=dt.date(2017, 1, 10))
    with pytest.raises(ValidationError) as error:
        services.case_open(
            child=child,
            kind=kind,
            referred_on=dt.date(2026, 11, 2),
            offence_date=dt.date(2026, 10, 3),
            offence="Criminal damage",
            by=case_manager,
        )
    assert error.value.message_dict == {"kind": [under_ten(9, dt.date(2026, 10, 3))]}
    assert not Case.objects.exists()


@pytest.mark.parametrize("kind", [CaseKind.PREVENTION, CaseKind.PARENTING])
def test_prevention_and_parenting_work_stay_open_to_a_nine_year_old(family, case_manager, kind):
    """s.50 is about guilt; seed 003: "There is no minimum age" for the
    service's prevention work, and parenting support is the parent's."""
    child = ChildFactory(family=family, date_of_birth=dt.date(2017, 1, 10))
    case = services.case_open(
        child=child, kind=kind, referred_on=dt.date(2026, 11, 2), by=case_manager
    )
    assert case.kind == kind


def test_changing_a_prevention_case_into_a_caution_for_a_nine_year_old_is_refused(
    family, case_manager
):
    """s.50, on the edit as well as the opening."""
    child = ChildFactory(family=family, date_of_birth=dt.date(2017, 1, 10))
    case = CaseFactory(child=child, kind=CaseKind.PREVENTION, offence_date=None, offence="")
    with pytest.raises(ValidationError) as error:
        services.case_update(
            case=case,
            changes={"kind": CaseKind.YOUTH_CAUTION, "offence_date": dt.date(2026, 10, 3)},
            loaded_version=case.version,
            by=case_manager,
        )
    assert error.value.message_dict["kind"] == [under_ten(9, dt.date(2026, 10, 3))]
    case.refresh_from_db()
    assert case.kind == CaseKind.PREVENTION


def test_the_open_case_page_shows_the_refusal_next_to_the_kind_and_keeps_what_was_typed(
    client_for, case_manager, family
):
    """s.50 on the page: the message by the field, the form still filled in."""
    child = ChildFactory(family=family, date_of_birth=dt.date(2017, 1, 10))
    response = client_for(case_manager).post(
        reverse("cases:open-case", args=[child.pk]),
        {
            "kind": CaseKind.YOUTH_CAUTION,
            **dmy("referred_on", dt.date(2026, 11, 2)),
            **dmy("offence_date", dt.date(2026, 10, 3)),
            "offence": "Criminal damage to a bus shelter",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"kind": [under_ten(9, dt.date(2026, 10, 3))]}
    page = response.content.decode()
    assert "Criminal damage to a bus shelter" in page
    # Next to the field: the select is described by its error message.
    described_by = re.search(r'<select name="kind" aria-describedby="([^"]+)"', page).group(1)
    assert "id_kind_1_error" in described_by.split()
    assert not Case.objects.exists()


def test_school_staff_cannot_reach_the_open_case_page(client_for, school_staff, family):
    child = ChildFactory(family=family)
    response = client_for(school_staff).get(reverse("cases:open-case", args=[child.pk]))
    assert response.status_code == 404


# --- Care leavers ------------------------------------------------------------------------

CARE_LEAVER_FIELDS = {
    "care_status": CareStatus.CARE_LEAVER,
    "responsible_authority": "Demo Council",
}


def test_a_care_leaver_under_16_is_refused_with_a_suggestion(family, case_manager):
    """Children (Leaving Care) Act 2000 (Children Act 1989 s.23A(2)): a
    "relevant child" is one who "(a) is not being looked after by any local
    authority; (b) was, before last ceasing to be looked after, an eligible
    child …; and (c) is aged sixteen or seventeen"."""
    with pytest.raises(ValidationError) as error:
        services.child_create(
            family=family,
            first_name="Rory",
            last_name="Marlowe",
            date_of_birth=dt.date(2011, 5, 17),
            by=case_manager,
            **CARE_LEAVER_FIELDS,
        )
    assert error.value.message_dict == {
        "care_status": [
            "A care leaver must be aged 16 or over: this child is 15. If the child is in the "
            "care of a local authority now, choose looked-after child"
        ]
    }
    assert not Child.objects.exists()


def test_a_care_leaver_may_be_recorded_from_their_sixteenth_birthday(family, case_manager):
    """Leaving Care Act 2000: "aged sixteen or seventeen" (and care leavers
    beyond, as former relevant children)."""
    child = services.child_create(
        family=family,
        first_name="Rory",
        last_name="Marlowe",
        date_of_birth=dt.date(2010, 11, 25),
        by=case_manager,
        **CARE_LEAVER_FIELDS,
    )
    assert child.care_status == CareStatus.CARE_LEAVER


def test_the_day_before_the_sixteenth_birthday_is_still_too_young(family, case_manager):
    """Leaving Care Act 2000: "aged sixteen or seventeen"; 16 tomorrow is 15."""
    with pytest.raises(ValidationError) as error:
        services.child_create(
            family=family,
            first_name="Rory",
            last_name="Marlowe",
            date_of_birth=dt.date(2010, 11, 26),
            by=case_manager,
            **CARE_LEAVER_FIELDS,
        )
    assert error.value.message_dict == {"care_status": [rules.CARE_LEAVER_UNDER_16.format(age=15)]}


def test_looked_after_status_stays_open_to_younger_children(family, case_manager):
    child = services.child_create(
        family=family,
        first_name="Rory",
        last_name="Marlowe",
        date_of_birth=dt.date(2016, 5, 17),
        care_status=CareStatus.LOOKED_AFTER,
        responsible_authority="Demo Council",
        by=case_manager,
    )
    assert child.care_status == CareStatus.LOOKED_AFTER


def test_the_child_form_explains_next_to_the_status(client_for, case_manager, family):
    """Leaving Care Act 2000: the form explains and suggests looked-after
    status; nothing typed is lost."""
    child = ChildFactory(family=family, date_of_birth=dt.date(2013, 4, 2))
    data = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        **dmy("date_of_birth", child.date_of_birth),
        "gender": "not_known",
        "ethnicity": "not_known",
        "sen": "not_known",
        "care_status": CareStatus.CARE_LEAVER,
        "responsible_authority": "Demo Council children's services",
        "loaded_version": child.version,
    }
    response = client_for(case_manager).post(reverse("cases:edit-child", args=[child.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "care_status": [rules.CARE_LEAVER_UNDER_16.format(age=13)]
    }
    assert "Demo Council children&#x27;s services" in response.content.decode()
    child.refresh_from_db()
    assert child.care_status == CareStatus.NONE


def test_a_care_leaver_recorded_under_16_before_the_rule_is_flagged_on_the_child_page(
    client_for, case_manager, family
):
    """Decision (docs/domain-cases.md): records made before the rule are not
    changed by a migration (nobody can tell from the record whether the child
    is in care now); the child page asks the case manager to check."""
    child = ChildFactory(family=family, date_of_birth=dt.date(2012, 1, 9), **CARE_LEAVER_FIELDS)
    response = client_for(case_manager).get(child.get_absolute_url())
    assert response.status_code == 200
    assert rules.CARE_LEAVER_UNDER_16_NOTICE.format(age=14) in response.content.decode()
    child.refresh_from_db()
    assert child.care_status == CareStatus.CARE_LEAVER


# --- Surveillance or monitoring only on statutory orders ---------------------------------

STARTS = dt.datetime(2026, 11, 20, 10, tzinfo=LONDON)


@pytest.mark.parametrize("kind", sorted(CaseKind.court_orders()))
def test_monitoring_is_recorded_on_a_court_order(family, case_manager, kind):
    """Seed 003: "surveillance monitoring (statutory orders only)"."""
    case = CaseFactory(child__family=family, kind=kind)
    session = services.session_record(
        case=case,
        kind=SessionKind.MONITORING,
        starts_at=STARTS,
        attendance=Attendance.ATTENDED,
        by=case_manager,
    )
    assert session.kind == SessionKind.MONITORING


@pytest.mark.parametrize(
    "kind",
    sorted(set(CaseKind.values) - CaseKind.court_orders()),
)
def test_monitoring_is_refused_on_any_other_case(family, case_manager, kind):
    """Seed 003: "surveillance monitoring (statutory orders only)"."""
    case = CaseFactory(child__family=family, kind=kind)
    with pytest.raises(ValidationError) as error:
        services.session_record(
            case=case, kind=SessionKind.MONITORING, starts_at=STARTS, by=case_manager
        )
    assert error.value.message_dict == {
        "kind": [
            "Surveillance or monitoring can only be recorded on a court order case "
            "(referral order, youth rehabilitation order or detention and training order)"
        ]
    }
    assert not Session.objects.exists()


def test_a_session_cannot_be_changed_into_monitoring_off_a_court_order(family, case_manager):
    """Seed 003, on the edit as well."""
    session = SessionFactory(case__child__family=family, case__kind=CaseKind.YOUTH_CAUTION)
    with pytest.raises(ValidationError) as error:
        services.session_update(
            session=session,
            changes={"kind": SessionKind.MONITORING},
            loaded_version=session.version,
            by=case_manager,
        )
    assert error.value.message_dict == {"kind": [rules.MONITORING_ONLY_ON_COURT_ORDERS]}


def test_a_monitoring_session_already_recorded_keeps_its_kind_when_attendance_is_recorded(
    family, case_manager
):
    """Decision (docs/domain-cases.md): sessions recorded before the rule stay
    as they are; recording their attendance is not refused."""
    session = SessionFactory(
        case__child__family=family, case__kind=CaseKind.BAIL_REMAND, kind=SessionKind.MONITORING
    )
    services.session_update(
        session=session,
        changes={"kind": SessionKind.MONITORING, "attendance": Attendance.ATTENDED},
        loaded_version=session.version,
        by=case_manager,
    )
    session.refresh_from_db()
    assert session.attendance == Attendance.ATTENDED
    assert session.history.first().history_user == case_manager


def test_the_record_session_page_shows_the_monitoring_refusal_next_to_the_kind(
    client_for, case_manager, family
):
    """Seed 003 on the page."""
    case = CaseFactory(child__family=family, kind=CaseKind.PREVENTION, offence_date=None)
    response = client_for(case_manager).post(
        reverse("cases:record-session", args=[case.pk]),
        {
            "kind": SessionKind.MONITORING,
            **dmy("day", dt.date(2026, 11, 20)),
            "start": "10:00",
            "attendance": Attendance.ATTENDED,
            "notes": "Checked the curfew",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"kind": [rules.MONITORING_ONLY_ON_COURT_ORDERS]}
    assert "Checked the curfew" in response.content.decode()
    assert not Session.objects.exists()
