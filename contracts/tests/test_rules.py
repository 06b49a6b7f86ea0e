"""The pure rules of parenting contracts, each quoting seed 001 where it comes from it."""

import datetime as dt

import pytest

from contracts import rules
from contracts.rules import SignatureFact

START = dt.date(2026, 9, 7)


def test_no_contract_without_parental_consent():
    """Seed 001: "A parenting contract cannot be put in place if there is no
    parental consent." """
    assert rules.consent_problems(consent_given=False, parents_present=2) == [rules.NO_CONSENT]
    assert rules.consent_problems(consent_given=True, parents_present=2) == []
    assert rules.NO_CONSENT == (
        "Record the parents' consent: a parenting contract cannot be put in place without it"
    )


def test_it_cannot_be_initiated_with_the_parents_absent_even_with_consent():
    """Seed 001: "a parenting contract cannot be initiated in the absence of the
    parent(s), even if they consent for that to happen." """
    assert rules.consent_problems(consent_given=True, parents_present=0) == [rules.PARENT_ABSENT]


FULL = {
    "consent_given": True,
    "parents_present": 1,
    "requirement_count": 2,
    "support_statement": "The school will help.",
    "support_details": "Breakfast club.",
    "parent_statement": "I agree to comply for the period.",
    "starts_on": START,
    "ends_on": dt.date(2027, 3, 5),
    "length_reason": "",
}


def test_a_complete_contract_can_be_finalised():
    assert rules.finalise_problems(**FULL) == []


def test_it_cannot_be_finalised_without_requirements():
    """Seed 001: "All parenting contracts must contain: Details of the
    requirements the parent(s) is expected to comply with." """
    assert rules.finalise_problems(**{**FULL, "requirement_count": 0}) == [rules.NO_REQUIREMENTS]


def test_it_cannot_be_finalised_without_the_support_statement_and_its_details():
    """Seed 001: "A statement from school and/or local authority agreeing to
    provide support to the parent(s) to meet the requirements and setting out
    details of the support." """
    assert rules.finalise_problems(**{**FULL, "support_statement": "  "}) == [
        rules.NO_SUPPORT_STATEMENT
    ]
    assert rules.finalise_problems(**{**FULL, "support_details": ""}) == [rules.NO_SUPPORT_DETAILS]


def test_it_cannot_be_finalised_without_the_parents_statement():
    """Seed 001: "A statement by the parent that they agree to comply with the
    requirements for the period specified by the contract." """
    assert rules.finalise_problems(**{**FULL, "parent_statement": ""}) == [
        rules.NO_PARENT_STATEMENT
    ]


@pytest.mark.parametrize(
    "ends_on",
    [dt.date(2026, 12, 7), dt.date(2027, 9, 7), dt.date(2027, 3, 5)],
    ids=["exactly 3 months", "exactly 12 months", "six months"],
)
def test_a_length_of_3_to_12_months_needs_no_reason(ends_on):
    """Seed 001: contracts "are often between 3 to 12 months in length"."""
    assert rules.length_problems(starts_on=START, ends_on=ends_on, reason="") == []


@pytest.mark.parametrize(
    ("ends_on", "length"),
    [(dt.date(2026, 12, 6), "less than 3 months"), (dt.date(2027, 9, 8), "more than 12 months")],
    ids=["a day short of 3 months", "a day past 12 months"],
)
def test_a_length_outside_3_to_12_months_needs_a_recorded_reason(ends_on, length):
    """Seed 001: "often between 3 to 12 months in length. They can last longer
    if needed." """
    assert rules.length_problems(starts_on=START, ends_on=ends_on, reason="") == [
        f"Enter why the contract lasts {length}: contracts usually last between 3 and 12 months"
    ]
    assert rules.length_problems(starts_on=START, ends_on=ends_on, reason="Exams in June") == []


def test_the_end_date_must_be_after_the_start():
    assert rules.length_problems(starts_on=START, ends_on=START, reason="x") == [
        rules.END_BEFORE_START
    ]


PRESENT = {1: "Dana Test", 2: "Lee Test"}


def test_it_is_in_force_only_when_every_present_parent_and_a_staff_member_signed():
    """Seed 001: "All parents present and at least one member of staff should
    sign the contract (on behalf of the governing body)." """
    one_parent = [SignatureFact("parent", 1), SignatureFact("school_staff")]
    assert rules.missing_signatures(
        present_parents=PRESENT, la_is_party=False, signatures=one_parent
    ) == ["Lee Test has not signed"]
    parents_only = [SignatureFact("parent", 1), SignatureFact("parent", 2)]
    assert rules.missing_signatures(
        present_parents=PRESENT, la_is_party=False, signatures=parents_only
    ) == [rules.UNSIGNED_STAFF]
    everyone = [*parents_only, SignatureFact("school_staff")]
    assert not rules.missing_signatures(
        present_parents=PRESENT, la_is_party=False, signatures=everyone
    )


