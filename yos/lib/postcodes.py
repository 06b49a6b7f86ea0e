"""UK postcodes and postal addresses in parts (issue 16: the postcode on its
own line, its shape checked). Pure functions: the adult's form, the data
migration that splits addresses recorded as one text, and the letters use them.

The shape is the one Royal Mail publishes (an outward code of 2 to 4
characters, a space, an inward code of a digit and two letters), as the
GOV.UK "Addresses" pattern asks services to check it: a postcode of the
right shape may still not exist, and that is for the post to find out.
"""

from __future__ import annotations

import re

# Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward code: 9AA (the letters
# C, I, K, M, O and V are never used in the inward code). GIR 0AA is Girobank's.
_OUTWARD = r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE = re.compile(rf"^(?:{_OUTWARD} ?{_INWARD}|GIR ?0AA)$", re.IGNORECASE)
# A postcode at the end of a line of text ("Demo Town DT1 1AA").
_TRAILING = re.compile(rf"(?:^|[\s,])((?:{_OUTWARD}|GIR) ?(?:{_INWARD}|0AA))\s*$", re.IGNORECASE)

INVALID_POSTCODE = "Enter a real UK postcode, like SW1A 2AA"


def normalise_postcode(text: str) -> str:
    """Capitals, one space before the inward code: "sw1a2aa" → "SW1A 2AA"."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_uk_postcode(text: str) -> bool:
    return bool(POSTCODE.match(normalise_postcode(text)))


def address_lines(text: str) -> list[str]:
    """An address as recorded (lines or comma-separated) as its printed lines."""
    return [line.strip() for line in re.split(r"[\n,]", text or "") if line.strip()]


def split_address(text: str) -> tuple[str, str, str]:
    """Split an address recorded as one text into (address lines, town,
    postcode), where a postcode can be found at its end.

    "14 Canal Row, Other Town, OT2 4BB" → ("14 Canal Row", "Other Town", "OT2 4BB").
    The line before the postcode is the town when other lines come before
    it; a text with no postcode at its end is left as it is (lines only),
    so nothing recorded is lost.
    """
    lines = address_lines(text)
    if not lines:
        return "", "", ""
    match = _TRAILING.search(lines[-1])
    if match is None:
        return "\n".join(lines), "", ""
    postcode = normalise_postcode(match.group(1))
    rest = lines[-1][: match.start(1)].strip(" ,")
    lines = lines[:-1] + ([rest] if rest else [])
    town = lines.pop() if len(lines) > 1 else ""
    return "\n".join(lines), town, postcode
