"""The security event log (SECURITY.md check 29, ASVS 7.1.x): sign-in
success and failure, sign-out, a refused page (403) and a CSRF failure are
each logged with the user, IP, request ID and UTC time, and the logs hold no
password and no session key.

SECURITY.md: "caplog covers login success and failure, 403, CSRF failure,
and permission or role change. Pass: each event has user, IP, request ID and
UTC time; 0 passwords or session IDs in the logs."
"""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.tests.factories import ChildFactory, FamilyFactory
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

UTC_TIME = r"at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"


def _events(caplog, name):
    return [r.getMessage() for r in caplog.records if f"event={name} " in r.getMessage()]


@pytest.fixture
def security_caplog(caplog):
    caplog.set_level(logging.INFO, logger="yos.security")
    return caplog


def test_sign_in_success_failure_and_sign_out_are_logged_without_secrets(
    security_caplog, case_manager
):
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="req-42")
    client.post(reverse("login"), {"username": "casemanager", "password": "wrong-password-1"})
    client.post(reverse("login"), {"username": "casemanager", "password": PASSWORD})
    session_key = client.session.session_key
    client.post(reverse("logout"))

    (failure,) = _events(security_caplog, "login_failure")
    (success,) = _events(security_caplog, "login_success")
    (logout,) = _events(security_caplog, "logout")
    assert "user=casemanager(attempted)" in failure
    assert f"user=casemanager#{case_manager.pk}" in success
    for line in (failure, success, logout):
        assert "ip=203.0.113.9" in line and "request_id=req-42" in line
        assert re.search(UTC_TIME, line), line
    text = security_caplog.text
    assert PASSWORD not in text and "wrong-password-1" not in text
    assert session_key not in text


def test_a_refused_page_is_logged_with_the_user(security_caplog, colleague, case_manager, team):
    family = FamilyFactory(team=team, case_manager=case_manager)
    child = ChildFactory(family=family)
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(colleague)
    response = client.get(reverse("cases:edit-child", args=[child.pk]))
    assert response.status_code == 403
    (line,) = _events(security_caplog, "forbidden")
    assert f"user=colleague#{colleague.pk}" in line
    assert "ip=198.51.100.7" in line and f"path=/cases/children/{child.pk}/edit" in line
    assert re.search(UTC_TIME, line)


def test_a_csrf_failure_is_logged_with_the_user(security_caplog, case_manager):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.4")
    client.force_login(case_manager)
    response = client.post(reverse("cases:add-family"), {"name": "Forged"})
    assert response.status_code == 403
    (line,) = _events(security_caplog, "csrf_failure")
    assert f"user=casemanager#{case_manager.pk}" in line and "ip=192.0.2.4" in line
    assert re.search(UTC_TIME, line)
    assert client.cookies["sessionid"].value not in security_caplog.text
