"""The one VAT rule (issue 11 item 1; R-5): the VAT booked equals the bill's VAT to the øre.

A table of the bills every Danish business meets, then properties over many amounts. The VAT a
system books for a line is recomputed here independently (exact fractions, two rounding modes,
and the "net first" way), so the rule is held against what Dinero and e-conomic do, not
against its own arithmetic.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from billbridge.integrations.vat import (
    BillVat,
    VatProblem,
    decide,
    tolerance,
    vat_bearing_gross,
)
from tests.integrations.vat_cases import PROBLEMS, RATES, TABLE, D, S


def lines_of(decision) -> list[tuple[str, str | None, str, bool]]:
    return [(f"{ln.gross}", ln.vat_code, f"{ln.vat}", ln.reverse_charge) for ln in decision.lines]


def _to_cents(value: Fraction, mode: str) -> Decimal:
    """An exact fraction rounded to the øre, half away from zero or half to even."""
    sign = -1 if value < 0 else 1
    hundredths = abs(value) * 100
    whole, rest = divmod(hundredths.numerator, hundredths.denominator)
    twice = 2 * rest
    if twice > hundredths.denominator or (
        twice == hundredths.denominator and (mode == "half_up" or whole % 2 == 1)
    ):
        whole += 1
    return D(sign * whole) / 100


def system_books(gross: Decimal, rate: Decimal, how: str = "half_up") -> Decimal:
    """What an accounting system lifts out of `gross` for a code of `rate` — independently:
    the rate's share rounded half up or half to even, or the net rounded first."""
    g, r = Fraction(gross), Fraction(rate)
    if how == "net_first":
        return gross - _to_cents(g / (1 + r), "half_up")
    return _to_cents(g * r / (1 + r), how)


@pytest.mark.parametrize(("bill", "options", "expected"), TABLE)
def test_the_voucher_lines_of_each_kind_of_bill(bill, options, expected):
    decision = decide(bill, RATES, **options)
    assert lines_of(decision) == expected
    assert sum((ln.gross for ln in decision.lines), D(0)) == bill.gross


@pytest.mark.parametrize(("bill", "options", "expected"), TABLE)
def test_the_vat_booked_is_the_bills_vat_within_its_own_rounding(bill, options, expected):
    decision = decide(bill, RATES, **options)
    assert abs(decision.difference) <= tolerance(bill.lines)
    for line in decision.lines:
        if line.vat_code and not line.reverse_charge:
            assert system_books(line.gross, RATES[line.vat_code]) == line.vat


@pytest.mark.parametrize(("bill", "options", "code"), PROBLEMS)
def test_vat_that_cannot_be_reconciled_is_a_problem_with_a_code(bill, options, code):
    with pytest.raises(VatProblem) as caught:
        decide(bill, RATES, **options)
    assert caught.value.code == code


@pytest.mark.parametrize(("bill", "options", "code"), PROBLEMS)
def test_every_vat_problem_has_danish_and_english_words(bill, options, code):
    from django.utils import translation

    from billbridge.integrations.messages import MESSAGES, message_for

    with pytest.raises(VatProblem) as caught:
        decide(bill, RATES, **options)
    assert code in MESSAGES
    with translation.override("en"):
        english = message_for(code, system="Dinero", **caught.value.params)
    with translation.override("da"):
        danish = message_for(code, system="Dinero", **caught.value.params)
    assert "%(" not in english and "%(" not in danish
    assert english != danish


def test_a_partial_deduction_code_keeps_the_account_and_books_its_share():
    """Representation (REP): a quarter of the VAT is deductible, on purpose less than billed."""
    decision = decide(
        BillVat(D("1250.00"), D("250.00")), RATES, account_code="REP", purchase_code="I25"
    )
    assert lines_of(decision) == [("1250.00", "REP", "73.53", False)]
    assert decision.partial_deduction


def test_a_breakdown_naming_an_exempt_category_is_believed_for_an_eu_supplier():
    bill = BillVat(D("300.00"), D("0.00"), supplier_country="DE",
                   breakdown=(S("E", "0", "300.00", "0.00"),))  # fmt: skip
    assert lines_of(decide(bill, RATES, account_code="I25", reverse_charge_code="IEUY")) == [
        ("300.00", None, "0.00", False)
    ]


def test_the_tolerance_follows_the_invoices_line_count_and_currency():
    assert tolerance(1) == D("0.01")
    assert tolerance(None) == D("0.05")  # a typed bill: ten lines assumed
    assert tolerance(25) == D("0.13")
    assert tolerance(1, unit=D("7.4604")) == D("0.05")  # 1 euro cent ≈ 3,7 øre, plus 1 øre


# ------------------------------------------------------------------------------ properties

OERE = st.integers(min_value=1, max_value=10**11).map(lambda n: D(n) / 100)
RATE = st.sampled_from([D("0.25"), D("0.0625"), D("0.125"), D("0.19"), D("0.2"), D("0.07")])
SIGN = st.sampled_from([1, -1])


