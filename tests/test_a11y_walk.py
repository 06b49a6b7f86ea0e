"""Every page each persona reaches, in Debian's Chromium: axe, and what axe
does not see (issue 18, docs/accessibility.md).

Each persona signs in once (one browser context, reused) and visits every
page the access matrix gives it (tests/access_matrix.yaml, as the XSS crawl
does) and the pages those link to (two of each kind), the Django admin left
out (its own markup). On every page, at 1280 px:

- axe-core finds no WCAG 2.2 A/AA violation;
- the title names the page before the service, and no two different pages
  (a list filtered or paged is one page) share a title (WCAG 2.4.2);
- every ``<table>`` has a ``<caption>`` (1.3.1);
- no two links have one name and two destinations (2.4.4);
- every element that scrolls sideways is a focusable, labelled region.

At 320 px (WCAG 1.4.10: "Content can be presented without loss of
information or functionality, and without requiring scrolling in two
dimensions for: Vertical scrolling content at a width equivalent to 320 CSS
pixels") the page does not scroll sideways and its scroll regions are
focusable and labelled; the dashboard also at 640 px, 1280 px at 200% zoom.

Then each form page is posted empty (every input cleared): the error state
has "Error: " in its title and axe finds nothing in it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings

from tests import a11y
from tests.browser import axe_violations, sign_in
from tests.security_world import world  # noqa: F401 - the fixture
from tests.xss import SKIP_PREFIXES, is_download, matrix_paths, url_kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("case_manager", "supervisor", "victim_worker", "school_staff", "administrator")
PER_KIND = 2
CAP = 120
# The Django admin (its own markup) and the health check (plain text for the
# load balancer) are not pages of the service.
NOT_PAGES = ("/admin/", "/healthz")

# Pages titled alike on purpose. The administrator's reason page stands in
# front of any victim's record and must not say whose record it is before a
# reason is given (docs/domain-victims.md: the administrator opens a victim's
# record only with a reason, which is logged).
ONE_TITLE_ON_PURPOSE = {"Give a reason to open a victim's record"}

DENIED: list = []  # (persona, path) of links that answered 403, printed

LINKS = """() => [...document.querySelectorAll('main a[href]')].map(a => a.href)"""

# Clear every field of the page's main POST form and submit it.
FIND_FORM = """() => [...document.querySelectorAll('main form')].findIndex(
    f => f.method === 'post' && f.querySelector('input:not([type=hidden]), select, textarea'))"""
SUBMIT_EMPTY = """(index) => {
  const form = document.querySelectorAll('main form')[index];
  for (const el of form.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || el.type === 'submit') continue;
    if (el.type === 'radio' || el.type === 'checkbox') el.checked = false;
    else if (el.tagName === 'SELECT') el.selectedIndex = el.multiple ? -1 : 0;
    else if (el.type !== 'file') el.value = '';
  }
  form.noValidate = true;
  const button = form.querySelector('button[type=submit], button:not([type]), input[type=submit]');
  if (button) button.click(); else form.submit();
  return true;
}"""


def _check_page(page, path, service_name, problems):
    problems += [(path, "axe", v) for v in axe_violations(page)]
    problems += [(path, "title", t) for t in a11y.title_problems(page.title(), service_name)]
    problems += [(path, "no caption", t) for t in page.evaluate(a11y.TABLES_WITHOUT_CAPTION)]
    dupes = a11y.duplicate_links(page.evaluate(a11y.LINKS))
    problems += [(path, "one name, two links", name) for name in dupes]
    problems += [(path, "scroll region", r) for r in page.evaluate(a11y.SCROLL_REGIONS)]
    problems += [(path, "chart", c) for c in page.evaluate(a11y.CHART_TEXT)]


def _check_reflow(page, path, problems, width=320):
    scroll, client = page.evaluate(a11y.PAGE_WIDTH)
    if scroll > client:
        wide = page.evaluate(a11y.WIDE_ELEMENTS)
        problems.append((path, f"{scroll} px wide at {width}", wide))
    problems += [(path, f"scroll region at {width}", r) for r in page.evaluate(a11y.SCROLL_REGIONS)]
    problems += [(path, f"chart at {width}", c) for c in page.evaluate(a11y.CHART_TEXT)]


def _walk(context, origin, start, problems, titles, persona):
    wide = context.new_page()
    wide.set_viewport_size({"width": 1280, "height": 900})
    narrow = context.new_page()
    narrow.set_viewport_size({"width": 320, "height": 640})
    service_name = settings.SERVICE_NAME
    queue = list(start)
    queued = {urlsplit(p).path for p in start}
    kinds: dict = {}
    visited = []
    while queue and len(visited) < CAP:
        path = queue.pop(0)
        if is_download(path):
            continue
        response = wide.goto(origin + path)
        if response.status == 403 and path not in start:
            # A link to an action the persona may not take (a supervisor's
            # "record a parenting order"): the service's 403 page, and the
            # links themselves are issue 18's "action links" (another part).
            DENIED.append((persona, path))
            continue
        if response.status != 200:
            problems.append((path, "status", response.status))
            continue
        visited.append(path)
        titles.setdefault(wide.title(), set()).add(a11y.page_key(path))
        _check_page(wide, path, service_name, problems)
        narrow.goto(origin + path)
        _check_reflow(narrow, path, problems)
        for href in wide.evaluate(LINKS):
            link, _fragment = urldefrag(href)
            if not link.startswith(origin + "/"):
                continue
            relative = link[len(origin) :]
            where = urlsplit(relative).path
            if where in queued or where.startswith(SKIP_PREFIXES) or where.startswith("/admin/"):
                continue
            kind = url_kind(relative)
            if kinds.get(kind, 0) >= PER_KIND:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queued.add(where)
            queue.append(relative)
    if persona == "supervisor":  # 1280 px at 200% zoom
        narrow.set_viewport_size({"width": 640, "height": 800})
        narrow.goto(origin + "/dashboard/")
        _check_reflow(narrow, "/dashboard/", problems, width=640)
    wide.close()
    narrow.close()
    return visited


def _error_states(context, origin, paths, problems):
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    states = 0
    for path in paths:
        page.goto(origin + path)
        index = page.evaluate(FIND_FORM)
        if index < 0:
            continue
        with page.expect_navigation():
            page.evaluate(SUBMIT_EMPTY, index)
        if not page.locator(".govuk-error-summary").count():
            continue
        states += 1
        where = f"{path} (posted empty)"
        problems += [(where, "axe", v) for v in axe_violations(page)]
        if not page.title().startswith("Error: "):
            problems.append((where, "title without 'Error: '", page.title()))
    page.close()
    return states


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_of_every_persona(_roles, world, live_server, browser, persona):  # noqa: F811
    """One persona per test, so that the suite's two processes share the
    walk (it is the suite's longest test)."""
    from cases.models import CaseKind
    from cases.tests.factories import CaseFactory

    # Two cases of one kind for one child (an earlier one, closed): their
    # links must still differ.
    CaseFactory(
        child=world.own.child,
        kind=CaseKind.PARENTING,
        referred_on=dt.date(2025, 3, 3),
        opened_on=dt.date(2025, 3, 10),
        status="closed",
        closed_on=dt.date(2025, 9, 1),
        closure_reason="Completed",
    )
    started = time.monotonic()
    origin = live_server.url
    problems: list = []
    context = browser.new_context(accept_downloads=False)
    page = context.new_page()
    sign_in(page, live_server, world.users[persona].username)
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    page.close()
    start = list(dict.fromkeys(["/", *matrix_paths(world, persona)]))
    start = [p for p in start if not p.startswith(NOT_PAGES)]
    titles: dict = {}
    visited = _walk(context, origin, start, problems, titles, persona)
    assert len(visited) >= 5, f"{persona} reached {visited}"
    forms = [p for p in visited if not p.startswith(("/dashboard/?", "/cases/children/?"))]
    states = _error_states(context, origin, forms, problems)
    context.close()
    for title, keys in titles.items():
        if len(keys) > 1 and title.split(" – ")[0] not in ONE_TITLE_ON_PURPOSE:
            problems.append((persona, "one title, several pages", (title, sorted(keys))))
    print(
        f"\nlinks answering 403: {DENIED}"
        f"\n{persona}: {len(visited)} pages, {states} error states,"
        f" {time.monotonic() - started:.0f} s"
    )
    if persona == "case_manager":
        assert states >= 10, states
    report = os.environ.get("A11Y_WALK_REPORT")
    if report:
        with Path(report).open("a") as out:
            out.write("".join(f"{problem}\n" for problem in problems))
    assert problems == [], "\n".join(map(str, problems))
