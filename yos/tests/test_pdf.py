"""The shared PDF renderer fetches nothing outside static/letters: no
file://, no network (SECURITY.md, WeasyPrint: the default fetcher reads
file and http URLs, and <link rel=attachment> embeds what it fetched)."""

import io
import socket

import pytest
from pypdf import PdfReader

from yos.lib import pdf

HOSTILE_NOTE = """
<p>Note from the meeting.</p>
<img src="file:///etc/passwd">
<link rel="attachment" href="file:///etc/passwd">
<a rel="attachment" href="file:///etc/passwd">passwd</a>
<img src="http://example.com/tracker.png">
<link rel="stylesheet" href="https://example.com/evil.css">
<p style="background: url('file:///etc/shadow')">Styled</p>
"""


@pytest.fixture
def fetchers(monkeypatch):
    """Every LocalOnlyFetcher the renderer makes, to read what it refused."""
    made = []

    class Recording(pdf.LocalOnlyFetcher):
        def __init__(self):
            super().__init__()
            made.append(self)

    monkeypatch.setattr(pdf, "LocalOnlyFetcher", Recording)
    return made


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket while rendering fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use in a PDF render")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, *a: refuse(*a))
    return attempts


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_hostile_note_renders_without_fetching_anything(fetchers, no_network):
    html = f"<html><body><h1>Contract note</h1>{HOSTILE_NOTE}</body></html>"
    content = pdf.html_to_pdf(html)
    refused = [url for fetcher in fetchers for url in fetcher.refused]
    assert "file:///etc/passwd" in refused
    assert "http://example.com/tracker.png" in refused
    assert "https://example.com/evil.css" in refused
    assert no_network == []
    reader = PdfReader(io.BytesIO(content))
    assert reader.attachments == {}
    text = text_of(content)
    assert "Note from the meeting." in text
    assert "root:" not in text


def test_the_letter_stylesheet_is_served_from_static_letters(fetchers):
    html = '<html><head><link rel="stylesheet" href="letters/letter.css"></head><body><p>Hello</p></body></html>'
    content = pdf.html_to_pdf(html)
    assert [url for fetcher in fetchers for url in fetcher.refused] == []
    assert "Hello" in text_of(content)


def test_a_path_outside_static_letters_is_refused(fetchers):
    html = '<html><body><img src="letters/../../yos/settings.py"><p>x</p></body></html>'
    pdf.html_to_pdf(html)
    refused = [url for fetcher in fetchers for url in fetcher.refused]
    assert len(refused) == 1 and "settings.py" in refused[0]


def test_pdfs_are_a4(db):
    content = pdf.html_to_pdf("<html><body><p>A4</p></body></html>")
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    # A4 is 210 × 297 mm = 595.28 × 841.89 points.
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
