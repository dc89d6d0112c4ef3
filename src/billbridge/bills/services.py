"""Everything that changes a bill goes through here, so events and rules apply everywhere.

Web forms, the REST API and document ingestion all call these functions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billbridge.accounts.models import Company, User
from billbridge.bills.events import bill_paid, bill_saved
from billbridge.bills.models import (
    Bill,
    BillStatus,
    Category,
    Payment,
    PaymentMethod,
    RateSource,
    Supplier,
)

EDITABLE_FIELDS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "vat_amount",
    "text",
    "category",
    "payment_method",
    "vat_breakdown",
)
#: An e-invoice's VAT category: UNTDID 5305 (S, Z, E, AE, K, G, O, L, M) or OIOUBL's words.
_CATEGORY = re.compile(r"^[A-Za-z]{1,20}$")
MAX_BREAKDOWN_ROWS = 50
#: DKK for 100 units: positive, at most six decimals (what e-conomic's exchangeRate takes).
MAX_RATE = Decimal("1e9")


@dataclass
class BillInput:
    """What a person (or a document) says about a bill; None means 'not given'."""

    supplier_name: str = ""
    supplier_cvr: str = ""
    supplier_vat_number: str = ""
    supplier_address: str = ""
    supplier_country: str = ""
    invoice_number: str = ""
    issue_date: date | None = None
    due_date: date | None = None
    currency: str = "DKK"
    total: Decimal | None = None
    vat_amount: Decimal | None = None
    text: str = ""
    category: Category | None = None
    payment_method: PaymentMethod | None = None
    # The e-invoice's VAT subtotals (see `clean_vat_breakdown`); None: not given.
    vat_breakdown: list[dict[str, Any]] | None = None
    # DKK for 100 units, typed by a person (a bill in another currency only).
    exchange_rate: Decimal | None = None


def to_money(value: Any, field: str) -> Decimal:
    """Parse an amount exactly; floats are refused because they lose øre."""
    if isinstance(value, float):
        raise ValidationError({field: _('Send amounts as decimal strings, e.g. "1234.50".')})
    try:
        amount = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Not an amount: %(value)s") % {"value": value}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Not an amount: %(value)s") % {"value": value}})
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: _("Amounts have at most two decimals.")})
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError({field: _("The amount is too large.")})
    return amount


def _percent(value: Any, row: int) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float | bool):
        raise ValidationError(
            {"vat_breakdown": _('Row %(row)d: send the percent as a decimal string, e.g. "25".')
             % {"row": row}}
        )  # fmt: skip
    try:
        percent = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        percent = Decimal("NaN")
    if not percent.is_finite() or not 0 <= percent <= 100 or percent.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValidationError(
            {"vat_breakdown": _("Row %(row)d: the VAT percent must be between 0 and 100.")
             % {"row": row}}
        )  # fmt: skip
    return percent


def clean_vat_breakdown(rows: Any) -> list[dict[str, str | None]]:
    """A bill's VAT breakdown, checked and written the one way it is stored.

    Each row: `category` (UNTDID 5305 code such as S, Z, E, AE, K — or OIOUBL's StandardRated,
    ZeroRated, ReverseCharge), `percent` (0–100, or empty), `taxable_amount` and `vat_amount`
    (amounts as decimal strings, signed like the bill's total).
    """
    if rows is None or rows == "":
        return []
    if not isinstance(rows, list | tuple) or len(rows) > MAX_BREAKDOWN_ROWS:
        raise ValidationError(
            {"vat_breakdown": _("Give the VAT breakdown as a list of at most %(n)d rows.")
             % {"n": MAX_BREAKDOWN_ROWS}}
        )  # fmt: skip
    cleaned = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise ValidationError(
                {"vat_breakdown": _("Row %(row)d: give category, percent, taxable amount and VAT.")
                 % {"row": number}}
            )  # fmt: skip
        category = str(row.get("category") or "").strip()
        if not _CATEGORY.match(category):
            raise ValidationError(
                {"vat_breakdown": _(
                    "Row %(row)d: a VAT category is a code such as S (standard rate), Z (zero "
                    "rate), E (exempt) or AE (reverse charge)."
                ) % {"row": number}}
            )  # fmt: skip
        percent = _percent(row.get("percent"), number)
        taxable = to_money(row.get("taxable_amount") or "0", "vat_breakdown")
        vat = to_money(row.get("vat_amount") or "0", "vat_breakdown")
        cleaned.append(
            {
                "category": category.upper() if len(category) <= 2 else category,
                "percent": None if percent is None else f"{percent.normalize():f}",
                "taxable_amount": f"{taxable:.2f}",
                "vat_amount": f"{vat:.2f}",
            }
        )
    return cleaned


def clean_exchange_rate(value: Any) -> Decimal | None:
    """DKK for 100 units as a person writes it: positive, at most six decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise ValidationError(
            {"exchange_rate": _('Send the rate as a decimal string, e.g. "746.04".')}
        )
    try:
        rate = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError):
        rate = Decimal("NaN")
    if not rate.is_finite() or rate <= 0 or rate >= MAX_RATE:
        raise ValidationError(
            {"exchange_rate": _("The rate is DKK for 100 units of the currency, e.g. 746.04.")}
        )
    if rate.as_tuple().exponent < -6:  # type: ignore[operator]
        raise ValidationError({"exchange_rate": _("A rate has at most six decimals.")})
    return rate


