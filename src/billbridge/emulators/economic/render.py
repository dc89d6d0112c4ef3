"""Stored records → API documents with absolute ``self`` links (built from the request's Host).

State keeps bare numbers; every link is added here so that the same state serves any host.
Link layout follows restdocs and the traels-it fixtures (economic.md §2.2, §2.4, §3.1, §4).
"""

from __future__ import annotations

import re
from typing import Any

from .seed import CURRENCIES, MODULE_INDSCANNING, MODULES_BASE, PAYMENT_TERMS, VAT_ZONES

# §5.7: characters replaced in resource ids inside URLs.
_ID_ESCAPES = {
    "<": "_0_",
    ">": "_1_",
    "*": "_2_",
    "%": "_3_",
    ":": "_4_",
    "&": "_5_",
    "/": "_6_",
    "\\": "_7_",
    "_": "_8_",
    " ": "_9_",
    "?": "_10_",
    ".": "_11_",
    "#": "_12_",
    "+": "_13_",
}
_ID_UNESCAPES = {v: k for k, v in _ID_ESCAPES.items()}


def encode_id(value: str) -> str:
    """``2025/2026`` → ``2025_6_2026``."""
    return "".join(_ID_ESCAPES.get(c, c) for c in value)


def decode_id(value: str) -> str:
    """Inverse of :func:`encode_id`."""
    return re.sub(r"_\d{1,2}_", lambda m: _ID_UNESCAPES.get(m.group(0), m.group(0)), value)


def _ref(base: str, kind: str, key: str, value: Any) -> dict[str, Any]:
    return {key: value, "self": f"{base}/{kind}/{encode_id(str(value))}"}


def account(base: str, acc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in acc.items() if v is not False}
    if "vatAccount" in acc:
        out["vatAccount"] = _ref(base, "vat-accounts", "vatCode", acc["vatAccount"]["vatCode"])
    if "totalFromAccount" in acc:
        n = acc["totalFromAccount"]["accountNumber"]
        out["totalFromAccount"] = _ref(base, "accounts", "accountNumber", n)
    n = acc["accountNumber"]
    out["accountingYears"] = f"{base}/accounts/{n}/accounting-years"
    out["self"] = f"{base}/accounts/{n}"
    return out


def vat_account(base: str, va: dict[str, Any]) -> dict[str, Any]:
    out = dict(va)
    out["account"] = _ref(base, "accounts", "accountNumber", va["account"]["accountNumber"])
    if "contraAccount" in va:
        out["contraAccount"] = _ref(
            base, "accounts", "accountNumber", va["contraAccount"]["accountNumber"]
        )
    vt = va["vatType"]
    out["vatType"] = {**vt, "self": f"{base}/vat-types/{vt['vatTypeNumber']}"}
    out["self"] = f"{base}/vat-accounts/{encode_id(va['vatCode'])}"
    return out


def journal(base: str, j: dict[str, Any]) -> dict[str, Any]:
    n = j["journalNumber"]
    settings: dict[str, Any] = {
        "voucherNumbers": {"minimumVoucherNumber": j["minimumVoucherNumber"]}
    }
    if j.get("entryTypeRestrictedTo"):
        settings["entryTypeRestrictedTo"] = j["entryTypeRestrictedTo"]
    if j.get("contraAccounts"):
        settings["contraAccounts"] = {
            kind: _ref(base, "accounts", "accountNumber", number)
            for kind, number in j["contraAccounts"].items()
        }
    return {
        "journalNumber": n,
        "name": j["name"],
        "settings": settings,
        "entries": f"{base}/journals/{n}/entries",
        "vouchers": f"{base}/journals/{n}/vouchers",
        "templates": {
            "financeVoucher": f"{base}/journals/{n}/templates/financeVoucher",
            "manualCustomerInvoice": f"{base}/journals/{n}/templates/manualCustomerInvoice",
            "self": f"{base}/journals/{n}/templates",
        },
        "self": f"{base}/journals/{n}",
    }


