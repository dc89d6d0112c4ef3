"""E-invoices with duties (issue 11 item 4): the VAT is the VAT scheme's TaxTotal (OIOUBL 63,
UBL "VAT") whatever order the TaxTotals come in; the duties are kept on the bill's lines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from billbridge.ingest import extract
from billbridge.ingest.einvoice import is_vat_scheme

SAMPLES = Path(__file__).parent / "samples"
OIOUBL = (SAMPLES / "oioubl-chokoladeafgift.xml").read_bytes()
PEPPOL = (SAMPLES / "peppol-excise-duty.xml").read_bytes()


def test_oioubl_vat_is_the_moms_total_not_the_chokoladeafgift_listed_first():
    bill = extract(OIOUBL, "faktura.xml")
    assert bill.kind == "oioubl"
    assert bill.vat_amount.value == Decimal("287.50")
    assert bill.total.value == Decimal("1437.50")
    assert bill.vat_amount.confidence == 1.0 and not bill.warnings


def test_peppol_vat_is_the_vat_total_not_the_excise_duty_listed_first():
    bill = extract(PEPPOL, "invoice.xml")
    assert bill.kind == "peppol"
    assert bill.vat_amount.value == Decimal("144.00")
    assert bill.total.value == Decimal("720.00")
    assert bill.vat_amount.confidence == 1.0 and not bill.warnings


@pytest.mark.parametrize(
    ("data", "name", "amount", "scheme"),
    [
        (OIOUBL, "Chokoladeafgift", "150.00", "9"),
        (PEPPOL, "Mineralvandsafgift", "96.00", "EXC"),
    ],
)
def test_the_duty_is_kept_as_a_line_of_its_own(data, name, amount, scheme):
    bill = extract(data, "x.xml")
    duties = [line for line in bill.lines if line.kind == "duty"]
    assert [(d.description, d.line_amount, d.tax_scheme) for d in duties] == [
        (name, Decimal(amount), scheme)
    ]
    assert [line.kind for line in bill.lines].count("item") == 1


def test_the_order_of_the_tax_totals_does_not_matter():
    vat_first = OIOUBL.replace(b"<cac:TaxTotal>", b"<cac:TaxTotalX>", 1)  # move the duty last
    start = vat_first.index(b"<cac:TaxTotalX>")
    end = vat_first.index(b"</cac:TaxTotal>", start) + len(b"</cac:TaxTotal>")
    duty = vat_first[start:end].replace(b"<cac:TaxTotalX>", b"<cac:TaxTotal>")
    reordered = vat_first[:start] + vat_first[end:]
    at = reordered.index(b"<cac:LegalMonetaryTotal>")
    reordered = reordered[:at] + duty + reordered[at:]
    assert extract(reordered, "x.xml").vat_amount.value == Decimal("287.50")


@pytest.mark.parametrize(
    ("scheme_id", "name", "is_vat"),
    [("63", "Moms", True), ("VAT", None, True), ("vat", None, True), (None, "Moms", True),
     ("9", "Chokoladeafgift", False), ("EXC", None, False), ("9", "Moms", False)],
)  # fmt: skip
def test_which_tax_schemes_are_vat(scheme_id, name, is_vat):
    assert is_vat_scheme(scheme_id, name) is is_vat