def content_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_or_create_supplier(
    company: Company,
    name: str,
    cvr: str = "",
    *,
    vat_number: str = "",
    address: str = "",
    country: str = "",
) -> Supplier:
    """Match by CVR number first, else by name (case-insensitive), else create."""
    name = name.strip()
    cvr = cvr.strip().replace(" ", "")
    supplier = None
    if cvr:
        supplier = Supplier.objects.filter(company=company, cvr=cvr).first()
    if supplier is None and name:
        supplier = Supplier.objects.filter(company=company, name__iexact=name).first()
        if supplier is not None and cvr and not supplier.cvr:
            supplier.cvr = cvr
            supplier.save(update_fields=["cvr"])
    if supplier is None:
        if not name:
            raise ValidationError({"supplier_name": _("Give the supplier's name.")})
        supplier = Supplier.objects.create(
            company=company,
            name=name,
            cvr=cvr,
            vat_number=vat_number,
            address=address,
            country=(country or "DK").upper()[:2],
        )
    return supplier


def _check_owned(company: Company, obj: Category | PaymentMethod | None, field: str) -> None:
    if obj is not None and obj.company_id != company.pk:
        raise ValidationError({field: _("Unknown %(field)s.") % {"field": field}})


def _validate_bill(bill: Bill) -> None:
    errors: dict[str, str] = {}
    if bill.status != BillStatus.ANALYSING:
        if bill.supplier_id is None:
            errors["supplier_name"] = _("Give the supplier's name.")
        if bill.issue_date is None:
            errors["issue_date"] = _("Give the bill's date.")
        if bill.total is None:
            errors["total"] = _("Give the bill's total including VAT.")
    if bill.due_date and bill.issue_date and bill.due_date < bill.issue_date:
        errors["due_date"] = _("The due date is before the bill's date.")
    if len(bill.currency) != 3 or not bill.currency.isalpha():
        errors["currency"] = _("Use a three-letter currency code such as DKK or EUR.")
    if bill.total is not None and bill.vat_amount and abs(bill.vat_amount) > abs(bill.total):
        errors["vat_amount"] = _("The VAT is larger than the total.")
    if bill.exchange_rate is not None and bill.currency == bill.company.base_currency:
        errors["exchange_rate"] = _("A bill in %(currency)s needs no exchange rate.") % {
            "currency": bill.currency
        }
    if errors:
        raise ValidationError(errors)


