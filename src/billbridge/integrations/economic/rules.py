"""Posting rules R-2 for e-conomic: bill + mapping → voucher bodies. Pure: no I/O, no Django.

Sign conventions (economic.md §2.3, "Sign conventions"; single production source S5,
`dabster2000/intranetservices` EconomicsInvoiceService, 2026 — UNCONFIRMED by e-conomic's docs):

- supplierInvoices: the amount is seen from the supplier (creditor) account. A NEGATIVE amount
  credits the creditor = a normal purchase invoice; a POSITIVE amount debits it = a credit note.
  So amount = −(bill total incl. VAT); a credit note (negative total) becomes positive.
- supplierPayments: by the same logic (inferred, UNCONFIRMED) a POSITIVE amount debits the
  creditor (the debt is paid) against the payment method's account as contraAccount (credited).
  A refund of a credit note (negative payment) is therefore negative.
- With `contraVatAccount` set, e-conomic treats the amount as VAT-inclusive and lifts the VAT
  out itself (S5), so the gross total is sent and no VAT amount.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billbridge.integrations.base import BillSnapshot, PaymentSnapshot

TEXT_MAX = 250
INVOICE_NUMBER_MAX = 30
SUPPLIER_NAME_MAX = 255

# VAT zones as e-conomic's demo agreement numbers them (economic.md §4.3).
VAT_ZONE_DOMESTIC = 1
VAT_ZONE_EU = 2
VAT_ZONE_ABROAD = 3

EU_COUNTRIES = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE"}
    | {"IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)
COUNTRY_NAMES = {"DK": "Danmark", "SE": "Sverige", "NO": "Norge", "DE": "Tyskland"}


def amount(value: Decimal) -> float:
    """A money value as the JSON number e-conomic takes (max 2 decimals)."""
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def vat_zone(country: str) -> int:
    """DK → domestic, an EU member → EU, anything else → abroad (blank counts as DK)."""
    code = (country or "DK").strip().upper()
    if code == "DK":
        return VAT_ZONE_DOMESTIC
    return VAT_ZONE_EU if code in EU_COUNTRIES else VAT_ZONE_ABROAD


def normalise_id(value: str) -> str:
    """A CVR/VAT number compared loosely: no spaces or dashes, 'DK12345678' == '12345678'."""
    cleaned = re.sub(r"[\s\-.]", "", value or "").upper()
    if re.fullmatch(r"DK\d{8}", cleaned):
        cleaned = cleaned[2:]
    return cleaned


def normalise_name(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())


def match_supplier(bill: BillSnapshot, suppliers: Iterable[Mapping[str, Any]]) -> int | None:
    """The e-conomic supplier number for the bill's supplier: by CVR first, then by name."""
    wanted_ids = {normalise_id(bill.supplier_cvr), normalise_id(bill.supplier_vat_number)} - {""}
    wanted_name = normalise_name(bill.supplier_name)
    by_name: int | None = None
    for s in suppliers:
        if s.get("barred"):
            continue
        number = int(s["supplierNumber"])
        if wanted_ids and normalise_id(s.get("corporateIdentificationNumber", "")) in wanted_ids:
            return number
        if by_name is None and wanted_name and normalise_name(s.get("name", "")) == wanted_name:
            by_name = number
    return by_name


def payment_terms_for(bill: BillSnapshot, terms: Iterable[Mapping[str, Any]]) -> int:
    """Net terms whose days match the bill's (due − issue), else the closest, else term 1."""
    candidates = [t for t in terms if t.get("paymentTermsType", "net") == "net"]
    if not candidates:
        return 1
    days = (bill.due_date - bill.issue_date).days if bill.due_date else 0
    best = min(candidates, key=lambda t: abs(int(t.get("daysOfCredit", 0)) - days))
    return int(best["paymentTermsNumber"])


def new_supplier(bill: BillSnapshot, *, supplier_group: int, payment_terms: int) -> dict[str, Any]:
    """`POST /suppliers` body for a supplier e-conomic does not know yet (§4.1)."""
    body: dict[str, Any] = {
        "name": (bill.supplier_name or bill.invoice_number or "?")[:SUPPLIER_NAME_MAX],
        "currency": bill.currency.upper(),
        "supplierGroup": {"supplierGroupNumber": supplier_group},
        "paymentTerms": {"paymentTermsNumber": payment_terms},
        "vatZone": {"vatZoneNumber": vat_zone(bill.supplier_country)},
    }
    ident = bill.supplier_cvr or bill.supplier_vat_number
    if ident:
        body["corporateIdentificationNumber"] = ident[:40]
    if bill.supplier_address:
        body["address"] = bill.supplier_address[:255]
    country = (bill.supplier_country or "DK").upper()
    body["country"] = COUNTRY_NAMES.get(country, country)[:50]
    return body


