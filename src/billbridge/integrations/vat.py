"""The one VAT rule for every accounting system (R-5): the bill's VAT decides the voucher's lines.

Dinero and e-conomic both take a VAT-inclusive amount and a VAT code per line and lift the
code's share out of the amount themselves: VAT = gross × r / (1 + r), to the øre. So the VAT a
posting books is decided by which part of the gross carries which code. This module decides it
from the bill alone — pure, no I/O, the same for every provider:

- **standard**: the bill's VAT is the code's share of the whole gross (within the rounding of
  the invoice's lines, see `tolerance`) → one line, the whole gross, the account's code;
- **no VAT**: the bill's VAT is 0 → one line without a code;
- **split**: less VAT than that → a VAT-bearing part with the code and the rest without, chosen
  so that the VAT booked is the bill's VAT to the øre (see `vat_bearing_gross`);
- **reverse charge**: an e-invoice's VAT category AE/K, or an EU supplier with no VAT → the
  company's reverse-charge code on that part (the system adds input and output VAT alike);
- anything else (more VAT than the rate allows, VAT of the wrong sign, a VAT rate the system
  has no code for, foreign VAT) raises `VatProblem` with a code whose words say what to fix:
  never a silent guess.

Money is Decimal in the posting currency (DKK for Dinero, the bill's currency for e-conomic);
a credit note has a negative gross and VAT, and every line keeps that sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")
ZERO = Decimal("0.00")
#: Invoice lines assumed when the bill does not say (a typed or scanned bill): ten lines of
#: ½ øre rounding each = 5 øre, the same allowance the e-invoice reader's cross-check uses.
DEFAULT_LINES = 10

# VAT categories as e-invoices name them: UNTDID 5305 (EN 16931, Peppol BIS 3) and OIOUBL's
# own words (compared in upper case, without spaces).
REVERSE_CHARGE_CATEGORIES = frozenset({"AE", "K", "REVERSECHARGE"})
ZERO_CATEGORIES = frozenset({"Z", "E", "O", "G", "ZERORATED", "EXEMPT", "NOTSUBJECT"})

#: Members of the EU besides Denmark (ISO 3166 codes; Greece is GR, its VAT prefix is EL).
EU_COUNTRIES = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "EE", "EL", "ES", "FI", "FR", "GR", "HR", "HU"}
    | {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)
DOMESTIC = frozenset({"", "DK"})


@dataclass(frozen=True)
class VatSubtotal:
    """One VAT subtotal of an e-invoice (UBL TaxSubtotal), signed like the bill's total."""

    category: str
    percent: Decimal | None
    taxable_amount: Decimal
    vat_amount: Decimal

    @property
    def normalised_category(self) -> str:
        return "".join(self.category.split()).upper()

    @property
    def is_reverse_charge(self) -> bool:
        return self.normalised_category in REVERSE_CHARGE_CATEGORIES


@dataclass(frozen=True)
class BillVat:
    """What the rule needs of a bill, in the posting currency."""

    gross: Decimal  # the total including VAT; negative for a credit note
    vat: Decimal  # the bill's VAT, same sign as the gross
    breakdown: tuple[VatSubtotal, ...] = ()
    supplier_country: str = ""  # ISO code; "" counts as Danish
    lines: int | None = None  # the invoice's line count, when known (e-invoice)
    # One unit of the invoice's currency in the posting currency: 7.46 for a EUR bill posted in
    # DKK. The invoice rounded in its own currency, so its rounding grows by this factor.
    unit: Decimal = Decimal(1)


@dataclass(frozen=True)
class VoucherLine:
    """One line of the voucher: an amount, its VAT code (None = no VAT), the VAT it books.

    For a reverse-charge line `gross` is the invoice's amount (it carries no VAT) and `vat`
    the VAT the system adds to it, booked as input and output VAT alike (net zero).
    """

    gross: Decimal
    vat_code: str | None
    vat: Decimal
    reverse_charge: bool = False


