"""PDFs with a text layer: the text, page by page, for field extraction."""

from __future__ import annotations

import io
import logging

from .errors import IngestError

#: Only the first pages matter for a bill; this bounds the work on a hostile PDF.
MAX_PAGES = 20

logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_page_texts(data: bytes, max_pages: int = MAX_PAGES) -> list[str]:
    """The text layer of each of the first ``max_pages`` pages ('' for a page without one)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except Exception as exc:
                raise IngestError("pdf_encrypted") from exc
        texts = []
        for page in reader.pages[:max_pages]:
            texts.append(page.extract_text() or "")
        if not texts:
            raise IngestError("pdf_unreadable", "the PDF has no pages")
        return texts
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError("pdf_encrypted") from exc
    except (PdfReadError, RecursionError, MemoryError, Exception) as exc:  # noqa: BLE001
        raise IngestError("pdf_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc


def pdf_page_count(data: bytes) -> int:
    """How many pages the PDF has (used to bound OCR work)."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception as exc:  # noqa: BLE001
        raise IngestError("pdf_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc


def has_text(texts: list[str]) -> bool:
    """Whether the text layer holds enough to read a bill from (not just a stray page number)."""
    return sum(len("".join(t.split())) for t in texts) >= 20
