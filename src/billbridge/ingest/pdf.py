"""PDF bills: the text layer when there is one, else OCR of the rendered pages."""

from __future__ import annotations

from .fields import extract_fields
from .ocr import Progress, extract_scanned_pdf
from .pdftext import has_text, pdf_page_texts
from .types import ExtractedBill


def extract_pdf(data: bytes, progress: Progress | None = None) -> ExtractedBill:
    """Read a bill from a PDF; a scan saved as PDF (no text layer) goes through OCR."""
    prominent: list[str] = []
    texts = pdf_page_texts(data, prominent=prominent)
    if not has_text(texts):
        return extract_scanned_pdf(data, progress)
    return extract_fields("\n".join(texts), kind="pdf_text", prominent=prominent)
