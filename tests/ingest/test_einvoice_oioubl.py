from datetime import date
from decimal import Decimal

from billbridge.ingest import extract
from tests.ingest.corpus import DE_IBAN, DE_VAT, SUPPLIER_CVR, Bill, german_supplier, oioubl


def test_oioubl_invoice_is_recognised_as_oioubl():
    assert extract(oioubl(), "faktura.xml").kind == "oioubl"


def test_oioubl_invoice_reads_supplier_name_cvr_address_and_country():
    bill = extract(oioubl(), "faktura.xml")
    assert bill.supplier_name.value == "Kaffekompagniet ApS"
    assert bill.supplier_cvr.value == SUPPLIER_CVR
    assert bill.supplier_vat_number.value is None
    assert bill.supplier_address.value == "Strandvejen 12, 2100 København Ø"
    assert bill.supplier_country.value == "DK"


def test_oioubl_invoice_reads_number_dates_and_currency():
    bill = extract(oioubl(), "faktura.xml")
    assert bill.invoice_number.value == "2026-1042"
    assert bill.issue_date.value == date(2026, 11, 22)
    assert bill.currency.value == "DKK"


def test_oioubl_due_date_is_read_from_payment_means():
    assert extract(oioubl(), "faktura.xml").due_date.value == date(2026, 12, 6)


def test_oioubl_invoice_reads_totals_as_decimals():
    bill = extract(oioubl(), "faktura.xml")
    assert bill.total_excl_vat.value == Decimal("2000.00")
    assert bill.vat_amount.value == Decimal("500.00")
    assert bill.total.value == Decimal("2500.00")
    assert all(isinstance(f.value, Decimal) for f in (bill.total, bill.vat_amount))


def test_oioubl_invoice_fields_have_full_confidence():
    bill = extract(oioubl(), "faktura.xml")
    assert bill.low_confidence_fields() == []
    assert bill.total.confidence == 1.0


def test_oioubl_invoice_reads_lines_with_vat_rate():
    lines = extract(oioubl(), "faktura.xml").lines
    assert [ln.description for ln in lines] == ["Kaffebønner 1 kg", "Service af espressomaskine"]
    assert lines[0].quantity == Decimal("4")
    assert lines[0].unit_price == Decimal("189.00")
    assert lines[0].line_amount == Decimal("756.00")
    assert lines[0].vat_rate == Decimal("25")


def test_oioubl_fi_card_payment_gives_kortart_payment_id_and_creditor():
    (pm,) = extract(oioubl(), "faktura.xml").payment_means
    assert (pm.method, pm.fi_card_type, pm.payment_id, pm.creditor_number) == (
        "fik",
        "71",
        "000000001234567",
        "87654321",
    )
    assert pm.fi_code == "+71<000000001234567+87654321<"


def test_oioubl_bank_transfer_gives_reg_and_account_number():
    (pm,) = extract(oioubl(Bill(payment="bank")), "faktura.xml").payment_means
    assert (pm.method, pm.bank_reg_number, pm.bank_account) == ("bank", "1234", "0001234567")


def test_oioubl_iban_payment_gives_iban_and_bic():
    (pm,) = extract(oioubl(german_supplier()), "faktura.xml").payment_means
    assert (pm.method, pm.iban, pm.bic) == ("iban", DE_IBAN, "COBADEFFXXX")


def test_oioubl_credit_note_is_flagged_and_signed_negative():
    bill = extract(oioubl(credit_note=True), "kreditnota.xml")
    assert bill.is_credit_note.value is True
    assert bill.total.value == Decimal("2500.00")
    assert bill.signed_total() == Decimal("-2500.00")


def test_oioubl_credit_note_reads_credited_lines():
    lines = extract(oioubl(credit_note=True), "kreditnota.xml").lines
    assert [ln.quantity for ln in lines] == [Decimal("4"), Decimal("1")]


def test_oioubl_eur_invoice_from_danish_supplier_keeps_cvr_and_currency():
    bill = extract(oioubl(Bill(currency="EUR")), "faktura.xml")
    assert bill.currency.value == "EUR"
    assert bill.supplier_cvr.value == SUPPLIER_CVR


def test_oioubl_german_supplier_gets_vat_number_not_cvr():
    bill = extract(oioubl(german_supplier()), "faktura.xml")
    assert bill.supplier_cvr.value is None
    assert bill.supplier_vat_number.value == DE_VAT
    assert bill.supplier_country.value == "DE"
    assert bill.currency.value == "EUR"


def test_oioubl_totals_that_do_not_add_up_lower_confidence_and_warn():
    xml = oioubl().replace(
        b'<cbc:TaxInclusiveAmount currencyID="DKK">2500.00',
        b'<cbc:TaxInclusiveAmount currencyID="DKK">2600.00',
    )
    bill = extract(xml, "faktura.xml")
    assert "total" in bill.low_confidence_fields()
    assert bill.warnings
