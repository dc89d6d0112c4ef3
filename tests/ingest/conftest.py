"""Shared fixtures for the ingest tests: no Django, no database."""

from __future__ import annotations

import pytest

from billbridge.ingest.ocr import tesseract_available

#: OCR tests run wherever tesseract (with Danish) is installed, and skip only where it is not.
requires_ocr = pytest.mark.skipif(
    not tesseract_available(), reason="tesseract-ocr with dan+eng is not installed"
)
