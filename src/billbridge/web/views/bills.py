"""Bills: list with filters, add (upload and/or type), detail with document, edit, pay."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from billbridge.accounts.tenancy import CompanyRequest
from billbridge.bills.listing import IndexPaginator
from billbridge.bills.models import Bill, BillStatus, RateSource
from billbridge.bills.search import search_bills
from billbridge.bills.services import (
    BillInput,
    add_bill,
    complete_by_hand,
    not_a_duplicate,
    pay_bill,
    set_exchange_rate,
    update_bill,
)
from billbridge.fx.services import RateUnavailable, bill_rate, refresh_official_rate
from billbridge.ingest.acceptance import inline_content_type, kind_by_bytes
from billbridge.ingest.services import receive_document
from billbridge.ingest.tasks import analyse_document
from billbridge.integrations.currency import convert
from billbridge.integrations.messages import message_for
from billbridge.integrations.registry import PROVIDERS
from billbridge.mailin.models import MailBill
from billbridge.mailin.services import inbox_for
from billbridge.sync import choices
from billbridge.sync.engine import describe
from billbridge.web.decorators import company_view
from billbridge.web.forms import (
    VAT_CATEGORIES,
    BillFilterForm,
    BillForm,
    ExchangeRateForm,
    PayForm,
    VatBreakdownFormSet,
)
from billbridge.web.templatetags.bb_format import format_day
from billbridge.web.templatetags.bb_format import rate as format_rate
from billbridge.web.views.helpers import add_service_errors

PAGE_SIZE = 25
BILL_FIELD_ALIASES = {"supplier": "supplier_name", "payment_method_id": "payment_method"}
XML_PREVIEW_BYTES = 200_000


def _bill_or_404(request: CompanyRequest, bill_id: int) -> Bill:
    """A bill of the current company only: another company's id is a 404."""
    return get_object_or_404(
        Bill.objects.select_related("supplier", "category", "payment_method"),
        pk=bill_id,
        company=request.company,
    )


def _filtered_bills(request: CompanyRequest, form: BillFilterForm) -> QuerySet[Bill]:
    bills = Bill.objects.filter(company=request.company).select_related("supplier", "category")
    filters = form.filters()
    if status := filters.get("status"):
        bills = bills.filter(status=status)
    if supplier := filters.get("supplier"):
        bills = bills.filter(supplier_id=supplier)
    if category := filters.get("category"):
        bills = bills.filter(category_id=category)
    return search_bills(bills, filters.get("q", ""), company_id=request.company.pk)  # type: ignore[attr-defined]


