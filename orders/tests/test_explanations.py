"""Missed sessions and explanations (issue 17): recording a missed session
does not decide "no reasonable excuse" before the parent has been asked; the
warning letter is due only once they have been (or could not be reached), and
its explanation paragraph says what happened.

Seed 000: "A failure to fulfil the conditions can be treated as a criminal
offence and the parent/carer can be prosecuted." The offence is failing
without reasonable excuse (CDA 1998 s.9(7)): the parent is asked first.
"""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from orders import jobs as order_jobs
from orders import rules, services
from orders.models import (
    Attendance,
    Excuse,
    ExplanationStatus,
    FailureToComply,
)
from orders.tests.factories import FailureFactory, ParentingOrderFactory
from yos.lib.audit import system_user
from yos.models import Letter

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 10)
MADE = dt.date(2026, 11, 14)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _waiting(order, occurred_on=dt.date(2026, 12, 1)):
    """A failure recorded the way a missed session records it: not asked yet."""
    return FailureFactory(
        order=order,
        parent=order.parents.get(),
        occurred_on=occurred_on,
        explanation_status=ExplanationStatus.NOT_ASKED,
        explanation_on=None,
        excuse="",
        excuse_decided_by=None,
        excuse_decided_at=None,
    )


def _pdf_text(letter: Letter) -> str:
    with letter.document.file.open("rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- the rule ----------------------------------------------------------------------


class _F:
    def __init__(self, status, on=None, excuse="", explanation=""):
        self.explanation_status, self.explanation_on = status, on
        self.excuse, self.explanation = excuse, explanation


@pytest.mark.parametrize(
    ("failure", "on", "due"),
    [
        (_F("not_asked"), TODAY, False),
        (_F("asked", dt.date(2026, 12, 3)), dt.date(2026, 12, 9), False),
        (_F("asked", dt.date(2026, 12, 3)), dt.date(2026, 12, 10), True),
        (_F("not_reached", dt.date(2026, 12, 3)), dt.date(2026, 12, 2), False),
        (_F("not_reached", dt.date(2026, 12, 3)), dt.date(2026, 12, 3), True),
        (_F("given", dt.date(2026, 12, 3), "not_accepted", "x"), TODAY, True),
        (_F("given", dt.date(2026, 12, 3), "accepted", "x"), TODAY, False),
    ],
)
def test_a_warning_is_due_only_after_the_parent_was_asked(failure, on, due):
    """Seed 000: a failure "can be treated as a criminal offence" — without
    reasonable excuse, which the parent is asked for first. Asked and no reply
    for 7 days, or not reachable on a recorded day: the warning is due."""
    assert rules.failure_warning_due(failure, on) is due


def test_the_rule_and_its_query_agree_on_every_status_and_day(order):
    """One rule, one home: FailureToComply.objects.warning_due(on) and
    waiting_for_explanation(on) select exactly what the pure rules say."""
    occurred = dt.date(2026, 11, 20)
    failures = []
    for status, excuse in [
        ("not_asked", ""),
        ("asked", ""),
        ("not_reached", ""),
        ("given", "accepted"),
        ("given", "not_accepted"),
    ]:
        given = status == "given"
        failures.append(
            FailureFactory(
                order=order,
                parent=order.parents.get(),
                occurred_on=occurred,
                explanation_status=status,
                explanation_on=None if status == "not_asked" else dt.date(2026, 11, 25),
                explanation="I was unwell" if given else "",
                excuse=excuse,
                excuse_decided_by=order.case.child.family.case_manager if given else None,
                excuse_decided_at=dt.datetime(2026, 11, 25, tzinfo=dt.UTC) if given else None,
            )
        )
    for on in (dt.date(2026, 11, 24) + dt.timedelta(days=n) for n in range(12)):
        due = set(FailureToComply.objects.warning_due(on).values_list("pk", flat=True))
        waiting = set(
            FailureToComply.objects.waiting_for_explanation(on).values_list("pk", flat=True)
        )
        assert due == {f.pk for f in failures if rules.failure_warning_due(f, on)}, on
        assert waiting == {
            f.pk for f in failures if rules.failure_waiting_for_explanation(f, on)
        }, on


# --- services ----------------------------------------------------------------------


def test_the_explanation_steps_are_recorded_with_who_and_when(order, case_manager):
    failure = _waiting(order)
    failure = services.failure_explanation_record(
        failure=failure, status="asked", on=dt.date(2026, 12, 3), by=case_manager
    )
    assert (failure.explanation_status, failure.explanation_on) == ("asked", dt.date(2026, 12, 3))
    failure = services.failure_explanation_record(
        failure=failure,
        status="given",
        on=dt.date(2026, 12, 4),
        explanation="my bus did not come",
        excuse=Excuse.NOT_ACCEPTED,
        by=case_manager,
    )
    assert failure.excuse_decided_by == case_manager
    assert [h.explanation_status for h in failure.history.order_by("history_id")] == [
        "not_asked",
        "asked",
        "given",
    ]
    assert failure.history.latest().history_user == case_manager


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"status": "asked", "on": None},
            {"explanation_on": ["Enter the date you asked the parent for a reason"]},
        ),
        (
            {"status": "not_reached", "on": None},
            {"explanation_on": ["Enter the date you tried to contact the parent"]},
        ),
        (
            {"status": "asked", "on": dt.date(2026, 11, 30)},
            {
                "explanation_on": [
                    "The date cannot be before the failure to comply on 1 December 2026"
                ]
            },
        ),
        (
            {"status": "asked", "on": dt.date(2026, 12, 11)},
            {"explanation_on": ["The date must be today or in the past"]},
        ),
        (
            {"status": "given", "on": dt.date(2026, 12, 2), "excuse": "accepted"},
            {"explanation": ["Enter what the parent told you"]},
        ),
        (
            {"status": "given", "on": dt.date(2026, 12, 2), "explanation": "ill"},
            {"excuse": ["Select whether the explanation was accepted as a reasonable excuse"]},
        ),
        (
            {"status": "not_asked", "on": None},
            {"status": ["Select what happened when you asked the parent for a reason"]},
        ),
    ],
)
def test_an_explanation_step_that_does_not_hang_together_is_refused(
    order, case_manager, kwargs, errors
):
    failure = _waiting(order)
    with pytest.raises(ValidationError) as caught:
        services.failure_explanation_record(failure=failure, by=case_manager, **kwargs)
    assert caught.value.message_dict == errors
    failure.refresh_from_db()
    assert failure.explanation_status == "not_asked"


