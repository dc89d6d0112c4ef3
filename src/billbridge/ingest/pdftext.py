"""PDFs with a text layer: the text, page by page, for field extraction."""

from __future__ import annotations

import io
import logging

from .errors import IngestError

#: Only the first pages matter for a bill; this bounds the work on a hostile PDF.
MAX_PAGES = 20

logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_page_texts(
    data: bytes, max_pages: int = MAX_PAGES, prominent: list[str] | None = None
) -> list[str]:
    """The text layer of each of the first ``max_pages`` pages ('' for a page without one).

    If ``prominent`` is given, it receives the largest-type texts at the top of page one
    (where a supplier prints its name), biggest first.
    """
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")  # many PDFs are "encrypted" with an empty user password
            except Exception as exc:
                raise IngestError("pdf_encrypted") from exc
        texts = []
        for index, page in enumerate(reader.pages[:max_pages]):
            if index == 0 and prominent is not None:
                runs: list[tuple[float, float, str]] = []
                texts.append(page.extract_text(visitor_text=_collector(runs)) or "")
                prominent.extend(_prominent(runs, float(page.mediabox.height or 842)))
            else:
                texts.append(page.extract_text() or "")
        if not texts:
            raise IngestError("pdf_unreadable", "the PDF has no pages")
        return texts
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError("pdf_encrypted") from exc
    except Exception as exc:  # pypdf raises many types on a damaged or hostile file
        raise IngestError("pdf_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc


def _collector(runs: list[tuple[float, float, str]]):
    def visit(text, cm, tm, font_dict, font_size) -> None:
        if not text or not text.strip() or len(runs) > 2000:
            return
        try:
            scale = max(abs(tm[0]), abs(tm[3]), 1e-3) * max(abs(cm[0]), abs(cm[3]), 1e-3)
            y = float(tm[5]) * max(abs(cm[3]), 1e-3) + float(cm[5])
            runs.append((float(font_size) * scale, y, text.strip()))
        except (TypeError, ValueError, IndexError):
            pass

    return visit


def _prominent(runs: list[tuple[float, float, str]], page_height: float) -> list[str]:
    """Texts in the largest type in the top 40 % of the page, biggest first."""
    top = [r for r in runs if r[1] >= page_height * 0.6]
    if not top:
        return []
    sizes = sorted(r[0] for r in runs)
    body = sizes[len(sizes) // 2]
    big = [r for r in top if r[0] >= body * 1.3]
    big.sort(key=lambda r: (-r[0], -r[1]))
    return [r[2] for r in big[:5]]


def pdf_page_count(data: bytes) -> int:
    """How many pages the PDF has (used to bound OCR work)."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception as exc:  # pypdf raises many types on a damaged or hostile file
        raise IngestError("pdf_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc


def longest_page_side(data: bytes, max_pages: int = MAX_PAGES) -> float | None:
    """The longest side, in points (1/72 inch), of the first pages; None when unreadable."""
    from pypdf import PdfReader

    try:
        pages = PdfReader(io.BytesIO(data), strict=False).pages
        sides = [max(float(p.mediabox.width), float(p.mediabox.height)) for p in pages[:max_pages]]
    except Exception:  # pypdf raises many types on a damaged or hostile file
        return None
    return max(sides) if sides and max(sides) > 0 else None


def has_text(texts: list[str]) -> bool:
    """Whether the text layer holds enough to read a bill from (not just a stray page number)."""
    return sum(len("".join(t.split())) for t in texts) >= 20
