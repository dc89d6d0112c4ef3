"""A bill in another currency, in DKK (issue 11 item 3; R-6): to the øre, with the row's text."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billbridge.integrations.currency import (
    Rate,
    convert,
    danish_number,
    exchange_difference,
    in_base_currency,
    rate_text,
    to_base,
)
from billbridge.integrations.vat import BillVat, VatSubtotal, decide, rate_table

D = Decimal
EUR_13_MARCH = Rate("EUR", D("746.0400"), dt.date(2026, 3, 13))  # ECB: DKK 7.4604 per EUR
RATES = rate_table([("I25", 0.25)], percent=False)


def test_a_eur_bill_is_converted_to_the_oere_with_its_rate_in_the_text():
    converted = convert(D("1234.56"), D("246.91"), EUR_13_MARCH)
    assert converted.total == D("9210.31")  # 1234,56 × 7,4604 = 9210,3114…
    assert converted.vat == D("1842.05")  # 246,91 × 7,4604 = 1842,0477…
    assert converted.text == "EUR 1.234,56 kurs 746,04 (ECB 13.03.2026)"


def test_a_typed_rate_says_so_in_the_text():
    typed = Rate("SEK", D("68.5"), None, official=False)
    assert rate_text(D("-500.00"), typed) == "SEK -500,00 kurs 68,50 (manuel)"


def test_a_dkk_bill_is_left_as_it_is():
    converted = convert(D("1250.00"), D("250.00"), Rate("DKK", D(100), None))
    assert (converted.total, converted.vat, converted.text) == (D("1250.00"), D("250.00"), "")


def test_a_rate_keeps_its_decimals_in_danish_writing():
    assert danish_number(D("636.3830")) == "636,383"
    assert danish_number(D("0.0376")) == "0,0376"
    assert danish_number(D("12345.5")) == "12.345,50"


def test_the_exchange_difference_is_what_was_paid_beyond_what_was_booked():
    assert exchange_difference(booked=D("9210.41"), paid=D("9230.00")) == D("19.59")
    assert exchange_difference(booked=D("9210.41"), paid=D("9200.00")) == D("-10.41")


def test_the_vat_rule_runs_on_the_dkk_amounts_and_books_the_dkk_vat():
    bill = BillVat(D("2000.00"), D("200.00"), lines=2)  # EUR 800 + 200 VAT, EUR 1000 at 0 %
    dkk = in_base_currency(bill, EUR_13_MARCH)
    decision = decide(dkk, RATES, account_code="I25")
    assert decision.kind == "split"
    assert decision.vat_booked == to_base(D("200.00"), EUR_13_MARCH.per_100) == D("1492.08")
    assert sum(ln.gross for ln in decision.lines) == dkk.gross == D("14920.80")


def test_a_breakdown_is_converted_with_the_bill():
    bill = BillVat(D("100.00"), D("0.00"), breakdown=(VatSubtotal("AE", D(0), D("100.00"), D(0)),))
    dkk = in_base_currency(bill, EUR_13_MARCH)
    assert dkk.breakdown[0].taxable_amount == D("746.04")
    assert dkk.unit == D("7.4604")


AMOUNT = st.integers(min_value=-(10**11), max_value=10**11).map(lambda n: D(n) / 100)
PER_100 = st.integers(min_value=1, max_value=10**9).map(lambda n: D(n) / 10**4)


@settings(max_examples=300, deadline=None)
@given(amount=AMOUNT, per_100=PER_100)
def test_a_credit_note_converts_to_exactly_the_negative(amount, per_100):
    assert to_base(-amount, per_100) == -to_base(amount, per_100)


@settings(max_examples=300, deadline=None)
@given(amount=AMOUNT, per_100=PER_100)
def test_the_dkk_amount_can_be_redone_from_the_text(amount, per_100):
    exact = amount * per_100 / 100
    assert abs(to_base(amount, per_100) - exact) <= D("0.005")
    assert to_base(amount, per_100) == exact.quantize(D("0.01"), ROUND_HALF_UP)


NET = st.integers(min_value=1, max_value=10**7).map(lambda n: D(n) / 100)


@settings(max_examples=300, deadline=None)
@given(nets=st.lists(NET, min_size=1, max_size=30), per_100=PER_100)
def test_a_consistent_foreign_invoice_stays_one_line_in_dkk(nets, per_100):
    """Converting the gross and the VAT separately never turns a 25 % invoice into a split:
    the rule's tolerance grows with the currency's unit."""
    vat = sum((n * D("0.25")).quantize(D("0.01"), ROUND_HALF_UP) for n in nets)
    bill = BillVat(sum(nets) + vat, vat, lines=len(nets))
    dkk = in_base_currency(bill, Rate("EUR", per_100, dt.date(2026, 3, 13)))
    decision = decide(dkk, RATES, account_code="I25")
    assert decision.kind in ("standard", "no_vat")
