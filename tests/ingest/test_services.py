"""Documents become bills: ANALYSING → UPCOMING with fields read (issue 6 item 3, SPEC B-6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from billbridge.bills.models import BillStatus
from billbridge.bills.services import BillInput, add_bill, complete_by_hand
from billbridge.ingest.errors import ERROR_MESSAGES
from billbridge.ingest.services import receive_document
from tests.factories import CategoryFactory
from tests.ingest import corpus
from tests.ingest.conftest import requires_ocr

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_an_oioubl_invoice_becomes_an_upcoming_bill_with_its_fields(company, user):
    bill = receive_document(
        company, _upload("f.xml", corpus.oioubl(), "application/xml"), user=user
    )
    bill.refresh_from_db()
    source = corpus.Bill()
    assert bill.status == BillStatus.UPCOMING
    assert bill.invoice_number == source.number
    assert bill.supplier.cvr == source.supplier_cvr
    assert bill.total == source.total
    assert bill.extraction["kind"] == "oioubl"


def test_a_credit_note_gets_a_negative_total(company, user):
    xml = corpus.peppol(credit_note=True)
    bill = receive_document(company, _upload("c.xml", xml, "application/xml"), user=user)
    bill.refresh_from_db()
    assert bill.total < 0


def test_a_pdf_bill_is_read_from_its_text_layer(company, user):
    bill = receive_document(
        company, _upload("f.pdf", corpus.bill_pdf(), "application/pdf"), user=user
    )
    bill.refresh_from_db()
    assert bill.status == BillStatus.UPCOMING
    assert bill.extraction["kind"] == "pdf_text"
    assert bill.total == corpus.Bill().total


def test_supplier_memory_fills_the_category_of_a_read_bill(company, user):
    """B-5 applies to bills read from documents too."""
    category = CategoryFactory(company=company)
    source = corpus.Bill()
    add_bill(
        company,
        BillInput(
            supplier_name=source.supplier_name,
            supplier_cvr=source.supplier_cvr,
            invoice_number="EARLIER-1",
            issue_date=source_date(source),
            total=Decimal("100.00"),
            category=category,
        ),
    )
    bill = receive_document(
        company, _upload("f.xml", corpus.oioubl(), "application/xml"), user=user
    )
    bill.refresh_from_db()
    assert bill.category == category


def test_the_same_document_twice_is_a_duplicate_of_the_first(company, user):
    first = receive_document(
        company, _upload("a.xml", corpus.oioubl(), "application/xml"), user=user
    )
    second = receive_document(
        company, _upload("b.xml", corpus.oioubl(), "application/xml"), user=user
    )
    second.refresh_from_db()
    assert second.status == BillStatus.DUPLICATE
    assert second.duplicate_of_id == first.pk


DAMAGED_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage"


def test_an_unreadable_document_keeps_the_bill_with_a_plain_reason(company, user):
    bill = receive_document(company, _upload("x.pdf", DAMAGED_PDF, "application/pdf"), user=user)
    bill.refresh_from_db()
    assert bill.status == BillStatus.ANALYSING
    assert "PDF" in bill.extraction_error
    assert bill.document


def test_hostile_xml_is_refused_before_it_is_stored(company, user):
    """Issue 12 item 4: the acceptance rule refuses it at the door, with the reason."""
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<Invoice>&e;</Invoice>"
    )
    with pytest.raises(ValidationError) as err:
        receive_document(company, _upload("x.xml", xxe, "application/xml"), user=user)
    assert "DOCTYPE" in err.value.message_dict["document"][0]
    assert not company.bills.exists()


@requires_ocr
def test_the_page_being_read_is_kept_on_the_bill_and_shown(company, user, client):
    """Issue 17 item 3: while a scan is read the bill says which page of how many; a blank
    scan (nothing recognised) stops after its one page."""
    from django.urls import reverse

    bill = receive_document(company, _upload("s.pdf", corpus.blank_pdf(), "application/pdf"),
                            user=user)  # fmt: skip
    bill.refresh_from_db()
    assert bill.status == BillStatus.ANALYSING
    assert bill.extraction == {"reading": {"page": 1, "pages": 1}}
    assert bill.extraction_error  # read to the end: the reason is shown instead of progress
    bill.extraction_error = ""
    bill.extraction = {"reading": {"page": 2, "pages": 3}}
    bill.save()
    client.force_login(user)
    html = client.get(reverse("web:bill_detail", args=[company.pk, bill.pk])).content.decode()
    assert "Læser side 2 af 3." in html


def test_a_person_completes_an_unreadable_bill_by_hand(company, user):
    bill = receive_document(company, _upload("x.pdf", DAMAGED_PDF, "application/pdf"), user=user)
    bill = complete_by_hand(
        bill,
        BillInput(
            supplier_name="Typed A/S",
            invoice_number="T-1",
            issue_date=source_date(corpus.Bill()),
            total=Decimal("80.00"),
        ),
    )
    assert bill.status == BillStatus.UPCOMING
    assert bill.supplier.name == "Typed A/S"


def source_date(source):
    import datetime as dt

    return dt.date.fromisoformat(str(source.issue_date))


def test_a_typed_total_is_not_overwritten_by_the_document(company, user):
    from billbridge.bills.services import finish_analysis

    bill = receive_document(company, _upload("x.pdf", DAMAGED_PDF, "application/pdf"), user=user)
    bill.total = Decimal("42.00")
    bill.save()
    bill = finish_analysis(
        bill,
        BillInput(
            supplier_name="Read A/S",
            invoice_number="R-1",
            issue_date=source_date(corpus.Bill()),
            total=Decimal("999.00"),
            currency="EUR",
        ),
        {},
    )
    assert bill.total == Decimal("42.00")
    assert bill.currency == "DKK"


@pytest.mark.parametrize("code", sorted(ERROR_MESSAGES))
def test_every_document_error_has_danish_words(code):
    from django.utils import translation

    with translation.override("da"):
        assert translation.gettext(ERROR_MESSAGES[code]) != ERROR_MESSAGES[code]


def test_an_einvoice_with_a_duty_keeps_the_duty_on_the_bills_lines(company, user):
    """Issue 11 item 4: the VAT is the Moms total; the chokoladeafgift is a line of its own."""
    from tests.ingest.test_einvoice_duties import OIOUBL

    bill = receive_document(company, _upload("f.xml", OIOUBL, "application/xml"), user=user)
    bill.refresh_from_db()
    assert bill.vat_amount == Decimal("287.50") and bill.total == Decimal("1437.50")
    duties = [line for line in bill.extraction["lines"] if line["kind"] == "duty"]
    assert duties == [
        {
            "description": "Chokoladeafgift",
            "line_amount": "150.00",
            "kind": "duty",
            "tax_scheme": "9",
            "confidence": "1.0",
        }
    ]
