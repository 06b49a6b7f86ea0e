"""Conventions with one home each (docs/architecture.md, "Conventions"):
dates written out through yos.lib.dates.long_date, one stale-record
message, and every service saying who acts (``by: User``)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from yos.lib.dates import long_date

ROOT = Path(__file__).resolve().parents[1]
APPS = ["yos", "cases", "orders", "contracts", "victims", "dashboard", "sar"]


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            yield rel, path.read_text()


def test_long_date_is_the_gov_uk_style_without_a_leading_zero():
    """The GOV.UK date style the pages already use (``|date:"j F Y"``): day,
    month in words, year, and no leading zero on the day."""
    assert long_date(dt.date(2027, 6, 4)) == "4 June 2027"
    assert long_date(dt.date(2027, 11, 14)) == "14 November 2027"
    # a datetime is shown as its date in the service's time zone (BST here)
    late = dt.datetime(2027, 6, 3, 23, 30, tzinfo=dt.UTC)
    assert late.astimezone(ZoneInfo("Europe/London")).day == 4
    assert long_date(late) == "4 June 2027"


def test_dates_are_written_out_only_by_long_date():
    """No ``%d %B`` (a leading zero) or ``%-d`` (glibc only) in Python, and no
    second hand-made "day month year" formatter."""
    pattern = re.compile(r"%-?d %B|\.day\} \{[^}]*:%B %Y\}")
    offenders = [
        f"{rel}:{n}"
        for rel, text in _sources()
        if rel.as_posix() != "yos/lib/dates.py"
        for n, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_one_stale_record_message():
    offenders = [
        rel.as_posix()
        for rel, text in _sources()
        if "Someone else changed this record" in text and rel.as_posix() != "yos/lib/versioning.py"
    ]
    assert offenders == []


def test_every_service_is_told_who_acts():
    """Services record their user in the audit history: ``by`` is a User on
    every one of them."""
    untyped = []
    for rel, text in _sources():
        if rel.name != "services.py":
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef):
                for arg in [*node.args.args, *node.args.kwonlyargs]:
                    if arg.arg == "by" and (
                        arg.annotation is None or "User" not in ast.unparse(arg.annotation)
                    ):
                        untyped.append(f"{rel}:{node.name}")
    assert untyped == []
