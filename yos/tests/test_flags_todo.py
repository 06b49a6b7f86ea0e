"""Issue 16, the to-do list: "a flag can be assigned to a colleague in the
team, snoozed to a date with a reason, or — for flags that are not statutory
deadlines — dismissed with a reason; all audited." Through the views, per
persona; refusals in plain English with nothing changed."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.tests.factories import CaseFactory, FamilyFactory
from orders import jobs as order_jobs
from orders.models import ParentingOrder
from orders.tests.factories import ParentingOrderFactory
from victims import jobs as victim_jobs
from victims.tests.factories import VictimFactory
from yos import flags
from yos.lib.audit import system_user
from yos.models import Flag

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def allocated_family(case_manager, team):
    return FamilyFactory(team=team, case_manager=case_manager, name="Ashdown")


def raise_closure_flags(family, n=1) -> list[Flag]:
    """n "Case due for closure" flags (not statutory) on the family's cases."""
    cases = [CaseFactory(child__family=family) for _ in range(n)]
    flags.flags_sync(
        kind=Flag.Kind.CASE_DUE_FOR_CLOSURE,
        model=Case,
        wanted={
            c.pk: flags.Wanted(
                due_on=TODAY - dt.timedelta(days=2), family_id=family.pk, child_id=c.child_id
            )
            for c in cases
        },
        by=system_user(),
    )
    return list(Flag.objects.filter(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE).order_by("pk"))


def raise_counselling_ended(family) -> Flag:
    """A statutory one: counselling ended, attendance now voluntary."""
    order = ParentingOrderFactory(
        case__child__family=family, made_on=TODAY - dt.timedelta(days=200)
    )
    flags.flags_sync(
        kind=Flag.Kind.COUNSELLING_ENDED,
        model=ParentingOrder,
        wanted={
            order.pk: flags.Wanted(
                due_on=order.counselling_ends_on, family_id=family.pk, child_id=order.child_id
            )
        },
        by=system_user(),
    )
    return Flag.objects.get(kind=Flag.Kind.COUNSELLING_ENDED)


