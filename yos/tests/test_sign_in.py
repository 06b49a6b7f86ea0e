import time_machine
from django.urls import reverse

from conftest import PASSWORD

SIGN_IN = "/sign-in/"


def test_a_signed_out_user_is_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/"


def test_it_signs_in_and_shows_the_role(client, case_manager):
    response = client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    body = response.content.decode()
    assert 'data-testid="identity-role">Case manager<' in body
    assert "North team" in body


def test_a_wrong_password_says_so_in_plain_english(client, case_manager):
    response = client.post(SIGN_IN, {"username": "casemanager", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_empty_fields_name_the_field(client, db):
    body = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in body
    assert "Enter your password" in body
    assert "This field is required" not in body


def test_five_wrong_passwords_lock_the_account(client, case_manager):
    for _ in range(5):
        client.post(SIGN_IN, {"username": "casemanager", "password": "wrong"})
    response = client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_session_key_changes_at_sign_in(client, case_manager):
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
    assert client.session.session_key != before


def test_sign_out_ends_the_session_on_the_server(client, case_manager):
    client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
    old_cookie = client.cookies["sessionid"].value
    client.post("/sign-out/")
    client.cookies["sessionid"] = old_cookie
    assert client.get("/").status_code == 302


def test_thirty_idle_minutes_sign_the_user_out(client, case_manager):
    with time_machine.travel("2026-11-25 09:00", tick=False) as traveller:
        client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
        assert client.get("/").status_code == 200
        traveller.shift(29 * 60)
        assert client.get("/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_authenticated_pages_are_not_cached(client, case_manager):
    client.force_login(case_manager)
    assert client.get("/")["Cache-Control"] == "no-store"


def test_sign_in_is_protected_by_csrf(db, case_manager):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        SIGN_IN, {"username": "casemanager", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()


# Issue 14, finding 2: the 8-hour absolute limit was not enforced. The idle
# middleware saved the session once a minute and each save pushed the
# server-side expiry to now + 8 hours; nothing recorded when the user signed
# in, so a session used every half hour (a stolen one included) never ended.


def test_a_session_used_every_half_hour_ends_eight_hours_after_sign_in(client, case_manager):
    with time_machine.travel("2026-11-25 09:00", tick=False) as traveller:
        client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
        for _ in range(16):  # 09:29, 09:58, … 16:44: never idle for 30 minutes
            traveller.shift(29 * 60)
            assert client.get("/").status_code == 200
        traveller.move_to("2026-11-25 16:59")  # 7 h 59 m after sign-in
        assert client.get("/").status_code == 200
        traveller.move_to("2026-11-25 17:01")  # 8 h 1 m
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert "_auth_user_id" not in client.session


def test_a_stolen_session_cookie_ends_at_the_same_time(client, case_manager):
    """The cookie copied into another browser keeps the first sign-in time."""
    from django.test import Client

    with time_machine.travel("2026-11-25 09:00", tick=False) as traveller:
        client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
        thief = Client()
        thief.cookies["sessionid"] = client.cookies["sessionid"].value
        for _ in range(16):
            traveller.shift(29 * 60)
            thief.get("/")
        traveller.move_to("2026-11-25 17:01")
        assert thief.get("/").status_code == 302


def test_signing_in_again_starts_a_new_eight_hours(client, case_manager):
    with time_machine.travel("2026-11-25 09:00", tick=False) as traveller:
        client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
        traveller.move_to("2026-11-25 09:20")
        client.post("/sign-out/")
        client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
        traveller.move_to("2026-11-25 17:01")  # 8 h 1 m after the first sign-in
        client.get("/")
        assert client.session.get("signed_in_at") is None  # signed out: idle too
    with time_machine.travel("2026-11-26 09:00", tick=False) as traveller:
        client.post(SIGN_IN, {"username": "casemanager", "password": PASSWORD})
        for _ in range(16):
            traveller.shift(29 * 60)
            client.get("/")
        traveller.move_to("2026-11-26 16:59")
        assert client.get("/").status_code == 200
