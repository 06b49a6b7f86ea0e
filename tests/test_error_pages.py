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


# --- The service's own pages: header, navigation, footer, what to do next --------
# Issue 18: "403/404/500 lack the navigation, footer and service name";
# "`make run` shows Django's yellow debug 404 (with every URL pattern) to a
# victim worker opening a child page".

SERVICE = "Youth offending service case management"
FOOTER = "Official – sensitive"
NAV = '<nav aria-label="Menu"'
TECHNICAL = ("URLconf", "Using the URLconf", "Django tried these URL patterns", "DEBUG = True")


def _the_service_page(body: str, *, nav: bool) -> None:
    assert SERVICE in body and FOOTER in body
    assert 'class="govuk-service-navigation"' in body
    assert (NAV in body) is nav
    assert "Go to your home page" in body or "Try again in a minute" in body
    assert not [leak for leak in (*LEAKS, *TECHNICAL) if leak in body]


def test_a_missing_page_has_the_services_header_navigation_and_footer(
    production, client, case_manager
):
    client.force_login(case_manager)
    body = client.get("/no-such-page/").content.decode()
    _the_service_page(body, nav=True)
    assert 'data-testid="identity-name"' in body and "Parenting orders" in body


def test_a_missing_page_for_someone_signed_out_has_no_navigation(production, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _the_service_page(response.content.decode(), nav=False)


def test_a_forbidden_change_has_the_services_page_and_says_what_to_do(
    production, client, supervisor, case_manager, team
):
    family = FamilyFactory(team=team, case_manager=case_manager)
    client.force_login(supervisor)
    response = client.get(reverse("cases:edit-family", args=[family.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this" in body and "ask the allocated case manager" in body
    _the_service_page(body, nav=True)


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_has_the_services_page_with_navigation(production, client, case_manager):
    client.raise_request_exception = False
    client.force_login(case_manager)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    _the_service_page(body, nav=True)
    assert "report it to your system administrator" in body


def test_the_unavailable_page_is_the_services_without_touching_the_user(production, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.db import OperationalError

    from yos import errors

    request = rf.get("/")
    request.user = AnonymousUser()
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    _the_service_page(response.content.decode(), nav=False)


def test_an_expired_form_has_the_services_page(production, case_manager):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "casemanager", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403 and "Your form has expired" in body
    _the_service_page(body, nav=False)


@pytest.fixture
def demo_debug(settings):
    """The embedded default `make run` serves: DEBUG on."""
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["testserver"]


def test_with_debug_on_a_victim_worker_opening_a_child_gets_the_services_404(
    demo_debug, client, victim_worker, case_manager, team
):
    from cases.tests.factories import ChildFactory

    child = ChildFactory(family__team=team, family__case_manager=case_manager)
    client.force_login(victim_worker)
    response = client.get(reverse("cases:child-detail", args=[child.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    _the_service_page(body, nav=True)
    assert response["Cache-Control"] == "no-store"  # the other middleware's headers are there
    nonce = re.search(r'<script nonce="([^"]+)"', body).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_with_debug_on_an_unknown_address_gets_the_services_404(demo_debug, client):
    response = client.get("/cases/no-such-thing/")
    assert response.status_code == 404
    _the_service_page(response.content.decode(), nav=False)


def test_with_service_error_pages_off_developers_get_djangos_page(demo_debug, settings, client):
    settings.SERVICE_ERROR_PAGES = False
    body = client.get("/cases/no-such-thing/").content.decode()
    assert "URLconf" in body  # the switch is what makes the difference
