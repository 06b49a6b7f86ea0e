"""Reflow at 320 px (issue 18; WCAG 1.4.10: "Content can be presented without
loss of information or functionality, and without requiring scrolling in two
dimensions for: Vertical scrolling content at a width equivalent to 320 CSS
pixels"), in Debian's Chromium.

The main pages of each persona – the home page, find a child, the child
page, the dashboard, the contract page, the victims' pages – do not scroll
sideways at 320 px, nor the dashboard at 640 px (a 1280 px window at 200%
zoom). A wide table scrolls inside its own region instead: the region takes
keyboard focus (a keyboard user can scroll it), has a name, and its table is
all there (it scrolls, it is not cut off). tests/test_a11y_walk.py checks the
same on every page each persona reaches.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.a11y import PAGE_WIDTH
from tests.browser import sign_in
from tests.security_world import world  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGIONS = """() => [...document.querySelectorAll('.app-table-scroll')].map(el => {
  el.focus();
  return {label: el.getAttribute('aria-label'), role: el.getAttribute('role'),
          focused: document.activeElement === el, scrolls: el.scrollWidth > el.clientWidth,
          table: el.querySelector('table') !== null};
})"""


def _main_pages(world, persona: str) -> list[str]:  # noqa: F811
    own = world.own
    find = f"{reverse('cases:find-child')}?q={own.child.last_name}"
    pages = {
        "case_manager": [
            "/",
            find,
            own.child.get_absolute_url(),
            own.case.get_absolute_url(),
            own.contract.get_absolute_url(),
        ],
        "supervisor": ["/", find, own.child.get_absolute_url(), reverse("dashboard:show")],
        "school_staff": ["/", reverse("contracts:list"), own.contract.get_absolute_url()],
        "victim_worker": ["/", reverse("victims:list"), own.victim.get_absolute_url()],
    }
    return pages[persona]


def test_the_main_pages_do_not_scroll_sideways_at_320_px(_roles, world, live_server, browser):  # noqa: F811
    widths, wide, regions, scrolled = {}, [], [], 0
    for persona in ("case_manager", "supervisor", "school_staff", "victim_worker"):
        context = browser.new_context(viewport={"width": 320, "height": 640})
        page = context.new_page()
        sign_in(page, live_server, world.users[persona].username)
        page.wait_for_url(lambda url: "/sign-in/" not in url)
        sizes = [(320, path) for path in _main_pages(world, persona)]
        if persona == "supervisor":
            sizes.append((640, reverse("dashboard:show")))
        for width, path in sizes:
            page.set_viewport_size({"width": width, "height": 640})
            assert page.goto(live_server.url + path).status == 200, path
            scroll, client = page.evaluate(PAGE_WIDTH)
            widths[(persona, path, width)] = scroll
            if scroll > client:
                wide.append((persona, path, width, scroll))
            for region in page.evaluate(REGIONS):
                ok = region["role"] == "region" and region["label"] and region["focused"]
                if not (ok and region["table"]):
                    regions.append((persona, path, region))
                scrolled += region["scrolls"]
        context.close()
    print("\n".join(f"{p} {path} at {w}: {s} px" for (p, path, w), s in widths.items()))
    assert wide == []
    assert regions == []
    assert scrolled >= 3  # wide tables were there, scrolling in their regions


def test_a_wide_table_scrolls_in_its_region_and_the_region_takes_focus(
    _roles,
    world,  # noqa: F811
    live_server,
    browser,
):
    """The contract page's parents table (name, contact, language, at the
    meeting) is wider than 320 px: the page does not scroll, the region does,
    and Tab reaches the region."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, live_server, world.users["case_manager"].username)
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    page.goto(live_server.url + world.own.contract.get_absolute_url())
    region = page.locator('.app-table-scroll[aria-label="Parents who are party to the contract"]')
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    scroll, client = page.evaluate(PAGE_WIDTH)
    assert scroll <= client
    # Tab through the page until the region has focus (it is in the tab order)
    for _ in range(60):
        page.keyboard.press("Tab")
        if region.evaluate("el => document.activeElement === el"):
            break
    else:
        pytest.fail("Tab never reached the parents table's region")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle(), timeout=2000)
    context.close()
