"""Bills of one company (B-1, B-2, B-6): list, add (JSON or multipart), change, pay, document.

Every change goes through `billbridge.bills.services`, so events and rules apply as in the UI.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from billbridge.accounts.models import Company
from billbridge.api.auth import CompanyId, company_for, is_db_id
from billbridge.api.errors import ApiError
from billbridge.api.schemas import (
    BillIn,
    BillOut,
    BillPage,
    BillPatch,
    ErrorOut,
    PaymentIn,
    PaymentOut,
    SearchText,
)
from billbridge.bills import listing, services
from billbridge.bills.models import Bill, BillStatus, Category, Payment, PaymentMethod
from billbridge.bills.search import search_bills
from billbridge.fx.services import RateUnavailable, refresh_official_rate
from billbridge.ingest.acceptance import ACCEPTED_CONTENT_TYPES, OPAQUE, served_content_type
from billbridge.ingest.services import accept_upload, receive_document
from billbridge.integrations.messages import message_for
from billbridge.sync.engine import describe

router = Router(tags=["bills"])
Owned = TypeVar("Owned", Category, PaymentMethod)
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BillStatusName = Literal[tuple(BillStatus.values)]  # type: ignore[valid-type]
# Form fields that mean "not given" when sent empty (a browser form sends every field).
OPTIONAL_FORM_FIELDS = {
    "issue_date",
    "due_date",
    "total",
    "vat_amount",
    "category_id",
    "payment_method_id",
}
# Past this page the offset would overflow the database's integers (a 500, found by schemathesis).
MAX_PAGE = 10**9


class BillFilters(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(25, ge=1, le=100)
    status: BillStatusName | None = None
    supplier: SearchText | None = Field(None, description="A supplier's id, or its exact name.")
    category_id: int | None = None
    q: SearchText | None = Field(
        None,
        description="Searches supplier name, CVR number, invoice number and text (any part "
        "of them, case does not matter).",
    )
    cursor: SearchText | None = Field(
        None,
        description="Where the page starts: the opaque value a `next` link carries (the page "
        "after that link's last bill, as fast at page 4,000 as at page 2). Without it, `page` "
        "says which page; with it, `page` only numbers the page (for its `previous` link).",
    )


# --- JSON out ---------------------------------------------------------------------------------


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "date": payment.date,
        "amount": _money(payment.amount),
        "payment_method_id": payment.payment_method_id,
    }


def _namespace(request: HttpRequest) -> str:
    """The API's URL namespace as mounted ("api"), so links work wherever it is mounted."""
    match = getattr(request, "resolver_match", None)
    return (match.namespace if match else "") or "api"


def bill_out(request: HttpRequest, bill: Bill) -> dict[str, Any]:
    """The bill as the API shows it; amounts are strings with two decimals."""
    document_url = None
    if bill.document:
        document_url = request.build_absolute_uri(
            reverse(
                f"{_namespace(request)}:bill_document",
                kwargs={"company_id": bill.company_id, "bill_id": bill.pk},
            )
        )
    payment = getattr(bill, "payment", None)
    records = sorted(bill.sync_records.all(), key=lambda r: (r.provider, r.kind))
    return {
        "id": bill.pk,
        "status": bill.status,
        "supplier_name": bill.supplier_name,
        "supplier_cvr": bill.supplier_cvr,
        "invoice_number": bill.invoice_number,
        "issue_date": bill.issue_date,
        "due_date": bill.due_date,
        "currency": bill.currency,
        "total": _money(bill.total),
        "vat_amount": _money(bill.vat_amount),
        "text": bill.text,
        "category_id": bill.category_id,
        "payment_method_id": bill.payment_method_id,
        "document_url": document_url,
        "duplicate_of": bill.duplicate_of_id,
        "payment": _payment_out(payment) if payment else None,
        "vat_breakdown": [
            {
                "category": row.get("category", ""),
                "percent": row.get("percent"),
                "taxable_amount": row.get("taxable_amount", "0.00"),
                "vat_amount": row.get("vat_amount", "0.00"),
            }
            for row in bill.vat_breakdown or []
        ],
        "exchange_rate": None
        if bill.exchange_rate is None
        else f"{bill.exchange_rate.normalize():f}",
        "exchange_rate_source": bill.exchange_rate_source or None,
        "exchange_rate_date": bill.exchange_rate_date,
        "exchange_rate_set_by": bill.exchange_rate_set_by.email
        if bill.exchange_rate_set_by
        else None,
        "exchange_rate_set_at": bill.exchange_rate_set_at,
        "sync": [
            {
                "integration": r.provider,
                "kind": r.kind,
                "state": r.state,
                "remote_reference": r.remote_reference,
                # the one catalogue's words in the caller's language (the stored English else)
                "error": getattr(describe(r), "message", "") or r.error,
                "error_code": r.error_code,
            }
            for r in records
        ],
    }


