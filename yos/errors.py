"""Generic error pages: no traceback, settings or data in the body."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    # Rendered without the request context so that nothing of the request or
    # the record it asked for can reach the page.
    return HttpResponse(render_to_string(template, {"request": request}), status=status)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "404.html", 404)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, "403.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the database could not be reached
    (restarting, failed over): the user is told to try again in a minute, and
    a load balancer sees the service as unavailable, not broken. Django calls
    this handler while it handles the exception, so sys.exc_info() holds it."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = _page(request, "503.html", 503)
        response["Retry-After"] = "30"
        return response
    return _page(request, "500.html", 500)
