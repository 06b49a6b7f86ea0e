"""Machinery of the accessibility walk (tests/test_a11y_walk.py): what a
person finds that axe does not. Each check is a small piece of JavaScript run
in the page; the walk collects (path, kind, detail) problems."""

from __future__ import annotations

import re

# Every <table> has a non-empty <caption> (WCAG 1.3.1: a data table is named).
TABLES_WITHOUT_CAPTION = """() => [...document.querySelectorAll('main table')]
  .filter(t => t.getAttribute('role') !== 'presentation')
  .filter(t => !(t.caption && t.caption.textContent.trim()))
  .map(t => (t.dataset.testid || t.className || 'table') + ': ' +
            (t.querySelector('th') ? t.querySelector('th').textContent.trim() : ''))"""

# Links of the page by their accessible name (aria-label, else the text
# content, visually hidden text included) and href, fragment removed: two
# links with one name and two destinations fail WCAG 2.4.4.
LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => a.getAttribute('href') && !a.getAttribute('href').startsWith('#'))
  .map(a => [(a.getAttribute('aria-label') || a.textContent).replace(/\\s+/g, ' ').trim(),
             a.href.split('#')[0]])"""

# Every element that scrolls sideways (its content is wider than it and its
# overflow lets it scroll) can be reached with the keyboard and has a name:
# a focusable, labelled region (WCAG 2.1.1, 4.1.2; GOV.UK's pattern for wide
# tables). Also every .app-table-scroll, whether it scrolls at this width or not.
SCROLL_REGIONS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const s = getComputedStyle(el);
    const scrolls = ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth;
    return scrolls || el.classList.contains('app-table-scroll');
  }).filter(el => !(el.getAttribute('tabindex') === '0' && el.getAttribute('role') === 'region'
                    && (el.getAttribute('aria-label') || '').trim()))
  .map(el => el.tagName + '.' + el.className)"""

# WCAG 1.4.10: nothing scrolls sideways at this width.
PAGE_WIDTH = (
    """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""
)

# The elements that stick out past the viewport's right edge (for the message).
WIDE_ELEMENTS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('main *, header *')]
    .filter(el => el.getBoundingClientRect().right > w + 1)
    .filter(el => !(el.parentElement && el.parentElement.closest('.app-table-scroll')))
    .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > w + 1));
  return out.slice(0, 5).map(el => el.tagName + '.' + el.className + ': ' +
    el.textContent.trim().slice(0, 40));
}"""


# Chart text (yos/dashboard/charts.py): the service font, 16 px or more, and
# no label cut off (its content no wider than its box).
CHART_TEXT = """() => [...document.querySelectorAll('.app-chart dt, .app-chart dd span, .app-chart li')]
  .map(el => {
    const s = getComputedStyle(el);
    const problems = [];
    if (!s.fontFamily.toLowerCase().startsWith('arial')) problems.push('font ' + s.fontFamily);
    if (parseFloat(s.fontSize) < 16) problems.push('size ' + s.fontSize);
    if (el.scrollWidth > el.clientWidth + 1) problems.push('cut off');
    return problems.length ? el.textContent.trim() + ': ' + problems.join(', ') : '';
  }).filter(Boolean)"""


def duplicate_links(links: list[list[str]]) -> list[str]:
    """Names given to more than one destination."""
    by_name: dict[str, set[str]] = {}
    for name, href in links:
        if name:
            by_name.setdefault(name.lower(), set()).add(href)
    return sorted(name for name, hrefs in by_name.items() if len(hrefs) > 1)


def title_problems(title: str, service_name: str) -> list[str]:
    """A title names the page before the service ("Page – Service")."""
    problems = []
    if not title.strip():
        problems.append("no title")
    parts = [p.strip() for p in title.split(" – ")]
    if len(parts) < 2 or parts[-1] != service_name or not parts[0] or parts[0] == service_name:
        problems.append(f"not 'page – {service_name}': {title!r}")
    return problems


def page_key(path: str) -> str:
    """The page without its query string: a list filtered or paged is the
    same page, so it may keep its title."""
    return re.sub(r"\?.*$", "", path)
