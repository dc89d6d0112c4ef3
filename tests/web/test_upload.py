"""Several documents at once become bills read in the background (issue 6, item 3)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billbridge.bills.models import Bill, BillStatus
from tests.ingest import corpus

pytestmark = pytest.mark.django_db(transaction=True)


def _url(company) -> str:
    return f"/c/{company.pk}/bills/upload/"


def test_uploading_several_documents_makes_a_bill_of_each(logged_in_client, company):
    files = [
        SimpleUploadedFile("a.xml", corpus.oioubl(), content_type="application/xml"),
        SimpleUploadedFile(
            "b.pdf", corpus.bill_pdf(corpus.Bill(number="PDF-2")), "application/pdf"
        ),
    ]
    response = logged_in_client.post(_url(company), {"documents": files})
    assert response.status_code == 302
    assert Bill.objects.filter(company=company, status=BillStatus.UPCOMING).count() == 2


def test_an_empty_file_is_refused_with_its_name_and_the_others_are_kept(logged_in_client, company):
    files = [
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
        SimpleUploadedFile("a.xml", corpus.oioubl(), content_type="application/xml"),
    ]
    response = logged_in_client.post(_url(company), {"documents": files}, follow=True)
    assert Bill.objects.filter(company=company).count() == 1
    assert "empty.pdf" in response.content.decode()


def test_upload_without_files_says_what_to_do(logged_in_client, company):
    response = logged_in_client.post(_url(company), {}, follow=True)
    assert response.status_code == 200
    assert Bill.objects.filter(company=company).count() == 0


def test_fields_read_with_low_confidence_are_highlighted_on_the_bill(logged_in_client, company):
    """Issue 6 item 2: low-confidence fields are highlighted for the user to confirm."""
    logged_in_client.post(
        _url(company),
        {"documents": [SimpleUploadedFile("b.pdf", corpus.bill_pdf(), "application/pdf")]},
    )
    bill = Bill.objects.get(company=company)
    assert "supplier_name" in bill.extraction["low_confidence"]
    detail = logged_in_client.get(f"/c/{company.pk}/bills/{bill.pk}/").content.decode()
    assert 'data-testid="low-confidence"' in detail
    edit = logged_in_client.get(f"/c/{company.pk}/bills/{bill.pk}/edit/").content.decode()
    assert 'data-testid="check-supplier_name"' in edit


def test_bills_list_offers_the_drop_zone(logged_in_client, company):
    page = logged_in_client.get(f"/c/{company.pk}/bills/").content.decode()
    assert "data-dropzone" in page
    assert 'name="documents" multiple' in page


def test_saving_the_edit_form_ends_the_request_to_check_the_fields(logged_in_client, company):
    """The edit form shows every field read with low confidence: once a person saved it, the
    bill no longer says 'Please check these fields' (it did after the demo's walk)."""
    logged_in_client.post(
        _url(company),
        {"documents": [SimpleUploadedFile("b.pdf", corpus.bill_pdf(), "application/pdf")]},
    )
    bill = Bill.objects.get(company=company)
    edit_url = f"/c/{company.pk}/bills/{bill.pk}/edit/"
    form = {
        "supplier_name": bill.supplier_name,
        "supplier_cvr": bill.supplier_cvr,
        "invoice_number": bill.invoice_number,
        "issue_date": bill.issue_date.isoformat(),
        "due_date": bill.due_date.isoformat(),
        "currency": bill.currency,
        "total": str(bill.total),
        "vat_amount": str(bill.vat_amount),
        "text": "Checked",
    }
    assert logged_in_client.post(edit_url, form).status_code == 302
    detail = logged_in_client.get(f"/c/{company.pk}/bills/{bill.pk}/").content.decode()
    assert 'data-testid="low-confidence"' not in detail