def accounting_year(base: str, y: dict[str, Any]) -> dict[str, Any]:
    yid = encode_id(y["year"])
    out: dict[str, Any] = {"year": y["year"], "fromDate": y["fromDate"], "toDate": y["toDate"]}
    if y.get("periods") and all(p["state"] == "closed" for p in y["periods"]):
        out["closed"] = True  # a year is closed when all its periods are [GUESS]
    for part in ("entries", "periods", "totals", "vouchers"):
        out[part] = f"{base}/accounting-years/{yid}/{part}"
    out["self"] = f"{base}/accounting-years/{yid}"
    return out


def year_ref(base: str, year: str) -> dict[str, Any]:
    return {"year": year, "self": f"{base}/accounting-years/{encode_id(year)}"}


def supplier(base: str, s: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in s.items() if v is not False}
    out["paymentTerms"] = _ref(
        base, "payment-terms", "paymentTermsNumber", s["paymentTerms"]["paymentTermsNumber"]
    )
    out["supplierGroup"] = _ref(
        base, "supplier-groups", "supplierGroupNumber", s["supplierGroup"]["supplierGroupNumber"]
    )
    out["vatZone"] = _ref(base, "vat-zones", "vatZoneNumber", s["vatZone"]["vatZoneNumber"])
    if "costAccount" in s:
        out["costAccount"] = _ref(
            base, "accounts", "accountNumber", s["costAccount"]["accountNumber"]
        )
    n = s["supplierNumber"]
    # `layout` with `self` is required [src: economic-schemas/suppliers.get.schema.json];
    # layout number 19 [GUESS: the standard layout number of a new Danish agreement]
    layout = int((s.get("layout") or {}).get("layoutNumber", 19))
    out["layout"] = {"layoutNumber": layout, "self": f"{base}/layouts/{layout}"}
    out["contacts"] = f"{base}/suppliers/{n}/contacts"
    out["self"] = f"{base}/suppliers/{n}"
    return out


def supplier_group(base: str, g: dict[str, Any]) -> dict[str, Any]:
    n = g["supplierGroupNumber"]
    return {
        "supplierGroupNumber": n,
        "name": g["name"],
        "account": _ref(base, "accounts", "accountNumber", g["account"]),
        "suppliers": f"{base}/supplier-groups/{n}/suppliers",
        "self": f"{base}/supplier-groups/{n}",
    }


def payment_terms(base: str) -> list[dict[str, Any]]:
    return [{**t, "self": f"{base}/payment-terms/{t['paymentTermsNumber']}"} for t in PAYMENT_TERMS]


def vat_zones(base: str) -> list[dict[str, Any]]:
    return [{**z, "self": f"{base}/vat-zones/{z['vatZoneNumber']}"} for z in VAT_ZONES]


def currencies(base: str) -> list[dict[str, Any]]:
    return [{**c, "self": f"{base}/currencies/{c['code']}"} for c in CURRENCIES]


def modules(base: str, agreement: dict[str, Any]) -> list[dict[str, Any]]:
    mods = ([MODULE_INDSCANNING] if agreement.get("indscanning") else []) + MODULES_BASE
    return [{**m, "self": f"{base}/modules/agreement/{m['moduleNumber']}"} for m in mods]


def voucher_path(base: str, journal_number: int, year: str, number: int) -> str:
    return f"{base}/journals/{journal_number}/vouchers/{encode_id(year)}-{number}"


