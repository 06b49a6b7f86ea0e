"""Private storage of generated PDFs and uploads, with hashes and type sniffing."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from PIL import Image
from pypdf import PdfReader

from yos.models import StoredDocument

ALLOWED_UPLOADS = {  # magic bytes → MIME type; the name and browser's type are ignored
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSION = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
UPLOAD_TYPE_ERROR = "The file must be a PDF, JPG or PNG"
UPLOAD_EMPTY_ERROR = "The selected file is empty"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sniff(head: bytes) -> str | None:
    """The MIME type read from a file's first bytes, or None if not allowed."""
    for magic, mime in ALLOWED_UPLOADS.items():
        if head.startswith(magic):
            return mime
    return None


def validate_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """Check an upload's size and real type; returns its MIME type."""
    if upload.size == 0:
        raise ValidationError(UPLOAD_EMPTY_ERROR)
    if upload.size > max_bytes:
        raise ValidationError(f"The file must be smaller than {max_bytes // (1024 * 1024)}MB")
    upload.seek(0)
    mime = sniff(upload.read(16))
    upload.seek(0)
    if mime is None or not parses_as(upload, mime):
        raise ValidationError(UPLOAD_TYPE_ERROR)
    return mime


def parses_as(upload, mime: str) -> bool:
    """Whether the whole file is what its first bytes claim: a PDF that pypdf
    reads to its pages, an image that Pillow decodes in full. A file with a
    PDF or JPEG header and HTML behind it (a polyglot) fails here."""
    upload.seek(0)
    try:
        if mime == "application/pdf":
            reader = PdfReader(upload, strict=True)
            if len(reader.pages) == 0:
                return False
            for page in reader.pages:
                page.mediabox  # noqa: B018 - reading each page's box parses it
            return True
        with Image.open(upload) as image:
            expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[mime]
            if image.format != expected:
                return False
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() checks structure; load() decodes the pixels
        return True
    except Exception:  # noqa: BLE001 - pypdf and Pillow raise many types for a bad file
        return False
    finally:
        upload.seek(0)


def store_document(
    *,
    content: bytes,
    kind: str,
    subject: models.Model,
    by,
    reason: str,
    mime_type: str = "application/pdf",
    original_name: str = "",
) -> StoredDocument:
    """Save bytes under a generated name (never the user's) and record them."""
    name = f"{secrets.token_hex(16)}.{EXTENSION.get(mime_type, 'bin')}"
    doc = StoredDocument(
        kind=kind,
        mime_type=mime_type,
        size=len(content),
        sha256=sha256_of(content),
        created_by=by,
        reason=reason,
        subject=subject,
        original_name=original_name[:200],
    )
    doc._history_user = by
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc
