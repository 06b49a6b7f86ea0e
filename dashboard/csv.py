"""CSV downloads that open correctly in a spreadsheet: UTF-8 with a byte-order
mark (so Excel reads accents and symbols), and no formula injection: a text
cell beginning with = + - @, a tab or a carriage return is prefixed with a
single quote, so the spreadsheet shows it as text instead of running it
(OWASP, "CSV Injection")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """The cell as the spreadsheet must see it (numbers pass unchanged)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def render(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()


def response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A download named `filename` (ASCII, chosen by the code, never user data)."""
    resp = HttpResponse(render(headers, rows), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp
