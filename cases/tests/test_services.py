"""The services: what they save, what they refuse (exact messages), and the
user each history row records."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Attendance, CaseKind, CaseStatus, Child, SessionKind
from cases.tests import closure_hook
from cases.tests.factories import CaseFactory, ChildFactory, FamilyFactory
from conftest import make_user
from yos import extensions
from yos.lib.versioning import StaleRecord
from yos.models import Role

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False)


@pytest.fixture
def family(team, case_manager):
    return FamilyFactory(team=team, case_manager=case_manager, name="Marlowe")


@pytest.fixture
def child(family):
    return ChildFactory(
        family=family, first_name="Kai", last_name="Marlowe", date_of_birth=dt.date(2011, 3, 4)
    )


def messages(error: ValidationError) -> dict:
    return error.value.message_dict


# --- Families -------------------------------------------------------------------


def test_family_create_records_who_created_it(team, case_manager):
    family = services.family_create(
        name="Quill", team=team, case_manager=case_manager, by=case_manager
    )
    row = family.history.get()
    assert row.history_user == case_manager
    assert row.history_type == "+"


def test_a_supervisor_allocates_a_family_and_the_history_shows_each_move(
    family, supervisor, colleague, case_manager
):
    services.family_allocate(family=family, case_manager=colleague, by=supervisor)
    services.family_allocate(family=family, case_manager=case_manager, by=supervisor)
    family.refresh_from_db()
    assert family.case_manager == case_manager
    moves = [
        (r.case_manager_id, r.history_user_id) for r in family.history.order_by("history_date")[1:]
    ]
    assert moves == [(colleague.pk, supervisor.pk), (case_manager.pk, supervisor.pk)]


def test_allocation_is_refused_to_another_teams_case_manager(family, supervisor, outsider):
    with pytest.raises(ValidationError) as error:
        services.family_allocate(family=family, case_manager=outsider, by=supervisor)
    assert messages(error) == {
        "case_manager": ["Choose a case manager who works in this family's team"]
    }


def test_a_service_wide_supervisor_moves_a_family_to_another_team(
    family, team, outsider, other_team
):
    boss = make_user(Role.SUPERVISOR, "head", teams=[team], service_wide=True)
    services.family_allocate(family=family, case_manager=outsider, by=boss)
    family.refresh_from_db()
    assert (family.case_manager, family.team) == (outsider, other_team)


def test_a_case_manager_cannot_allocate(family, case_manager, colleague):
    with pytest.raises(PermissionDenied):
        services.family_allocate(family=family, case_manager=colleague, by=case_manager)


def test_a_stale_family_edit_saves_nothing(family, case_manager):
    services.family_update(
        family=family, changes={"notes": "first"}, loaded_version=1, by=case_manager
    )
    with pytest.raises(StaleRecord):
        services.family_update(
            family=family, changes={"notes": "second"}, loaded_version=1, by=case_manager
        )
    family.refresh_from_db()
    assert family.notes == "first"


# --- Children -------------------------------------------------------------------


def test_a_date_of_birth_in_the_future_is_refused(family, case_manager):
    with pytest.raises(ValidationError) as error:
        services.child_create(
            family=family,
            first_name="Ava",
            last_name="Marlowe",
            date_of_birth=dt.date(2027, 1, 1),
            by=case_manager,
        )
    assert messages(error) == {"date_of_birth": ["Date of birth must be in the past"]}
    assert not Child.objects.filter(first_name="Ava").exists()


def test_a_child_with_the_same_name_and_date_of_birth_is_shown_first(child, family, case_manager):
    with pytest.raises(services.PossibleDuplicate) as found:
        services.child_create(
            family=family,
            first_name="kai",
            last_name="MARLOWE",
            date_of_birth=dt.date(2011, 3, 4),
            by=case_manager,
        )
    assert found.value.existing == [child]
    assert Child.objects.count() == 1


def test_a_possible_duplicate_is_created_after_confirmation(child, family, case_manager):
    twin = services.child_create(
        family=family,
        first_name="Kai",
        last_name="Marlowe",
        date_of_birth=dt.date(2011, 3, 4),
        confirm_not_duplicate=True,
        by=case_manager,
    )
    assert twin.pk != child.pk
    assert twin.history.get().history_user == case_manager


def test_a_duplicate_the_user_cannot_see_is_not_shown(outsider, other_team, child):
    other = FamilyFactory(team=other_team, case_manager=outsider)
    made = services.child_create(
        family=other,
        first_name="Kai",
        last_name="Marlowe",
        date_of_birth=dt.date(2011, 3, 4),
        by=outsider,
    )
    assert made.family == other


def test_a_looked_after_child_needs_the_responsible_authority(child, case_manager):
    with pytest.raises(ValidationError) as error:
        services.child_update(
            child=child, changes={"care_status": "looked_after"}, loaded_version=1, by=case_manager
        )
    assert messages(error) == {
        "responsible_authority": [
            "Enter the responsible authority for a looked-after child or care leaver"
        ]
    }


def test_child_update_records_the_user(child, case_manager):
    services.child_update(child=child, changes={"sen": "ehcp"}, loaded_version=1, by=case_manager)
    assert child.history.latest().history_user == case_manager


def test_views_and_wishes_are_recorded_by_the_user(child, case_manager):
    view = services.child_view_record(
        child=child, recorded_on=TODAY, text="I like art.", by=case_manager
    )
    assert (view.recorded_by, view.history.get().history_user) == (case_manager, case_manager)


# --- Adults ---------------------------------------------------------------------


def test_an_adult_is_created_with_links_to_children(child, family, case_manager):
    adult = services.adult_create(
        family=family,
        first_name="Dale",
        last_name="Marlowe",
        links=[
            {
                "child": child,
                "relationship": "father",
                "parental_responsibility": True,
                "resident": False,
            }
        ],
        by=case_manager,
    )
    link = adult.child_links.get()
    assert (link.child, link.resident, link.parental_responsibility) == (child, False, True)
    assert link.history.get().history_user == case_manager


def test_an_adult_cannot_be_linked_to_another_familys_child(family, case_manager, team):
    stranger = ChildFactory(family=FamilyFactory(team=team))
    with pytest.raises(ValidationError) as error:
        services.adult_create(
            family=family,
            first_name="Dale",
            last_name="Marlowe",
            links=[
                {
                    "child": stranger,
                    "relationship": "father",
                    "parental_responsibility": True,
                    "resident": True,
                }
            ],
            by=case_manager,
        )
    assert messages(error) == {"child": ["Choose a child in this family"]}


# --- Cases ----------------------------------------------------------------------


def open_case(child, by, **kw):
    defaults = {
        "kind": CaseKind.REFERRAL_ORDER,
        "referred_on": dt.date(2026, 10, 1),
        "opened_on": dt.date(2026, 10, 5),
        "offence_date": dt.date(2026, 9, 1),
        "offence": "Theft",
    }
    return services.case_open(child=child, by=by, **{**defaults, **kw})


def test_opening_a_case_records_the_user_and_its_status(child, case_manager):
    case = open_case(child, case_manager)
    assert case.status == CaseStatus.OPEN
    assert case.history.get().history_user == case_manager
    referred = open_case(child, case_manager, opened_on=None)
    assert referred.status == CaseStatus.REFERRED


def test_a_statutory_case_needs_an_offence_date(child, case_manager):
    with pytest.raises(ValidationError) as error:
        open_case(child, case_manager, offence_date=None)
    assert messages(error) == {"offence_date": ["Enter the date of the offence"]}


def test_a_statutory_case_needs_the_child_under_18_at_the_offence(family, case_manager):
    """Seed 003: the service works with "children and young people aged under 18 years"."""
    adult = ChildFactory(family=family, date_of_birth=dt.date(2008, 6, 1))
    with pytest.raises(ValidationError) as error:
        open_case(adult, case_manager, offence_date=dt.date(2026, 6, 1))
    assert messages(error) == {
        "offence_date": [
            "The child must have been under 18 on the date of the offence for this kind of case"
        ]
    }
    assert open_case(adult, case_manager, offence_date=dt.date(2026, 5, 31)).pk


def test_an_offence_date_in_the_future_is_refused(child, case_manager):
    with pytest.raises(ValidationError) as error:
        open_case(child, case_manager, offence_date=dt.date(2026, 12, 1))
    assert messages(error) == {"offence_date": ["Date of the offence must be today or in the past"]}


def test_prevention_work_outside_7_to_17_needs_confirmation(family, case_manager):
    """Seed 003: "most referrals involve families with children aged above 7 years
    through to and including 17 years" — a warning, not a refusal."""
    young = ChildFactory(family=family, date_of_birth=dt.date(2020, 5, 1))
    assert services.case_age_warning(child=young, kind=CaseKind.PREVENTION, on=TODAY) == (
        "Prevention work is usually with children aged 7 to 17. This child is 6."
    )
    with pytest.raises(ValidationError) as error:
        open_case(young, case_manager, kind=CaseKind.PREVENTION, offence_date=None, offence="")
    assert messages(error) == {
        "confirm_age": [
            "Confirm that you want to open prevention work for a child outside ages 7 to 17"
        ]
    }
    case = open_case(
        young,
        case_manager,
        kind=CaseKind.PREVENTION,
        offence_date=None,
        offence="",
        confirm_age=True,
    )
    assert case.kind == CaseKind.PREVENTION


