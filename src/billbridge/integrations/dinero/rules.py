"""R-1 for Dinero: a bill → one kassekladde row (ledger item). Pure functions, no I/O.

The row: account = the category's account, else the fallback account; its lines and their VAT
codes = what the one VAT rule decides from the bill's VAT (`integrations.vat`, R-5, issue 11):
the whole gross with the account's code, no VAT ("none"), or a split into a VAT-bearing line
and a VAT-free line, reverse charge with the company's code; amount = the total including VAT
in DKK (positive debits the expense account, so a credit note is negative; a bill in another
currency is converted at its rate and the original amount, currency and rate go into the
text, R-6); balancing account = the payment method's account, else the counter account for
payments; date = the bill's issue date; text = supplier and invoice number; FileGuid = the
uploaded document. The row's `Id` is chosen by us,
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from billbridge.integrations import currency, vat
from billbridge.integrations.base import Account, BillSnapshot, PaymentSnapshot

# Fixed namespace: the same reference always gives the same row Id, on every machine.
ROW_NAMESPACE = uuid.UUID("8f0c6f3e-3d5e-4a53-9a43-2f4d1c3b7a10")
DESCRIPTION_MAX = 250  # UNCONFIRMED: Dinero's limit is not published in our sources
BASE_CURRENCY = currency.BASE_CURRENCY
NO_VAT = {"", "none"}
# A line's VAT code: null would mean "the account's default code", so no VAT is said out loud
# (dinero-openapi.json, LedgerItemLineModelV2.AccountVatCode).
VAT_NONE = "none"
# Dinero's standard codes (dinero.md §3): ordinary purchase VAT, and reverse charge on
# services bought in the EU (the default reverse-charge code; the set-up can choose another).
PURCHASE_CODE = "I25"
DEFAULT_REVERSE_CHARGE_CODE = "IEUY"
# The purchase codes of Dinero's standard set that book reverse-charge VAT (dinero.md §3:
# EU services, EU goods, services from outside the EU); the set-up offers these.
REVERSE_CHARGE_CODES = ("IEUY", "IEUV", "IVY")
# Dinero's standard chart: 2400 "Valutakursdifferencer, import" (emulators/dinero/seed.py).
DEFAULT_EXCHANGE_DIFFERENCE_ACCOUNT = "2400"


@dataclass(frozen=True)
class DineroRules:
    """The company's choices in set-up, plus the chart's VAT code per account number and
    the organisation's VAT codes with their rates (`vatTypes`, as fractions)."""

    fallback_account: str
    payment_account: str
    vat_codes: Mapping[str, str]
    vat_rates: Mapping[str, Decimal] = field(default_factory=dict)
    reverse_charge_code: str = DEFAULT_REVERSE_CHARGE_CODE
    exchange_difference_account: str = DEFAULT_EXCHANGE_DIFFERENCE_ACCOUNT


@dataclass(frozen=True)
class LedgerLine:
    """One line of a kassekladde row (all lines of a row share its balancing account)."""

    account: str
    vat_code: str
    amount: Decimal
    description: str


@dataclass(frozen=True)
class LedgerRow:
    """One kassekladde row, as billbridge means it: one voucher, one or more lines."""

    id: str
    voucher_date: date
    lines: tuple[LedgerLine, ...]
    balancing_account: str
    balancing_vat_code: str | None
    file_guid: str | None = None

    @property
    def account(self) -> str:
        return self.lines[0].account

    @property
    def account_vat_code(self) -> str:
        return self.lines[0].vat_code

    @property
    def amount(self) -> Decimal:
        """The row's total in DKK, all lines together."""
        return sum((ln.amount for ln in self.lines), Decimal("0.00"))

    @property
    def description(self) -> str:
        return self.lines[0].description

    def to_json(self, version: str | None = None) -> dict[str, Any]:
        """Dinero's v1.2 body for this row (PUT adds the row's current `Version`)."""
        body: dict[str, Any] = {
            "Id": self.id,
            "VoucherDate": self.voucher_date.isoformat(),
            "FileGuid": self.file_guid,
            "Lines": [
                {
                    # Line Ids are required on update: the same deterministic Id every time.
                    "Id": line_id(self.id, n),
                    "AccountNumber": _number(line.account),
                    "AccountVatCode": line.vat_code,
                    # A JSON number; float is exact for two decimals below 1e12 (to_money).
                    "Amount": float(line.amount),
                    "BalancingAccountNumber": _number(self.balancing_account),
                    "BalancingAccountVatCode": self.balancing_vat_code,
                    "Description": line.description,
                }
                for n, line in enumerate(self.lines)
            ],
        }
        if version is not None:
            body["Version"] = version
        return body


