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
  out itself (S5), so the gross total is sent and no VAT amount. Which part of the gross carries
  which code is decided by the one VAT rule (`integrations.vat`, R-5, issue 11; economic.md
  §10.1): one `supplierInvoices` entry per line it decides, all in one voucher with the same
  supplier invoice number; a line without VAT has no `contraVatAccount`.
- A bill in another currency is posted in that currency (the VAT rule decides in it, as
  e-conomic lifts the VAT out of the entry's amount) with the bill's rate as `exchangeRate`
  (DKK per 100, six decimals, economic.md §2.3) and the DKK amount as `amountBaseCurrency`,
  the lines' DKK adding up to the bill's DKK total to the øre.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billbridge.integrations import currency, vat
from billbridge.integrations.base import BillSnapshot, PaymentSnapshot

TEXT_MAX = 250
INVOICE_NUMBER_MAX = 30
SUPPLIER_NAME_MAX = 255

# VAT zones as e-conomic's demo agreement numbers them (economic.md §4.3).
VAT_ZONE_DOMESTIC = 1
VAT_ZONE_EU = 2
VAT_ZONE_ABROAD = 3

EU_COUNTRIES = vat.EU_COUNTRIES  # one list (integrations/vat.py)
# The demo agreement's codes (economic.md §4.3: other codes UNCONFIRMED, read /vat-accounts):
# ordinary purchase VAT, and the default reverse-charge code, services bought in the EU
# [GUESS: the standard code of a real agreement; the set-up lets the company choose].
PURCHASE_CODE = "I25"
DEFAULT_REVERSE_CHARGE_CODE = "IEUY"
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


def vat_rates(vat_accounts: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Code → rate as a fraction, from stored `remote_data["vat_accounts"]` rows (25.0 %)."""
    return vat.rate_table(((v.get("code"), v.get("rate")) for v in vat_accounts), percent=True)


def vat_decision(
    bill: BillSnapshot,
    *,
    vat_code: str,
    rates: Mapping[str, Decimal],
    reverse_charge_code: str = DEFAULT_REVERSE_CHARGE_CODE,
) -> vat.VatDecision:
    """The one VAT rule on the bill, in its own currency (R-5). Raises `vat.VatProblem`."""
    return vat.decide(
        vat.BillVat(
            bill.total, bill.vat_amount, bill.vat_breakdown, supplier_country=bill.supplier_country
        ),
        rates,
        account_code=vat_code,
        purchase_code=PURCHASE_CODE,
        reverse_charge_code=reverse_charge_code or None,
    )


def reverse_charge_code(settings: Mapping[str, Any], codes: Iterable[str]) -> str:
    """The company's reverse-charge code (R-5): its set-up choice, else the standard code
    when the agreement has it, else "" (a reverse-charge bill then asks for a choice)."""
    chosen = str(settings.get("reverse_charge_vat_code") or "")
    if chosen:
        return chosen
    return DEFAULT_REVERSE_CHARGE_CODE if DEFAULT_REVERSE_CHARGE_CODE in set(codes) else ""


def _base_amounts(bill: BillSnapshot, grosses: list[Decimal]) -> list[Decimal] | None:
    """Each line's DKK, the last one taking the rounding so that they add up to the bill's
    DKK total to the øre; None for a bill in DKK or without a rate."""
    rate = bill.exchange_rate
    if rate is None or bill.currency.upper() == currency.BASE_CURRENCY:
        return None
    out = [currency.to_base(g, rate.per_100) for g in grosses[:-1]]
    return [*out, currency.to_base(bill.total, rate.per_100) - sum(out, Decimal("0.00"))]


def _rate_value(rate: currency.Rate) -> float:
    return float(rate.per_100.quantize(Decimal(1).scaleb(-currency.RATE_DECIMALS)))


def invoice_voucher(
    bill: BillSnapshot,
    *,
    journal: int,
    year: str,
    supplier_number: int,
    contra: int,
    vat_code: str,
    reference: str,
    rates: Mapping[str, Decimal],
    reverse_charge_code: str = DEFAULT_REVERSE_CHARGE_CODE,
) -> dict[str, Any]:
    """One voucher holding one supplier invoice (or credit note), for `POST …/vouchers`: one
    entry per line of the VAT rule's decision. Raises `vat.VatProblem`."""
    decision = vat_decision(
        bill, vat_code=vat_code, rates=rates, reverse_charge_code=reverse_charge_code
    )
    grosses = [line.gross for line in decision.lines]
    base = _base_amounts(bill, grosses)
    entries = []
    for n, line in enumerate(decision.lines):
        entry: dict[str, Any] = {
            "supplier": {"supplierNumber": supplier_number},
            "amount": amount(-line.gross),
            "currency": {"code": bill.currency.upper()},
            "date": bill.issue_date.isoformat(),
            "contraAccount": {"accountNumber": contra},
            "text": entry_text(bill, reference),
        }
        if bill.invoice_number:
            entry["supplierInvoiceNumber"] = bill.invoice_number[:INVOICE_NUMBER_MAX]
        if bill.due_date:
            entry["dueDate"] = bill.due_date.isoformat()
        if line.vat_code:
            entry["contraVatAccount"] = {"vatCode": line.vat_code}
        if base is not None and bill.exchange_rate is not None:
            entry["exchangeRate"] = _rate_value(bill.exchange_rate)
            entry["amountBaseCurrency"] = amount(-base[n])
        entries.append(entry)
    return {
        "accountingYear": {"year": year},
        "journal": {"journalNumber": journal},
        "entries": {"supplierInvoices": entries},
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
    if payment.exchange_rate is not None and payment.amount_base is not None:
        # The DKK the payment cost; e-conomic keeps the difference to the invoice's DKK
        # on the supplier until it is settled [GUESS: its currency settlement is not in our
        # sources].
        entry["exchangeRate"] = _rate_value(payment.exchange_rate)
        entry["amountBaseCurrency"] = amount(payment.amount_base)
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