def test_a_case_cannot_be_opened_before_it_was_referred(child, case_manager):
    with pytest.raises(ValidationError) as error:
        open_case(child, case_manager, opened_on=dt.date(2026, 9, 30))
    assert messages(error) == {
        "opened_on": ["Date opened must be the same as or after the date referred"]
    }


def test_closing_a_case_needs_a_reason(child, case_manager):
    case = open_case(child, case_manager)
    with pytest.raises(ValidationError) as error:
        services.case_close(case=case, closed_on=TODAY, closure_reason=" ", by=case_manager)
    assert messages(error) == {"closure_reason": ["Enter the reason for closing the case"]}
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_case_cannot_close_before_it_opened(child, case_manager):
    case = open_case(child, case_manager)
    with pytest.raises(ValidationError) as error:
        services.case_close(
            case=case, closed_on=dt.date(2026, 10, 4), closure_reason="Done", by=case_manager
        )
    assert messages(error) == {
        "closed_on": ["Date closed must be the same as or after the date opened"]
    }


def test_closing_is_refused_while_another_app_gives_a_reason(
    child, case_manager, monkeypatch, request
):
    case = open_case(child, case_manager)
    extensions.register("case_closure_blockers", closure_hook.case_closure_blockers, app="tests")
    request.addfinalizer(
        lambda: extensions.unregister("case_closure_blockers", closure_hook.case_closure_blockers)
    )
    monkeypatch.setitem(
        closure_hook.BLOCKED, case.pk, "A parenting-order requirement runs until 14 May 2027"
    )
    with pytest.raises(ValidationError) as error:
        services.case_close(case=case, closed_on=TODAY, closure_reason="Done", by=case_manager)
    assert "A parenting-order requirement runs until 14 May 2027" in error.value.messages
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_closing_a_case_records_reason_outcome_and_user(child, case_manager):
    case = open_case(child, case_manager)
    services.case_close(
        case=case,
        closed_on=TODAY,
        closure_reason="Order completed",
        outcome="Completed",
        by=case_manager,
    )
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason) == (
        CaseStatus.CLOSED,
        TODAY,
        "Order completed",
    )
    assert case.history.latest().history_user == case_manager