def _number(account: str) -> int | str:
    return int(account) if account.isascii() and account.isdigit() else account


def line_id(row_id: str, n: int) -> str:
    """The Id of a row's n-th line: derived from the row's Id, so an update sends the Ids
    the create chose (line 0 keeps the Id rows had when they had one line)."""
    return str(uuid.uuid5(ROW_NAMESPACE, f"{row_id}/line/{n}"))


def row_id(reference: str, *, part: str = "invoice", generation: int = 0) -> str:
    """The row's Id: stable per sync record (reference), part and generation (a row deleted
    in Dinero is posted again under the next generation)."""
    return str(uuid.uuid5(ROW_NAMESPACE, f"{reference}/{part}/{generation}"))


def vat_code(account: str, rules: DineroRules) -> str:
    """The account's VAT code in the fetched chart, or "none" when it has none."""
    code = rules.vat_codes.get(account, "")
    return VAT_NONE if code.lower() in NO_VAT else code


def vat_rates(vat_types: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Code → rate as a fraction, from Dinero's `vatTypes` answer (`VatRate` is 0.25)."""
    return vat.rate_table(((v.get("VatCode"), v.get("VatRate")) for v in vat_types), percent=False)


def default_exchange_difference_account(accounts: Iterable[Account]) -> str:
    """The chart's account for exchange differences on purchases: "Valutakursdifferencer,
    import" (2400 in Dinero's standard chart), else the first account named for them."""
    candidates = [a for a in accounts if "valutakurs" in a.name.lower() and not a.hidden]
    for a in candidates:
        if "import" in a.name.lower() or a.number == DEFAULT_EXCHANGE_DIFFERENCE_ACCOUNT:
            return a.number
    return candidates[0].number if candidates else DEFAULT_EXCHANGE_DIFFERENCE_ACCOUNT


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


def _text(head: str, tail: str) -> str:
    """`head` cut so that `tail` (the currency text, a marker) always fits."""
    if not tail:
        return head[:DESCRIPTION_MAX]
    return f"{head[: DESCRIPTION_MAX - len(tail) - 1].rstrip()} {tail}"


def converted(bill: BillSnapshot) -> currency.Converted:
    """The bill's total and VAT in DKK (R-6); a bill in another currency needs its rate.

    Raises `vat.VatProblem("rate_needed")` when the bill has none (the sync engine stores the
    official one before posting, so this is a bill whose rate was cleared meanwhile).
    """
    if bill.currency.upper() == BASE_CURRENCY:
        return currency.convert(
            bill.total, bill.vat_amount, currency.Rate(BASE_CURRENCY, currency.HUNDRED)
        )
    if bill.exchange_rate is None:
        raise vat.VatProblem("rate_needed", currency=bill.currency.upper())
    return currency.convert(bill.total, bill.vat_amount, bill.exchange_rate)


def vat_decision(bill: BillSnapshot, rules: DineroRules) -> vat.VatDecision:
    """The one VAT rule on the bill in DKK, with the expense account's code (R-5)."""
    bill_vat = vat.BillVat(
        bill.total, bill.vat_amount, bill.vat_breakdown, supplier_country=bill.supplier_country
    )
    if bill.currency.upper() != BASE_CURRENCY:
        if bill.exchange_rate is None:
            raise vat.VatProblem("rate_needed", currency=bill.currency.upper())
        bill_vat = currency.in_base_currency(bill_vat, bill.exchange_rate)
    return vat.decide(
        bill_vat,
        rules.vat_rates,
        account_code=vat_code(expense_account(bill, rules), rules),
        purchase_code=PURCHASE_CODE,
        reverse_charge_code=rules.reverse_charge_code or DEFAULT_REVERSE_CHARGE_CODE,
    )


def _marker(line: vat.VoucherLine, split: bool) -> str:
    """What tells the lines of one bill apart in the kassekladde (Danish, like the rest)."""
    if line.reverse_charge:
        return "(omvendt betalingspligt)" if split else ""
    if split and line.vat_code is None:
        return "(uden moms)"
    return ""


def invoice_row(
    bill: BillSnapshot,
    payment: PaymentSnapshot | None,
    rules: DineroRules,
    *,
    row_id: str,
    file_guid: str | None = None,
) -> LedgerRow:
    """R-1: the bill's row (see the module docstring). Raises `vat.VatProblem`."""
    account = expense_account(bill, rules)
    balancing = balancing_account(bill, payment, rules)
    money = converted(bill)
    decision = vat_decision(bill, rules)
    head = description(bill)
    split = len(decision.lines) > 1
    lines = [
        LedgerLine(
            account=account,
            vat_code=line.vat_code or VAT_NONE,
            amount=line.gross,
            description=_text(head, " ".join(p for p in (_marker(line, split), money.text) if p)),
        )
        for line in decision.lines
    ]
    difference = _exchange_difference(money, payment)
    if difference:
        lines.append(_difference_line(head, difference, rules))
    return LedgerRow(
        id=row_id,
        voucher_date=bill.issue_date,
        lines=tuple(lines),
        balancing_account=balancing,
        balancing_vat_code=vat_code(balancing, rules),
        file_guid=file_guid,
    )


def _exchange_difference(money: currency.Converted, payment: PaymentSnapshot | None) -> Decimal:
    """DKK paid beyond the DKK booked (a loss when positive); 0 for a DKK bill."""
    if payment is None or payment.amount_base is None or money.currency == BASE_CURRENCY:
        return Decimal("0.00")
    return currency.exchange_difference(booked=money.total, paid=payment.amount_base)


def _difference_line(head: str, difference: Decimal, rules: DineroRules) -> LedgerLine:
    return LedgerLine(
        account=rules.exchange_difference_account or DEFAULT_EXCHANGE_DIFFERENCE_ACCOUNT,
        vat_code=VAT_NONE,
        amount=difference,
        description=_text(head, "(kursdifference)"),
    )


def payment_row(
    bill: BillSnapshot,
    payment: PaymentSnapshot,
    rules: DineroRules,
    *,
    booked_balancing_account: str,
    row_id: str,
) -> LedgerRow | None:
    """A booked row's balancing account was not the account that paid: move the amount; a
    foreign bill paid with other DKK than were booked: the difference too.

    None when nothing needs moving (the booked row already names the paying account and the
    DKK paid are the DKK booked).
    """
    paying = balancing_account(bill, payment, rules)
    money = converted(bill)
    head = description(bill)
    lines = []
    if paying != booked_balancing_account:
        lines.append(
            LedgerLine(
                account=booked_balancing_account,
                vat_code=VAT_NONE,
                amount=money.total,
                description=_text(head, "(betalt)"),
            )
        )
    difference = _exchange_difference(money, payment)
    if difference:
        lines.append(_difference_line(head, difference, rules))
    if not lines:
        return None
    return LedgerRow(
        id=row_id,
        voucher_date=payment.date,
        lines=tuple(lines),
        balancing_account=paying,
        balancing_vat_code=VAT_NONE,
    )
