"""Deny by default: every view of the project declares who may reach it."""

from tests.urlwalk import walk

# The Django admin guards itself (staff only; only administrators are staff).
EXEMPT_PREFIXES = ("admin/",)


def test_every_view_declares_an_access_policy():
    undeclared = [
        route
        for route, _name, callback in walk()
        if not route.startswith(EXEMPT_PREFIXES) and not hasattr(callback, "access_policy")
    ]
    assert undeclared == []


def test_the_walk_sees_the_project_urls():
    routes = {route for route, _n, _c in walk()}
    assert {"", "sign-in/", "sign-out/", "healthz"} <= routes


def test_only_sign_in_sign_out_password_reset_and_health_are_public():
    public = sorted(
        route for route, _n, cb in walk() if getattr(cb, "access_policy", None) == "public"
    )
    assert public == [
        "healthz",
        "password-reset/",
        "password-reset/<uidb64>/<token>/",
        "password-reset/done/",
        "password-reset/sent/",
        "sign-in/",
        "sign-out/",
    ]
