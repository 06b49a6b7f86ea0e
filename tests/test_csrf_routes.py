"""CSRF on every POST route (SECURITY.md check 21, ASVS 4.2.2): each route a
persona may POST to (from tests/access_matrix.yaml), posted by that persona
without a token, is refused with 403 and changes nothing; and no view of
the project is exempt from the check.

SECURITY.md: "Use `Client(enforce_csrf_checks=True)` on every POST, PUT and
DELETE route. Pass: 403 without a token, and 0 `csrf_exempt` outside the
allow list."
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.matrix import ADMIN, build_url, expand, fingerprint, load_table, resolve_sample
from tests.security_world import PERSONAS, world  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {200, 302, 400}
CSRF_EXEMPT_ALLOWED: set[str] = set()  # no view of ours is exempt


@pytest.mark.django_db
def test_every_post_route_refuses_a_post_without_a_csrf_token(world):  # noqa: F811
    clients: dict[str, Client] = {}
    checked, accepted, changed = 0, [], []
    for route, row in load_table().items():
        if route.startswith(ADMIN):
            continue
        for label, spec in row["samples"].items():
            codes = expand(row["POST"][label], PERSONAS)
            persona = next((p for p in PERSONAS if codes[p] in ALLOWED), None)
            if persona is None:
                continue
            if persona not in clients:
                clients[persona] = Client(enforce_csrf_checks=True)
                if persona != "anonymous":
                    clients[persona].force_login(world.users[persona])
            url = build_url(route, resolve_sample(world, spec))
            before = fingerprint()
            response = clients[persona].post(url, {"reason": "x"})
            checked += 1
            if response.status_code != 403:
                accepted.append((route, label, persona, response.status_code))
            if fingerprint() != before:
                changed.append((route, label, persona))
    print(f"\nCSRF: {checked} POST routes checked")
    assert checked > 80
    assert accepted == []
    assert changed == []


def test_no_view_is_exempt_from_csrf_checks():
    hits = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "node_modules/")) or rel == "tests/test_csrf_routes.py":
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if re.search(r"csrf_exempt|csrf_protect\s*=\s*False|_dont_enforce_csrf", line):
                hits.append(f"{rel}:{n}")
    assert sorted(set(hits) - CSRF_EXEMPT_ALLOWED) == []