def find_duplicate(bill: Bill) -> Bill | None:
    """An earlier bill that is the same document, or the same supplier's same invoice number."""
    if bill.duplicate_overridden:
        return None
    others = Bill.objects.filter(company_id=bill.company_id).exclude(pk=bill.pk)
    others = others.exclude(status=BillStatus.DUPLICATE)
    if bill.document_sha256:
        same_document = others.filter(document_sha256=bill.document_sha256).order_by("id").first()
        if same_document:
            return same_document
    if bill.supplier_id and bill.invoice_number:
        return (
            others.filter(supplier_id=bill.supplier_id, invoice_number=bill.invoice_number)
            .order_by("id")
            .first()
        )
    return None


def remember_category(bill: Bill) -> None:
    """Supplier memory (B-5): the supplier's next bills get this bill's category."""
    if bill.supplier_id and bill.category_id:
        Supplier.objects.filter(pk=bill.supplier_id).update(remembered_category=bill.category_id)


def _apply_supplier_memory(bill: Bill) -> None:
    if bill.category_id is None and bill.supplier is not None:
        remembered = bill.supplier.remembered_category
        if remembered is not None and not remembered.archived:
            bill.category = remembered


def attach_document(bill: Bill, document: File) -> None:
    data = document.read()
    document.seek(0)
    bill.document_sha256 = content_sha256(data)
    bill.document_name = (document.name or "document")[-255:]
    bill.document_content_type = getattr(document, "content_type", "") or ""
    bill.document.save(bill.document_name, document, save=False)


@transaction.atomic
def add_bill(
    company: Company,
    data: BillInput,
    *,
    user: User | None = None,
    document: File | None = None,  # an upload, or a ContentFile (an e-mail's attachment)
    status: str = BillStatus.UPCOMING,
) -> Bill:
    """Add a bill (B-6). A duplicate is kept, marked and linked to its original."""
    _check_owned(company, data.category, "category")
    _check_owned(company, data.payment_method, "payment_method")
    bill = Bill(
        company=company,
        created_by=user,
        status=status,
        invoice_number=data.invoice_number.strip(),
        issue_date=data.issue_date,
        due_date=data.due_date,
        currency=(data.currency or company.base_currency).upper(),
        total=data.total,
        vat_amount=data.vat_amount if data.vat_amount is not None else Decimal("0.00"),
        text=data.text.strip(),
        category=data.category,
        payment_method=data.payment_method,
        vat_breakdown=clean_vat_breakdown(data.vat_breakdown),
    )
    rate = clean_exchange_rate(data.exchange_rate)
    if rate is not None:
        _set_rate(bill, rate, RateSource.MANUAL, None, user)
    if data.supplier_name or data.supplier_cvr:
        bill.supplier = find_or_create_supplier(
            company,
            data.supplier_name,
            data.supplier_cvr,
            vat_number=data.supplier_vat_number,
            address=data.supplier_address,
            country=data.supplier_country,
        )
    _validate_bill(bill)
    if document is not None:
        attach_document(bill, document)
    _apply_supplier_memory(bill)
    if bill.status != BillStatus.ANALYSING:
        original = find_duplicate(bill)
        if original is not None:
            bill.status = BillStatus.DUPLICATE
            bill.duplicate_of = original
    bill.save()
    if data.category is not None:
        remember_category(bill)
    bill_saved.send(sender=Bill, bill=bill, created=True, changed=set(EDITABLE_FIELDS))
    return bill


