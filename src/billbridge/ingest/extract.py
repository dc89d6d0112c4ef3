"""The one entry point: bytes in, ``ExtractedBill`` out, whatever kind of document it is.

Pure: no Django, no database. The background task that calls it stores the result.
"""

from __future__ import annotations

import hashlib
import re

from .errors import IngestError
from .types import ExtractedBill

#: Documents larger than this are refused before any parsing.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

XML_CONTENT_TYPES = {"application/xml", "text/xml"}
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<", re.S)


def content_sha256(data: bytes) -> str:
    """Hex SHA-256 of the document, to spot the same document uploaded twice."""
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes, filename: str = "", content_type: str | None = None) -> str:
    """The document kind from its first bytes: "xml", "pdf", "image" or "unknown".

    The bytes decide; the filename and content type only break a tie, because both come from
    the uploader and may be wrong.
    """
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if _XML_START.match(head) or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "xml"
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in XML_CONTENT_TYPES or ctype.endswith("+xml") or filename.lower().endswith(".xml"):
        return "xml"
    return "unknown"


def extract(data: bytes, filename: str = "", content_type: str | None = None) -> ExtractedBill:
    """Read a supplier bill out of a document (e-invoice XML, PDF, or scan).

    Raises ``IngestError`` (and nothing else) when the document cannot be read.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    data = bytes(data)
    if not data.strip():
        raise IngestError("empty_document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise IngestError(
            "too_large", f"{len(data) // (1024 * 1024)} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB"
        )  # fmt: skip
    kind = sniff(data, filename, content_type)
    try:
        if kind == "xml":
            from .einvoice import parse_einvoice

            return parse_einvoice(data)
        if kind == "pdf":
            from .pdf import extract_pdf

            return extract_pdf(data)
        if kind == "image":
            from .ocr import extract_image

            return extract_image(data)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError("document_unreadable", "the document is nested too deeply") from exc
    except Exception as exc:  # a hostile document must never crash the worker
        raise IngestError("document_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc
    raise IngestError("unsupported_type", filename or content_type or None)
