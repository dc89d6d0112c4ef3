"""Reading supplier bills out of documents: e-invoices (OIOUBL, Peppol), PDFs and scans.

Pure Python, no Django: ``extract(data, filename, content_type)`` returns an ``ExtractedBill``
or raises ``IngestError``. The Django wiring lives in ``services.py`` / ``tasks.py``.
"""

from .acceptance import MAX_DOCUMENT_BYTES, AcceptedDocument, accept_document
from .errors import ERROR_MESSAGES, IngestError
from .extract import content_sha256, extract
from .types import LOW_CONFIDENCE, BillLine, ExtractedBill, Field, PaymentMeans

__all__ = [
    "AcceptedDocument",
    "accept_document",
    "ERROR_MESSAGES",
    "LOW_CONFIDENCE",
    "MAX_DOCUMENT_BYTES",
    "BillLine",
    "ExtractedBill",
    "Field",
    "IngestError",
    "PaymentMeans",
    "content_sha256",
    "extract",
]
