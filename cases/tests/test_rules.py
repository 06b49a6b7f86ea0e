"""The pure rules of cases.rules, with the words of the seeds they come from."""

from datetime import date

from cases import rules
from cases.models import CaseKind

STATUTORY = CaseKind.statutory()
TODAY = date(2026, 11, 25)


def test_a_date_of_birth_today_or_later_is_refused():
    assert (
        rules.date_of_birth_problem(date(2026, 11, 26), TODAY)
        == "Date of birth must be in the past"
    )
    assert rules.date_of_birth_problem(TODAY, TODAY) == "Date of birth must be in the past"
    assert rules.date_of_birth_problem(date(2012, 1, 1), TODAY) is None


def test_a_statutory_case_needs_the_child_under_18_at_the_offence():
    """Seed 003: "To prevent offending and re-offending by children and young
    people aged under 18 years"."""
    dob = date(2008, 6, 1)
    assert (
        rules.statutory_age_problem(
            kind=CaseKind.YRO,
            statutory_kinds=STATUTORY,
            date_of_birth=dob,
            offence_date=date(2026, 5, 31),
        )
        is None
    )
    assert rules.statutory_age_problem(
        kind=CaseKind.YRO,
        statutory_kinds=STATUTORY,
        date_of_birth=dob,
        offence_date=date(2026, 6, 1),
    ) == (
        "offence_date",
        "The child must have been under 18 on the date of the offence for this kind of case",
    )


def test_a_statutory_case_needs_an_offence_date():
    assert rules.statutory_age_problem(
        kind=CaseKind.REFERRAL_ORDER,
        statutory_kinds=STATUTORY,
        date_of_birth=date(2011, 1, 1),
        offence_date=None,
    ) == ("offence_date", "Enter the date of the offence")


def test_prevention_and_parenting_work_need_no_offence():
    for kind in (CaseKind.PREVENTION, CaseKind.PARENTING):
        assert (
            rules.statutory_age_problem(
                kind=kind,
                statutory_kinds=STATUTORY,
                date_of_birth=date(2000, 1, 1),
                offence_date=None,
            )
            is None
        )


def test_prevention_outside_7_to_17_warns_with_the_age():
    """Seed 003: "There is no minimum age though most referrals involve families
    with children aged above 7 years through to and including 17 years."""
    warn = rules.prevention_age_warning
    kw = {"kind": CaseKind.PREVENTION, "prevention_kind": CaseKind.PREVENTION, "on": TODAY}
    assert warn(date_of_birth=date(2020, 1, 1), **kw) == (
        "Prevention work is usually with children aged 7 to 17. This child is 6."
    )
    assert warn(date_of_birth=date(2008, 11, 25), **kw) == (
        "Prevention work is usually with children aged 7 to 17. This child is 18."
    )
    assert warn(date_of_birth=date(2019, 11, 25), **kw) is None  # 7 today
    assert warn(date_of_birth=date(2008, 11, 26), **kw) is None  # 17 until tomorrow
    assert (
        warn(
            date_of_birth=date(2020, 1, 1),
            kind=CaseKind.YRO,
            prevention_kind="prevention",
            on=TODAY,
        )
        is None
    )


def test_end_dates_come_after_start_dates():
    d = date
    assert rules.case_dates_problems(
        referred_on=d(2026, 9, 1), opened_on=d(2026, 8, 31), closed_on=None
    ) == {"opened_on": "Date opened must be the same as or after the date referred"}
    assert rules.case_dates_problems(
        referred_on=d(2026, 9, 1), opened_on=d(2026, 9, 8), closed_on=d(2026, 9, 7)
    ) == {"closed_on": "Date closed must be the same as or after the date opened"}
    assert rules.case_dates_problems(
        referred_on=d(2026, 9, 1), opened_on=None, closed_on=d(2026, 8, 1)
    ) == {"closed_on": "Date closed must be the same as or after the date referred"}
    assert (
        rules.case_dates_problems(
            referred_on=d(2026, 9, 1), opened_on=d(2026, 9, 1), closed_on=d(2026, 9, 1)
        )
        == {}
    )


def test_closing_needs_a_reason():
    assert rules.closure_reason_problem("  ") == "Enter the reason for closing the case"
    assert rules.closure_reason_problem("Order completed") is None


def test_a_looked_after_child_has_a_responsible_authority():
    """Seed 002: corporate parenting applies to looked-after children and care leavers."""
    assert rules.care_status_problem(
        care_status="looked_after", none_value="none", authority=""
    ) == ("Enter the responsible authority for a looked-after child or care leaver")
    assert rules.care_status_problem(care_status="none", none_value="none", authority="") is None


def test_attendance_waits_for_the_session_and_an_excused_absence_has_a_reason():
    kw = {"planned_value": "planned", "excused_value": "excused"}
    assert rules.attendance_problems(
        attendance="attended", absence_reason="", started=False, **kw
    ) == {
        "attendance": "You can only record attendance once the session has started: leave it as planned"
    }
    assert rules.attendance_problems(
        attendance="excused", absence_reason="", started=True, **kw
    ) == {"absence_reason": "Enter the reason for the excused absence"}
    assert (
        rules.attendance_problems(attendance="unexcused", absence_reason="", started=True, **kw)
        == {}
    )
