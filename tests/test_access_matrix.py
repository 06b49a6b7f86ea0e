"""The access matrix (SECURITY.md checks 14-16, 19): every URL pattern of the
project × every persona (each role, plus a same-team colleague, a case
manager of another team, staff of another school, and anonymous) × sample
objects (the North team's family allocated to the case manager, "own"; the
South team's family, "other"), GET for every pattern and POST for every
pattern outside the Django admin, against tests/access_matrix.yaml.

Issue 9: "Anonymous users get a redirect to login; denied users get one
consistent code (404 recommended, so existence does not leak)." A denied POST
changes nothing in the database. Every 2xx page is also scanned for the
other side's names and for victims' names (check 19).

Adding a URL pattern without rows in the table fails
test_every_url_pattern_has_rows_in_the_matrix.
"""

from __future__ import annotations

import os

import pytest
import yaml

from tests.matrix import (
    ADMIN,
    TABLE,
    admin_values,
    build_url,
    clients_for,
    compact,
    expand,
    fingerprint,
    load_table,
    observe,
    project_routes,
    resolve_sample,
    text_of,
)
from tests.security_world import PERSONAS, world  # noqa: F401 - the fixture
from tests.urlwalk import walk

RECORD = os.environ.get("MATRIX_RECORD") == "1"
DENIED = {403, 404, 405, "login", "admin-login"}
ALLOWED = {200, 302, 400}

# Whose names each persona must never see on any page (check 19). Victims'
# names: victim workers only (administrators after a logged reason, by POST).
FORBIDDEN_CANARIES = {
    "case_manager": ("Brackley", "VICTIMCANARY"),
    "colleague": ("Brackley", "VICTIMCANARY"),
    "supervisor": ("Brackley", "VICTIMCANARY"),
    "outsider": ("Ashdown", "VICTIMCANARY"),
    "school_staff": ("Brackley", "VICTIMCANARY", "Ashdownsibling"),
    "other_school_staff": ("Ashdown", "VICTIMCANARY", "Brackleysibling"),
    "anonymous": ("Ashdown", "Brackley", "VICTIMCANARY"),
}


def test_every_url_pattern_has_rows_in_the_matrix():
    table = load_table()
    routes = set(project_routes())
    assert sorted(routes - set(table)) == [], "add rows for these patterns to access_matrix.yaml"
    assert sorted(set(table) - routes) == [], "these rows name patterns that no longer exist"


def test_every_row_covers_every_persona_and_method():
    public = {route for route, _n, cb in walk() if getattr(cb, "access_policy", None) == "public"}
    for route, row in load_table().items():
        methods = ["GET"] if route.startswith(ADMIN) else ["GET", "POST"]
        for method in methods:
            assert set(row[method]) == set(row["samples"]), (route, method)
            for cell in row[method].values():
                codes = expand(cell, PERSONAS)
                assert None not in codes.values(), (route, method, cell)
                if route not in public:  # anonymous users never get a page
                    assert codes["anonymous"] not in {200, 400}, (route, method)


def _cells(world, table):  # noqa: F811
    """Yield (route, method, sample label, url) for every cell row."""
    for route, row in table.items():
        methods = ["GET"] if route.startswith(ADMIN) else ["GET", "POST"]
        for label, spec in row["samples"].items():
            if route.startswith(ADMIN):
                values = admin_values(world, route)
            else:
                values = resolve_sample(world, spec)
            url = build_url(route, values)
            for method in methods:
                yield route, method, label, url


@pytest.mark.django_db
def test_the_access_matrix_holds_for_every_url_persona_and_object(world):  # noqa: F811
    table = load_table()
    clients = clients_for(world, PERSONAS)
    mismatches, leaks, changed, errors = [], [], [], []
    observed_table: dict = {}
    size = denied = 0
    for route, method, label, url in _cells(world, table):
        row = table[route]
        expected = expand(row[method][label], PERSONAS)
        observed = {}
        for persona in PERSONAS:
            before = fingerprint() if method == "POST" else None
            code, response = observe(clients[persona], method, url)
            if route == "sign-out/":  # signed out: sign in again for the next cells
                clients.update(clients_for(world, [persona]))
            observed[persona] = code
            size += 1
            denied += code in DENIED
            if code == 500:
                errors.append((route, method, label, persona))
            if method == "POST" and code in DENIED and fingerprint() != before:
                changed.append((route, label, persona))
            if code == 200:
                body = text_of(response)
                for canary in FORBIDDEN_CANARIES.get(persona, ()):
                    if canary in body:
                        leaks.append((route, method, label, persona, canary))
            if code != expected[persona]:
                mismatches.append(
                    f"{method} {url} ({route} {label}) as {persona}: "
                    f"expected {expected[persona]}, got {code}"
                )
        kept = {k: row[k] for k in ("name", "note", "samples") if k in row}
        observed_table.setdefault(route, kept).setdefault(method, {})[label] = compact(observed)
    print(f"\naccess matrix: {size} cells, {denied} deny")
    if RECORD:
        TABLE.write_text(yaml.safe_dump(observed_table, sort_keys=False, width=120))
    assert errors == [], "server errors"
    assert changed == [], "a denied POST changed the database"
    assert leaks == [], "a page showed data the persona may not see"
    if not RECORD:
        assert mismatches == []