def test_an_la_officer_signs_only_where_the_la_is_a_party():
    """Seed 001: "There is also no requirement for a local authority officer to
    sign unless it was specifically a contract between the parent and local
    authority." """
    signed = [SignatureFact("parent", 1), SignatureFact("parent", 2), SignatureFact("school_staff")]
    assert not rules.missing_signatures(
        present_parents=PRESENT, la_is_party=False, signatures=signed
    )
    assert rules.missing_signatures(
        present_parents=PRESENT, la_is_party=True, signatures=signed
    ) == [rules.UNSIGNED_LA_OFFICER]
    assert not rules.missing_signatures(
        present_parents=PRESENT,
        la_is_party=True,
        signatures=[*signed, SignatureFact("la_officer")],
    )


def test_the_pupil_never_needs_to_sign():
    """Seed 001: "There is no requirement for the pupil to sign the document." """
    signed = [SignatureFact("parent", 1), SignatureFact("parent", 2), SignatureFact("school_staff")]
    assert not rules.missing_signatures(
        present_parents=PRESENT, la_is_party=False, signatures=signed
    )


def test_a_parent_who_was_not_present_does_not_hold_it_up():
    """Seed 001: "All parents present … should sign" — an absent, unresponsive
    parent is recorded, not waited for."""
    signed = [SignatureFact("parent", 1), SignatureFact("school_staff")]
    assert not rules.missing_signatures(
        present_parents={1: "Dana Test"}, la_is_party=False, signatures=signed
    )


def test_unsigned_contracts_are_flagged_after_the_allowed_days():
    """Seed 001: "it may be preferred to type it up later and then sign at a
    later stage, however it should be signed as soon as possible." """
    finalised = dt.date(2026, 9, 7)
    assert not rules.signing_overdue(
        finalised_on=finalised, today=dt.date(2026, 9, 17), allowed_days=10
    )
    assert rules.signing_overdue(
        finalised_on=finalised, today=dt.date(2026, 9, 18), allowed_days=10
    )
    assert not rules.signing_overdue(finalised_on=None, today=dt.date(2027, 1, 1), allowed_days=10)


def test_one_contract_for_all_parents_or_a_separate_one_per_parent():
    """Seed 001: "One parenting contract may be arranged with all parents, or …
    separate parenting contracts for each parent should be arranged." """
    assert rules.parent_choice_problems(separate=False, parent_ids=[1, 2]) == []
    assert rules.parent_choice_problems(separate=True, parent_ids=[1]) == []
    assert rules.parent_choice_problems(separate=True, parent_ids=[1, 2]) == [
        rules.SEPARATE_NEEDS_ONE_PARENT
    ]
    assert rules.parent_choice_problems(separate=False, parent_ids=[]) == [rules.NO_PARENTS]


def test_a_present_parent_cannot_also_be_unresponsive():
    """Seed 001: "If one parent (perhaps non-resident to the child) is
    unresponsive then this should be recorded." """
    assert (
        rules.parent_choice_problems(
            separate=False, parent_ids=[1, 2], present_ids=[1], unresponsive_ids=[2]
        )
        == []
    )
    assert rules.parent_choice_problems(
        separate=False, parent_ids=[1, 2], present_ids=[1], unresponsive_ids=[1]
    ) == [rules.PRESENT_AND_UNRESPONSIVE]


def test_a_warning_is_due_without_an_explanation_or_with_an_unreasonable_one():
    """Seed 001: "Where no explanation is given, or the lead practitioner is not
    satisfied with the explanation, they should serve the parent with a warning." """
    assert rules.warning_due(explanation="", reasonable=False)
    assert rules.warning_due(explanation="Overslept", reasonable=False)
    assert not rules.warning_due(explanation="In hospital", reasonable=True)


def test_services_involved_are_consulted_before_termination():
    """Seed 001: "The school should inform and seek advice from any multi-agency
    services involved before terminating a parenting contract." """
    assert rules.termination_problems(services_involved=True, services_consulted=False) == [
        rules.SERVICES_NOT_CONSULTED
    ]
    assert rules.termination_problems(services_involved=True, services_consulted=True) == []
    assert rules.termination_problems(services_involved=False, services_consulted=False) == []


@pytest.mark.parametrize(
    ("name", "current", "expected"),
    [
        ("finalise", "draft", "awaiting_signatures"),
        ("activate", "awaiting_signatures", "active"),
        ("serve_warning", "active", "warning_served"),
        ("continue", "warning_served", "active"),
        ("complete", "active", "completed"),
        ("terminate", "warning_served", "terminated"),
        ("expire", "active", "expired"),
        ("amend", "active", "awaiting_signatures"),
    ],
)
def test_the_lifecycle_allows_its_named_transitions(name, current, expected):
    assert rules.transition_target(name, current) == expected


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("activate", "draft"),
        ("serve_warning", "awaiting_signatures"),
        ("complete", "draft"),
        ("terminate", "completed"),
        ("finalise", "active"),
        ("continue", "active"),
    ],
)
def test_the_lifecycle_refuses_transitions_from_the_wrong_status(name, current):
    assert rules.transition_target(name, current) is None