def test_a_decided_explanation_stands(order, case_manager):
    failure = FailureFactory(order=order, parent=order.parents.get())
    with pytest.raises(ValidationError) as caught:
        services.failure_explanation_record(
            failure=failure, status="asked", on=TODAY, by=case_manager
        )
    assert caught.value.messages == [
        "The parent's explanation and the decision on it are already recorded: they cannot be "
        "changed"
    ]


def test_a_failure_waiting_for_an_explanation_cannot_be_referred(order, case_manager):
    failure = _waiting(order)
    with pytest.raises(ValidationError) as caught:
        services.referral_request(failure=failure, reason="Third miss", by=case_manager)
    assert caught.value.messages == [
        "This failure cannot be referred yet: the parent has not been asked for an explanation, "
        "or still has time to reply"
    ]
    services.failure_explanation_record(
        failure=failure, status="not_reached", on=dt.date(2026, 12, 2), by=case_manager
    )
    assert services.referral_request(failure=failure, reason="Third miss", by=case_manager)


# --- the letter ----------------------------------------------------------------------


@pytest.fixture
def letter_order(parenting_case):
    """An order whose parent lives with the child, so a letter has an address."""
    return ParentingOrderFactory(case=parenting_case, made_on=MADE)


def test_no_warning_letter_before_the_parent_is_asked_and_none_while_they_may_reply(
    letter_order, case_manager
):
    order = letter_order
    failure = _waiting(order)
    assert order_jobs.warning_letters(TODAY, by=system_user())["issued"] == 0
    services.failure_explanation_record(
        failure=failure, status="asked", on=dt.date(2026, 12, 4), by=case_manager
    )
    assert order_jobs.warning_letters(TODAY, by=system_user())["issued"] == 0  # 6 days on
    assert order_jobs.warning_letters(dt.date(2026, 12, 11), by=system_user())["issued"] == 1


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            {
                "status": "given",
                "explanation": "“your car broke down on the way.”",
                "excuse": "not_accepted",
            },
            "You told us that your car broke down on the way. We did not accept this as a "
            "reasonable excuse.",
        ),
        (
            {"status": "asked", "on": dt.date(2026, 12, 3)},
            "We asked you on 3 December 2026 for a reason and have not heard from you.",
        ),
        (
            {"status": "not_reached", "on": dt.date(2026, 12, 2)},
            "We tried to contact you on 2 December 2026 and could not reach you.",
        ),
    ],
)
def test_the_letters_explanation_paragraph_says_what_happened(
    letter_order, case_manager, step, expected
):
    """The letter reads what happened in plain words: the parent's own
    explanation, or that we asked and heard nothing, or could not reach them."""
    failure = _waiting(letter_order)
    step = {"on": dt.date(2026, 12, 2), **step}
    services.failure_explanation_record(failure=failure, by=case_manager, **step)
    assert order_jobs.warning_letters(TODAY, by=system_user())["issued"] == 1
    text = _pdf_text(Letter.objects.get(kind=Letter.Kind.ORDER_WARNING))
    assert expected in text
    assert "You did not give an explanation" not in text
    if step["status"] != "given":
        assert "You told us that" not in text
        assert "and we have no reasonable excuse from you." in text


