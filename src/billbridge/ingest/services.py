"""A document arrives (web upload, API, e-invoice): a bill in ANALYSING, read in the background.

The bill exists from the first moment, so nothing is lost if reading fails: the person then
types what could not be read (SPEC B-6, §7).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from billbridge.accounts.models import Company, User
from billbridge.bills.models import Bill, BillStatus
from billbridge.bills.services import BillInput, add_bill
from billbridge.ingest.acceptance import AcceptedDocument, accept_document
from billbridge.ingest.errors import IngestError
from billbridge.ingest.types import ExtractedBill


def refusal_reason(exc: IngestError) -> str:
    """Why a document was refused, in the reader's language."""
    if exc.code == "too_large":
        return _("The document is larger than %(mb)d MB.") % {
            "mb": settings.MAX_DOCUMENT_BYTES // (1024 * 1024)
        }
    return _(exc.message)


def accept_upload(document: UploadedFile) -> AcceptedDocument:
    """The acceptance rule (``ingest.acceptance``) for an uploaded file, as the web form and the
    API ask it: ``ValidationError`` on "document" with the reason; the file's content type is
    set to the one its bytes show (the uploader's word is not kept)."""
    if document.size is not None and document.size > settings.MAX_DOCUMENT_BYTES:
        raise ValidationError({"document": refusal_reason(IngestError("too_large"))})
    data = document.read()
    document.seek(0)
    try:
        accepted = accept_document(data, max_bytes=settings.MAX_DOCUMENT_BYTES)
    except IngestError as exc:
        raise ValidationError({"document": refusal_reason(exc)}) from None
    document.content_type = accepted.content_type
    return accepted


def receive_document(company: Company, document: UploadedFile, *, user: User | None) -> Bill:
    """Keep the document as a bill in ANALYSING and queue the reading of its fields."""
    accept_upload(document)
    bill = add_bill(company, BillInput(), user=user, document=document, status=BillStatus.ANALYSING)
    transaction.on_commit(lambda: enqueue_analysis(bill.pk))
    return bill


def receive_bytes(
    company: Company, data: bytes, filename: str, *, user: User | None = None
) -> Bill:
    """A document that did not come as an upload (an e-mail's attachment): the same rule, the
    same ANALYSING bill read in the background. Raises ``IngestError`` when refused."""
    accepted = accept_document(data, max_bytes=settings.MAX_DOCUMENT_BYTES)
    document = ContentFile(data, name=_safe_filename(filename, accepted))
    document.content_type = accepted.content_type  # type: ignore[attr-defined]
    bill = add_bill(company, BillInput(), user=user, document=document, status=BillStatus.ANALYSING)
    transaction.on_commit(lambda: enqueue_analysis(bill.pk))
    return bill


def _safe_filename(filename: str, accepted: AcceptedDocument) -> str:
    """A file name to store: no path parts or control characters; an extension if it had none."""
    name = "".join(ch for ch in filename.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    name = name.strip().lstrip(".")[:200] or "document"
    if "." not in name:
        name += "." + accepted.content_type.split("/")[-1]
    return name


def enqueue_analysis(bill_id: int) -> None:
    from billbridge.ingest.tasks import analyse_document

    analyse_document(bill_id)


def bill_input_from(extracted: ExtractedBill) -> BillInput:
    """What was read, as the bills service takes it; credit notes get a negative total."""
    return BillInput(
        supplier_name=extracted.supplier_name.value or "",
        supplier_cvr=extracted.supplier_cvr.value or "",
        supplier_vat_number=extracted.supplier_vat_number.value or "",
        supplier_address=extracted.supplier_address.value or "",
        supplier_country=extracted.supplier_country.value or "",
        invoice_number=extracted.invoice_number.value or "",
        issue_date=extracted.issue_date.value,
        due_date=extracted.due_date.value,
        currency=extracted.currency.value or "",
        total=extracted.signed_total(),
        vat_amount=extracted.signed_vat_amount(),
        vat_breakdown=extracted.signed_vat_breakdown(),
    )


#: Lines kept on the bill's extraction record; an invoice with more keeps the first ones.
MAX_KEPT_LINES = 500


def extraction_record(extracted: ExtractedBill) -> dict[str, Any]:
    """JSON kept on the bill: each field's value and confidence, and which to check."""
    fields = {
        name: {
            "value": None if f.value is None else str(f.value),
            "confidence": round(f.confidence, 2),
        }
        for name, f in extracted.scalar_fields().items()
    }
    return {
        "kind": extracted.kind,
        "fields": fields,
        "low_confidence": extracted.low_confidence_fields(),
        "payment_means": [
            {k: v for k, v in vars_of(pm).items() if v not in (None, "")}
            for pm in extracted.payment_means
        ],
        # The lines as read (items and duties, issue 11 item 4), for the VAT rules to use.
        "lines": [
            {k: v for k, v in vars_of(line).items() if v not in (None, "")}
            for line in extracted.lines[:MAX_KEPT_LINES]
        ],
        "vat_breakdown": extracted.signed_vat_breakdown(),
        "warnings": list(extracted.warnings),
    }


def vars_of(obj: Any) -> dict[str, Any]:
    import dataclasses

    return {k: (str(v) if v is not None else None) for k, v in dataclasses.asdict(obj).items()}