def _bills(company: Company) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(company=company)
        .select_related("supplier", "payment", "exchange_rate_set_by")
        .prefetch_related("sync_records")
    )


def _bill_or_404(company: Company, bill_id: int) -> Bill:
    return get_object_or_404(_bills(company), pk=bill_id)


def _owned(model: type[Owned], company: Company, pk: int, field: str) -> Owned:
    """A category or payment method of this company, or a 422 naming the field."""
    obj = model.objects.filter(company=company, pk=pk).first()
    if obj is None:
        raise ValidationError({field: f"Unknown {field.removesuffix('_id').replace('_', ' ')}."})
    if obj.archived:
        raise ValidationError({field: "It is archived; choose another."})
    return obj


# --- list and read ------------------------------------------------------------------------------


@router.get("/bills", response={200: BillPage, 404: ErrorOut, 422: ErrorOut})
def list_bills(
    request: HttpRequest, company_id: CompanyId, filters: Query[BillFilters]
) -> dict[str, Any]:
    """Newest first, `page_size` at a time; `next`/`previous` are ready-made links."""
    bills = _bills(company_for(request, company_id))
    if filters.status:
        bills = bills.filter(status=filters.status)
    if filters.supplier:
        supplier = filters.supplier.strip()
        if supplier.isascii() and supplier.isdigit():
            # An id no row can have matches nothing (the database driver would fail on it).
            supplier_id = int(supplier)
            bills = bills.filter(supplier_id=supplier_id) if is_db_id(supplier_id) else bills.none()
        else:
            bills = bills.filter(supplier__name__iexact=supplier)
    if filters.category_id is not None:
        category_id = filters.category_id
        bills = bills.filter(category_id=category_id) if is_db_id(category_id) else bills.none()
    if filters.q:
        bills = search_bills(bills, filters.q, company_id=company_id)
    bills = bills.order_by("-issue_date", "-id")
    count = bills.count()
    size = filters.page_size
    if filters.cursor:
        try:
            later = listing.after(bills, filters.cursor)
        except listing.BadCursor:
            raise ApiError(422, "This cursor was not given by a next link.", "cursor") from None
        ids = list(later.values_list("id", flat=True)[: size + 1])
        more = len(ids) > size
        page = listing.rows_in_order(bills, ids[:size])
    else:
        page = listing.page_by_number(bills, filters.page, size)
        more = filters.page * size < count
    return {
        "count": count,
        "next": _page_link(request, filters.page + 1, _cursor_of(page[-1])) if more else None,
        "previous": _page_link(request, filters.page - 1) if filters.page > 1 else None,
        "results": [bill_out(request, b) for b in page],
    }


def _cursor_of(bill: Bill) -> str:
    return listing.encode_cursor(bill.issue_date, bill.pk)


def _page_link(request: HttpRequest, page: int, cursor: str | None = None) -> str:
    """A link to page `page`: the next page by cursor (keyset), an earlier one by number."""
    query = request.GET.copy()
    query["page"] = str(page)
    query.pop("cursor", None)
    if cursor:
        query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@router.get("/bills/{bill_id}", response={200: BillOut, **ERRORS})
def get_bill(request: HttpRequest, company_id: CompanyId, bill_id: int) -> dict[str, Any]:
    return bill_out(request, _bill_or_404(company_for(request, company_id), bill_id))


# What a document is served as: the types acceptance stores, anything else as bytes.
DOCUMENT_MEDIA_TYPES = (*ACCEPTED_CONTENT_TYPES, OPAQUE)


