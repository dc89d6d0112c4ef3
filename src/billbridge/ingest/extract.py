"""The one entry point: bytes in, ``ExtractedBill`` out, whatever kind of document it is.

Pure: no Django, no database. The background task that calls it stores the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .acceptance import accept_document
from .errors import IngestError
from .types import ExtractedBill


def content_sha256(data: bytes) -> str:
    """Hex SHA-256 of the document, to spot the same document uploaded twice."""
    return hashlib.sha256(data).hexdigest()


def extract(
    data: bytes,
    filename: str = "",
    content_type: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractedBill:
    """Read a supplier bill out of a document (e-invoice XML, PDF, or scan).

    ``progress(page, pages)`` is called before each page of a scan is read (OCR takes
    seconds a page; the caller can show how far it has come).

    Raises ``IngestError`` (and nothing else) when the document cannot be read.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    data = bytes(data)
    try:
        kind = accept_document(data).kind  # the one acceptance rule (web, API, e-mail alike)
        if kind == "xml":
            from .einvoice import parse_einvoice

            return parse_einvoice(data)
        if kind == "pdf":
            from .pdf import extract_pdf

            return extract_pdf(data, progress)
        if kind == "image":
            from .ocr import extract_image

            return extract_image(data, progress)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError("document_unreadable", "the document is nested too deeply") from exc
    except Exception as exc:  # a hostile document must never crash the worker
        raise IngestError("document_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc
    raise IngestError("unsupported_type", filename or content_type or None)
