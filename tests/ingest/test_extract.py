import hashlib

import pytest

from billbridge.ingest import (
    ERROR_MESSAGES,
    MAX_DOCUMENT_BYTES,
    IngestError,
    content_sha256,
    extract,
)
from billbridge.ingest.acceptance import kind_by_bytes
from tests.ingest.corpus import bill_pdf, oioubl, peppol


def test_content_sha256_is_the_hex_digest_of_the_bytes():
    assert content_sha256(b"abc") == hashlib.sha256(b"abc").hexdigest()


def test_same_document_twice_has_the_same_hash():
    assert content_sha256(oioubl()) == content_sha256(oioubl())


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image"),
        (b"\xff\xd8\xff\xe0....", "image"),
        (b"II*\x00....", "image"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><a/>", "xml"),
        (b"  \n<Invoice/>", "xml"),
        (b"hello", None),
    ],
)
def test_the_kind_goes_by_the_bytes(data, kind):
    assert kind_by_bytes(data) == kind


def test_the_bytes_win_over_a_wrong_filename():
    assert extract(bill_pdf(), "faktura.xml", "text/xml").kind == "pdf_text"


def test_xml_is_read_whatever_the_filename():
    assert extract(peppol(), "upload.bin", "application/octet-stream").kind == "peppol"


def test_empty_document_is_refused():
    with pytest.raises(IngestError) as err:
        extract(b"  ", "x.pdf")
    assert err.value.code == "empty_document"


def test_document_over_the_size_limit_is_refused():
    with pytest.raises(IngestError) as err:
        extract(b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "big.pdf")
    assert err.value.code == "too_large"


def test_unknown_file_type_is_refused_with_a_clear_message():
    with pytest.raises(IngestError) as err:
        extract(b"PK\x03\x04 a zip file", "bills.zip", "application/zip")
    assert err.value.code == "unsupported_type"
    assert "PDF" in err.value.message


def test_every_error_code_has_an_english_message():
    assert all(msg.endswith(".") and len(msg) > 10 for msg in ERROR_MESSAGES.values())


def test_ingest_error_refuses_an_unknown_code():
    with pytest.raises(ValueError):
        IngestError("no_such_code")
