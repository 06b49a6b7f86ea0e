"""Error pages: the service's own header, navigation (when the user is
known), footer and service name, and what to do next; no traceback, settings
or data in the body. Nothing of the request or of the record it asked for is
put on the page (not its path, not its query).

With DEBUG on (the embedded default, `make run`), Django answers a 404 with
its technical page (every URL pattern of the project); ServiceErrorPages
replaces it with the service's own page unless SERVICE_ERROR_PAGES is off
(docs/operations.md)."""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger("yos.errors")


def _page(request: HttpRequest, template: str, status: int, *, user: bool = True) -> HttpResponse:
    """The page, with the signed-in user's navigation when user is True and
    it can be had; the page without it if anything about the user fails (a
    500 while the database is unwell)."""
    plain = {
        "request": request,
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
    }
    body = None
    if user:
        try:
            body = render_to_string(template, {}, request=request)
        except Exception:  # noqa: BLE001 - an error page must always render
            log.exception("error page %s rendered without the user", status)
    if body is None:
        body = render_to_string(template, plain)
    response = HttpResponse(body, status=status)
    response.service_page = True
    return response


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "404.html", 404)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "403.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the database could not be reached
    (restarting, failed over): the user is told to try again in a minute, and
    a load balancer sees the service as unavailable, not broken. Django calls
    this handler while it handles the exception, so sys.exc_info() holds it.
    The 503 page is made without the user: finding them needs the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = _page(request, "503.html", 503, user=False)
        response["Retry-After"] = "30"
        return response
    return _page(request, "500.html", 500)


class ServiceErrorPages:
    """With DEBUG on, Django's technical 404 page (which lists every URL
    pattern) becomes the service's own 404 page, so the demo never shows it
    to a user who opens a page they may not see. 403 and the handlers' pages
    are the service's own already; a 500 with DEBUG on keeps Django's
    traceback page for developers (docs/operations.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and settings.SERVICE_ERROR_PAGES
            and response.status_code == 404
            and not getattr(response, "service_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            page = not_found(request)
            # django-csp leaves 404s alone when DEBUG is on (for Django's
            # page); this one is ours, with this request's nonce.
            parts = CSPMiddleware(self.get_response).get_policy_parts(
                request=request, response=page
            )
            page[CSP_HEADER] = build_policy(**asdict(parts))
            return page
        return response
