"""Only the actions a user may take are offered (issue 18: "supervisors
reach 403 through "Change" links on records they may not change — show only
the actions the user may take").

For each persona, every page the access matrix lets them open
(tests/access_matrix.yaml, in the security world of tests/security_world.py)
is fetched, and every link on it to another page of the service is followed:
none may answer 403. A link to a page they may not use is not shown at all
(yos/access.py decides; the templates ask it). Links to the Django admin
(administrators' configuration, which guards itself) are opened but not
walked further; downloads are followed too; sign-out and the static files
are not pages.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client

from tests.security_world import world  # noqa: F401 - the fixture
from tests.xss import matrix_paths

pytestmark = pytest.mark.django_db

PERSONAS = (
    "case_manager",
    "colleague",
    "outsider",
    "supervisor",
    "victim_worker",
    "school_staff",
    "other_school_staff",
    "administrator",
)
NOT_PAGES = ("/static/", "/sign-out/", "/admin/logout/")
# Opened, not walked: the Django admin's own pages link to every model's
# lists, filters and forms (it guards itself; tests/test_admin_site.py).
ADMIN_PAGES = ("/admin/",)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"[^>]*>(.*?)</a>', re.S)


def _links(base: str, body: str) -> list[tuple[str, str]]:
    """(path with query, link text) of every same-site link on the page."""
    found = []
    for href, text in HREF.findall(body):
        href = unescape(href)
        if href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        url = urldefrag(urljoin(f"http://testserver{base}", href))[0]
        parts = urlsplit(url)
        if parts.netloc != "testserver" or parts.path.startswith(NOT_PAGES):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        found.append((path, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()))
    return found


FORM = re.compile(r"<form\b([^>]*)>", re.S)
CAP = 400  # pages per persona; the world gives each persona well under this


def _post_actions(base: str, body: str) -> list[str]:
    """The explicit targets of the page's POST forms (a form without an
    action posts to its own page, which the persona could open)."""
    actions = []
    for attrs in FORM.findall(body):
        if not re.search(r'method="post"', attrs, re.I):
            continue
        action = re.search(r'\baction="([^"]+)"', attrs)
        if action:
            path = urlsplit(urljoin(f"http://testserver{base}", unescape(action.group(1))))
            if path.netloc == "testserver" and not path.path.startswith(NOT_PAGES):
                actions.append(path.path)
    return actions


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_or_button_a_persona_is_shown_answers_403(persona, world):  # noqa: F811
    """Breadth first from every page the matrix gives the persona: each link
    is opened and each page it reaches is walked in turn; then each POST
    form's target is posted to (empty: at worst a form error). None is 403."""
    user = world.users[persona]
    client = Client()
    client.force_login(user)
    queue = list(dict.fromkeys(matrix_paths(world, persona)))
    assert len(queue) >= 3, queue
    status: dict[str, int] = {}
    refused, actions = [], {}
    while queue and len(status) < CAP:
        page = queue.pop(0)
        if page in status:
            continue
        response = client.get(page)
        status[page] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for path, text in _links(page, body):
            if path not in status:
                status[path] = code = client.get(path).status_code
                if code == 200 and not path.startswith(ADMIN_PAGES):
                    status.pop(path)  # walk it too
                    queue.append(path)
            if status.get(path) == 403:
                refused.append(f"{page}: link “{text}” → {path}")
        for action in _post_actions(page, body):
            actions.setdefault(action, page)
    for action, page in actions.items():
        if client.post(action, {}).status_code == 403:
            refused.append(f"{page}: a form posting to {action}")
    print(f"\n{persona}: {len(status)} pages and links, {len(actions)} form targets")
    assert len(status) >= 5
    assert len(status) < CAP, "the walk was cut short: raise CAP"
    assert sorted(set(refused)) == []