@transaction.atomic
def update_bill(
    bill: Bill,
    changes: dict[str, Any],
    *,
    supplier: BillInput | None = None,
    checked: Collection[str] = (),
) -> Bill:
    """Change a bill's fields; the accounting systems follow through the bill_saved event.

    `checked`: the fields a person has seen and saved (the edit form's, an API call's): read
    from the document with low confidence, they are no longer asked to be checked."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    checked_now = _mark_checked(bill, checked)
    company = bill.company
    changed: set[str] = set()
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ValidationError({field: _("This field cannot be changed.")})
        if field in ("category", "payment_method"):
            _check_owned(company, value, field)
        if field == "currency" and isinstance(value, str):
            value = value.upper()
        if field == "vat_amount" and value is None:
            value = Decimal("0.00")
        if field == "vat_breakdown":
            value = clean_vat_breakdown(value)
        if getattr(bill, field) != value:
            setattr(bill, field, value)
            changed.add(field)
    if bill.exchange_rate is not None and (
        "currency" in changed
        or ("issue_date" in changed and bill.exchange_rate_source == RateSource.OFFICIAL)
    ):
        # The rate belongs to the currency (and an official one to the date): it is looked
        # up again when the bill is posted.
        _set_rate(bill, None, "", None, None)
        changed.add("exchange_rate")
    if supplier is not None and (supplier.supplier_name or supplier.supplier_cvr):
        new_supplier = find_or_create_supplier(
            company, supplier.supplier_name or bill.supplier_name, supplier.supplier_cvr
        )
        if new_supplier.pk != bill.supplier_id:
            bill.supplier = new_supplier
            changed.add("supplier")
    if not changed:
        if checked_now:
            bill.save(update_fields=["extraction", "updated_at"])
        return bill
    if bill.status == BillStatus.PAID and changed & {"total", "currency"}:
        raise ValidationError(
            {"total": _("The bill is paid: its amount and currency can no longer change.")}
        )
    _validate_bill(bill)
    bill.save()
    if "category" in changed:
        remember_category(bill)
    bill_saved.send(sender=Bill, bill=bill, created=False, changed=changed)
    return bill


def _mark_checked(bill: Bill, checked: Collection[str]) -> bool:
    """Drop `checked` from the fields the document was read with low confidence → any dropped."""
    extraction = bill.extraction or {}
    doubtful = extraction.get("low_confidence") or []
    left = [name for name in doubtful if name not in checked]
    if len(left) == len(doubtful):
        return False
    bill.extraction = {**extraction, "low_confidence": left}
    return True


def _set_rate(
    bill: Bill,
    rate: Decimal | None,
    source: str,
    rate_date: date | None,
    user: User | None,
) -> None:
    bill.exchange_rate = rate
    bill.exchange_rate_source = source if rate is not None else ""
    bill.exchange_rate_date = rate_date if rate is not None else None
    bill.exchange_rate_set_by = user if rate is not None else None
    bill.exchange_rate_set_at = timezone.now() if rate is not None else None


@transaction.atomic
def set_exchange_rate(
    bill: Bill,
    rate: Any,
    *,
    source: str = RateSource.MANUAL,
    rate_date: date | None = None,
    user: User | None = None,
    notify: bool = True,
) -> Bill:
    """Store a bill's exchange rate (DKK for 100 units), or clear it with None (R-6).

    A person's rate (`source` manual) says who typed it and when; an official one (see
    `billbridge.fx`) says the date it was published for. `notify=False` is for the sync engine,
    which sets the official rate as it posts: the posting itself carries it, so the change must
    not ask for another posting.
    """
    bill = Bill.objects.select_for_update().select_related("company").get(pk=bill.pk)
    rate = clean_exchange_rate(rate)
    if rate is not None and source not in RateSource.values:
        raise ValueError(f"unknown rate source {source!r}")
    before = (bill.exchange_rate, bill.exchange_rate_source, bill.exchange_rate_date)
    _set_rate(bill, rate, source, rate_date if source == RateSource.OFFICIAL else None, user)
    if (bill.exchange_rate, bill.exchange_rate_source, bill.exchange_rate_date) == before:
        return bill
    _validate_bill(bill)
    bill.save()
    if notify:
        bill_saved.send(sender=Bill, bill=bill, created=False, changed={"exchange_rate"})
    return bill


@transaction.atomic
def pay_bill(bill: Bill, *, date: date, amount: Decimal, payment_method: PaymentMethod) -> Payment:
    """Mark a bill paid in full (B-2): UPCOMING → PAID."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status == BillStatus.PAID or Payment.objects.filter(bill=bill).exists():
        raise ValidationError({"bill": _("This bill is already paid.")})
    if bill.status != BillStatus.UPCOMING:
        raise ValidationError(
            {
                "bill": _("Only an upcoming bill can be paid; this one is %(status)s.")
                % {"status": bill.get_status_display()}
            }
        )
    _check_owned(bill.company, payment_method, "payment_method_id")
    if payment_method.archived:
        raise ValidationError({"payment_method_id": _("This payment method is archived.")})
    if amount == 0:
        raise ValidationError({"amount": _("The amount cannot be zero.")})
    if bill.total is not None and (amount < 0) != (bill.total < 0):
        raise ValidationError(
            {"amount": _("A credit note is paid with a negative amount, a bill with a positive.")}
        )
    payment = Payment.objects.create(
        bill=bill, date=date, amount=amount, currency=bill.currency, payment_method=payment_method
    )
    bill.status = BillStatus.PAID
    if bill.payment_method_id is None:
        bill.payment_method = payment_method
    bill.save(update_fields=["status", "payment_method", "updated_at"])
    bill_paid.send(sender=Bill, bill=bill, payment=payment)
    return payment


