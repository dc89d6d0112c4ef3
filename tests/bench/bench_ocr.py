"""How well the machine reads scans (issue 17 items 3 and 4): figures, no thresholds.

1. The render resolution of scanned PDFs: for each candidate dpi, seconds per page and how many
   of the test corpus' fields are read right (the value in ``ocr.RENDER_DPI`` was chosen so).
2. Many scans dropped at once (``--drop N``, default 10; the issue's figure is 50): the time until
   all are read by as many threads as the worker has, beside ``pages × one page ÷ cores``.

Run: ``PYTHONPATH=src:. .venv/bin/python tests/bench/bench_ocr.py [--drop 50] [--skip-dpi]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from billbridge.ingest import extract, ocr  # noqa: E402
from tests.ingest.corpus import (  # noqa: E402
    Bill,
    bill_pdf,
    german_supplier,
    image_only_pdf,
    render_png,
)


def _corpus() -> list[tuple[str, Bill, bytes]]:
    """Scanned PDFs: Danish and English bills, a German supplier, scanned at 200 and 300 dpi."""
    docs = []
    for label, bill, language in (
        ("da", Bill(), "da"),
        ("en", Bill(), "en"),
        ("de-supplier", german_supplier(), "en"),
        ("da-other", Bill(number="A-77311", issue_date="2026-03-09", due_date="2026-04-08"), "da"),
    ):
        for scan_dpi in (200, 300):
            png = render_png(bill_pdf(bill, language=language), dpi=scan_dpi)
            docs.append((f"{label}@{scan_dpi}", bill, image_only_pdf(png)))
    return docs


def _right(source: Bill, read) -> tuple[int, int]:
    """(fields read right, fields checked)."""
    checks = [
        (read.invoice_number.value, source.number),
        (read.issue_date.value, date.fromisoformat(source.issue_date)),
        (read.due_date.value, date.fromisoformat(source.due_date) if source.due_date else None),
        (read.currency.value, source.currency),
        (read.total.value, source.total),
        (read.vat_amount.value, source.vat),
        (read.supplier_cvr.value or None, source.supplier_cvr),
        (read.supplier_vat_number.value or None, source.supplier_vat),
    ]
    return sum(1 for got, want in checks if got == want), len(checks)


def _pixels(pdf: bytes) -> str:
    page = ocr.render_pdf_pages(pdf, max_pages=1)[0]
    return f"A4 page {page.size[0]}×{page.size[1]} px"


def resolution(dpis: list[int], repeat: int) -> None:
    docs = _corpus()
    print(f"render resolution of scanned PDFs ({len(docs)} documents, median of {repeat}):")
    for dpi in dpis:
        ocr.RENDER_DPI = dpi
        right = checked = 0
        seconds = []
        for _, source, data in docs:
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                read = extract(data, "scan.pdf", "application/pdf")
                runs.append(time.perf_counter() - started)
            seconds.append(statistics.median(runs))
            r, c = _right(source, read)
            right, checked = right + r, checked + c
        print(f"  {dpi} dpi ({_pixels(docs[0][2])}): {statistics.median(seconds):.2f} s a page "
              f"(median), {right}/{checked} fields right")  # fmt: skip


def drop(count: int, workers: int) -> None:
    cores = ocr.OCR_PARALLEL
    png = render_png(bill_pdf(language="da"), dpi=200)
    kinds = (("PNG", png, "scan.png"), ("scanned PDF", image_only_pdf(png), "s.pdf"))
    for kind, data, name in kinds:
        extract(data, name)  # warm
        one = []
        for _ in range(3):
            started = time.perf_counter()
            extract(data, name)
            one.append(time.perf_counter() - started)
        single = statistics.median(one)
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(extract, [data] * count, [name] * count))
        total = time.perf_counter() - started
        ideal = count * single / cores
        print(f"  {count} {kind}s dropped at once: {total:.1f} s with {workers} worker threads; "
              f"one page alone {single:.2f} s → {count} × {single:.2f} ÷ {cores} cores = "
              f"{ideal:.1f} s (ratio {total / ideal:.2f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drop", type=int, default=10)
    parser.add_argument("--dpi", default="300,200")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-dpi", action="store_true")
    args = parser.parse_args()
    if not ocr.tesseract_available():
        print("OCR: tesseract not installed, skipped")
        return
    print(f"OCR bench: OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT')}, "
          f"{ocr.OCR_PARALLEL} tesseract at once, load {os.getloadavg()[0]:.2f}")  # fmt: skip
    if not args.skip_dpi:
        resolution([int(d) for d in args.dpi.split(",")], args.repeat)
    if args.drop:
        drop(args.drop, int(os.environ.get("HUEY_WORKERS", "4")))


if __name__ == "__main__":
    main()
