"""Small files that really are what they claim (uploads are parsed in full,
yos.lib.files.parses_as), made with the same libraries that check them."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image
from pypdf import PdfWriter


@cache
def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 12, 12)).save(out, format=fmt)
    return out.getvalue()


@cache
def png() -> bytes:
    return _image("PNG")


@cache
def jpeg() -> bytes:
    return _image("JPEG")