@dataclass(frozen=True)
class VatDecision:
    lines: tuple[VoucherLine, ...]
    bill_vat: Decimal
    # The account's code deducts only part of the VAT on purpose (representation, "REP"):
    # the lines book less than the bill's VAT, as that code means to.
    partial_deduction: bool = False

    @property
    def vat_booked(self) -> Decimal:
        """The deductible VAT the lines book (a reverse-charge line books none, net)."""
        return sum((ln.vat for ln in self.lines if not ln.reverse_charge), ZERO)

    @property
    def difference(self) -> Decimal:
        """Booked minus the bill's VAT: 0, or within the invoice's own rounding (`tolerance`),
        unless a partial-deduction code books less on purpose."""
        return self.vat_booked - self.bill_vat

    @property
    def kind(self) -> str:
        """ "no_vat", "standard", "split", "reverse_charge" or "mixed" (reverse charge and more)."""
        if any(ln.reverse_charge for ln in self.lines):
            return "reverse_charge" if len(self.lines) == 1 else "mixed"
        coded = [ln for ln in self.lines if ln.vat_code]
        if not coded:
            return "no_vat"
        return "standard" if len(self.lines) == 1 else "split"


class VatProblem(Exception):
    """The bill's VAT cannot be booked as its invoice says; a person must look.

    `code` keys the plain words in `integrations.messages`; `params` fill them in.
    """

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = {k: _param(v) for k, v in params.items()}


