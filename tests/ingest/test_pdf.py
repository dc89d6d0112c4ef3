from datetime import date
from decimal import Decimal

import pytest

from billbridge.ingest import IngestError, extract
from billbridge.ingest.fields import extract_fields
from billbridge.ingest.pdftext import pdf_page_texts
from tests.ingest.corpus import DE_IBAN, DE_VAT, SUPPLIER_CVR, Bill, bill_pdf, german_supplier


@pytest.fixture(scope="module")
def danish():
    return extract(bill_pdf(language="da"), "faktura.pdf", "application/pdf")


@pytest.fixture(scope="module")
def english():
    return extract(bill_pdf(language="en"), "invoice.pdf", "application/pdf")


def test_text_pdf_is_read_from_its_text_layer(danish):
    assert danish.kind == "pdf_text"
    assert "Fakturanr." in danish.text


def test_pdf_text_keeps_danish_letters():
    assert "København Ø" in pdf_page_texts(bill_pdf())[0]


def test_danish_pdf_gives_number_dates_and_supplier(danish):
    assert danish.invoice_number.value == "2026-1042"
    assert danish.issue_date.value == date(2026, 11, 22)
    assert danish.due_date.value == date(2026, 12, 6)
    assert danish.supplier_name.value == "Kaffekompagniet ApS"
    assert danish.supplier_cvr.value == SUPPLIER_CVR


def test_danish_pdf_ignores_the_customers_cvr(danish):
    assert danish.supplier_cvr.value != "10000017"


def test_danish_pdf_totals_cross_check_to_high_confidence(danish):
    assert danish.total.value == Decimal("2500.00")
    assert danish.total_excl_vat.value == Decimal("2000.00")
    assert danish.vat_amount.value == Decimal("500.00")
    assert danish.total.confidence >= 0.9


def test_danish_pdf_reads_fi_card_line(danish):
    (pm,) = danish.payment_means
    assert pm.fi_code == "+71<000000001234567+87654321<"


def test_english_pdf_gives_number_dates_and_amounts(english):
    assert english.invoice_number.value == "2026-1042"
    assert english.issue_date.value == date(2026, 11, 22)
    assert english.due_date.value == date(2026, 12, 6)
    assert english.total.value == Decimal("2500.00")
    assert english.currency.value == "DKK"


def test_english_pdf_reads_cvr_from_dk_vat_number(english):
    assert english.supplier_cvr.value == SUPPLIER_CVR


def test_pdf_supplier_name_is_marked_for_checking(danish):
    assert "supplier_name" in danish.low_confidence_fields()


def test_german_pdf_in_eur_gives_vat_number_iban_and_currency():
    bill = extract(bill_pdf(german_supplier(), language="en"), "invoice.pdf")
    assert bill.supplier_vat_number.value == DE_VAT
    assert bill.supplier_country.value == "DE"
    assert bill.currency.value == "EUR"
    (pm,) = bill.payment_means
    assert (pm.iban, pm.bic) == (DE_IBAN, "COBADEFFXXX")


def test_danish_pdf_with_bank_account_gives_reg_and_account():
    (pm,) = extract(bill_pdf(Bill(payment="bank")), "faktura.pdf").payment_means
    assert (pm.bank_reg_number, pm.bank_account) == ("1234", "0001234567")


def test_credit_note_pdf_is_flagged(danish):
    bill = extract(bill_pdf(language="da", credit_note=True), "kreditnota.pdf")
    assert bill.is_credit_note.value is True
    assert bill.signed_total() == Decimal("-2500.00")


def test_damaged_pdf_gives_pdf_unreadable():
    data = bill_pdf()[:300]
    with pytest.raises(IngestError) as err:
        extract(data, "faktura.pdf")
    assert err.value.code in {"pdf_unreadable", "ocr_unavailable"}


def test_supplier_without_company_suffix_is_the_largest_top_line():
    bill = extract(bill_pdf(Bill(supplier_name="Tømrermester Jens Hansen")), "faktura.pdf")
    assert bill.supplier_name.value == "Tømrermester Jens Hansen"
    assert "supplier_name" in bill.low_confidence_fields()


def test_prominent_company_name_is_surer_than_a_small_one(danish):
    plain = extract_fields(danish.text)
    assert danish.supplier_name.confidence > plain.supplier_name.confidence


def test_prominent_texts_are_the_largest_type_at_the_top():
    prominent: list[str] = []
    pdf_page_texts(bill_pdf(), prominent=prominent)
    assert prominent[0] == "Kaffekompagniet ApS"