@settings(max_examples=400, deadline=None)
@given(gross=OERE, rate=RATE, fraction=st.fractions(min_value=0, max_value=1), sign=SIGN)
@example(gross=D("300.00"), rate=D("0.25"), fraction=Fraction(1, 3), sign=-1)
def test_a_split_books_exactly_the_bills_vat(gross, rate, fraction, sign):
    """With rate r, the VAT-bearing gross is VAT × (1+r)/r rounded to the øre, and the VAT a
    system lifts out of it is the bill's VAT to the øre — whatever its rounding mode."""
    share = gross * rate / (1 + rate)
    tol = tolerance(None)
    vat = (share * D(fraction.numerator) / D(fraction.denominator)).quantize(D("0.01"))
    assume(D("0.01") <= vat < share - tol)
    bill = BillVat(gross * sign, vat * sign)
    decision = decide(bill, {"C": rate}, account_code="C")
    coded, free = decision.lines
    assert decision.kind == "split"
    assert coded.gross + free.gross == bill.gross
    assert coded.vat == bill.vat and free.vat_code is None
    for how in ("half_up", "half_even", "net_first"):
        assert system_books(coded.gross, rate, how) == bill.vat, how
    assert (coded.gross > 0) == (free.gross > 0) == (sign > 0)


@settings(max_examples=300, deadline=None)
@given(vat=OERE, rate=RATE)
def test_the_vat_bearing_gross_lifts_back_to_its_vat(vat, rate):
    for how in ("half_up", "half_even", "net_first"):
        assert system_books(vat_bearing_gross(vat, rate), rate, how) == vat


NET = st.integers(min_value=1, max_value=10**8).map(lambda n: D(n) / 100)


@settings(max_examples=300, deadline=None)
@given(nets=st.lists(NET, min_size=1, max_size=40), per_line=st.booleans(), sign=SIGN)
def test_a_real_25_percent_invoice_is_one_line_however_it_rounds(nets, per_line, sign):
    """An invoice that rounds VAT per line (OIOUBL) or per category (EN 16931 BR-CO-17) is
    the whole gross with the code; the booked VAT differs at most by that rounding."""
    rate = D("0.25")
    if per_line:
        vat = sum((n * rate).quantize(D("0.01"), ROUND_HALF_UP) for n in nets)
    else:
        vat = (sum(nets) * rate).quantize(D("0.01"), ROUND_HALF_UP)
    gross = sum(nets) + vat
    bill = BillVat(gross * sign, vat * sign, lines=len(nets))
    decision = decide(bill, RATES, account_code="I25")
    assert decision.kind == ("standard" if vat else "no_vat")
    assert abs(decision.difference) <= tolerance(len(nets))


@settings(max_examples=300, deadline=None)
@given(
    taxed=st.lists(NET, min_size=1, max_size=20),
    free=st.lists(NET, min_size=1, max_size=20),
    sign=SIGN,
)
def test_a_mixed_invoice_books_its_vat_exactly(taxed, free, sign):
    rate = D("0.25")
    vat = sum((n * rate).quantize(D("0.01"), ROUND_HALF_UP) for n in taxed)
    gross = sum(taxed) + vat + sum(free)
    count = len(taxed) + len(free)
    bill = BillVat(gross * sign, vat * sign, lines=count)
    decision = decide(bill, RATES, account_code="I25")
    assert sum((ln.gross for ln in decision.lines), D(0)) == bill.gross
    if decision.kind == "split":
        assert decision.vat_booked == bill.vat
    else:  # the VAT-free part is within the invoice's own rounding (or there is no VAT)
        assert decision.kind == ("standard" if vat else "no_vat")
        assert abs(decision.difference) <= tolerance(count)


@settings(max_examples=200, deadline=None)
@given(gross=OERE, rate=RATE, extra=st.integers(min_value=1, max_value=10**6), sign=SIGN)
def test_more_vat_than_the_rate_allows_is_refused(gross, rate, extra, sign):
    share = (gross * rate / (1 + rate)).quantize(D("0.01"))
    vat = share + tolerance(None) + D(extra) / 100
    assume(vat <= gross)
    with pytest.raises(VatProblem) as caught:
        decide(BillVat(gross * sign, vat * sign), {"C": rate}, account_code="C")
    assert caught.value.code == "vat_exceeds_rate"


@settings(max_examples=100, deadline=None)
@given(gross=OERE, vat=OERE, sign=SIGN)
def test_vat_of_the_other_sign_is_refused(gross, vat, sign):
    with pytest.raises(VatProblem) as caught:
        decide(BillVat(gross * sign, -vat * sign), RATES, account_code="I25")
    assert caught.value.code == "vat_sign"


@settings(max_examples=200, deadline=None)
@given(gross=OERE, sign=SIGN, country=st.sampled_from(["", "DK", "US", "NO", "GB"]))
def test_no_vat_is_one_line_without_a_code(gross, sign, country):
    bill = BillVat(gross * sign, D("0.00"), supplier_country=country)
    decision = decide(bill, RATES, account_code="I25", reverse_charge_code="IEUY")
    assert lines_of(decision) == [(f"{gross * sign:.2f}", None, "0.00", False)]
