"""Render HTML templates to A4 PDFs with weasyprint, fetching nothing outside.

The one renderer for letters and contract documents. Its URL fetcher serves
only ``data:`` URLs and files of the project's own ``static/letters`` folder:
no file://, no network, no redirects (SECURITY.md check 25; weasyprint ≥ 70
also routes ``stylesheets=`` through it, GHSA-jf6q-chmf-3h3v).
"""

from __future__ import annotations

import base64
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("yos.pdf")

BASE_URL = "https://letters.invalid/"  # a host that cannot resolve, never fetched
LETTER_ASSETS = Path(settings.BASE_DIR) / "static" / "letters"


class RefusedFetch(ValueError):
    """Raised for a URL the renderer will not fetch; weasyprint skips the resource."""


class LocalOnlyFetcher(URLFetcher):
    """Serves data: URLs and files under static/letters; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False, timeout=1)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            header, _, payload = url.partition(",")
            body = base64.b64decode(payload) if header.endswith(";base64") else payload.encode()
            mime = header[5:].split(";")[0] or "text/plain"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        prefix = BASE_URL + "letters/"
        if url.startswith(prefix):
            name = url[len(prefix) :].split("?")[0]
            path = (LETTER_ASSETS / name).resolve()
            if path.is_file() and LETTER_ASSETS.resolve() in path.parents:
                mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": mime}
                )
        self.refused.append(url)
        log.warning("pdf renderer refused to fetch %s", url[:200])
        raise RefusedFetch(f"not fetched: {url[:200]}")


@cache
def _shared() -> tuple[CSS, FontConfiguration]:
    """One stylesheet and font configuration per process: parsing them for
    every letter is most of a small letter's rendering time."""
    fonts = FontConfiguration()
    css = CSS(
        string=(LETTER_ASSETS / "letter.css").read_text(),
        font_config=fonts,
        url_fetcher=LocalOnlyFetcher(),
        base_url=BASE_URL + "letters/",
    )
    return css, fonts


def render_pdf(template: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes (A4, the letter stylesheet)."""
    html = render_to_string(template, {"letterhead": settings.LETTERHEAD, **context})
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    css, fonts = _shared()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(stylesheets=[css], font_config=fonts)