@router.get(
    "/bills/{bill_id}/document",
    url_name="bill_document",
    response={404: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The bill's original document (PDF, image or e-invoice XML).",
                "content": {
                    mime: {"schema": {"type": "string", "format": "binary"}}
                    for mime in DOCUMENT_MEDIA_TYPES
                },
            }
        }
    },
)
def get_bill_document(request: HttpRequest, company_id: CompanyId, bill_id: int) -> FileResponse:
    bill = _bill_or_404(company_for(request, company_id), bill_id)
    if not bill.document:
        raise Http404
    return FileResponse(
        bill.document.open("rb"),
        as_attachment=True,
        filename=bill.document_name or "document",
        content_type=served_content_type(bill.document_content_type),
    )


# --- add ------------------------------------------------------------------------------------------

_BILL_IN_SCHEMA = BillIn.model_json_schema(ref_template="#/components/schemas/{model}")


def _form_field(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON field as a form field: a form has no null (empty or absent is "not given")."""
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if not options:
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**rest, **options[0]} if len(options) == 1 else {**rest, "anyOf": options}


_BILL_FORM_SCHEMA = {
    **_BILL_IN_SCHEMA,
    "title": "BillForm",
    "properties": {
        **{name: _form_field(field) for name, field in _BILL_IN_SCHEMA["properties"].items()},
        "document": {
            "type": "string",
            "format": "binary",
            "description": "The bill's document: PDF, image or e-invoice XML.",
        },
    },
}


@router.post(
    "/bills",
    response={201: BillOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _BILL_IN_SCHEMA},
                "multipart/form-data": {"schema": _BILL_FORM_SCHEMA},
            },
        }
    },
)
def create_bill(request: HttpRequest, company_id: CompanyId) -> Status[dict[str, Any]]:
    """Add a bill (B-6) from JSON, or from a multipart form with a `document` file.

    A multipart form with only the document gives an ANALYSING bill whose fields are read from
    the document in the background; with fields, the bill is added as they say.
    """
    company = company_for(request, company_id)
    document: UploadedFile | None = None
    if request.content_type == "multipart/form-data":
        data: Any = {
            k: v for k, v in request.POST.dict().items() if v != "" or k not in OPTIONAL_FORM_FIELDS
        }
        if isinstance(data.get("vat_breakdown"), str):
            data["vat_breakdown"] = _json_field(data["vat_breakdown"], "vat_breakdown")
        document = request.FILES.get("document")
        if document is not None:
            accept_upload(document)
            if not data:
                # Only a document: keep it as an ANALYSING bill and read its fields (B-6).
                bill = receive_document(company, document, user=request.auth)
                return Status(201, bill_out(request, _bill_or_404(company, bill.pk)))
    else:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON.") from None
    payload = _validate(BillIn, data)
    bill = services.add_bill(
        company,
        services.BillInput(
            supplier_name=payload.supplier_name,
            supplier_cvr=payload.supplier_cvr,
            invoice_number=payload.invoice_number,
            issue_date=payload.issue_date,
            due_date=payload.due_date,
            currency=payload.currency,
            total=payload.total,
            vat_amount=payload.vat_amount,
            text=payload.text,
            category=_owned(Category, company, payload.category_id, "category_id")
            if payload.category_id is not None
            else None,
            payment_method=_owned(
                PaymentMethod, company, payload.payment_method_id, "payment_method_id"
            )
            if payload.payment_method_id is not None
            else None,
            vat_breakdown=[row.model_dump() for row in payload.vat_breakdown],
            exchange_rate=payload.exchange_rate,
        ),
        user=request.auth,
        document=document,
    )
    return Status(201, bill_out(request, _bill_or_404(company, bill.pk)))


def _json_field(text: str, field: str) -> Any:
    """A list sent as a multipart form field is sent as JSON text."""
    if text.strip() == "":
        return []
    try:
        return json.loads(text)
    except ValueError:
        raise ValidationError({field: "Send this field as JSON, e.g. [] or [{…}]."}) from None


def _validate(schema: type[Schema], data: Any) -> Any:
    """Validate a body read by hand, with the same error shape as ninja's own bodies."""
    if not isinstance(data, dict):
        raise ApiError(422, "Send a JSON object with the bill's fields.")
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [
                {"loc": ("body", "payload", *e["loc"]), "msg": e["msg"], "type": e["type"]}
                for e in exc.errors(include_url=False)
            ]
        ) from None


