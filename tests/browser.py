"""Helpers for browser journeys: sign in through the real form, check axe."""

from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD

_axe = Axe()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def assert_accessible(page) -> None:
    """axe-core finds no WCAG violations on the current page."""
    results = _axe.run(page)
    violations = [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}: {violations}"
