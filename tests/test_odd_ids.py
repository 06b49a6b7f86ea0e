"""Issue 14, finding 4: server errors on odd digits and huge numbers.

Found in review: `isdigit()` then `int()` accepted "²" and failed, and ids of
20 or more digits overflowed SQLite, on these URLs (quoted from the
finding). Every id from a URL or a query string is now read by one helper
(yos.lib.ids.parse_id: ASCII digits, the 64-bit range), <int:…> values out of
range are a 404 (yos.middleware.HardeningMiddleware), and a form's record
choice refuses a non-id in plain English (yos.forms).

The walks: every URL pattern of the project with each of its placeholders
replaced by such values, GET and POST, as the personas that reach the most;
and every parameter of every GET form (the filters) on every page those
personas reach, with the same values. None may answer 500.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.matrix import ADMIN, admin_values, build_url, load_table, resolve_sample
from tests.security_world import world  # noqa: F401 - the fixture
from yos.lib.ids import MAX_ID, parse_id

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"
HUGE = "99999999999999999999999"
JUST_OVER = str(MAX_ID + 1)
ODD_TEXT = (SUPERSCRIPT_TWO, HUGE, JUST_OVER, "١٢", "-1", "1e3", " 7")
PERSONAS = ("administrator", "supervisor", "case_manager", "victim_worker", "school_staff")

FOUND = [
    ("supervisor", "/cases/children/?team=%C2%B2"),
    ("supervisor", "/dashboard/records/caseload-children/%C2%B2/"),
    ("supervisor", "/dashboard/records/caseload-children/99999999999999999999999/"),
    ("administrator", "/access-log/?user=%C2%B2"),
    ("administrator", "/access-log/?model=child&object=%C2%B2"),
    ("administrator", "/access-log/?user=99999999999999999999999"),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (JUST_OVER, None),
        (HUGE, None),
        (SUPERSCRIPT_TWO, None),
        ("١٢", None),  # Arabic-Indic digits: isdigit() is True, not an id here
        ("-1", None),
        ("", None),
        ("1.0", None),
        (None, None),
        (True, None),
        (5, 5),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def clients(world):  # noqa: F811
    out = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[persona])
        out[persona] = client
    return out


def test_the_urls_found_in_review_answer_without_a_server_error(world):  # noqa: F811
    by_persona = clients(world)
    answers = {url: by_persona[persona].get(url).status_code for persona, url in FOUND}
    assert answers == {
        "/cases/children/?team=%C2%B2": 200,  # the filter is ignored
        "/dashboard/records/caseload-children/%C2%B2/": 404,
        "/dashboard/records/caseload-children/99999999999999999999999/": 404,
        "/access-log/?user=%C2%B2": 200,
        "/access-log/?model=child&object=%C2%B2": 200,
        "/access-log/?user=99999999999999999999999": 200,
    }


_PLACEHOLDER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _odd_urls(world):  # noqa: F811
    """(route, url) with one placeholder at a time given an odd value."""
    for route, row in load_table().items():
        names = [(m.group("conv") or "str", m.group("name")) for m in _PLACEHOLDER.finditer(route)]
        if not names:
            continue
        spec = next(iter(row["samples"].values()))
        good = (
            admin_values(world, route) if route.startswith(ADMIN) else resolve_sample(world, spec)
        )
        for conv, name in names:
            odd_values = (HUGE, JUST_OVER) if conv == "int" else ODD_TEXT
            for odd in odd_values:
                values = {**good, name: odd}
                if "_positional" in values:
                    continue  # admin regex routes: their ids are filled below
                yield route, build_url(route, values)


def test_no_url_pattern_answers_500_to_an_odd_id(world):  # noqa: F811
    by_persona = clients(world)
    errors, size = [], 0
    for route, url in _odd_urls(world):
        methods = ("GET",) if route.startswith(ADMIN) else ("GET", "POST")
        for method in methods:
            for persona, client in by_persona.items():
                response = client.get(url) if method == "GET" else client.post(url, {})
                size += 1
                if response.status_code >= 500:
                    errors.append(f"{method} {url} as {persona}: {response.status_code}")
    print(f"\nodd ids: {size} requests")
    assert size > 500
    assert errors == [], "\n".join(errors)


class _GetForms(HTMLParser):
    """The names of the fields of every <form method="get"> on a page."""

    def __init__(self):
        super().__init__()
        self.in_get_form = False
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif self.in_get_form and tag in ("input", "select", "textarea"):
            if attrs.get("name") and attrs.get("type") not in ("submit", "button"):
                self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def test_no_filter_parameter_answers_500_to_an_odd_id(world):  # noqa: F811
    by_persona = clients(world)
    errors, checked = [], set()
    for route, row in load_table().items():
        if route.startswith(ADMIN) or route in ("sign-out/",):
            continue
        spec = next(iter(row["samples"].values()))
        url = build_url(route, resolve_sample(world, spec))
        for persona, client in by_persona.items():
            page = client.get(url)
            if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
                continue
            parser = _GetForms()
            parser.feed(page.content.decode())
            for name in sorted(parser.names):
                for odd in ODD_TEXT:
                    checked.add((route, name))
                    response = client.get(url, {name: odd})
                    if response.status_code >= 500:
                        errors.append(f"GET {url}?{name}={odd} as {persona}")
    print(f"\nfilter parameters checked: {len(checked)}")
    # The filters the finding named are among those walked.
    assert {
        ("cases/children/", "team"),
        ("access-log/", "user"),
        ("access-log/", "kind"),
    } <= checked
    assert errors == []