def test_case_update_opens_a_referred_case_when_given_a_date(child, case_manager):
    case = open_case(child, case_manager, opened_on=None)
    services.case_update(case=case, changes={"opened_on": TODAY}, loaded_version=1, by=case_manager)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


# --- Sessions -------------------------------------------------------------------

PAST = dt.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
FUTURE = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)


def test_an_unexcused_absence_is_recorded_with_who_recorded_it(case_manager, family):
    case = CaseFactory(child__family=family)
    session = services.session_record(
        case=case,
        kind=SessionKind.ONE_TO_ONE,
        starts_at=PAST,
        attendance=Attendance.UNEXCUSED,
        by=case_manager,
    )
    assert (session.attendance, session.recorded_by) == (Attendance.UNEXCUSED, case_manager)
    assert session.history.get().history_user == case_manager


def test_an_excused_absence_needs_a_reason(case_manager, family):
    case = CaseFactory(child__family=family)
    with pytest.raises(ValidationError) as error:
        services.session_record(
            case=case,
            kind=SessionKind.GROUP,
            starts_at=PAST,
            attendance=Attendance.EXCUSED,
            by=case_manager,
        )
    assert messages(error) == {"absence_reason": ["Enter the reason for the excused absence"]}


def test_attendance_cannot_be_recorded_before_the_session(case_manager, family):
    case = CaseFactory(child__family=family)
    with pytest.raises(ValidationError) as error:
        services.session_record(
            case=case,
            kind=SessionKind.GROUP,
            starts_at=FUTURE,
            attendance=Attendance.ATTENDED,
            by=case_manager,
        )
    assert messages(error) == {
        "attendance": [
            "You can only record attendance once the session has started: leave it as planned"
        ]
    }
    planned = services.session_record(
        case=case, kind=SessionKind.GROUP, starts_at=FUTURE, by=case_manager
    )
    assert planned.recorded_by is None


def test_session_update_records_attendance_and_user(case_manager, family):
    case = CaseFactory(child__family=family)
    session = services.session_record(
        case=case, kind=SessionKind.GROUP, starts_at=PAST, by=case_manager
    )
    services.session_update(
        session=session,
        changes={"attendance": Attendance.ATTENDED},
        loaded_version=1,
        by=case_manager,
    )
    session.refresh_from_db()
    assert (session.attendance, session.version) == (Attendance.ATTENDED, 2)
    assert session.history.latest().history_user == case_manager
