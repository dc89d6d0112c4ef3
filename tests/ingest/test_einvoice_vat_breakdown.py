"""An e-invoice's VAT subtotals are read for the VAT rule (issue 11 item 1; R-5).

Only the document's TaxSubtotals of the VAT scheme count: not a line's own TaxTotal, not a
duty's scheme, not the VAT repeated in the accounting currency.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billbridge.ingest.einvoice import parse_einvoice
from tests.ingest.corpus import Bill, Line, german_supplier, oioubl, peppol

D = Decimal
MIXED = [
    Line("Kaffebønner 1 kg", D("4"), D("189.00")),
    Line("Forsikring af maskinen", D("1"), D("300.00"), vat_rate=D("0")),
]


def rows(extracted) -> list[tuple[str, Decimal | None, Decimal, Decimal]]:
    return [
        (s.category, s.percent, s.taxable_amount, s.vat_amount) for s in extracted.vat_breakdown
    ]


@pytest.mark.parametrize(("build", "standard"), [(peppol, "S"), (oioubl, "StandardRated")])
def test_a_25_percent_invoice_has_one_subtotal(build, standard):
    bill = Bill()
    assert rows(parse_einvoice(build(bill))) == [(standard, D("25"), bill.excl, bill.vat)]


@pytest.mark.parametrize(
    ("build", "standard", "zero"), [(peppol, "S", "Z"), (oioubl, "StandardRated", "ZeroRated")]
)
def test_a_mixed_invoice_has_a_subtotal_per_rate(build, standard, zero):
    extracted = parse_einvoice(build(Bill(lines=MIXED)))
    assert rows(extracted) == [
        (standard, D("25"), D("756.00"), D("189.00")),
        (zero, D("0"), D("300.00"), D("0.00")),
    ]


def test_a_reverse_charge_invoice_keeps_its_category():
    bill = german_supplier(lines=[Line("Software", D("1"), D("499.00"), D("0"), "AE")])
    assert rows(parse_einvoice(peppol(bill))) == [("AE", D("0"), D("499.00"), D("0.00"))]


def test_a_credit_note_signs_its_subtotals_like_its_total():
    extracted = parse_einvoice(peppol(Bill(lines=MIXED), credit_note=True))
    assert extracted.signed_vat_breakdown() == [
        {"category": "S", "percent": "25", "taxable_amount": "-756.00", "vat_amount": "-189.00"},
        {"category": "Z", "percent": "0", "taxable_amount": "-300.00", "vat_amount": "0.00"},
    ]


def _with(xml: bytes, extra: str) -> bytes:
    """`extra` inserted as the document's first TaxTotal (before the VAT one)."""
    return xml.replace(b"<cac:TaxTotal>", extra.encode() + b"<cac:TaxTotal>", 1)


def test_a_duty_schemes_subtotal_is_not_vat():
    duty = """<cac:TaxTotal><cbc:TaxAmount currencyID="DKK">40.00</cbc:TaxAmount>
      <cac:TaxSubtotal><cbc:TaxableAmount currencyID="DKK">756.00</cbc:TaxableAmount>
        <cbc:TaxAmount currencyID="DKK">40.00</cbc:TaxAmount>
        <cac:TaxCategory><cbc:ID>StandardRated</cbc:ID><cbc:Percent>0</cbc:Percent>
          <cac:TaxScheme><cbc:ID>CHO</cbc:ID><cbc:Name>Chokoladeafgift</cbc:Name></cac:TaxScheme>
        </cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"""
    extracted = parse_einvoice(_with(oioubl(Bill()), duty))
    assert [s.category for s in extracted.vat_breakdown] == ["StandardRated"]


def test_the_vat_in_the_accounting_currency_is_not_read_twice():
    bill = german_supplier()
    second = """<cac:TaxTotal><cbc:TaxAmount currencyID="DKK">1500.00</cbc:TaxAmount>
      <cac:TaxSubtotal><cbc:TaxableAmount currencyID="DKK">6000.00</cbc:TaxableAmount>
        <cbc:TaxAmount currencyID="DKK">1500.00</cbc:TaxAmount>
        <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
          <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
      </cac:TaxSubtotal></cac:TaxTotal>"""
    extracted = parse_einvoice(_with(peppol(bill), second))
    assert rows(extracted) == [("S", D("25"), bill.excl, bill.vat)]


def test_a_lines_own_tax_total_is_not_a_subtotal():
    bill = Bill()  # OIOUBL writes a TaxTotal in every line
    assert len(parse_einvoice(oioubl(bill)).vat_breakdown) == 1


def test_the_breakdown_reaches_the_bill_the_service_adds(db, company):
    from billbridge.bills.services import add_bill
    from billbridge.ingest.services import bill_input_from

    bill = add_bill(company, bill_input_from(parse_einvoice(peppol(Bill(lines=MIXED)))))
    assert bill.vat_breakdown == [
        {"category": "S", "percent": "25", "taxable_amount": "756.00", "vat_amount": "189.00"},
        {"category": "Z", "percent": "0", "taxable_amount": "300.00", "vat_amount": "0.00"},
    ]