# --- change ---------------------------------------------------------------------------------------


@router.patch("/bills/{bill_id}", response={200: BillOut, **ERRORS})
def update_bill(
    request: HttpRequest, company_id: CompanyId, bill_id: int, payload: BillPatch
) -> dict[str, Any]:
    """Change only the fields sent; the accounting systems follow (R-1)."""
    company = company_for(request, company_id)
    bill = _bill_or_404(company, bill_id)
    sent = payload.model_dump(exclude_unset=True)
    checked = set(sent)  # fields read with low confidence that the client has now set
    changes: dict[str, Any] = {}
    supplier = None
    if "supplier_name" in sent or "supplier_cvr" in sent:
        supplier = services.BillInput(
            supplier_name=sent.pop("supplier_name", None) or "",
            supplier_cvr=sent.pop("supplier_cvr", None) or "",
        )
    if "category_id" in sent:
        category_id = sent.pop("category_id")
        changes["category"] = (
            None if category_id is None else _owned(Category, company, category_id, "category_id")
        )
    if "payment_method_id" in sent:
        method_id = sent.pop("payment_method_id")
        changes["payment_method"] = (
            None
            if method_id is None
            else _owned(PaymentMethod, company, method_id, "payment_method_id")
        )
    rate_sent = "exchange_rate" in sent
    rate = sent.pop("exchange_rate", None)
    if "vat_breakdown" in sent:
        rows = sent.pop("vat_breakdown") or []
        changes["vat_breakdown"] = [dict(row) for row in rows]
    for field, value in sent.items():
        if value is None and field == "currency":
            # As when a bill is added without one: the company's own currency.
            value = company.base_currency
        changes[field] = "" if value is None and field in ("invoice_number", "text") else value
    with transaction.atomic():
        bill = services.update_bill(bill, changes, supplier=supplier, checked=checked)
        if rate_sent:
            services.set_exchange_rate(bill, rate, user=request.auth)
    return bill_out(request, _bill_or_404(company, bill_id))


@router.post("/bills/{bill_id}/official-rate", response={200: BillOut, **ERRORS, 503: ErrorOut})
def use_official_rate(request: HttpRequest, company_id: CompanyId, bill_id: int) -> Any:
    """Store the official rate of the bill's date on it (R-6), replacing a typed one.

    422 when there is none to give (no official rate for the currency or date: type one);
    503 when the rates cannot be fetched now or the day's rate is not published yet.
    """
    company = company_for(request, company_id)
    bill = _bill_or_404(company, bill_id)
    try:
        refresh_official_rate(bill)
    except RateUnavailable as exc:
        words = message_for(exc.code, **exc.params)
        raise ApiError(503 if exc.waits else 422, words, "exchange_rate") from None
    return bill_out(request, _bill_or_404(company, bill_id))


@router.post("/bills/{bill_id}/payments", response={201: PaymentOut, **ERRORS})
def pay_bill(
    request: HttpRequest, company_id: CompanyId, bill_id: int, payload: PaymentIn
) -> Status[dict[str, Any]]:
    """Pay the bill in full (B-2): it becomes PAID."""
    company = company_for(request, company_id)
    bill = _bill_or_404(company, bill_id)
    method = _owned(PaymentMethod, company, payload.payment_method_id, "payment_method_id")
    payment = services.pay_bill(
        bill, date=payload.date, amount=payload.amount, payment_method=method
    )
    return Status(201, _payment_out(payment))


@router.post("/bills/{bill_id}/not-a-duplicate", response={200: BillOut, **ERRORS})
def not_a_duplicate(request: HttpRequest, company_id: CompanyId, bill_id: int) -> dict[str, Any]:
    """Override duplicate detection (§7): the bill becomes an ordinary upcoming bill."""
    company = company_for(request, company_id)
    services.not_a_duplicate(_bill_or_404(company, bill_id))
    return bill_out(request, _bill_or_404(company, bill_id))