def home(client_for, user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def date_fields(day: dt.date, prefix="snoozed_until") -> dict:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


# --- The list itself -------------------------------------------------------------------


def test_each_flag_shows_its_kind_record_due_date_assignee_and_actions(
    client_for, case_manager, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    html = home(client_for, case_manager)
    case = flag.subject
    assert "Case due for closure" in html
    assert f"{case}, {case.child}" in html  # the record by name
    assert f"{flag.due_on.day} {flag.due_on:%B %Y}" in html
    assert "You (your case)" in html
    for name in ("flag-assign", "flag-snooze", "flag-dismiss"):
        assert reverse(name, args=[flag.pk]) in html


def test_a_statutory_flag_offers_no_dismiss(client_for, case_manager, allocated_family):
    flag = raise_counselling_ended(allocated_family)
    html = home(client_for, case_manager)
    assert "Statutory deadline" in html
    assert reverse("flag-snooze", args=[flag.pk]) in html
    assert reverse("flag-dismiss", args=[flag.pk]) not in html


def test_the_home_page_costs_the_same_queries_for_5_and_40_flags(
    client_for, case_manager, colleague, allocated_family
):
    client = client_for(case_manager)
    client.get(reverse("home"))  # warm up (sessions, content types)
    counts = []
    for total in (5, 40):
        Flag.objects.all().delete()
        made = raise_closure_flags(allocated_family, total)
        Flag.objects.filter(pk__in=[f.pk for f in made[::2]]).update(assigned_to=colleague)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        assert response.content.decode().count('data-testid="todo-row"') == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Assign ----------------------------------------------------------------------------


def test_a_case_manager_assigns_a_flag_to_a_colleague_in_the_team(
    client_for, case_manager, colleague, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    page = client_for(case_manager).get(reverse("flag-assign", args=[flag.pk]))
    assert "Robin Ellis" in page.content.decode()
    response = client_for(case_manager).post(
        reverse("flag-assign", args=[flag.pk]), {"assigned_to": colleague.pk}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.assigned_to == colleague
    latest = flag.history.latest()
    assert latest.history_user == case_manager and latest.assigned_to_id == colleague.pk
    # It is now on the colleague's list, marked as theirs, with the actions.
    html = home(client_for, colleague)
    assert "Case due for closure" in html and ">You<" in html
    assert reverse("flag-snooze", args=[flag.pk]) in html


def test_assigning_to_someone_who_cannot_see_the_record_is_refused(
    client_for, case_manager, outsider, victim_worker, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    for stranger in (outsider, victim_worker):  # another team; the victims' side
        response = client_for(case_manager).post(
            reverse("flag-assign", args=[flag.pk]), {"assigned_to": stranger.pk}
        )
        assert response.status_code == 200
        assert "Choose someone in the team who can see this record" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        flags.flag_assign(flag=flag, assignee=outsider, by=case_manager)
    assert "Jordan Patel cannot see this record" in str(refused.value)
    flag.refresh_from_db()
    assert flag.assigned_to is None and flag.history.count() == 1


def test_a_colleague_who_is_not_allocated_sees_the_flag_page_refused(
    client_for, colleague, outsider, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    assert client_for(colleague).get(reverse("flag-assign", args=[flag.pk])).status_code == 403
    assert client_for(outsider).get(reverse("flag-assign", args=[flag.pk])).status_code == 404


def test_a_supervisor_assigns_a_flag_of_their_team(
    client_for, supervisor, colleague, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    client_for(supervisor).post(
        reverse("flag-assign", args=[flag.pk]), {"assigned_to": colleague.pk}
    )
    flag.refresh_from_db()
    assert flag.assigned_to == colleague and flag.history.latest().history_user == supervisor


# --- Snooze ----------------------------------------------------------------------------


def test_a_snoozed_flag_leaves_the_list_until_its_date_and_then_comes_back(
    client_for, case_manager, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    until = TODAY + dt.timedelta(days=7)
    response = client_for(case_manager).post(
        reverse("flag-snooze", args=[flag.pk]),
        {**date_fields(until), "snooze_reason": "Waiting for the court's letter"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.snoozed_until, flag.snooze_reason) == (until, "Waiting for the court's letter")
    assert flag.history.latest().history_user == case_manager
    assert "Case due for closure" not in home(client_for, case_manager)
    # On the day it comes back.
    visible = flags.to_do(Flag.objects.all(), on=until)
    assert list(visible) == [flag]
    assert list(flags.to_do(Flag.objects.all(), on=until - dt.timedelta(days=1))) == []


def test_a_snooze_date_in_the_past_is_refused_and_the_reason_typed_is_kept(
    client_for, case_manager, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    response = client_for(case_manager).post(
        reverse("flag-snooze", args=[flag.pk]),
        {**date_fields(TODAY - dt.timedelta(days=1)), "snooze_reason": "Parent on holiday"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert flags.SNOOZE_NOT_FUTURE in html and "govuk-error-summary" in html
    assert "Parent on holiday" in html
    flag.refresh_from_db()
    assert flag.snoozed_until is None and flag.history.count() == 1


def test_the_nightly_job_keeps_a_snoozed_flag_and_resolves_it_when_its_condition_ends(
    case_manager, allocated_family
):
    """A snoozed flag is still open for flags_sync: a rerun neither raises a
    second one nor forgets the snooze; when the condition ends it resolves."""
    order = ParentingOrderFactory(
        case__child__family=allocated_family, made_on=TODAY - dt.timedelta(days=200)
    )
    order_jobs.counselling_flags(TODAY, by=system_user())
    flag = Flag.objects.get(kind=Flag.Kind.COUNSELLING_ENDED)
    flags.flag_snooze(
        flag=flag, until=TODAY + dt.timedelta(days=5), reason="Court date", by=case_manager
    )
    again = order_jobs.counselling_flags(TODAY, by=system_user())
    assert again["ended"] == {"raised": 0, "resolved": 0, "updated": 0, "open": 1}
    flag.refresh_from_db()
    assert flag.snoozed_until == TODAY + dt.timedelta(days=5) and flag.resolved_at is None
    ParentingOrder.objects.filter(pk=order.pk).update(closed_on=TODAY)
    order_jobs.counselling_flags(TODAY, by=system_user())
    flag.refresh_from_db()
    assert flag.resolved_at is not None


# --- Dismiss ---------------------------------------------------------------------------


def test_a_flag_that_is_not_statutory_is_dismissed_with_a_reason_and_stays_dismissed(
    client_for, case_manager, allocated_family
):
    [flag] = raise_closure_flags(allocated_family)
    empty = client_for(case_manager).post(reverse("flag-dismiss", args=[flag.pk]), {})
    assert flags.ENTER_DISMISS_REASON in empty.content.decode()
    response = client_for(case_manager).post(
        reverse("flag-dismiss", args=[flag.pk]),
        {"dismiss_reason": "The case is being transferred to another service"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.dismissed_by == case_manager and flag.dismiss_reason.startswith("The case")
    assert flag.history.latest().history_user == case_manager
    assert "Case due for closure" not in home(client_for, case_manager)
    # The nightly job does not raise it again while the case stays due.
    flags.flags_sync(
        kind=Flag.Kind.CASE_DUE_FOR_CLOSURE,
        model=Case,
        wanted={flag.object_id: flags.Wanted(due_on=flag.due_on, family_id=allocated_family.pk)},
        by=system_user(),
    )
    assert Flag.objects.filter(kind=Flag.Kind.CASE_DUE_FOR_CLOSURE).count() == 1


def test_dismissing_a_statutory_flag_is_refused_in_plain_english(
    client_for, case_manager, allocated_family
):
    """Seed 000: "After the 3 months is over, the Youth Offending Service can
    no longer enforce attendance by the parent at counselling sessions." The
    flag that says so is a statutory deadline: it is never dismissed."""
    flag = raise_counselling_ended(allocated_family)
    page = client_for(case_manager).get(reverse("flag-dismiss", args=[flag.pk]))
    assert "is a statutory deadline, so it cannot be dismissed" in page.content.decode()
    response = client_for(case_manager).post(
        reverse("flag-dismiss", args=[flag.pk]), {"dismiss_reason": "Not needed"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "is a statutory deadline, so it cannot be dismissed" in html
    flag.refresh_from_db()
    assert flag.dismissed_at is None and flag.history.count() == 1


# --- Victims' flags --------------------------------------------------------------------


def test_victim_workers_flags_name_the_victim_not_victim_and_a_number(
    client_for, victim_worker, case_manager, supervisor
):
    """Issue 16: "The victim worker's flags say 'Victim 2' instead of a name"."""
    victim = VictimFactory(
        name="Morwenna Tregothnan", details_received_on=TODAY - dt.timedelta(days=20)
    )
    victim_jobs.first_contact_flags(TODAY, by=system_user())
    html = home(client_for, victim_worker)
    assert "Morwenna Tregothnan" in html
    assert f"Victim {victim.pk}" not in html
    flag = Flag.objects.get(kind=Flag.Kind.VICTIM_CONTACT_OVERDUE)
    assert reverse("flag-dismiss", args=[flag.pk]) not in html  # statutory (Victims' Code)
    assert reverse("flag-snooze", args=[flag.pk]) in html
    # Nobody else sees the victims' flag, or can open its pages.
    for other in (case_manager, supervisor):
        assert "Morwenna Tregothnan" not in home(client_for, other)
        assert client_for(other).get(reverse("flag-snooze", args=[flag.pk])).status_code == 404


# --- E-mail ----------------------------------------------------------------------------


def test_assignment_e_mail_is_off_by_default(
    client_for, case_manager, colleague, allocated_family, django_capture_on_commit_callbacks
):
    [flag] = raise_closure_flags(allocated_family)
    with django_capture_on_commit_callbacks(execute=True):
        flags.flag_assign(flag=flag, assignee=colleague, by=case_manager)
    assert mail.outbox == []


def test_assignment_e_mail_is_sent_after_commit_when_switched_on(
    settings,
    tasks_inline,
    case_manager,
    colleague,
    allocated_family,
    django_capture_on_commit_callbacks,
):
    settings.NOTIFY_BY_EMAIL = True
    colleague.email = "robin.ellis@example.invalid"
    colleague.save()
    [flag] = raise_closure_flags(allocated_family)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        flags.flag_assign(flag=flag, assignee=colleague, by=case_manager)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["robin.ellis@example.invalid"]
    assert "Case due for closure" in message.subject
    assert "Ashdown" not in message.body  # no family's name leaves the service


# --- Every kind's record, in words -------------------------------------------------------


def test_every_kind_of_flagged_record_is_named_in_words_never_an_id_or_a_repr(
    school_staff, school, team, case_manager
):
    """Issue 16: "check every flag kind's display for raw ids or reprs". One
    flag on each kind of record the nightly steps flag, read back through
    flag_about as the panels show it."""
    from contracts.tests import factories as cf
    from orders.tests.factories import FailureFactory, RequirementFactory

    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.active(pupil, parents, school_staff)
    requirement = RequirementFactory(order__case__child=pupil)
    subjects = [
        CaseFactory(child=pupil),
        requirement.order,
        requirement,
        FailureFactory(order=requirement.order),
        contract,
        cf.non_compliance(contract, school_staff),
    ]
    for n, subject in enumerate(subjects):
        flag = Flag(
            kind=list(Flag.Kind)[n],
            content_type=ContentType.objects.get_for_model(type(subject)),
            object_id=subject.pk,
            child=pupil,
            family=pupil.family,
            due_on=TODAY,
            raised_by=case_manager,
        )
        flag.save()
        about = flags.flag_about(Flag.objects.get(pk=flag.pk))
        assert about.endswith(f", {pupil}"), about
        assert " object (" not in about and f"{type(subject).__name__} {subject.pk}" not in about
    victim = VictimFactory(name="Morwenna Tregothnan")
    flag = Flag(
        kind=Flag.Kind.VICTIM_CONTACT_OVERDUE,
        content_type=ContentType.objects.get_for_model(type(victim)),
        object_id=victim.pk,
        due_on=TODAY,
        raised_by=case_manager,
    )
    assert flags.flag_about(flag) == "Morwenna Tregothnan"


def test_school_staff_snooze_their_schools_contract_flag_and_no_other_school_can(
    client_for, school_staff, other_school_staff, school, team
):
    from contracts.tests import factories as cf

    pupil, parents = cf.pupil_with_parents(school, team=team)
    contract = cf.active(pupil, parents, school_staff)
    flags.flag_raise(
        kind=Flag.Kind.CONTRACT_REVIEW_OVERDUE,
        subject=contract,
        wanted=flags.Wanted(
            due_on=TODAY, family_id=pupil.family_id, school_id=school.pk, child_id=pupil.pk
        ),
        by=system_user(),
    )
    flag = Flag.objects.get(kind=Flag.Kind.CONTRACT_REVIEW_OVERDUE)
    html = home(client_for, school_staff)
    assert f"Parenting contract {contract.reference}, {pupil}" in html
    assert reverse("flag-dismiss", args=[flag.pk]) in html  # not statutory (seed 001)
    url = reverse("flag-snooze", args=[flag.pk])
    assert client_for(other_school_staff).get(url).status_code == 404
    client_for(school_staff).post(
        url, {**date_fields(TODAY + dt.timedelta(days=3)), "snooze_reason": "Review booked"}
    )
    flag.refresh_from_db()
    assert flag.snoozed_until == TODAY + dt.timedelta(days=3)
    assert flag.history.latest().history_user == school_staff
    assert "Contract review overdue" not in home(client_for, school_staff)


def test_a_snoozed_flag_is_back_on_the_home_page_on_its_date(
    client_for, case_manager, allocated_family
):
    import time_machine

    [flag] = raise_closure_flags(allocated_family)
    until = TODAY + dt.timedelta(days=3)
    flags.flag_snooze(flag=flag, until=until, reason="Court on Thursday", by=case_manager)
    with time_machine.travel(
        dt.datetime.combine(until - dt.timedelta(days=1), dt.time(12)), tick=False
    ):
        assert "Case due for closure" not in home(client_for, case_manager)
    with time_machine.travel(dt.datetime.combine(until, dt.time(12)), tick=False):
        assert "Case due for closure" in home(client_for, case_manager)