# --- views, per persona --------------------------------------------------------------


def test_the_case_manager_records_that_the_parent_was_asked(client_for, case_manager, order):
    failure = _waiting(order)
    url = reverse("orders:failure-explanation", args=[failure.pk])
    response = client_for(case_manager).post(
        url, {"status": "asked", **_date("explanation_on", dt.date(2026, 12, 3))}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"#failure-{failure.pk}")
    page = response.content.decode()
    assert (
        "Asked for a reason on 3 December 2026; no reply yet (a warning is due from "
        "10 December 2026)" in page
    )
    failure.refresh_from_db()
    assert failure.history.latest().history_user == case_manager


def test_the_explanation_form_shows_each_refusal_next_to_its_field(client_for, case_manager, order):
    failure = _waiting(order)
    response = client_for(case_manager).post(
        reverse("orders:failure-explanation", args=[failure.pk]), {"status": "given"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["explanation_on"] == ["Enter the date the parent gave their explanation"]
    assert errors["explanation"] == ["Enter what the parent told you"]
    assert errors["excuse"] == [
        "Select whether the explanation was accepted as a reasonable excuse"
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("supervisor", 403), ("colleague", 403), ("victim_worker", 404), ("outsider", 404)],
)
def test_only_the_allocated_case_manager_records_explanations(
    request, client_for, order, persona, status
):
    failure = _waiting(order)
    client = client_for(request.getfixturevalue(persona))
    url = reverse("orders:failure-explanation", args=[failure.pk])
    response = client.post(url, {"status": "asked", **_date("explanation_on", TODAY)})
    assert response.status_code == status
    failure.refresh_from_db()
    assert failure.explanation_status == "not_asked"


def test_the_order_page_and_the_home_page_list_failures_waiting_for_an_explanation(
    client_for, case_manager, order
):
    failure = _waiting(order)
    client = client_for(case_manager)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="waiting-for-explanation"' in page
    assert f'href="#failure-{failure.pk}"' in page
    home = client.get(reverse("home")).content.decode()
    assert "Failures waiting for the parent's explanation" in home
    assert failure.get_absolute_url() in home


def test_a_missed_session_asks_which_parent_and_decides_nothing(client_for, case_manager, order):
    parent = order.parents.get()
    response = client_for(case_manager).post(
        reverse("orders:session-record", args=[order.pk]),
        {
            **_date("held_on", dt.date(2026, 12, 1)),
            "attendance": Attendance.MISSED,
            "parent": parent.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    failure = order.failures.get()
    assert (failure.explanation_status, failure.excuse, failure.excuse_decided_by) == (
        "not_asked",
        "",
        None,
    )
    assert not rules.failure_warning_due(failure, TODAY)


def test_a_session_missed_with_a_reasonable_excuse_needs_the_excuse(
    client_for, case_manager, order
):
    response = client_for(case_manager).post(
        reverse("orders:session-record", args=[order.pk]),
        {**_date("held_on", dt.date(2026, 12, 1)), "attendance": Attendance.MISSED_EXCUSED},
    )
    assert response.context["form"].errors["explanation"] == [
        "Enter the reasonable excuse the parent gave"
    ]
    assert not order.sessions.exists()


def test_the_recorded_earlier_choice_is_never_offered(client_for, case_manager, order):
    """'Missed, without a reasonable excuse' decided at recording time is gone
    from the form; the service refuses it too."""
    page = client_for(case_manager).get(reverse("orders:session-record", args=[order.pk]))
    assert "missed_unexcused" not in page.content.decode()
    with pytest.raises(ValidationError) as caught:
        services.session_record(
            case=order.case,
            order=order,
            held_on=dt.date(2026, 12, 1),
            attendance=Attendance.MISSED_UNEXCUSED,
            parent=order.parents.get(),
            by=case_manager,
        )
    assert caught.value.message_dict == {"attendance": ["Select whether the parent attended"]}