@transaction.atomic
def not_a_duplicate(bill: Bill) -> Bill:
    """The user overrides duplicate detection: the bill becomes a normal upcoming bill."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != BillStatus.DUPLICATE:
        return bill
    bill.status = BillStatus.UPCOMING
    bill.duplicate_overridden = True
    bill.duplicate_of = None
    bill.save(update_fields=["status", "duplicate_overridden", "duplicate_of", "updated_at"])
    bill_saved.send(sender=Bill, bill=bill, created=True, changed=set(EDITABLE_FIELDS))
    return bill


@transaction.atomic
def finish_analysis(bill: Bill, data: BillInput, extraction: dict[str, Any]) -> Bill:
    """A document's fields have been read: ANALYSING → UPCOMING (or DUPLICATE)."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != BillStatus.ANALYSING:
        return bill
    for field in ("invoice_number", "issue_date", "due_date", "text"):
        value = getattr(data, field)
        if value and not getattr(bill, field):
            setattr(bill, field, value)
    # Amounts a person typed win over amounts read; the currency belongs to the total.
    if bill.total is None and data.total is not None:
        bill.total = data.total
        if data.currency:
            bill.currency = data.currency.upper()
        if data.vat_amount is not None:
            bill.vat_amount = data.vat_amount
        if data.vat_breakdown:
            bill.vat_breakdown = clean_vat_breakdown(data.vat_breakdown)
    if bill.supplier_id is None and (data.supplier_name or data.supplier_cvr):
        bill.supplier = find_or_create_supplier(
            bill.company,
            data.supplier_name or data.supplier_cvr,
            data.supplier_cvr,
            vat_number=data.supplier_vat_number,
            address=data.supplier_address,
            country=data.supplier_country,
        )
    # "reading" is the progress of a read that has ended (ingest.tasks).
    bill.extraction = {k: v for k, v in extraction.items() if k != "reading"}
    bill.extraction_error = ""
    _apply_supplier_memory(bill)
    bill.status = BillStatus.UPCOMING
    try:
        _validate_bill(bill)
    except ValidationError as exc:
        # Not enough was read: keep what was read, ask the person for the rest.
        bill.status = BillStatus.ANALYSING
        bill.extraction_error = "; ".join(
            f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()
        )[:500]
        bill.save()
        return bill
    original = find_duplicate(bill)
    if original is not None:
        bill.status = BillStatus.DUPLICATE
        bill.duplicate_of = original
    bill.save()
    bill_saved.send(sender=Bill, bill=bill, created=True, changed=set(EDITABLE_FIELDS))
    return bill


@transaction.atomic
def fail_analysis(bill: Bill, reason: str) -> Bill:
    """Extraction failed: the bill stays, waiting for a person to type the fields."""
    Bill.objects.filter(pk=bill.pk, status=BillStatus.ANALYSING).update(
        extraction_error=reason[:500]
    )
    bill.refresh_from_db()
    return bill


@transaction.atomic
def complete_by_hand(bill: Bill, data: BillInput) -> Bill:
    """A person fills in what extraction could not read; the bill leaves ANALYSING."""
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != BillStatus.ANALYSING:
        raise ValidationError({"status": _("This bill is not waiting for its fields.")})
    bill.extraction_error = ""
    bill.save(update_fields=["extraction_error"])
    return finish_analysis(bill, data, bill.extraction)
