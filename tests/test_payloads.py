"""Hostile input (SECURITY.md check 24; issue 9 "Input and output"): a list of
payloads put through every free-text field of the main create and edit forms
through the real views, then the pages rendered. In HTML a payload appears
escaped, never as live markup; in the contract PDF (read back with pypdf) as
plain text with no script; in CSV downloads a formula is neutralised. A
payload the form refuses (too long, a null byte) gives a form error, never a
server error, and loses nothing already saved.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from tests.htmlform import form_data, max_lengths, text_fields
from tests.security_world import world  # noqa: F401 - the fixture
from yos.models import StoredDocument

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "'; DROP TABLE cases_child; --",
    "A" * 10_000,
    "right-to-left \u202eoverride\u202c and zero\u200bwidth",
    "null\x00byte",
    "emoji 🧒🏽👨‍👩‍👧 and accents Zoë Łukasz",
    '=HYPERLINK("http://evil.example","click")',
]
MARKUP = [p for p in PAYLOADS if "<" in p or '"' in p]

# Dates a create form needs before it saves anything (day, month, year).
DATES = {
    "cases:record-views": {"recorded_on_0": "1", "recorded_on_1": "10", "recorded_on_2": "2026"}
}

# (persona, url name, sample attribute, pages that show the record afterwards)
FORMS = [
    (
        "case_manager",
        "cases:edit-family",
        "family",
        ["cases:family-detail", "cases:family-history"],
    ),
    ("case_manager", "cases:edit-child", "child", ["cases:child-detail", "cases:child-history"]),
    ("case_manager", "cases:edit-adult", "adult", ["cases:adult-detail", "cases:adult-history"]),
    ("case_manager", "cases:edit-case", "case", ["cases:case-detail", "cases:case-history"]),
    ("case_manager", "cases:record-views", "child", ["cases:child-detail"]),
    ("case_manager", "victims:edit-reparation", "reparation", []),
    ("victim_worker", "victims:edit", "victim", ["victims:detail", "victims:history"]),
    ("school_staff", "contracts:edit", "draft_contract", ["contracts:detail"]),
]


def _pages(world, attr, names):  # noqa: F811
    record = getattr(world.own, attr)
    return [reverse(n, args=[record.pk]) for n in names]


def _assert_inert(body: str, payload: str, where: str) -> None:
    if payload in MARKUP:
        assert payload not in body, f"live payload on {where}"
    assert "<script>alert" not in body, where
    assert "onerror=alert" not in body.replace(escape("onerror=alert"), ""), where
    assert 'href="javascript:' not in body, where


@pytest.mark.parametrize(("persona", "name", "attr", "pages"), FORMS, ids=[f[1] for f in FORMS])
def test_every_payload_in_every_text_field_is_stored_or_refused_and_shown_escaped(
    world,  # noqa: F811
    client,
    persona,
    name,
    attr,
    pages,
):
    client.force_login(world.users[persona])
    url = reverse(name, args=[getattr(world.own, attr).pk])
    saved = refused = 0
    for payload in PAYLOADS:
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        # e-mail, phone and postcode fields check their shape: a payload is refused there
        fields = [
            f
            for f in text_fields(html)
            if "email" not in f and "phone" not in f and "postcode" not in f
        ]
        assert fields, f"{name} has no free-text field"
        data = form_data(html)
        limits = max_lengths(html)
        data.update({f: payload[: limits.get(f, len(payload))] for f in fields})
        data.update(DATES.get(name, {}))
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), (name, payload[:30])
        if response.status_code == 302:
            saved += 1
            for page_url in _pages(world, attr, pages):
                body = client.get(page_url).content.decode()
                _assert_inert(body, payload, page_url)
                if payload.startswith("<script"):
                    assert escape(payload) in body, f"the saved payload is missing on {page_url}"
        else:
            refused += 1
            body = response.content.decode()
            _assert_inert(body, payload, url)
            assert "govuk-error-summary" in body
            if "\x00" in payload:
                assert "Null characters are not allowed" in body
    assert saved >= 5, f"{name}: only {saved} payloads saved"
    assert refused >= 1  # the null byte at least


def test_payloads_in_a_contract_reach_its_pdf_as_text(world, client):  # noqa: F811
    contract = world.own.draft_contract
    client.force_login(world.users["school_staff"])
    url = reverse("contracts:edit", args=[contract.pk])
    data = form_data(client.get(url).content.decode())
    script, breaker, sql = PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]
    data.update(
        support_statement=script, support_details=breaker, parent_statement=sql, reason=script
    )
    assert client.post(url, data).status_code == 302
    # A requirement and the meeting, then make the document.
    from contracts.tests import factories as cf

    contract.refresh_from_db()
    cf.add_requirements(contract, world.users["school_staff"])
    cf.initiate(contract, world.users["school_staff"])
    response = client.post(reverse("contracts:finalise", args=[contract.pk]))
    assert response.status_code == 302
    doc = StoredDocument.objects.filter(
        kind=StoredDocument.Kind.CONTRACT, object_id=contract.pk
    ).latest("created_at")
    raw = doc.file.open("rb").read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
    flat = " ".join(text.split())
    for payload in (script, breaker, sql):
        assert " ".join(payload.split()) in flat
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw


def test_a_formula_in_a_name_is_neutralised_in_csv_downloads(world, client):  # noqa: F811
    formula = PAYLOADS[-1]
    child = world.own.child
    client.force_login(world.users["case_manager"])
    url = reverse("cases:edit-child", args=[child.pk])
    data = form_data(client.get(url).content.decode())
    data["first_name"] = formula
    assert client.post(url, data).status_code == 302
    client.force_login(world.users["supervisor"])
    response = client.get(reverse("dashboard:download-records", args=["open-cases"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert any(formula in cell for cell in cells), "the child is not in the download"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
