"""How fast documents are read: e-invoices per second, seconds per PDF page and per OCR page.

Run: ``PYTHONPATH=src .venv/bin/python tests/bench/bench_ingest.py``. Prints figures only; no
thresholds (the target for e-invoices is at least 500 per second).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from billbridge.ingest import extract  # noqa: E402
from billbridge.ingest.ocr import tesseract_available  # noqa: E402
from tests.ingest.corpus import (  # noqa: E402
    Bill,
    Line,
    bill_pdf,
    german_supplier,
    image_only_pdf,
    oioubl,
    peppol,
    render_png,
)


def _rate(data: bytes, filename: str, seconds: float = 2.0) -> tuple[float, int]:
    """Documents per second, parsing ``data`` repeatedly for about ``seconds``."""
    extract(data, filename)  # warm up imports
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        extract(data, filename)
        count += 1
    return count / (time.perf_counter() - start), count


def _per_call(data: bytes, filename: str, repeat: int) -> float:
    extract(data, filename)
    start = time.perf_counter()
    for _ in range(repeat):
        extract(data, filename)
    return (time.perf_counter() - start) / repeat


def main() -> None:
    from decimal import Decimal

    many_lines = Bill(
        lines=[Line(f"Vare {i}", Decimal(i % 7 + 1), Decimal("12.50")) for i in range(50)]
    )
    print("billbridge ingest benchmark")
    for name, maker in (("OIOUBL", oioubl), ("Peppol", peppol)):
        for label, bill in (("2 lines", Bill()), ("50 lines", many_lines)):
            rate, n = _rate(maker(bill), "bill.xml")
            print(f"  {name:7} invoice, {label:8}: {rate:8.0f} documents/s  ({n} parsed)")
        rate, n = _rate(maker(german_supplier(), credit_note=True), "bill.xml")
        print(f"  {name:7} credit note EUR  : {rate:8.0f} documents/s  ({n} parsed)")

    for language in ("da", "en"):
        seconds = _per_call(bill_pdf(language=language), "bill.pdf", repeat=30)
        print(f"  PDF text layer ({language}): {seconds * 1000:8.1f} ms per page")

    if not tesseract_available():
        print("  OCR: tesseract not installed, skipped")
        return
    png = render_png(bill_pdf(language="da"), dpi=200)
    seconds = _per_call(png, "scan.png", repeat=3)
    print(f"  OCR PNG scan at 200 dpi    : {seconds:8.2f} s per page")
    scanned_pdf = image_only_pdf(png)
    seconds = _per_call(scanned_pdf, "scan.pdf", repeat=3)
    print(f"  OCR scanned PDF (200 dpi)  : {seconds:8.2f} s per page (render + OCR)")


if __name__ == "__main__":
    main()