def _key(value: int | None) -> str:
    return "" if value is None else str(value)


def contra_account(bill: BillSnapshot, settings: Mapping[str, Any]) -> int | None:
    """The expense account: the category's mapped account, else the default account (S-e8)."""
    mapped = (settings.get("category_accounts") or {}).get(_key(bill.category_id))
    chosen = mapped or settings.get("default_account")
    return int(chosen) if chosen else None


def payment_account(payment: PaymentSnapshot, settings: Mapping[str, Any]) -> int | None:
    """The balance-sheet account the payment method is mapped to (S-e8)."""
    mapped = (settings.get("payment_method_accounts") or {}).get(_key(payment.payment_method_id))
    return int(mapped) if mapped else None


def accounting_year(date: dt.date, years: Iterable[Mapping[str, Any]]) -> str | None:
    """The `year` name (e.g. "2026" or "2025/2026") whose period holds the date (§2.5)."""
    iso = date.isoformat()
    for y in years:
        if str(y["fromDate"]) <= iso <= str(y["toDate"]):
            return str(y["year"])
    return None


def entry_text(bill: BillSnapshot, reference: str, prefix: str = "") -> str:
    """Supplier, invoice number and text, ending in our reference (so `find()` can find it)."""
    parts = [prefix, bill.supplier_name, bill.invoice_number]
    head = " ".join(p for p in parts if p)
    if bill.text:
        head = f"{head}: {bill.text}" if head else bill.text
    tail = f" [{reference}]" if reference else ""
    return head[: TEXT_MAX - len(tail)].rstrip() + tail


def invoice_voucher(
    bill: BillSnapshot,
    *,
    journal: int,
    year: str,
    supplier_number: int,
    contra: int,
    vat_code: str,
    reference: str,
) -> dict[str, Any]:
    """One voucher holding one supplier invoice (or credit note), for `POST …/vouchers`."""
    entry: dict[str, Any] = {
        "supplier": {"supplierNumber": supplier_number},
        "amount": amount(-bill.total),
        "currency": {"code": bill.currency.upper()},
        "date": bill.issue_date.isoformat(),
        "contraAccount": {"accountNumber": contra},
        "text": entry_text(bill, reference),
    }
    if bill.invoice_number:
        entry["supplierInvoiceNumber"] = bill.invoice_number[:INVOICE_NUMBER_MAX]
    if bill.due_date:
        entry["dueDate"] = bill.due_date.isoformat()
    if vat_code:
        entry["contraVatAccount"] = {"vatCode": vat_code}
    return {
        "accountingYear": {"year": year},
        "journal": {"journalNumber": journal},
        "entries": {"supplierInvoices": [entry]},
    }


def payment_voucher(
    bill: BillSnapshot,
    payment: PaymentSnapshot,
    *,
    journal: int,
    year: str,
    supplier_number: int,
    account: int,
    reference: str,
) -> dict[str, Any]:
    """One voucher holding one supplier payment, for `POST …/vouchers`."""
    entry: dict[str, Any] = {
        "supplier": {"supplierNumber": supplier_number},
        "amount": amount(payment.amount),
        "currency": {"code": (payment.currency or bill.currency).upper()},
        "date": payment.date.isoformat(),
        "contraAccount": {"accountNumber": account},
        "text": entry_text(bill, reference, prefix="Betaling"),
    }
    if bill.invoice_number:
        entry["supplierInvoiceNumber"] = bill.invoice_number[:INVOICE_NUMBER_MAX]
    return {
        "accountingYear": {"year": year},
        "journal": {"journalNumber": journal},
        "entries": {"supplierPayments": [entry]},
    }


def account_vat_codes(accounts: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    """Account number → its VAT code, from stored `remote_data["accounts"]` rows."""
    return {int(a["number"]): str(a.get("vat_code") or "") for a in accounts}


def indscanning_enabled(modules: Iterable[Mapping[str, Any]]) -> bool:
    """S-e3: the add-on 'Indscanning' is module number 3 in `/self.modules` (§1.6)."""
    return any(
        int(m.get("moduleNumber", 0)) == 3 or str(m.get("name", "")).lower() == "indscanning"
        for m in modules
    )
