"""One exception type for every way a document can fail to be read.

The web layer shows ``IngestError.code`` through Django i18n, so codes are stable keys and
the English sentences below are the source strings.
"""

from __future__ import annotations

ERROR_MESSAGES: dict[str, str] = {
    "empty_document": "The document is empty.",
    "too_large": "The document is too large to read.",
    "unsupported_type": (
        "This kind of file cannot be read. Send a PDF, a picture (PNG, JPEG, TIFF, WebP, GIF) "
        "or an e-invoice (OIOUBL or Peppol XML)."
    ),
    "xml_malformed": "The XML file is damaged or not well-formed.",
    "xml_forbidden_dtd": (
        "The XML file contains a document type declaration (DOCTYPE), which is not allowed "
        "in e-invoices and is refused for safety."
    ),
    "xml_not_invoice": "The XML file is not an OIOUBL or Peppol invoice or credit note.",
    "xml_invalid_value": (
        "The e-invoice contains a value that cannot be read (an amount or a date)."
    ),
    "xml_incomplete": "The e-invoice lacks a required element (invoice number, date or total).",
    "pdf_unreadable": "The PDF file is damaged or cannot be read.",
    "pdf_encrypted": "The PDF file is password protected and cannot be read.",
    "image_unreadable": "The picture is damaged, too large or cannot be read.",
    "ocr_unavailable": (
        "Text recognition (OCR) is not installed on this server, so scanned bills "
        "cannot be read. Type the bill in instead."
    ),
    "ocr_failed": "Text recognition (OCR) failed on this document.",
    "document_unreadable": "The document could not be read.",
}


class IngestError(Exception):
    """A document could not be read; ``code`` is a key of ``ERROR_MESSAGES``."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        if code not in ERROR_MESSAGES:
            raise ValueError(f"unknown ingest error code {code!r}")
        self.code = code
        self.detail = detail
        message = ERROR_MESSAGES[code]
        super().__init__(f"{message} ({detail})" if detail else message)

    @property
    def message(self) -> str:
        """The plain English sentence for ``code`` (without the technical detail)."""
        return ERROR_MESSAGES[self.code]
