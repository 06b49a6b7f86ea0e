"""Private document storage: type sniffed from content, size bounded, names
generated, SHA-256 recorded (SECURITY.md check 27)."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.tests.factories import FamilyFactory
from yos.lib import files
from yos.models import StoredDocument
from yos.tests import samples
from yos.tests.factories import UserFactory

PDF = samples.pdf()
PNG = samples.png()
JPEG = samples.jpeg()


@pytest.mark.parametrize(
    ("content", "mime"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_the_type_is_read_from_the_content(content, mime):
    upload = SimpleUploadedFile("anything.txt", content, content_type="text/plain")
    assert files.validate_upload(upload, max_bytes=1024) == mime


def test_a_script_named_pdf_is_refused():
    upload = SimpleUploadedFile(
        "scan.pdf", b"<script>alert(1)</script>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        files.validate_upload(upload, max_bytes=1024)
    assert error.value.messages == [files.UPLOAD_TYPE_ERROR]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        files.validate_upload(SimpleUploadedFile("a.pdf", b""), max_bytes=1024)
    assert error.value.messages == [files.UPLOAD_EMPTY_ERROR]


def test_a_file_over_the_limit_is_refused():
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        files.validate_upload(upload, max_bytes=1024 * 1024)
    assert error.value.messages == ["The file must be smaller than 1MB"]


def test_a_file_at_the_limit_is_accepted():
    assert files.validate_upload(SimpleUploadedFile("a.pdf", PDF), max_bytes=len(PDF))


# Issue 14, finding 6: uploads were checked by their first bytes only, and a
# PDF/HTML polyglot and a JPEG-headed HTML file were stored.
HTML = b"<html><body><script>alert(document.domain)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("polyglot.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n"),
        ("header-only.pdf", b"%PDF-1.7\n%test\n"),
        ("html.jpg", b"\xff\xd8\xff\xe0" + HTML),
        ("html.png", b"\x89PNG\r\n\x1a\n" + HTML),
        ("truncated.png", PNG[: len(PNG) // 2]),
        ("jpeg-named-png.png", b"\x89PNG\r\n\x1a\n" + JPEG),
    ],
)
def test_a_file_that_only_starts_like_an_allowed_type_is_refused(name, content):
    with pytest.raises(ValidationError) as error:
        files.validate_upload(SimpleUploadedFile(name, content), max_bytes=1024 * 1024)
    assert error.value.messages == [files.UPLOAD_TYPE_ERROR]


def test_stored_documents_get_a_generated_name_and_their_hash(db, settings):
    family = FamilyFactory()
    user = UserFactory()
    doc = files.store_document(
        content=PDF,
        kind=StoredDocument.Kind.EVIDENCE,
        subject=family,
        by=user,
        reason="Referral evidence",
        original_name="../../etc/Smith family.pdf",
    )
    doc.refresh_from_db()
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert doc.size == len(PDF)
    assert doc.subject == family
    assert "Smith" not in doc.file.name and ".." not in doc.file.name
    assert doc.file.name.endswith(".pdf")
    with doc.file.open("rb") as stored:
        assert stored.read() == PDF
    assert str(settings.PRIVATE_STORAGE_ROOT) in doc.file.path
    assert doc.history.get().history_user == user
