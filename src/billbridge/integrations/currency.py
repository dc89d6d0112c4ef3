"""A bill in another currency, in DKK (R-6): the conversion every provider uses. Pure, no I/O.

Dinero's kassekladde takes DKK only, so a EUR bill becomes DKK at the rate stored on the bill
(the official rate of its date, or one a person typed). Rates are written as Danish banks and
Danmarks Nationalbank write them: DKK for 100 units of the currency ("kurs 746,04"). Each
amount is converted on its own and rounded to the øre, half away from zero, so anyone can redo
the sum from the row's text: EUR 1.234,56 × 746,04 / 100 = 9.210,31 DKK.

The VAT rule (`integrations.vat`) then runs on the DKK amounts (`in_base_currency`), so the
VAT booked in DKK is the invoice's VAT in DKK to the øre whenever a line can carry it exactly
(an exact share, a split); an invoice whose own rounding makes its VAT a little off its rate's
share is booked as one line, the system's share of the DKK gross, within that rounding grown
by the rate (`vat.tolerance`: EUR 1.234,57 with 246,91 VAT books 1.845,09, converted 1.845,06).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from billbridge.integrations.vat import BillVat, VatSubtotal

BASE_CURRENCY = "DKK"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
#: Decimals a rate is kept with (DKK per 100 units): e-conomic's `exchangeRate` takes six.
RATE_DECIMALS = 6


@dataclass(frozen=True)
class Rate:
    """DKK for 100 units of `currency`, and where it came from."""

    currency: str
    per_100: Decimal
    # The date of the published rate (official), None for a rate a person typed.
    rate_date: dt.date | None = None
    official: bool = True


@dataclass(frozen=True)
class Converted:
    """A bill's amounts in DKK, with what is to be written into the row's text."""

    total: Decimal
    vat: Decimal
    original_total: Decimal
    currency: str
    rate: Decimal
    text: str  # "" for a DKK bill


def to_base(amount: Decimal, per_100: Decimal) -> Decimal:
    """`amount` of a currency in DKK at `per_100` DKK per 100 units, to the øre."""
    return (amount * per_100 / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def danish_number(value: Decimal, *, min_decimals: int = 2) -> str:
    """`1.234,56`; a rate keeps its decimals but loses trailing zeros beyond two (746,04)."""
    exponent = -value.normalize().as_tuple().exponent  # type: ignore[operator]
    decimals = max(min_decimals, exponent)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def rate_text(amount: Decimal, rate: Rate) -> str:
    """What goes into the kassekladde row: the original amount, currency and rate.

    `EUR 1.234,56 kurs 746,04 (ECB 13.03.2026)` for an official rate, `… (manuel)` for one a
    person typed. Danish, like every text billbridge writes into a Danish kassekladde.
    """
    head = f"{rate.currency} {danish_number(amount)} kurs {danish_number(rate.per_100)}"
    if rate.official and rate.rate_date:
        return f"{head} (ECB {rate.rate_date:%d.%m.%Y})"
    return f"{head} (manuel)"


def convert(total: Decimal, vat: Decimal, rate: Rate) -> Converted:
    """The bill's total and VAT in DKK at `rate`; a DKK bill is returned as it is."""
    if rate.currency.upper() == BASE_CURRENCY:
        return Converted(total, vat, total, BASE_CURRENCY, HUNDRED, "")
    return Converted(
        total=to_base(total, rate.per_100),
        vat=to_base(vat, rate.per_100),
        original_total=total,
        currency=rate.currency.upper(),
        rate=rate.per_100,
        text=rate_text(total, rate),
    )


def in_base_currency(bill: BillVat, rate: Rate) -> BillVat:
    """The VAT rule's view of a bill, converted to DKK (its breakdown too).

    `unit` tells the rule that the invoice rounded in its own currency, whose øre is worth
    `per_100 / 100` of a Danish one, so its tolerance grows by that factor.
    """
    if rate.currency.upper() == BASE_CURRENCY:
        return bill
    return replace(
        bill,
        gross=to_base(bill.gross, rate.per_100),
        vat=to_base(bill.vat, rate.per_100),
        breakdown=tuple(
            VatSubtotal(
                s.category,
                s.percent,
                to_base(s.taxable_amount, rate.per_100),
                to_base(s.vat_amount, rate.per_100),
            )
            for s in bill.breakdown
        ),
        unit=rate.per_100 / HUNDRED,
    )


def exchange_difference(booked: Decimal, paid: Decimal) -> Decimal:
    """DKK paid minus DKK booked for the bill: a loss when positive (paid more), else a gain."""
    return paid - booked


__all__ = [
    "BASE_CURRENCY",
    "Converted",
    "Rate",
    "convert",
    "danish_number",
    "exchange_difference",
    "in_base_currency",
    "rate_text",
    "to_base",
]
