"""One acceptance rule for documents, by their bytes (issue 12 item 4, issue 15 item 5, B-1)."""

from __future__ import annotations

import io
import zipfile

import pytest

from billbridge.ingest import IngestError, accept_document
from billbridge.ingest.acceptance import (
    OPAQUE,
    inline_content_type,
    served_content_type,
)
from tests.ingest.corpus import bill_pdf, oioubl, peppol


def picture(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (40, 30), 255).save(out, format=fmt)
    return out.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(IngestError) as err:
        accept_document(data)
    return err.value.code


@pytest.mark.parametrize(
    ("make", "kind", "content_type"),
    [
        (bill_pdf, "pdf", "application/pdf"),
        (oioubl, "xml", "application/xml"),
        (peppol, "xml", "application/xml"),
        (lambda: picture("PNG"), "image", "image/png"),
        (lambda: picture("JPEG"), "image", "image/jpeg"),
        (lambda: picture("TIFF"), "image", "image/tiff"),
        (lambda: picture("WEBP"), "image", "image/webp"),
        (lambda: picture("GIF"), "image", "image/gif"),
    ],
)
def test_bill_documents_are_accepted_with_the_type_their_bytes_show(make, kind, content_type):
    accepted = accept_document(make())
    assert (accepted.kind, accepted.content_type) == (kind, content_type)


def test_a_zip_bomb_renamed_pdf_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.txt", b"0" * 5_000_000)
    assert refused(out.getvalue()) == "unsupported_type"


def test_html_is_refused():
    assert refused(b"<!doctype html><html><script>alert(1)</script></html>") in {
        "xml_forbidden_dtd",
        "xml_malformed",
    }
    assert refused(b"<html><body><script>alert(1)</script></body></html>") == "xml_not_invoice"


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    assert refused(svg) == "xml_not_invoice"


def test_a_gif_that_cannot_be_read_is_refused():
    assert refused(b"GIF89a" + b"\x00" * 40) == "image_unreadable"


def test_a_picture_in_a_format_that_cannot_be_read_is_refused():
    assert refused(picture("BMP")) == "unsupported_type"


def test_empty_and_too_large_documents_are_refused():
    assert refused(b"") == "empty_document"
    assert refused(b"   \n") == "empty_document"
    with pytest.raises(IngestError) as err:
        accept_document(b"%PDF-" + b"0" * 2048, max_bytes=1024)
    assert err.value.code == "too_large"


def test_stored_documents_are_served_only_with_safe_types():
    assert served_content_type("application/pdf") == "application/pdf"
    assert served_content_type("text/html") == OPAQUE
    assert served_content_type("image/svg+xml") == OPAQUE


def test_only_pdfs_and_pictures_a_browser_shows_are_inline():
    assert inline_content_type(bill_pdf()[:1024]) == "application/pdf"
    assert inline_content_type(picture("PNG")[:1024]) == "image/png"
    assert inline_content_type(picture("WEBP")[:1024]) == "image/webp"
    assert inline_content_type(picture("TIFF")[:1024]) == ""
    assert inline_content_type(oioubl()[:1024]) == ""
    assert inline_content_type(b"<svg/>") == ""
