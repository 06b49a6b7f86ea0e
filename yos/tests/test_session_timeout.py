"""The idle time-out warning's server side (WCAG 2.2.1 Timing adjustable:
"the user is warned before time expires and given at least 20 seconds to
extend the time limit with a simple action"): every signed-in page carries
the dialog with the seconds the server has left, "Stay signed in" restarts
the idle clock on the server (CSRF-protected POST), and the absolute limit
is not moved by it. The browser half is tests/test_journey_timeout.py."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from yos.lib.words import duration
from yos.middleware import LAST_SEEN, SIGNED_IN_AT

pytestmark = pytest.mark.django_db

EXTEND = "/session/extend/"


def _clocks(client, *, idle: int, signed_in: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - idle
    session[SIGNED_IN_AT] = int(time.time()) - signed_in
    session.save()


def _dialog(body: str) -> dict:
    tag = re.search(r"<dialog[^>]*>", body, re.S).group(0)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag))


def test_every_signed_in_page_carries_the_warning_with_the_servers_time_left(
    client_for, case_manager
):
    client = client_for(case_manager)
    client.get("/")
    _clocks(client, idle=30, signed_in=3600)  # the last write was 30 s ago
    body = client.get("/").content.decode()
    data = _dialog(body)
    assert 1765 <= int(data["idle-left"]) <= 1770
    assert 7 * 3600 - 5 <= int(data["absolute-left"]) <= 7 * 3600
    assert data["warn"] == "120"
    assert '<dialog class="app-timeout-dialog"' in body  # the native element: role dialog
    assert "Stay signed in" in body and "Sign out" in body
    assert 'aria-labelledby="app-timeout-heading"' in body


def test_the_sign_in_page_has_no_warning(client):
    assert "<dialog" not in client.get(reverse("login")).content.decode()


def test_stay_signed_in_restarts_the_idle_clock_but_not_the_absolute_one(client_for, case_manager):
    client = client_for(case_manager)
    client.get("/")
    _clocks(client, idle=25 * 60, signed_in=2 * 3600)
    response = client.post(EXTEND, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = response.json()
    assert 30 * 60 - 2 <= data["idle_seconds_left"] <= 30 * 60
    assert 6 * 3600 - 5 <= data["absolute_seconds_left"] <= 6 * 3600
    assert abs(client.session[LAST_SEEN] - time.time()) < 3


def test_stay_signed_in_keeps_a_session_that_would_have_ended(client_for, case_manager, settings):
    client = client_for(case_manager)
    client.get("/")
    _clocks(client, idle=29 * 60, signed_in=60)
    client.post(EXTEND, HTTP_ACCEPT="application/json")
    session = client.session
    session[LAST_SEEN] -= 2 * 60  # two more minutes: 31 since the page, 2 since staying
    session.save()
    assert client.get("/").status_code == 200


def test_stay_signed_in_after_the_session_ended_goes_to_sign_in(client_for, case_manager):
    client = client_for(case_manager)
    client.get("/")
    _clocks(client, idle=31 * 60, signed_in=60)
    response = client.post(EXTEND, HTTP_ACCEPT="application/json")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_session_ends_at_the_moment_the_page_counts_down_to(client_for, case_manager):
    """The page says "You have been signed out" when its count-down reaches
    nought, at the last request plus the idle limit. A form posted in that
    second must find the session ended (and be kept), not be saved as if the
    user were still there: CI caught the browser saying one thing and the
    server doing the other."""
    client = client_for(case_manager)
    client.get("/")
    _clocks(client, idle=30 * 60, signed_in=3600)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_without_javascript_the_post_goes_back_to_the_page(client_for, case_manager):
    client = client_for(case_manager)
    client.get("/")
    back = client.post(EXTEND, HTTP_REFERER="http://testserver/cases/children/")
    assert back.status_code == 302 and back["Location"] == "http://testserver/cases/children/"
    elsewhere = client.post(EXTEND, HTTP_REFERER="https://evil.example/")
    assert elsewhere["Location"] == reverse("home")


def test_stay_signed_in_needs_the_csrf_token(case_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(case_manager)
    assert client.post(EXTEND).status_code == 403


def test_stay_signed_in_is_post_only(client_for, case_manager):
    assert client_for(case_manager).get(EXTEND).status_code == 405


def test_a_short_idle_limit_is_not_a_minute_behind(client_for, case_manager, settings):
    """The idle clock is written at most once a minute; with a short limit
    (a test server's) it is written at a tenth of it, so activity counts."""
    settings.SESSION_IDLE_SECONDS = 20
    client = client_for(case_manager)
    client.get("/")
    _clocks(client, idle=15, signed_in=60)
    assert client.get("/").status_code == 200  # activity after 15 s of 20
    session = client.session
    assert abs(session[LAST_SEEN] - time.time()) < 3


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (30 * 60, "30 minutes"),
        (8 * 3600, "8 hours"),
        (60, "1 minute"),
        (90, "1 minute and 30 seconds"),
        (3600 + 60 * 5 + 7, "1 hour and 5 minutes"),
        (1, "1 second"),
        (0, "0 seconds"),
    ],
)
def test_durations_in_words(seconds, words):
    assert duration(seconds) == words