def entry(base: str, e: dict[str, Any]) -> dict[str, Any]:
    """A draft entry as ``GET /journals/{n}/entries`` shows it (§2.7)."""
    jn = e["journalNumber"]
    out: dict[str, Any] = {}
    for key in (
        "account",
        "contraAccount",
    ):
        if key in e:
            out[key] = _ref(base, "accounts", "accountNumber", e[key]["accountNumber"])
    for key in ("vatAccount", "contraVatAccount"):
        if key in e:
            out[key] = _ref(base, "vat-accounts", "vatCode", e[key]["vatCode"])
    if "supplier" in e:
        out["supplier"] = _ref(base, "suppliers", "supplierNumber", e["supplier"]["supplierNumber"])
    out["journal"] = _ref(base, "journals", "journalNumber", jn)
    for key in (
        "amount",
        "text",
        "supplierInvoiceNumber",
        "date",
        "dueDate",
        "exchangeRate",
        "amountDefaultCurrency",
        "vatAmount",
        "contraVatAmount",
        "contraVatAmountInBaseCurrency",
        "paymentDetails",
    ):
        if key in e:
            out[key] = e[key]
    out["currency"] = _ref(base, "currencies", "code", e["currency"]["code"])
    out["entryType"] = e["entryType"]
    vpath = voucher_path(base, jn, e["voucher"]["year"], e["voucher"]["voucherNumber"])
    out["voucher"] = {
        "accountingYear": year_ref(base, e["voucher"]["year"]),
        "voucherNumber": e["voucher"]["voucherNumber"],
        "attachment": f"{vpath}/attachment",
        "self": vpath,
    }
    if e["entryType"] in ("supplierInvoice", "supplierPayment", "customerPayment"):
        out["remainder"] = e.get("remainder", e["amount"])
        # spelt remainderInDefaultCurrency in the official entry and voucher schemas (the 2017
        # traels-it fixture's remainderDefaultCurrency is older)
        out["remainderInDefaultCurrency"] = e.get("remainderDefaultCurrency", e["amount"])
    out["journalEntryNumber"] = e["journalEntryNumber"]
    entry_self = f"{base}/journals/{jn}/entries/{e['journalEntryNumber']}"
    out["metaData"] = {
        "delete": {"description": "Delete this entry.", "href": entry_self, "httpMethod": "delete"}
    }
    out["self"] = entry_self
    return out


ENTRY_KINDS = {
    "financeVouchers": "financeVoucher",
    "supplierInvoices": "supplierInvoice",
    "supplierPayments": "supplierPayment",
    "customerPayments": "customerPayment",
    "manualCustomerInvoices": "manualCustomerInvoice",
}
KIND_ARRAY = {v: k for k, v in ENTRY_KINDS.items()}


def voucher(
    base: str, journal_number: int, year: str, number: int, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """A voucher document (§2.4): entries grouped by type."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for e in sorted(entries, key=lambda x: x["journalEntryNumber"]):
        grouped.setdefault(KIND_ARRAY[e["entryType"]], []).append(entry(base, e))
    vpath = voucher_path(base, journal_number, year, number)
    return {
        "accountingYear": year_ref(base, year),
        "journal": _ref(base, "journals", "journalNumber", journal_number),
        "entries": grouped,
        "voucherNumber": number,
        "attachment": f"{vpath}/attachment",
        "self": vpath,
    }


def booked_entry(base: str, agreement: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    """A booked (ledger) entry as ``GET /accounting-years/{year}/entries`` shows it (schema
    ``accounting-years.accountingYear.entries.get``; the lines themselves: see ``ledger``)."""
    out: dict[str, Any] = {}
    if line.get("account") is not None:
        out["account"] = _ref(base, "accounts", "accountNumber", line["account"])
    out["amount"] = line["amount"]
    rate = float(line.get("exchangeRate") or 100.0)
    out["amountInBaseCurrency"] = round(line["amount"] * rate / 100, 2)
    out["currency"] = line["currency"]
    out["date"] = line["date"]
    if "dueDate" in line:
        out["dueDate"] = line["dueDate"]
    out["entryNumber"] = line["entryNumber"]
    out["entryType"] = line["entryType"]
    if "text" in line:
        out["text"] = line["text"]
    if "vatCode" in line:
        out["vatAccount"] = _ref(base, "vat-accounts", "vatCode", line["vatCode"])
    if line.get("supplier") is not None:
        n = line["supplier"]
        group = (agreement["suppliers"].get(str(n)) or {}).get("supplierGroup", {})
        ref = _ref(base, "suppliers", "supplierNumber", n)
        if group:
            g = group["supplierGroupNumber"]
            ref["supplierGroup"] = _ref(base, "supplier-groups", "supplierGroupNumber", g)
        out["supplier"] = ref
    if "supplierInvoiceNumber" in line:
        out["supplierInvoiceNumber"] = line["supplierInvoiceNumber"]
    out["voucherNumber"] = line["voucherNumber"]
    if "remainder" in line:
        out["remainder"] = line["remainder"]
        out["remainderInBaseCurrency"] = round(line["remainder"] * rate / 100, 2)
    # No single-entry route is documented; the link names the entry in its year [GUESS].
    out["self"] = f"{base}/accounting-years/{encode_id(line['year'])}/entries/{line['entryNumber']}"
    return out
