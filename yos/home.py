"""What each role sees on the home page: panels from every app."""

from django.http import HttpRequest

from yos import access
from yos.extensions import collect


def home_context(request: HttpRequest) -> dict:
    return {"role": access.role_of(request.user), "panels": collect("home_panels", request.user)}
