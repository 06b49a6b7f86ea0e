"""Issue 14, finding 3: anyone could lock anyone out.

Found in review: five wrong passwords from an anonymous client locked a
username for an hour (`admin` and `supervisor` are guessable), and
trailing-space or full-width variants of a username locked it too. Now a
username is locked from the client address that failed, every spelling of it
counts as the same username, and a slower per-account limit (ASVS 2.2.1:
no more than 100 failed attempts an hour on one account) still stops a guess spread
over many addresses (99 failures an hour, then the account is locked).
"""

from __future__ import annotations

import logging

import pytest
import time_machine
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"
ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.7"


def attempt(username: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(SIGN_IN, {"username": username, "password": password})


def signs_in(username: str, ip: str) -> bool:
    response = attempt(username, PASSWORD, ip)
    return response.status_code == 302 and response["Location"] == "/"


def test_a_stranger_cannot_lock_the_administrator_out(administrator):
    for _ in range(10):
        attempt("admin", "guess", ATTACKER)
    assert signs_in("admin", OFFICE)


def test_the_stranger_is_locked_from_their_own_address(administrator):
    for _ in range(5):
        attempt("admin", "guess", ATTACKER)
    response = attempt("admin", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


@pytest.mark.parametrize("variant", ["admin ", " admin", "ａｄｍｉｎ", "ａｄｍｉｎ\u3000"])
def test_every_spelling_of_a_username_is_the_same_username(administrator, variant):
    """A variant signs in as the account (Django stores usernames NFKC) and
    counts against it, so it cannot dodge the limit, and from another
    address the account is still open."""
    assert signs_in(variant, OFFICE)
    for spelling in (variant, "admin", variant, "admin", variant):
        attempt(spelling, "guess", ATTACKER)
    assert attempt("admin", PASSWORD, ATTACKER).status_code == 429
    assert signs_in("admin", OFFICE)


def test_a_guess_spread_over_many_addresses_is_stopped(administrator, settings, caplog):
    settings.ACCOUNT_FAILURE_LIMIT_PER_HOUR = 12  # 99 in production (tests below)
    with time_machine.travel("2026-11-25 09:00", tick=False) as traveller:
        for n in range(12):
            attempt("admin", "guess", f"192.0.2.{n + 1}")  # 1 failure each
        with caplog.at_level(logging.WARNING, logger="yos.security"):
            response = attempt("admin", PASSWORD, OFFICE)
        assert response.status_code == 429
        assert "Your account is locked" in response.content.decode()
        assert "event=account_locked user=admin(attempted)" in caplog.text
        traveller.shift(61 * 60)  # the failures are more than an hour old
        assert signs_in("admin", OFFICE)


def test_the_per_account_limit_refuses_the_hundredth_attempt():
    from django.conf import settings

    assert settings.ACCOUNT_FAILURE_LIMIT_PER_HOUR == 99
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_check_8_a_hundred_and_one_bad_passwords_within_an_hour(administrator, caplog):
    """SECURITY.md check 8: "101 bad passwords for one account within an hour
    of frozen time. Pass: lockout or throttle before attempt 100, and every
    failure is logged." Each from its own address, so only the per-account
    limit can stop them."""
    codes = []
    with time_machine.travel("2026-11-25 09:00", tick=False):
        with caplog.at_level(logging.INFO, logger="yos.security"):
            for n in range(101):
                ip = f"10.{n // 250}.{n % 250}.1"
                codes.append(attempt("admin", "guess", ip).status_code)
        failures = caplog.text.count("event=login_failure user=admin(attempted)")
        locked = caplog.text.count("event=account_locked")
        assert codes.index(429) < 100
        assert failures + locked == 101  # every attempt is in the security log
        assert attempt("admin", PASSWORD, OFFICE).status_code == 429
