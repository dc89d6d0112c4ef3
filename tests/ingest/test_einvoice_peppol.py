from datetime import date
from decimal import Decimal

from billbridge.ingest import extract
from tests.ingest.corpus import (
    DE_IBAN,
    DE_VAT,
    DK_IBAN,
    SUPPLIER_CVR,
    Bill,
    german_supplier,
    peppol,
)


def test_peppol_invoice_is_recognised_as_peppol():
    assert extract(peppol(), "invoice.xml").kind == "peppol"


def test_peppol_invoice_reads_cvr_from_0184_endpoint():
    bill = extract(peppol(), "invoice.xml")
    assert bill.supplier_cvr.value == SUPPLIER_CVR
    assert bill.supplier_country.value == "DK"


def test_peppol_cvr_is_read_from_legacy_9902_scheme():
    xml = peppol().replace(b'schemeID="0184">DK1000', b'schemeID="9902">1000')
    assert extract(xml, "invoice.xml").supplier_cvr.value == SUPPLIER_CVR


def test_peppol_invoice_reads_number_dates_currency_and_totals():
    bill = extract(peppol(), "invoice.xml")
    assert bill.invoice_number.value == "2026-1042"
    assert bill.issue_date.value == date(2026, 11, 22)
    assert bill.due_date.value == date(2026, 12, 6)
    assert bill.currency.value == "DKK"
    assert (bill.total_excl_vat.value, bill.vat_amount.value, bill.total.value) == (
        Decimal("2000.00"),
        Decimal("500.00"),
        Decimal("2500.00"),
    )


def test_peppol_invoice_reads_lines_with_classified_tax_rate():
    lines = extract(peppol(), "invoice.xml").lines
    assert len(lines) == 2
    assert lines[1].line_amount == Decimal("1244.00")
    assert lines[1].vat_rate == Decimal("25")


def test_peppol_credit_note_is_flagged_and_signed_negative():
    bill = extract(peppol(credit_note=True), "credit.xml")
    assert bill.is_credit_note.value is True
    assert bill.signed_total() == Decimal("-2500.00")


def test_peppol_invoice_type_381_counts_as_credit_note():
    xml = peppol().replace(b"<cbc:InvoiceTypeCode>380<", b"<cbc:InvoiceTypeCode>381<")
    assert extract(xml, "invoice.xml").is_credit_note.value is True


def test_peppol_negative_invoice_total_is_read_as_credit_note():
    b = Bill(lines=[])
    xml = (
        peppol(b)
        .replace(b">0.00</cbc:TaxInclusiveAmount>", b">-100.00</cbc:TaxInclusiveAmount>")
        .replace(b">0.00</cbc:PayableAmount>", b">-100.00</cbc:PayableAmount>")
    )
    bill = extract(xml, "invoice.xml")
    assert bill.is_credit_note.value is True
    assert bill.signed_total() == Decimal("-100.00")


def test_peppol_german_supplier_in_eur_gets_de_vat_number():
    bill = extract(peppol(german_supplier()), "invoice.xml")
    assert bill.supplier_vat_number.value == DE_VAT
    assert bill.supplier_cvr.value is None
    assert bill.supplier_country.value == "DE"
    assert bill.currency.value == "EUR"
    assert bill.supplier_name.value == "Rheinische Rösterei GmbH"


def test_peppol_sepa_transfer_gives_iban_and_bic():
    (pm,) = extract(peppol(german_supplier()), "invoice.xml").payment_means
    assert (pm.code, pm.method, pm.iban, pm.bic) == ("58", "iban", DE_IBAN, "COBADEFFXXX")


def test_peppol_danish_iban_payment_is_read():
    (pm,) = extract(peppol(Bill(payment="iban")), "invoice.xml").payment_means
    assert pm.iban == DK_IBAN


def test_peppol_fi_card_payment_splits_kortart_and_payment_id():
    (pm,) = extract(peppol(), "invoice.xml").payment_means
    assert (pm.method, pm.fi_card_type, pm.payment_id, pm.creditor_number) == (
        "fik",
        "71",
        "000000001234567",
        "87654321",
    )


def test_peppol_domestic_transfer_gives_reg_and_account_number():
    (pm,) = extract(peppol(Bill(payment="bank")), "invoice.xml").payment_means
    assert (pm.method, pm.bank_reg_number, pm.bank_account) == ("bank", "1234", "0001234567")


def test_peppol_without_payment_means_has_none():
    assert extract(peppol(Bill(payment="none")), "invoice.xml").payment_means == []


def test_peppol_amounts_keep_exact_decimals():
    b = Bill(lines=[])
    from tests.ingest.corpus import Line

    b.lines = [Line("Øre-test", Decimal("3"), Decimal("33.33"))]
    bill = extract(peppol(b), "invoice.xml")
    assert bill.total.value == Decimal("124.99")


def test_german_register_number_is_not_taken_for_a_vat_number():
    xml = peppol(german_supplier()).replace(
        b"</cbc:RegistrationName>",
        b'</cbc:RegistrationName><cbc:CompanyID schemeID="0204">HRB12345</cbc:CompanyID>',
        1,
    )
    assert extract(xml, "invoice.xml").supplier_vat_number.value == DE_VAT


def test_eight_digit_id_of_a_foreign_supplier_is_not_a_cvr():
    xml = peppol(german_supplier()).replace(
        b"</cbc:RegistrationName>",
        b"</cbc:RegistrationName><cbc:CompanyID>12345678</cbc:CompanyID>",
        1,
    )
    assert extract(xml, "invoice.xml").supplier_cvr.value is None


def test_utf16_encoded_invoice_is_read():
    xml = peppol().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert extract(xml, "invoice.xml").invoice_number.value == "2026-1042"
