"""Scans: pictures and PDFs without a text layer, read by tesseract (Danish + English).

OCR text is less sure than a text layer, so every field's confidence is scaled by tesseract's
own word confidences on the line it came from, and by ``OCR_FACTOR`` on top.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import IngestError
from .fields import extract_fields
from .types import ExtractedBill

#: Called before each page is read: (page number from 1, pages to read). Lets the caller show
#: "page 2 of 3" while a scan is read.
Progress = Callable[[int, int], None]

LANGUAGES = "dan+eng"
#: Upper bound on the pages sent through OCR (the first pages hold a bill's fields).
MAX_OCR_PAGES = 5
#: Resolution scanned PDF pages are rendered at, chosen by measurement (issue 17 item 3):
#: tests/bench/bench_ocr.py on the test corpus (8 scanned PDFs, 64 fields) read 64/64 fields
#: right at 200 dpi and 60/64 at 300 dpi, with 2.25× fewer pixels to read at 200.
RENDER_DPI = 200
#: Longest side of a rendered page in pixels (A4 at 300 dpi); a huge page cannot blow memory.
MAX_RENDER_SIDE = 3508
#: Pictures above this many pixels are refused (a decompression bomb, or a poster).
MAX_PIXELS = 60_000_000
#: How much less sure an OCR'd value is than the same value from a text layer.
OCR_FACTOR = 0.9
OCR_TIMEOUT_SECONDS = 60


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


#: Issue 17 item 3: tesseract is started with one OpenMP thread (OMP_THREAD_LIMIT=1), and at
#: most this many run at once in a process, so that N worker threads on a machine with fewer
#: cores do not fight: several single-threaded jobs use the cores better than one job that
#: multi-threads itself (measured: 5.0 s → 0.77 s per PNG page on 2 cores with 4 workers).
OCR_PARALLEL = int(os.environ.get("BILLBRIDGE_OCR_PARALLEL", "0")) or _cores()
_OCR_SLOTS = threading.BoundedSemaphore(OCR_PARALLEL)
# pytesseract starts tesseract with this process' environment, which is where OpenMP reads
# its thread limit; a limit the operator set stays.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@functools.lru_cache(maxsize=1)
def tesseract_available() -> bool:
    """Whether the tesseract binary with the Danish and English models is installed.

    Asked once per process (it runs ``tesseract --list-langs``); restart the worker after
    installing tesseract.
    """
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        langs = set(pytesseract.get_languages(config=""))
    except Exception:  # any failure means "not usable"
        return False
    return {"dan", "eng"} <= langs


def _require_tesseract() -> None:
    if not tesseract_available():
        raise IngestError(
            "ocr_unavailable", "install tesseract-ocr, tesseract-ocr-dan and tesseract-ocr-eng"
        )


def _open_images(data: bytes):
    """The frames of a picture file (a TIFF may hold several pages) as greyscale images."""
    from PIL import Image, ImageSequence

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS or width < 10 or height < 10:
            raise IngestError("image_unreadable", f"{width}x{height} pixels")
        frames = []
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= MAX_OCR_PAGES:
                break
            if frame.size[0] * frame.size[1] > MAX_PIXELS:
                raise IngestError("image_unreadable", f"page {index + 1} is too large")
            frames.append(frame.convert("L"))
        return frames
    except IngestError:
        raise
    except Exception as exc:  # Pillow raises many types on a damaged or hostile file
        raise IngestError("image_unreadable", f"{type(exc).__name__}: {str(exc)[:160]}") from exc


def _resolution(data: bytes, dpi: int, max_pages: int) -> list[str]:
    """pdftoppm's size arguments: ``dpi``, lowered so no page's longest side exceeds
    MAX_RENDER_SIDE pixels (``-scale-to`` alone would render every page at that size, whatever
    ``dpi`` says, and so it is kept only for a PDF whose page size cannot be read)."""
    from .pdftext import longest_page_side

    points = longest_page_side(data, max_pages)
    if points is None:
        return ["-r", str(dpi), "-scale-to", str(MAX_RENDER_SIDE)]
    return ["-r", str(max(1, min(dpi, int(MAX_RENDER_SIDE * 72 / points))))]


def render_pdf_pages(data: bytes, max_pages: int = MAX_OCR_PAGES, dpi: int | None = None):
    """Render the first pages of a PDF to greyscale images with poppler's ``pdftoppm``."""
    from PIL import Image

    dpi = dpi or RENDER_DPI
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise IngestError("ocr_unavailable", "install poppler-utils (pdftoppm)")
    with tempfile.TemporaryDirectory(prefix="billbridge-ocr-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            subprocess.run(
                [pdftoppm, *_resolution(data, dpi, max_pages), "-gray", "-png",
                 "-f", "1", "-l", str(max_pages), str(src), str(Path(tmp) / "page")],
                check=True,
                capture_output=True,
                timeout=OCR_TIMEOUT_SECONDS,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise IngestError("ocr_failed", "rendering the PDF took too long") from exc
        except subprocess.CalledProcessError as exc:
            raise IngestError("pdf_unreadable", exc.stderr.decode(errors="replace")[:160]) from exc
        pages = []
        for path in sorted(Path(tmp).glob("page*.png")):
            with Image.open(path) as img:
                pages.append(img.convert("L"))
    if not pages:
        raise IngestError("pdf_unreadable", "the PDF has no pages to render")
    return pages


def ocr_images(
    images, prominent: list[str] | None = None, progress: Progress | None = None
) -> tuple[str, list[float]]:
    """OCR the images: the text, one line per text line, and each line's confidence 0..1.

    If ``prominent`` is given, it receives the lines in the largest type at the top of the
    first page (by tesseract's word heights), where a supplier prints its name.
    """
    _require_tesseract()
    import pytesseract

    lines: list[str] = []
    confs: list[float] = []
    for page, image in enumerate(images):
        if progress is not None:
            progress(page + 1, len(images))
        try:
            with _OCR_SLOTS:
                data = pytesseract.image_to_data(
                    image,
                    lang=LANGUAGES,
                    config="--psm 3",
                    output_type=pytesseract.Output.DICT,
                    timeout=OCR_TIMEOUT_SECONDS,
                )
        except RuntimeError as exc:  # pytesseract's timeout
            raise IngestError("ocr_failed", str(exc)[:160]) from exc
        except pytesseract.TesseractNotFoundError as exc:
            raise IngestError("ocr_unavailable") from exc
        except pytesseract.TesseractError as exc:
            raise IngestError("ocr_failed", str(exc)[:160]) from exc
        grouped: dict[tuple[int, int, int], list[tuple[str, float, int, int]]] = {}
        for i, word in enumerate(data["text"]):
            word = (word or "").strip()
            conf = float(data["conf"][i])
            if not word or conf < 0:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            grouped.setdefault(key, []).append((word, conf, data["height"][i], data["top"][i]))
        page_lines: list[tuple[str, int, int]] = []
        for key in sorted(grouped):
            words = grouped[key]
            text = " ".join(w[0] for w in words)
            lines.append(text)
            confs.append(sum(w[1] for w in words) / len(words) / 100.0)
            heights = sorted(w[2] for w in words)
            page_lines.append((text, heights[len(heights) // 2], min(w[3] for w in words)))
        if page == 0 and prominent is not None and page_lines:
            prominent.extend(_prominent_lines(page_lines, image.size[1]))
        lines.append("")
        confs.append(1.0)
    return "\n".join(lines), confs


def _prominent_lines(page_lines: list[tuple[str, int, int]], page_height: int) -> list[str]:
    """Lines set noticeably larger than the body text, in the top 40 % of the page."""
    heights = sorted(h for _, h, _ in page_lines)
    body = heights[len(heights) // 2]
    big = [(t, h) for t, h, top in page_lines if top <= page_height * 0.4 and h >= body * 1.3]
    big.sort(key=lambda item: -item[1])
    return [t for t, _ in big[:5]]


def extract_ocr(images, progress: Progress | None = None) -> ExtractedBill:
    """Read a bill from page images through OCR."""
    prominent: list[str] = []
    text, confs = ocr_images(images, prominent, progress)
    if not text.strip():
        raise IngestError("ocr_failed", "no text was recognised")
    scaled = [c * OCR_FACTOR for c in confs]
    return extract_fields(text, kind="ocr", line_confidence=scaled, prominent=prominent)


def extract_image(data: bytes, progress: Progress | None = None) -> ExtractedBill:
    """Read a bill from a PNG, JPEG or TIFF scan."""
    _require_tesseract()
    return extract_ocr(_open_images(data), progress)


def extract_scanned_pdf(data: bytes, progress: Progress | None = None) -> ExtractedBill:
    """Read a bill from a PDF with no text layer, by rendering and OCR'ing its first pages."""
    _require_tesseract()
    return extract_ocr(render_pdf_pages(data), progress)
