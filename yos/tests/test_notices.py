"""Issue 16: "A case manager is not told when a supervisor approves or
refuses their breach referral." The decision now appears on the home page
of the case manager who asked, until they mark it read (audited); nobody
else ever sees it."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.tests.factories import FamilyFactory
from orders.models import ReferralStatus
from orders.tests.factories import FailureFactory, ParentingOrderFactory, ReferralFactory
from yos import notices
from yos.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager, name="Ashdown")
    order = ParentingOrderFactory(case__child__family=family)
    failure = FailureFactory(order=order)
    return ReferralFactory(failure=failure, requested_by=case_manager)


def decide(client_for, supervisor, referral, decision="approve", reason="Third missed session"):
    return client_for(supervisor).post(
        reverse("orders:referral-decide", args=[referral.pk]),
        {"decision": decision, "reason": reason},
    )


def home(client_for, user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def test_the_supervisors_approval_appears_on_the_referring_case_managers_home_page(
    client_for, case_manager, supervisor, referral
):
    assert decide(client_for, supervisor, referral).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED
    html = home(client_for, case_manager)
    assert "Decisions on your requests" in html
    assert "Sam Okafor approved your breach referral" in html
    assert "Third missed session" in html
    notice = Notice.objects.get()
    assert notice.get_absolute_url() == referral.failure.get_absolute_url()
    assert notice.history.get().history_user == supervisor


def test_a_refusal_is_shown_in_words_too(client_for, case_manager, supervisor, referral):
    decide(
        client_for, supervisor, referral, decision="decline", reason="Not in the public interest"
    )
    html = home(client_for, case_manager)
    assert "Sam Okafor refused your breach referral" in html
    assert "Not in the public interest" in html


def test_notices_never_show_another_users_decisions(
    client_for, case_manager, colleague, supervisor, outsider, referral
):
    decide(client_for, supervisor, referral)
    notice = Notice.objects.get()
    for other in (colleague, supervisor, outsider):
        assert "approved your breach referral" not in home(client_for, other)
        # Nor can they mark it read: the same 404 as for one that does not exist.
        response = client_for(other).post(reverse("notice-read", args=[notice.pk]))
        assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_as_read_is_audited_and_the_notice_leaves_the_home_page(
    client_for, case_manager, supervisor, referral
):
    decide(client_for, supervisor, referral)
    notice = Notice.objects.get()
    response = client_for(case_manager).post(reverse("notice-read", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    latest = notice.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (case_manager, "Marked as read")
    assert "approved your breach referral" not in home(client_for, case_manager)
    # Marking it again changes nothing (no second history row).
    client_for(case_manager).post(reverse("notice-read", args=[notice.pk]))
    assert notice.history.count() == 2


def test_mark_as_read_takes_a_post_only(client_for, case_manager, supervisor, referral):
    decide(client_for, supervisor, referral)
    notice = Notice.objects.get()
    assert client_for(case_manager).get(reverse("notice-read", args=[notice.pk])).status_code == 405


def test_notify_decision_keeps_its_signature_for_closures_and_terminations(
    case_manager, supervisor, referral
):
    """Other approvals are wired to it at merge: keyword-only recipient,
    subject, message and by."""
    notice = notices.notify_decision(
        recipient=case_manager,
        subject=referral.failure.order.case,
        message="Closed.",
        by=supervisor,
    )
    assert (notice.recipient, notice.subject, notice.message) == (
        case_manager,
        referral.failure.order.case,
        "Closed.",
    )
    assert notice.get_absolute_url() == referral.failure.order.case.get_absolute_url()


def test_decision_e_mail_is_off_by_default(
    client_for, supervisor, referral, django_capture_on_commit_callbacks
):
    referral.requested_by.email = "casey@example.invalid"
    referral.requested_by.save()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client_for, supervisor, referral)
    assert mail.outbox == []


def test_decision_e_mail_is_sent_after_commit_when_switched_on(
    settings, tasks_inline, client_for, supervisor, referral, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BY_EMAIL = True
    referral.requested_by.email = "casey@example.invalid"
    referral.requested_by.save()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client_for, supervisor, referral)
    [message] = mail.outbox
    assert message.to == ["casey@example.invalid"]
    assert message.subject == "A decision on your request"
    assert "Ashdown" not in message.body
