"""Scans through tesseract. Few cases: each takes a second or two."""

from datetime import date
from decimal import Decimal

import pytest

from billbridge.ingest import IngestError, extract
from billbridge.ingest import ocr as ocr_module
from tests.ingest.conftest import requires_ocr
from tests.ingest.corpus import (
    SUPPLIER_CVR,
    bill_pdf,
    blank_pdf,
    convert_image,
    german_supplier,
    image_only_pdf,
    render_png,
)


@pytest.fixture(scope="module")
def danish_png():
    return render_png(bill_pdf(language="da"), dpi=200)


@pytest.fixture(scope="module")
def danish_scan(danish_png):
    return extract(danish_png, "scan.png", "image/png")


@requires_ocr
def test_png_scan_is_read_by_ocr(danish_scan):
    assert danish_scan.kind == "ocr"
    assert danish_scan.invoice_number.value == "2026-1042"
    assert danish_scan.issue_date.value == date(2026, 11, 22)
    assert danish_scan.supplier_cvr.value == SUPPLIER_CVR


@requires_ocr
def test_png_scan_reads_totals_and_fi_line(danish_scan):
    assert danish_scan.total.value == Decimal("2500.00")
    assert danish_scan.vat_amount.value == Decimal("500.00")
    (pm,) = danish_scan.payment_means
    assert pm.fi_code == "+71<000000001234567+87654321<"


@requires_ocr
def test_ocr_fields_are_less_sure_than_the_same_text_layer(danish_scan):
    text_layer = extract(bill_pdf(language="da"), "faktura.pdf")
    assert danish_scan.total.confidence < text_layer.total.confidence
    assert danish_scan.invoice_number.confidence < text_layer.invoice_number.confidence


@requires_ocr
def test_jpeg_scan_is_read(danish_png):
    bill = extract(convert_image(danish_png, "JPEG"), "scan.jpg")
    assert bill.total.value == Decimal("2500.00")


@requires_ocr
def test_pdf_without_text_layer_falls_back_to_ocr():
    png = render_png(bill_pdf(german_supplier(), language="en"), dpi=200)
    bill = extract(image_only_pdf(png), "scan.pdf", "application/pdf")
    assert bill.kind == "ocr"
    assert bill.currency.value == "EUR"
    assert bill.total.value == Decimal("2500.00")
    assert bill.supplier_vat_number.value == "DE123456789"


@requires_ocr
def test_blank_page_gives_ocr_failed():
    with pytest.raises(IngestError) as err:
        extract(blank_pdf(), "blank.pdf")
    assert err.value.code == "ocr_failed"


def test_missing_tesseract_gives_ocr_unavailable(monkeypatch, danish_png):
    # The one place a fake is right: the test is about the binary being absent.
    monkeypatch.setattr(ocr_module, "tesseract_available", lambda: False)
    with pytest.raises(IngestError) as err:
        extract(danish_png, "scan.png")
    assert err.value.code == "ocr_unavailable"
    assert "not installed" in str(err.value)


@requires_ocr
def test_tiff_scan_is_read(danish_png):
    bill = extract(convert_image(danish_png, "TIFF"), "scan.tif", "image/tiff")
    assert bill.invoice_number.value == "2026-1042"


def _two_page_tiff(png: bytes) -> bytes:
    import io

    from PIL import Image

    page = Image.open(io.BytesIO(png)).convert("L")
    out = io.BytesIO()
    page.save(out, format="TIFF", save_all=True, append_images=[page.copy()])
    return out.getvalue()


@requires_ocr
def test_each_page_of_a_scan_is_announced_before_it_is_read(danish_png):
    """Issue 17 item 3: the caller hears "page 1 of 2", "page 2 of 2" while a scan is read."""
    heard: list[tuple[int, int]] = []
    bill = extract(
        _two_page_tiff(danish_png), "scan.tif", "image/tiff", progress=lambda *p: heard.append(p)
    )
    assert heard == [(1, 2), (2, 2)]
    assert bill.invoice_number.value == "2026-1042"


def test_tesseract_runs_with_one_thread_unless_the_operator_set_a_limit():
    """Issue 17 item 3: tesseract's OpenMP threads fight each other when several jobs run on
    few cores; it inherits OMP_THREAD_LIMIT=1 from the worker, or the operator's own value."""
    import os
    import subprocess
    import sys

    code = "import os, billbridge.ingest.ocr; print(os.environ['OMP_THREAD_LIMIT'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "1", out.stderr
    env["OMP_THREAD_LIMIT"] = "2"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "2", out.stderr


def test_as_many_scans_are_read_at_once_as_the_machine_has_cores():
    import os

    assert len(os.sched_getaffinity(0)) == ocr_module.OCR_PARALLEL
