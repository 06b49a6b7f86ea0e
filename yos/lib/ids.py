"""One way to read a record id from a URL or a query string.

``str.isdigit()`` accepts "²" and other Unicode digits that ``int()``
refuses, and a 20-digit number overflows SQLite's integer (a server error
either way). Ids here are ASCII digits only, in the range of a 64-bit
primary key; anything else is "no such record".
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # BigAutoField, and SQLite's INTEGER
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value) -> int | None:
    """The id written in value, or None when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_DIGITS or not all("0" <= c <= "9" for c in text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
