"""Unsafe-template lint (SECURITY.md check 6): every way of switching
Django's escaping off, in the templates and the application code, is on a
reviewed allow list (docs/security.md repeats it with the reasons).

SECURITY.md: "Grep templates and Python for `|safe`, `mark_safe(`,
`autoescape off` and `SafeString`, and compare with a reviewed allow list.
Pass: no new hits."
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACES = [
    "templates",
    "yos",
    "cases",
    "orders",
    "contracts",
    "victims",
    "dashboard",
    "sar",
    "benchmarks",
]
UNSAFE = re.compile(
    r"\|\s*safe\b|\|\s*safeseq\b|mark_safe\s*\(|autoescape\s+off|SafeString|SafeText"
    r"|format_html\s*\(\s*[a-z_]+\s*\)|@html_safe|\bhtml_safe\b"
)

# (file, line text stripped): why it is safe. Reviewed by hand; a new hit
# fails the test until it is reviewed and added here and in docs/security.md.
ALLOWED = {
    (
        "yos/letter_views.py",
        "return mark_safe(body)  # nosec B308 B703 - rendered by our autoescaping templates",
    ): (
        "a letter's preview: the <body> of the HTML our own letter templates rendered (with "
        "autoescaping on) for its PDF, stored with the letter; headings moved one level down"
    ),
    (
        "templates/registration/two_factor_setup.html",
        '<div class="govuk-!-margin-bottom-6" aria-hidden="true">{{ qr_svg|safe }}</div>',
    ): "SVG made by segno from the device's own otpauth:// URL; no user input",
    (
        "templates/registration/password_reset_email.txt",
        "{% autoescape off %}Someone asked to reset the password of your account "
        "({{ user.get_username }}) for {{ site_name }}.",
    ): "a plain-text email, never HTML: the username, the site name and the link",
}


def _hits():
    for place in PLACES:
        for path in (ROOT / place).rglob("*"):
            if path.suffix not in (".html", ".py", ".txt") or not path.is_file():
                continue
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            for line in path.read_text(errors="replace").splitlines():
                if UNSAFE.search(line):
                    yield rel, line.strip()


def test_no_unreviewed_way_round_autoescaping():
    hits = set(_hits())
    assert sorted(hits - set(ALLOWED)) == []


def test_the_allow_list_has_no_stale_entries():
    assert sorted(set(ALLOWED) - set(_hits())) == []