@company_view
def bill_list(request: CompanyRequest, company_id: int) -> HttpResponse:
    form = BillFilterForm(request.GET or None, company=request.company)
    bills = _filtered_bills(request, form)
    page = IndexPaginator(bills, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": form, "page": page, "bills": page.object_list}
    if getattr(request, "htmx", False) and request.htmx.target == "bill-results":
        return render(request, "web/bills/_results.html", context)
    context["inbox"] = inbox_for(request.company)
    return render(request, "web/bills/list.html", context)


def _bill_input(data: dict[str, Any]) -> BillInput:
    return BillInput(
        supplier_name=data.get("supplier_name") or "",
        supplier_cvr=data.get("supplier_cvr") or "",
        invoice_number=data.get("invoice_number") or "",
        issue_date=data.get("issue_date"),
        due_date=data.get("due_date"),
        currency=data.get("currency") or "DKK",
        total=data.get("total"),
        vat_amount=data.get("vat_amount"),
        text=data.get("text") or "",
        category=data.get("category"),
        payment_method=data.get("payment_method"),
    )


@company_view
def bill_new(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Typed fields make an UPCOMING bill; with a document and too few fields the bill waits in
    ANALYSING while the worker reads the document (typed fields are kept: reading only fills
    what is missing)."""
    company = request.company
    form = BillForm(request.POST or None, request.FILES or None, company=company)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        typed_enough = form.has_required_fields or document is None
        try:
            bill = add_bill(
                company,
                _bill_input(form.cleaned_data),
                user=request.user,
                document=document,
                status=BillStatus.UPCOMING if typed_enough else BillStatus.ANALYSING,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, BILL_FIELD_ALIASES)
        else:
            if bill.status == BillStatus.ANALYSING:
                transaction.on_commit(partial(analyse_document, bill.pk))
            messages.success(request, _("The bill has been added."))
            return redirect("web:bill_detail", company_id=company.pk, bill_id=bill.pk)
    return render(request, "web/bills/form.html", {"form": form, "bill": None})


def _inline_type(bill: Bill) -> str:
    """The content type to show a document inline with, or "" when it must be downloaded."""
    if not bill.document:
        return ""
    try:
        with bill.document.open("rb") as fh:
            head = fh.read(1024)
    except OSError:
        return ""
    # By the bytes: an old upload's stored type may be the uploader's word, and anything else
    # (XML, SVG, HTML) could run script on our origin if a browser rendered it.
    return inline_content_type(head)


def _xml_preview(bill: Bill) -> str:
    if not bill.document:
        return ""
    try:
        with bill.document.open("rb") as fh:
            data = fh.read(XML_PREVIEW_BYTES)
    except OSError:
        return ""
    if kind_by_bytes(data) != "xml":
        return ""
    return data.decode("utf-8", errors="replace")


@company_view
def bill_detail(request: CompanyRequest, company_id: int, bill_id: int) -> HttpResponse:
    bill = _bill_or_404(request, bill_id)
    records = [
        # describe(): the failure in plain words in the reader's language (record.message).
        {
            "record": describe(record),
            "provider": PROVIDERS.get(record.provider),
            # held back with choices for a person (issue 10 item 2: a locked period)
            "choices": choices.offered(record),
            "chosen": choices.chosen(record),
            # booked in the accounting system: changes made here since are the accountant's
            "booked_changes": _booked_changes(record),
        }
        for record in bill.sync_records.order_by("provider", "kind")
    ]
    inline_type = _inline_type(bill)
    context = {
        "bill": bill,
        "mail_origin": MailBill.objects.filter(bill=bill).select_related("mail").first(),
        "money": _money_context(bill),
        "low_confidence": _low_confidence_labels(bill),
        "payment": getattr(bill, "payment", None) if bill.status == BillStatus.PAID else None,
        "sync_records": records,
        "may_choose": choices.may_choose(request.membership),
        "document_inline": inline_type,
        "document_is_pdf": inline_type == "application/pdf",
        "xml_preview": "" if inline_type else _xml_preview(bill),
    }
    return render(request, "web/bills/detail.html", context)


# The fields a provider names when a bill changed after its entry was booked (issue 10 item 5).
_POSTED_FIELD_LABELS = {
    "amount": _lazy("Total incl. VAT"),
    "vat": _lazy("VAT"),
    "currency": _lazy("Currency"),
    "date": _lazy("Bill date"),
    "due_date": _lazy("Due date"),
    "supplier": _lazy("Supplier"),
    "invoice_number": _lazy("Invoice number"),
    "account": _lazy("Category"),
    "text": _lazy("Text"),
    "document": _lazy("Document"),
}


def _booked_changes(record: Any) -> list[str] | None:
    """The changed fields' names when the entry is booked remotely, else None."""
    data = record.remote_data or {}
    if record.state != "posted" or not data.get("booked") or "unsent_changes" not in data:
        return None
    return [str(_POSTED_FIELD_LABELS.get(name, name)) for name in data["unsent_changes"]]


_CATEGORY_LABELS = dict(VAT_CATEGORIES)


def _money_context(bill: Bill) -> dict[str, Any]:
    """The VAT breakdown rows and the exchange rate as the detail page shows them."""
    breakdown = [
        {**row, "label": _CATEGORY_LABELS.get(str(row.get("category")), row.get("category"))}
        for row in bill.vat_breakdown or []
    ]
    foreign = bill.currency.upper() != bill.company.base_currency.upper()
    rate = bill_rate(bill)
    converted = None
    if rate is not None and bill.total is not None:
        converted = convert(bill.total, bill.vat_amount, rate)
    return {
        "breakdown": breakdown,
        "foreign": foreign,
        "rate": rate,
        "converted": converted,
        "rate_form": ExchangeRateForm(initial={"rate": format_rate(bill.exchange_rate)}),
        "official": bill.exchange_rate_source == RateSource.OFFICIAL,
    }


@company_view
@require_POST
def bill_exchange_rate(request: CompanyRequest, company_id: int, bill_id: int) -> HttpResponse:
    """Type a bill's exchange rate, use the official one, or clear it (R-6)."""
    bill = _bill_or_404(request, bill_id)
    detail = redirect("web:bill_detail", company_id=company_id, bill_id=bill.pk)
    if "official" in request.POST:
        try:
            rate = refresh_official_rate(bill)
        except RateUnavailable as exc:
            messages.error(request, message_for(exc.code, **exc.params))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The official rate of %(date)s is used.") % {"date": format_day(rate.rate_date)},
            )
        return detail
    if "clear" in request.POST:
        set_exchange_rate(bill, None)
        messages.success(request, _("The rate is cleared: the official rate is used when posted."))
        return detail
    form = ExchangeRateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["rate"])
        set_exchange_rate(bill, form.cleaned_data["rate"], user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The exchange rate is saved."))
    return detail


@xframe_options_sameorigin  # shown in the bill page's own frame; every other page is DENY
@company_view
def bill_document(request: CompanyRequest, company_id: int, bill_id: int) -> FileResponse:
    """The original document, behind the membership check: never a public media URL."""
    bill = _bill_or_404(request, bill_id)
    if not bill.document:
        raise Http404
    inline_type = _inline_type(bill)
    download = request.GET.get("download") == "1" or not inline_type
    response = FileResponse(
        bill.document.open("rb"),
        as_attachment=download,
        filename=bill.document_name or "document",
        content_type=inline_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Field names of the extraction record → the words the detail page uses for them.
_FIELD_LABELS = {
    "supplier_name": _lazy("Supplier"),
    "supplier_cvr": _lazy("Supplier's CVR number"),
    "invoice_number": _lazy("Invoice number"),
    "issue_date": _lazy("Bill date"),
    "due_date": _lazy("Due date"),
    "currency": _lazy("Currency"),
    "total": _lazy("Total incl. VAT"),
    "vat_amount": _lazy("VAT"),
}


def _low_confidence_fields(bill: Bill) -> set[str]:
    """Form fields read from the document with low confidence: the person should check them."""
    names = (bill.extraction or {}).get("low_confidence", [])
    return {name for name in names if name in _FIELD_LABELS}


def _low_confidence_labels(bill: Bill) -> list[str]:
    return [str(_FIELD_LABELS[n]) for n in _FIELD_LABELS if n in _low_confidence_fields(bill)]


@company_view
@require_POST
def bill_upload(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Several documents at once (drag and drop): each becomes a bill read in the background."""
    company = request.company
    documents = request.FILES.getlist("documents")
    documents = [d for d in documents if d.name]
    if not documents:
        messages.error(request, _("Choose or drop one or more documents."))
        return redirect("web:bill_list", company_id=company.pk)
    added, refused = 0, []
    for document in documents:
        try:
            receive_document(company, document, user=request.user)
        except ValidationError as exc:
            refused.append(f"{document.name}: {' '.join(exc.messages)}")
        else:
            added += 1
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d document added: it is being read now.",
                "%(count)d documents added: they are being read now.",
                added,
            )
            % {"count": added},
        )
    for reason in refused:
        messages.error(request, reason)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return HttpResponse(status=204)  # sent with progress (upload.js); the list loads next
    return redirect("web:bill_list", company_id=company.pk)


@company_view
def bill_edit(request: CompanyRequest, company_id: int, bill_id: int) -> HttpResponse:
    """Change the fields; a bill still ANALYSING leaves that state once the fields suffice."""
    bill = _bill_or_404(request, bill_id)
    company = request.company
    initial = {
        "supplier_name": bill.supplier_name,
        "supplier_cvr": bill.supplier_cvr,
        "invoice_number": bill.invoice_number,
        "issue_date": bill.issue_date,
        "due_date": bill.due_date,
        "currency": bill.currency,
        "total": bill.total,
        "vat_amount": bill.vat_amount,
        "text": bill.text,
        "category": bill.category,
        "payment_method": bill.payment_method,
    }
    form = BillForm(
        request.POST or None, initial=initial, company=company, editing_status=bill.status
    )
    # The breakdown rows are changed only when the form sent them (its management form).
    sent_breakdown = request.method == "POST" and "vat-TOTAL_FORMS" in request.POST
    breakdown = VatBreakdownFormSet(
        request.POST if sent_breakdown else None, initial=bill.vat_breakdown or [], prefix="vat"
    )
    rows_valid = not sent_breakdown or breakdown.is_valid()
    if request.method == "POST" and form.is_valid() and rows_valid:
        data = form.cleaned_data
        changes = {name: data.get(name) for name in initial if not name.startswith("supplier_")}
        changes["invoice_number"] = changes["invoice_number"] or ""
        changes["text"] = changes["text"] or ""
        if sent_breakdown:
            changes["vat_breakdown"] = [f.row() for f in breakdown if not f.is_blank]
        supplier = BillInput(supplier_name=data["supplier_name"], supplier_cvr=data["supplier_cvr"])
        try:
            # The form shows every field read with low confidence: saved, they are checked.
            bill = update_bill(bill, changes, supplier=supplier, checked=_FIELD_LABELS)
            if bill.status == BillStatus.ANALYSING:
                bill = complete_by_hand(bill, BillInput(currency=bill.currency))
        except ValidationError as exc:
            add_service_errors(form, exc, BILL_FIELD_ALIASES)
        else:
            if bill.status == BillStatus.ANALYSING:
                form.add_error(None, bill.extraction_error)
            else:
                messages.success(request, _("The bill has been saved."))
                return redirect("web:bill_detail", company_id=company.pk, bill_id=bill.pk)
    context = {
        "form": form,
        "bill": bill,
        "breakdown": breakdown,
        "low_confidence": _low_confidence_fields(bill),
    }
    return render(request, "web/bills/form.html", context)


@company_view
def bill_pay(request: CompanyRequest, company_id: int, bill_id: int) -> HttpResponse:
    """Pay in full on a date with a payment method: UPCOMING → PAID (B-2)."""
    bill = _bill_or_404(request, bill_id)
    company = request.company
    initial = {
        "date": timezone.localdate(),
        "amount": bill.total,
        "payment_method": bill.payment_method,
    }
    form = PayForm(request.POST or None, initial=initial, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            pay_bill(
                bill,
                date=form.cleaned_data["date"],
                amount=form.cleaned_data["amount"],
                payment_method=form.cleaned_data["payment_method"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"payment_method_id": "payment_method"})
        else:
            messages.success(request, _("The bill is marked as paid."))
            return redirect("web:bill_detail", company_id=company.pk, bill_id=bill.pk)
    return render(
        request,
        "web/bills/pay.html",
        {"form": form, "bill": bill, "payable": bill.status == BillStatus.UPCOMING},
    )


@company_view
@require_POST
def bill_not_duplicate(request: CompanyRequest, company_id: int, bill_id: int) -> HttpResponse:
    bill = _bill_or_404(request, bill_id)
    not_a_duplicate(bill)
    messages.success(request, _("The bill is no longer marked as a duplicate."))
    return redirect("web:bill_detail", company_id=company_id, bill_id=bill.pk)
