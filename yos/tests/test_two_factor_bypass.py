"""Issue 14, finding 1 (critical): the two-factor bypass.

Found in review: someone who knows only a supervisor's or administrator's
password signed in, opened /two-factor/setup/ (which showed a brand-new
secret), posted a code for that secret and landed on /dashboard/ or /admin/
with the second factor completed; the real user's confirmed device was
deleted. A plain GET of the set-up page created a device, and the session
key was not cycled when the second factor succeeded.

Each test performs the attack or the check as described.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yos.backends import RESET_DEVICE_NAME
from yos.tests.test_two_factor import current_code, setup_answer
from yos.twofactor import CODE_REQUIRED, CURRENT_CODE_REQUIRED, CURRENT_CODE_WRONG, SETUP_EXPIRED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_inline")]


def password_only(username: str) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def verified(user, device) -> Client:
    client = password_only(user.username)
    response = client.post("/two-factor/verify/?next=/", {"code": current_code(device)})
    assert response["Location"] == "/"
    return client


def device_state(user) -> list[tuple]:
    return list(TOTPDevice.objects.filter(user=user).values_list("pk", "key", "confirmed"))


@pytest.fixture
def with_email(supervisor, administrator):
    supervisor.email = "sam.okafor@example.invalid"
    supervisor.save()
    administrator.email = "admin@example.invalid"
    administrator.save()


@pytest.mark.parametrize(
    ("who", "target"), [("supervisor", "/dashboard/"), ("administrator", "/admin/")]
)
def test_the_password_alone_cannot_enrol_a_new_authenticator(
    who, target, request, second_factor_on, caplog
):
    """The attack as found: password → /two-factor/setup/ → code for the new
    secret → in. Now setup sends them to give the existing device's code,
    nothing about the real device changes, and the target stays closed."""
    user = request.getfixturevalue(who)
    real = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    before = device_state(user)
    attacker = password_only(user.username)

    with caplog.at_level(logging.INFO, logger="yos.security"):
        page = attacker.get(f"/two-factor/setup/?next={target}")
    assert page.status_code == 302
    assert page["Location"].startswith("/two-factor/verify/")
    assert "event=two_factor_setup_refused" in caplog.text
    assert b"totp-secret" not in page.content

    # A set-up page taken from another account, or a made-up one, does no better.
    forged = attacker.post(
        f"/two-factor/setup/?next={target}", {"pending": "made-up", "code": "123456"}
    )
    assert forged.status_code == 302 and forged["Location"].startswith("/two-factor/verify/")

    assert device_state(user) == before
    response = attacker.get(target, follow=True)
    assert response.redirect_chain[-1][0].startswith("/two-factor/verify/")
    # The real user still signs in with their own authenticator.
    assert verified(user, real).get(target).status_code == 200


def test_a_get_of_the_set_up_page_writes_nothing(supervisor, second_factor_on):
    client = password_only("supervisor")
    for _ in range(3):
        assert client.get("/two-factor/setup/").status_code == 200
    assert TOTPDevice.objects.filter(user=supervisor).count() == 0


def test_a_set_up_page_is_bound_to_its_user(supervisor, case_manager, second_factor_on):
    """The signed key field of one user's page is refused on another's."""
    page_for_case_manager = password_only("casemanager").get("/two-factor/setup/")
    client = password_only("supervisor")
    client.get("/two-factor/setup/")
    response = client.post("/two-factor/setup/", setup_answer(page_for_case_manager))
    assert response.status_code == 200
    assert SETUP_EXPIRED in response.content.decode()
    assert not TOTPDevice.objects.filter(user=supervisor).exists()


def test_the_session_key_is_cycled_when_the_second_factor_succeeds(supervisor, second_factor_on):
    device = TOTPDevice.objects.create(user=supervisor, name="app", confirmed=True)
    client = password_only("supervisor")
    before = client.session.session_key
    client.post("/two-factor/verify/?next=/", {"code": current_code(device)})
    after = client.session.session_key
    assert after != before
    assert client.get("/").status_code == 200
    # The key an eavesdropper saw before the second factor opens nothing now.
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get("/").status_code == 302


def test_the_session_key_is_cycled_at_enrolment(supervisor, second_factor_on):
    client = password_only("supervisor")
    page = client.get("/two-factor/setup/")
    before = client.session.session_key
    client.post("/two-factor/setup/", setup_answer(page))
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_enrolment_is_logged_and_e_mailed(
    supervisor, with_email, second_factor_on, caplog, django_capture_on_commit_callbacks
):
    client = password_only("supervisor")
    page = client.get("/two-factor/setup/")
    with caplog.at_level(logging.INFO, logger="yos.security"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/two-factor/setup/", setup_answer(page))
    assert f"event=two_factor_enrolled user=supervisor#{supervisor.pk}" in caplog.text
    assert [m.to for m in mail.outbox] == [["sam.okafor@example.invalid"]]
    assert "A new authenticator app was set up" in mail.outbox[0].body


def test_replacing_an_authenticator_needs_the_current_ones_code(
    supervisor, with_email, second_factor_on, caplog, django_capture_on_commit_callbacks
):
    old = TOTPDevice.objects.create(user=supervisor, name="app", confirmed=True)
    client = verified(supervisor, old)
    page = client.get("/two-factor/setup/")
    assert page.status_code == 200
    assert "Replace your authenticator app" in page.content.decode()

    # Only the new app's code: refused, nothing changed.
    response = client.post("/two-factor/setup/", setup_answer(page))
    assert CURRENT_CODE_REQUIRED in response.content.decode()
    # A wrong code for the current app: refused, nothing changed.
    wrong = "000000" if current_code(old) != "000000" else "111111"
    response = client.post("/two-factor/setup/", setup_answer(page, current_code=wrong))
    assert CURRENT_CODE_WRONG in response.content.decode()
    assert device_state(supervisor) == [(old.pk, old.key, True)]

    old.refresh_from_db()
    old.throttling_failure_count = 0  # the wrong code above throttles the next try
    old.throttling_failure_timestamp = None
    old.last_t = -1
    old.save()
    with caplog.at_level(logging.INFO, logger="yos.security"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/two-factor/setup/?next=/", setup_answer(page, current_code=current_code(old))
            )
    assert response["Location"] == "/"
    (new,) = TOTPDevice.objects.filter(user=supervisor)
    assert new.key != old.key and new.confirmed
    assert "event=two_factor_replaced" in caplog.text
    assert "replacing the old one" in mail.outbox[-1].body


def test_a_case_manager_who_opts_in_enrols_the_same_way(case_manager, second_factor_on):
    client = password_only("casemanager")
    page = client.get("/two-factor/setup/")
    response = client.post("/two-factor/setup/", {"pending": setup_answer(page)["pending"]})
    assert CODE_REQUIRED in response.content.decode()
    client.post("/two-factor/setup/", setup_answer(page))
    assert TOTPDevice.objects.get(user=case_manager).confirmed


def test_an_administrators_reset_forces_enrolment_and_is_audited(
    administrator,
    case_manager,
    second_factor_on,
    caplog,
    django_capture_on_commit_callbacks,
):
    """A case manager who had opted in loses their phone; the administrator
    resets their authenticator from the admin's user list."""
    case_manager.email = "casey.morgan@example.invalid"
    case_manager.save()
    lost = TOTPDevice.objects.create(user=case_manager, name="app", confirmed=True)
    admin_device = TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    admin = verified(administrator, admin_device)
    with caplog.at_level(logging.INFO, logger="yos.security"):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                "/admin/yos/user/",
                {"action": "reset_two_factor", "_selected_action": [case_manager.pk]},
            )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert device_state(case_manager)[0][2] is False
    assert TOTPDevice.objects.get(user=case_manager).name == RESET_DEVICE_NAME
    (reset_line,) = [line for line in caplog.text.splitlines() if "two_factor_reset" in line]
    assert f"user=admin#{administrator.pk}" in reset_line
    assert f"target=casemanager#{case_manager.pk}" in reset_line
    assert LogEntry.objects.filter(
        object_id=str(case_manager.pk), change_message="Reset two-factor authentication"
    ).exists()
    assert mail.outbox[-1].to == ["casey.morgan@example.invalid"]
    assert "reset the two-factor authentication" in mail.outbox[-1].body

    # At the next sign-in the case manager (a role that need not have one)
    # must enrol a new authenticator before anything else.
    client = password_only("casemanager")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/two-factor/setup/")
    page = client.get("/two-factor/setup/")
    client.post("/two-factor/setup/", setup_answer(page))
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=case_manager).confirmed


def test_the_reset_is_for_administrators_only(supervisor, case_manager):
    TOTPDevice.objects.create(user=case_manager, name="app", confirmed=True)
    client = Client()
    client.force_login(supervisor)
    response = client.post(
        "/admin/yos/user/", {"action": "reset_two_factor", "_selected_action": [case_manager.pk]}
    )
    assert response.status_code in (302, 404)
    assert TOTPDevice.objects.get(user=case_manager).confirmed
