"""Field extraction from plain text: layouts the PDF generator does not cover."""

from datetime import date
from decimal import Decimal

from billbridge.ingest.fields import extract_fields


def test_label_on_one_line_and_value_on_the_next_is_read():
    bill = extract_fields("Fakturanummer\n48213\nDato\n3. marts 2026")
    assert bill.invoice_number.value == "48213"
    assert bill.issue_date.value == date(2026, 3, 3)


def test_two_labels_on_one_line_each_get_their_own_date():
    bill = extract_fields("Fakturadato: 01-10-2026   Betalingsfrist: 15-10-2026")
    assert bill.issue_date.value == date(2026, 10, 1)
    assert bill.due_date.value == date(2026, 10, 15)


def test_due_date_is_derived_from_payment_terms_in_days():
    bill = extract_fields("Fakturadato 01.10.2026\nBetalingsbetingelser: Netto 14 dage")
    assert bill.due_date.value == date(2026, 10, 15)
    assert bill.due_date.confidence < 0.8


def test_totals_that_add_up_get_high_confidence():
    text = "Netto 800,00\nMoms (25 %) 200,00\nAt betale kr. 1.000,00"
    bill = extract_fields(text)
    assert bill.total.value == Decimal("1000.00")
    assert bill.total.confidence > 0.9
    assert bill.currency.value == "DKK"


def test_total_alone_gets_lower_confidence():
    bill = extract_fields("Beløb i alt DKK 1.000,00")
    assert bill.total.value == Decimal("1000.00")
    assert bill.total.confidence < 0.8


def test_vat_is_derived_from_total_and_subtotal():
    bill = extract_fields("Subtotal 1,000.00\nAmount due EUR 1,250.00")
    assert bill.vat_amount.value == Decimal("250.00")


def test_vat_rate_percentage_is_not_taken_as_vat_amount():
    bill = extract_fields("Subtotal 400,00\nMoms 25%\nTotal 500,00")
    assert bill.vat_amount.value == Decimal("100.00")


def test_fi_card_73_without_payment_id_is_read():
    (pm,) = extract_fields("Indbetalingskort +73<  +12345678<").payment_means
    assert (pm.fi_card_type, pm.payment_id, pm.creditor_number) == ("73", None, "12345678")


def test_fi_card_75_with_sixteen_digit_payment_id_is_read():
    (pm,) = extract_fields("+75<0000000012345674 +12345678<").payment_means
    assert (pm.fi_card_type, pm.payment_id) == ("75", "0000000012345674")
    assert pm.confidence > 0.9


def test_fi_card_with_wrong_payment_id_length_gets_low_confidence():
    (pm,) = extract_fields("+71<1234 +12345678<").payment_means
    assert pm.confidence < 0.8


def test_se_number_counts_as_cvr():
    assert extract_fields("SE-nr. 10000009").supplier_cvr.value == "10000009"


def test_cvr_failing_the_checksum_gets_lower_confidence():
    good = extract_fields("CVR 10000009").supplier_cvr
    bad = extract_fields("CVR 10000010").supplier_cvr
    assert bad.confidence < good.confidence


def test_supplier_name_falls_back_to_the_line_before_the_cvr():
    bill = extract_fields("Tømrer Hansen\nCVR 10000009\nFaktura 17")
    assert bill.supplier_name.value == "Tømrer Hansen"


def test_credit_note_word_flags_a_credit_note():
    assert extract_fields("KREDITNOTA\nI alt 100,00").is_credit_note.value is True


def test_negative_total_flags_a_credit_note():
    bill = extract_fields("I alt -1.250,00")
    assert bill.is_credit_note.value is True
    assert bill.signed_total() == Decimal("-1250.00")


def test_euro_sign_gives_eur():
    assert extract_fields("Total € 99,00").currency.value == "EUR"


def test_line_confidence_scales_field_confidence():
    sure = extract_fields("Fakturanr. 123")
    unsure = extract_fields("Fakturanr. 123", kind="ocr", line_confidence=[0.5])
    assert unsure.invoice_number.confidence == sure.invoice_number.confidence * 0.5


def test_text_with_nothing_recognisable_gives_empty_fields():
    bill = extract_fields("lorem ipsum dolor sit amet")
    assert bill.total.value is None
    assert bill.invoice_number.value is None
    assert "total" in bill.low_confidence_fields()


def test_specific_invoice_date_label_wins_over_a_bare_date_label():
    bill = extract_fields("Ordre dato: 01.09.2026\nFakturadato: 05.09.2026")
    assert bill.issue_date.value == date(2026, 9, 5)


def test_bare_date_label_is_used_when_nothing_better_is_there():
    bill = extract_fields("Dato: 05.09.2026")
    assert bill.issue_date.value == date(2026, 9, 5)
    assert bill.issue_date.confidence < 0.9
