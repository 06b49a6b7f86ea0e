"""Generic error pages: no traceback, settings or data in the body."""

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
    return _page(request, "500.html", 500)
