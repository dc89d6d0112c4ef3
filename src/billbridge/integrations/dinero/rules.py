"""R-1 for Dinero: a bill → one kassekladde row (ledger item). Pure functions, no I/O.

The row: account = the category's account, else the fallback account; VAT code = that
account's VAT code in the fetched chart; amount = the total including VAT (positive debits the
expense account, so a credit note is negative); balancing account = the payment method's
account, else the counter account for payments; date = the bill's issue date; text = supplier
and invoice number; FileGuid = the uploaded document. The row's `Id` is chosen by us,
derived from the sync record's reference: it is the voucher reference by which the row is
found again after an uncertain failure, and Dinero refuses a second row with the same Id.

Payments ("paid → the payment method's account as balancing account"): Dinero's row already
has a balancing account, so paying a bill does not add a second entry while the row is
unbooked: the payment method's account becomes the row's balancing account (the row is
updated). If the accountant has already booked the row with another balancing account, a
payment row moves the amount: debit the booked balancing account, credit the payment method's
account (`payment_row`). Net effect is the same in both cases: expense against the account
that really paid.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from billbridge.integrations.base import BillSnapshot, PaymentSnapshot

# Fixed namespace: the same reference always gives the same row Id, on every machine.
ROW_NAMESPACE = uuid.UUID("8f0c6f3e-3d5e-4a53-9a43-2f4d1c3b7a10")
DESCRIPTION_MAX = 250  # UNCONFIRMED: Dinero's limit is not published in our sources
BASE_CURRENCY = "DKK"
NO_VAT = {"", "none"}
# A line's VAT code: null would mean "the account's default code", so no VAT is said out loud
# (dinero-openapi.json, LedgerItemLineModelV2.AccountVatCode).
VAT_NONE = "none"


@dataclass(frozen=True)
class DineroRules:
    """The company's choices in set-up, plus the chart's VAT code per account number."""

    fallback_account: str
    payment_account: str
    vat_codes: Mapping[str, str]


@dataclass(frozen=True)
class LedgerRow:
    """One kassekladde row, as billbridge means it (one line per voucher)."""

    id: str
    voucher_date: date
    account: str
    account_vat_code: str | None
    amount: Decimal
    balancing_account: str
    balancing_vat_code: str | None
    description: str
    file_guid: str | None = None

    def to_json(self, version: str | None = None) -> dict[str, Any]:
        """Dinero's v1.2 body for this row (PUT adds the row's current `Version`)."""
        body: dict[str, Any] = {
            "Id": self.id,
            "VoucherDate": self.voucher_date.isoformat(),
            "FileGuid": self.file_guid,
            "Lines": [
                {
                    # Line Ids are required on update: the same deterministic Id every time.
                    "Id": line_id(self.id, 0),
                    "AccountNumber": _number(self.account),
                    "AccountVatCode": self.account_vat_code,
                    # A JSON number; float is exact for two decimals below 1e12 (to_money).
                    "Amount": float(self.amount),
                    "BalancingAccountNumber": _number(self.balancing_account),
                    "BalancingAccountVatCode": self.balancing_vat_code,
                    "Description": self.description,
                }
            ],
        }
        if version is not None:
            body["Version"] = version
        return body


def _number(account: str) -> int | str:
    return int(account) if account.isascii() and account.isdigit() else account


def line_id(row_id: str, n: int) -> str:
    """The Id of a row's n-th line: derived from the row's Id, so an update sends the Ids
    the create chose."""
    return str(uuid.uuid5(ROW_NAMESPACE, f"{row_id}/line/{n}"))


def row_id(reference: str, *, part: str = "invoice", generation: int = 0) -> str:
    """The row's Id: stable per sync record (reference), part and generation (a row deleted
    in Dinero is posted again under the next generation)."""
    return str(uuid.uuid5(ROW_NAMESPACE, f"{reference}/{part}/{generation}"))


def vat_code(account: str, rules: DineroRules) -> str:
    """The account's VAT code in the fetched chart, or "none" when it has none."""
    code = rules.vat_codes.get(account, "")
    return VAT_NONE if code.lower() in NO_VAT else code


def expense_account(bill: BillSnapshot, rules: DineroRules) -> str:
    return bill.category_account or rules.fallback_account


def balancing_account(
    bill: BillSnapshot, payment: PaymentSnapshot | None, rules: DineroRules
) -> str:
    """Who pays: the payment's method, else the bill's method, else the counter account."""
    if payment is not None and payment.payment_method_account:
        return payment.payment_method_account
    return bill.payment_method_account or rules.payment_account


def description(bill: BillSnapshot) -> str:
    text = " ".join(p for p in (bill.supplier_name.strip(), bill.invoice_number.strip()) if p)
    return (text or bill.text.strip() or f"Bill {bill.bill_id}")[:DESCRIPTION_MAX]


def problem(bill: BillSnapshot) -> str | None:
    """An error code when the bill cannot become a correct row, else None."""
    if bill.currency.upper() != BASE_CURRENCY:
        # The kassekladde row takes a DKK amount and billbridge has no exchange rate yet.
        return "currency_not_supported"
    return None


def invoice_row(
    bill: BillSnapshot,
    payment: PaymentSnapshot | None,
    rules: DineroRules,
    *,
    row_id: str,
    file_guid: str | None = None,
) -> LedgerRow:
    """R-1: the bill's row (see the module docstring)."""
    account = expense_account(bill, rules)
    balancing = balancing_account(bill, payment, rules)
    return LedgerRow(
        id=row_id,
        voucher_date=bill.issue_date,
        account=account,
        account_vat_code=vat_code(account, rules),
        amount=bill.total,
        balancing_account=balancing,
        balancing_vat_code=vat_code(balancing, rules),
        description=description(bill),
        file_guid=file_guid,
    )


def payment_row(
    bill: BillSnapshot,
    payment: PaymentSnapshot,
    rules: DineroRules,
    *,
    booked_balancing_account: str,
    row_id: str,
) -> LedgerRow | None:
    """A booked row's balancing account was not the account that paid: move the amount.

    None when nothing needs moving (the booked row already names the paying account).
    """
    paying = balancing_account(bill, payment, rules)
    if paying == booked_balancing_account:
        return None
    return LedgerRow(
        id=row_id,
        voucher_date=payment.date,
        account=booked_balancing_account,
        account_vat_code=VAT_NONE,
        amount=payment.amount,
        balancing_account=paying,
        balancing_vat_code=VAT_NONE,
        description=description(bill)[: DESCRIPTION_MAX - 9] + " (betalt)",
    )
