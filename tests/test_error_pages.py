"""Error pages (SECURITY.md check 3): with DEBUG off, a 404 and a 500 show
the generic GOV.UK pages, with no traceback, settings or SQL; and a record
that exists but is not yours looks exactly like one that does not exist.

The 500 comes from a view of this module's own URLconf that really raises
(with the project's handlers); the dropped-database 500 is in test_faults.py.
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from cases.tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

LEAKS = ("Traceback", "SECRET_KEY", "DATABASES", "SELECT ", "ZeroDivisionError", "Request Method")


def boom(request) -> HttpResponse:
    return HttpResponse(str(1 / 0))  # a real error, deep in a view


urlpatterns = [path("boom/", boom), path("", include("yos.urls"))]
handler404 = "yos.errors.not_found"
handler500 = "yos.errors.server_error"
handler403 = "yos.errors.forbidden"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_shows_the_generic_page(production, client, caplog):
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert not [leak for leak in LEAKS if leak in body]
    assert "ZeroDivisionError" in caplog.text  # the detail goes to the log, not the page


def test_a_missing_page_shows_the_generic_page(production, client, case_manager):
    client.force_login(case_manager)
    response = client.get("/no-such-page/?q=<script>")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert "no-such-page" not in body and "<script>" not in body
    assert not [leak for leak in LEAKS if leak in body]


def _normalised(body: str) -> str:
    return re.sub(r'(nonce|value|data-idle-left|data-absolute-left)="[^"]*"', "", body)


def test_someone_elses_record_looks_exactly_like_one_that_does_not_exist(
    production, outsider, case_manager, team
):
    family = FamilyFactory(team=team, case_manager=case_manager)
    client = Client()
    client.force_login(outsider)
    theirs = client.get(reverse("cases:family-detail", args=[family.pk]))
    missing = client.get(reverse("cases:family-detail", args=[family.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
    assert _normalised(theirs.content.decode()) == _normalised(missing.content.decode())
