"""Helpers for browser journeys: sign in through the real form, check axe."""

from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD

_axe = Axe()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def axe_violations(page) -> list[tuple[str, list]]:
    """axe-core's WCAG violations on the current page: (rule, targets)."""
    results = _axe.run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def assert_accessible(page) -> None:
    """axe-core finds no WCAG violations on the current page."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
