from datetime import date
from decimal import Decimal

import pytest

from billbridge.ingest import LOW_CONFIDENCE, ExtractedBill, Field, PaymentMeans


def test_field_refuses_confidence_outside_zero_to_one():
    with pytest.raises(ValueError):
        Field("x", 1.5)


def test_signed_total_is_negative_for_a_credit_note():
    bill = ExtractedBill(kind="peppol", total=Field(Decimal("125.00"), 1.0))
    bill.is_credit_note = Field(True, 1.0)
    assert bill.signed_total() == Decimal("-125.00")


def test_signed_total_is_positive_for_an_invoice():
    bill = ExtractedBill(kind="peppol", total=Field(Decimal("125.00"), 1.0))
    bill.is_credit_note = Field(False, 1.0)
    assert bill.signed_total() == Decimal("125.00")


def test_signed_total_is_none_without_a_total():
    assert ExtractedBill(kind="ocr").signed_total() is None


def test_low_confidence_fields_lists_unsure_and_missing_required_fields():
    bill = ExtractedBill(
        kind="pdf_text",
        supplier_name=Field("Firma ApS", LOW_CONFIDENCE - 0.1),
        invoice_number=Field("42", 0.95),
        issue_date=Field(date(2026, 11, 22), 0.95),
        currency=Field("DKK", 0.9),
    )
    bill.is_credit_note = Field(False, 0.9)
    assert bill.low_confidence_fields() == ["supplier_name", "total"]


def test_low_confidence_fields_ignores_missing_optional_fields():
    bill = ExtractedBill(
        kind="oioubl",
        supplier_name=Field("Firma ApS", 1.0),
        invoice_number=Field("42", 1.0),
        issue_date=Field(date(2026, 11, 22), 1.0),
        currency=Field("DKK", 1.0),
        total=Field(Decimal("1"), 1.0),
    )
    bill.is_credit_note = Field(False, 1.0)
    assert bill.low_confidence_fields() == []


def test_fi_code_renders_the_payment_line():
    pm = PaymentMeans(
        method="fik", fi_card_type="71", payment_id="000000001234567", creditor_number="87654321"
    )
    assert pm.fi_code == "+71<000000001234567+87654321<"