def _param(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(CENT) else f"{value.normalize():f}"
    return str(value)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def booked_vat(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT a system lifts out of a VAT-inclusive amount: the rate's share, to the øre."""
    return _cents(gross * rate / (1 + rate))


def reverse_charge_vat(amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT a system adds to a reverse-charge amount (which carries no VAT of its own)."""
    return _cents(amount * rate)


def tolerance(lines: int | None = None, unit: Decimal = Decimal(1)) -> Decimal:
    """How far a bill's VAT may be from its rate's share of the gross and still be that rate.

    An invoice rounds VAT to the øre per line (OIOUBL's line TaxTotals) or per VAT category
    (EN 16931 rule BR-CO-17); each rounding is off by at most ½ øre, so n of them drift by at
    most n × ½ øre. That drift is in the VAT and therefore in the gross too: with V = r·N + ε
    and G = N + V, the difference V − G·r/(1+r) is ε/(1+r), within n × ½ øre. Never less than
    1 øre, which also absorbs the system's own rounding of the VAT it lifts out. An invoice in
    another currency rounded in that currency, so its drift grows by `unit`, and converting
    the gross and the VAT to the posting currency adds one more øre.
    """
    count = DEFAULT_LINES if lines is None else max(1, lines)
    drift = (count * HALF_CENT * unit).quantize(CENT, rounding=ROUND_CEILING)
    extra = CENT if unit != 1 else ZERO
    return max(CENT, drift) + extra


def vat_bearing_gross(vat: Decimal, rate: Decimal) -> Decimal:
    """The VAT-inclusive amount whose lifted VAT is exactly `vat`: vat × (1 + r) / r, to the øre.

    Why exactly: B = vat·(1+r)/r is off by at most ½ øre after rounding, and lifting the VAT
    back multiplies that error by r/(1+r) < 1, so booked_vat(B) is strictly within ½ øre of
    `vat` — which is a whole øre — and rounds to it, whatever the rounding mode (and also when
    a system computes the net first: B − round(B/(1+r)) is the same number).
    """
    return _cents(vat * (1 + rate) / rate)


def rate_table(codes: Iterable[tuple[str, Any]], *, percent: bool) -> dict[str, Decimal]:
    """Code → rate as a fraction, from a system's list (Dinero: 0.25; e-conomic: 25.0)."""
    table = {}
    for code, rate in codes:
        if not code or rate is None:
            continue
        value = Decimal(str(rate))
        table[str(code)] = value / 100 if percent else value
    return table


def _is_foreign(country: str) -> bool:
    return (country or "").strip().upper() not in DOMESTIC


def _is_eu(country: str) -> bool:
    return (country or "").strip().upper() in EU_COUNTRIES


def _code_rate(code: str | None, rates: Mapping[str, Decimal]) -> Decimal | None:
    if not code or code.lower() == "none":
        return None
    return rates.get(code)


def decide(
    bill: BillVat,
    rates: Mapping[str, Decimal],
    *,
    account_code: str | None,
    purchase_code: str | None = None,
    reverse_charge_code: str | None = None,
) -> VatDecision:
    """The voucher's lines for `bill` (see the module docstring).

    `rates`: the system's VAT codes, code → rate as a fraction (`rate_table`).
    `account_code`: the expense account's own VAT code ("" or "none": the account has none).
    `purchase_code`: the code for ordinary purchase VAT (Dinero and e-conomic: "I25"), used
    when the account has no code of its own but the bill carries VAT, and as the invoice's rate
    beside a partial-deduction code (representation: a quarter of the VAT is deductible).
    `reverse_charge_code`: the company's code for reverse charge (chosen in the set-up; the
    system's standard by default, e.g. Dinero's "IEUY").
    """
    sign = Decimal(-1) if bill.gross < 0 else Decimal(1)
    gross, vat = abs(bill.gross), bill.vat * sign
    if vat < 0:
        raise VatProblem("vat_sign", vat=bill.vat, total=bill.gross)
    if gross == 0:
        if vat:
            raise VatProblem("vat_without_total", vat=bill.vat)
        return VatDecision((VoucherLine(ZERO, None, ZERO),), bill.vat)
    tol = tolerance(bill.lines, bill.unit)

    tail: list[VoucherLine] = []
    reverse = _reverse_charge_amount(bill, gross, sign, tol)
    if reverse:
        rate = _code_rate(reverse_charge_code, rates)
        if rate is None:
            if reverse_charge_code:
                raise VatProblem("vat_code_unknown", vat_code=reverse_charge_code)
            raise VatProblem("reverse_charge_code_missing", amount=reverse * sign)
        vat_added = reverse_charge_vat(reverse, rate) * sign
        tail.append(VoucherLine(reverse * sign, reverse_charge_code, vat_added, True))
    rest = gross - reverse
    if vat == 0:
        head = [VoucherLine(rest * sign, None, ZERO)] if rest else []
        return VatDecision(tuple(head + tail), bill.vat)

    code, code_rate, rate = _vat_code(bill, rates, account_code, purchase_code)
    share = rest * rate / (1 + rate)
    if vat > share + tol:
        raise VatProblem(
            "vat_exceeds_rate", vat=bill.vat, allowed=_cents(share) * sign, rate=_percent(rate)
        )
    if abs(vat - share) <= tol:
        head = [VoucherLine(rest * sign, code, booked_vat(rest, code_rate) * sign)]
    else:
        _check_split_allowed(bill, rate)
        vat_gross = vat_bearing_gross(vat, rate)
        head = [
            VoucherLine(vat_gross * sign, code, booked_vat(vat_gross, code_rate) * sign),
            VoucherLine((rest - vat_gross) * sign, None, ZERO),
        ]
    return VatDecision(tuple(head + tail), bill.vat, partial_deduction=code_rate != rate)


def _percent(rate: Decimal) -> str:
    text = f"{(rate * 100).normalize():f}"
    return text


def _reverse_charge_amount(bill: BillVat, gross: Decimal, sign: Decimal, tol: Decimal) -> Decimal:
    """The part of the (unsigned) gross that is reverse charge; 0 when none is."""
    marked = [s for s in bill.breakdown if s.is_reverse_charge]
    if marked:
        amount = sum((abs(s.taxable_amount) for s in marked), ZERO)
        if any(s.vat_amount for s in marked):
            raise VatProblem("vat_on_reverse_charge", amount=amount * sign)
        if amount > gross + tol:
            raise VatProblem("vat_breakdown_mismatch", amount=amount * sign, total=bill.gross)
        return min(amount, gross)
    # An EU supplier who charges no VAT sells under reverse charge (the buyer accounts for the
    # Danish VAT): services under omvendt betalingspligt, goods as EU acquisition. An
    # e-invoice that names its categories (exempt, outside scope…) is believed instead.
    if bill.vat == 0 and not bill.breakdown and _is_eu(bill.supplier_country):
        return gross
    return ZERO


def _vat_code(
    bill: BillVat,
    rates: Mapping[str, Decimal],
    account_code: str | None,
    purchase_code: str | None,
) -> tuple[str, Decimal, Decimal]:
    """(code, its rate, the invoice's rate) for the VAT-bearing part.

    The account's own code, else the purchase code. An account code below the purchase rate
    is a partial-deduction code (representation): it is kept, and the invoice's VAT is read at
    the purchase rate, since that is the rate the supplier charged.
    """
    code_rate = _code_rate(account_code, rates)
    code = account_code
    purchase_rate = _code_rate(purchase_code, rates)
    if not code_rate:  # none, unknown or 0 %: the bill's VAT needs the purchase code
        if account_code and account_code.lower() != "none" and account_code not in rates:
            raise VatProblem("vat_code_unknown", vat_code=account_code)
        if not purchase_code:
            raise VatProblem("vat_code_missing", vat=bill.vat)
        if purchase_rate is None:
            raise VatProblem("vat_code_unknown", vat_code=purchase_code)
        code, code_rate = purchase_code, purchase_rate
    assert code is not None
    rate = purchase_rate if purchase_rate and code_rate < purchase_rate else code_rate
    charged = {
        s.percent / 100
        for s in bill.breakdown
        if s.percent and s.vat_amount and not s.is_reverse_charge
    }
    for invoice_rate in sorted(charged - {rate}):
        if _is_foreign(bill.supplier_country):
            raise VatProblem(
                "foreign_vat",
                vat=bill.vat,
                country=bill.supplier_country,
                rate=_percent(invoice_rate),
            )
        raise VatProblem(
            "vat_rate_mismatch",
            rate=_percent(invoice_rate),
            vat_code=code,
            vat_code_rate=_percent(rate),
        )
    return code, code_rate, rate


def _check_split_allowed(bill: BillVat, rate: Decimal) -> None:
    """A foreign supplier's VAT that is not the code's share is not Danish VAT: no split.

    Only an e-invoice that itself shows a VAT-free part beside the VAT-bearing one justifies a
    split for a foreign supplier.
    """
    if not _is_foreign(bill.supplier_country):
        return
    zero_part = any(
        s.normalised_category in ZERO_CATEGORIES or not s.percent for s in bill.breakdown
    )
    if not zero_part:
        raise VatProblem(
            "foreign_vat", vat=bill.vat, country=bill.supplier_country, rate=_percent(rate)
        )


def breakdown_from(rows: Sequence[Mapping[str, Any]]) -> tuple[VatSubtotal, ...]:
    """`VatSubtotal`s from the JSON kept on a bill (`Bill.vat_breakdown`)."""
    result = []
    for row in rows:
        percent = row.get("percent")
        result.append(
            VatSubtotal(
                category=str(row.get("category") or ""),
                percent=None if percent in (None, "") else Decimal(str(percent)),
                taxable_amount=Decimal(str(row.get("taxable_amount") or "0")),
                vat_amount=Decimal(str(row.get("vat_amount") or "0")),
            )
        )
    return tuple(result)


__all__ = [
    "BillVat",
    "VatDecision",
    "VatProblem",
    "VatSubtotal",
    "VoucherLine",
    "booked_vat",
    "breakdown_from",
    "decide",
    "rate_table",
    "reverse_charge_vat",
    "tolerance",
    "vat_bearing_gross",
]
