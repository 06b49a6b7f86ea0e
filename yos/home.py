"""What each role sees on the home page. Apps add panels in their selectors."""

from django.http import HttpRequest

from yos import access


def home_context(request: HttpRequest) -> dict:
    return {"role": access.role_of(request.user)}
