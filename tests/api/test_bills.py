"""Bills over the API (SPEC B-1, B-2, B-5, B-6, §7 duplicates and money)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billbridge.bills.models import Bill, BillStatus
from billbridge.sync.models import SyncRecord
from tests.api.conftest import PDF_BYTES, api_url, bill_json, error_fields
from tests.factories import BillFactory, CategoryFactory, PaymentMethodFactory, SupplierFactory

pytestmark = pytest.mark.django_db

BILL_FIELDS = {
    "id",
    "status",
    "supplier_name",
    "supplier_cvr",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "vat_amount",
    "text",
    "category_id",
    "payment_method_id",
    "document_url",
    "duplicate_of",
    "payment",
    "sync",
    "vat_breakdown",
    "exchange_rate",
    "exchange_rate_source",
    "exchange_rate_date",
    "exchange_rate_set_by",
    "exchange_rate_set_at",
}


def _post_bill(client, company, headers, **overrides):
    return client.post(
        api_url(company, "/bills"),
        bill_json(**overrides),
        content_type="application/json",
        headers=headers,
    )


def _upload(name: str = "faktura.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- create -------------------------------------------------------------------------------------


def test_created_bill_is_201_upcoming_with_exactly_the_documented_fields(
    client, company, api_headers
):
    """B-2: a newly added bill is UPCOMING."""
    response = _post_bill(client, company, api_headers)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == BILL_FIELDS
    assert body["status"] == "UPCOMING"
    assert body["supplier_name"] == "Papirhuset A/S"
    assert body["supplier_cvr"] == "29403473"
    assert body["issue_date"] == "2026-11-01"
    assert body["document_url"] is None
    assert body["payment"] is None
    assert body["sync"] == []


def test_amounts_are_decimal_strings_with_two_decimals(client, company, api_headers):
    """§7 money: no floats anywhere in a response."""
    body = _post_bill(client, company, api_headers, total=1250, vat_amount="250").json()
    assert body["total"] == "1250.00"
    assert body["vat_amount"] == "250.00"


def test_created_bill_is_stored_with_exact_amounts(client, company, api_headers):
    bill_id = _post_bill(client, company, api_headers, total="999.99").json()["id"]
    assert Bill.objects.get(pk=bill_id).total == Decimal("999.99")


def test_json_float_total_is_refused_with_422_naming_the_field(client, company, api_headers):
    response = _post_bill(client, company, api_headers, total=1250.5)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "total", "message": 'Send amounts as decimal strings, e.g. "1234.50".'}
    ]
    assert not Bill.objects.exists()


def test_error_messages_follow_accept_language(client, company, api_headers):
    response = _post_bill(client, company, {**api_headers, "Accept-Language": "da"}, total=1250.5)
    assert response.json()["errors"][0]["message"].startswith("Send beløb som decimaltekst")


def test_json_float_with_zero_fraction_is_still_refused(client, company, api_headers):
    response = _post_bill(client, company, api_headers, vat_amount=250.0)
    assert response.status_code == 422
    assert error_fields(response) == ["vat_amount"]


def test_amount_with_three_decimals_is_refused(client, company, api_headers):
    response = _post_bill(client, company, api_headers, total="10.005")
    assert response.status_code == 422
    assert error_fields(response) == ["total"]


def test_amount_that_is_not_a_number_is_refused(client, company, api_headers):
    response = _post_bill(client, company, api_headers, total="abc")
    assert response.status_code == 422
    assert error_fields(response) == ["total"]
    assert "abc" in response.json()["detail"]


def test_missing_supplier_is_422_naming_supplier_name(client, company, api_headers):
    """B-1: a bill has a supplier."""
    response = _post_bill(client, company, api_headers, supplier_name="", supplier_cvr="")
    assert response.status_code == 422
    assert error_fields(response) == ["supplier_name"]
    assert response.json()["detail"].startswith("supplier_name: ")


def test_bad_date_is_422_naming_the_field(client, company, api_headers):
    response = _post_bill(client, company, api_headers, issue_date="1. november")
    assert response.status_code == 422
    assert error_fields(response) == ["issue_date"]


def test_due_date_before_issue_date_is_422(client, company, api_headers):
    response = _post_bill(client, company, api_headers, due_date="2026-10-01")
    assert response.status_code == 422
    assert error_fields(response) == ["due_date"]


def test_category_of_another_company_is_422_naming_category_id(client, company, api_headers):
    foreign = CategoryFactory()
    response = _post_bill(client, company, api_headers, category_id=foreign.pk)
    assert response.status_code == 422
    assert error_fields(response) == ["category_id"]


def test_archived_category_cannot_be_given_to_a_new_bill(client, company, api_headers):
    archived = CategoryFactory(company=company, archived=True)
    response = _post_bill(client, company, api_headers, category_id=archived.pk)
    assert response.status_code == 422
    assert error_fields(response) == ["category_id"]


def test_body_that_is_not_json_is_400_json(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        "{not json",
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_body_that_is_a_json_list_is_422(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"), [1, 2], content_type="application/json", headers=api_headers
    )
    assert response.status_code == 422


def test_created_bill_gets_category_and_payment_method(
    client, company, api_headers, category, payment_method
):
    body = _post_bill(
        client,
        company,
        api_headers,
        category_id=category.pk,
        payment_method_id=payment_method.pk,
    ).json()
    assert body["category_id"] == category.pk
    assert body["payment_method_id"] == payment_method.pk


def test_supplier_memory_categorises_the_next_bill(client, company, api_headers, category):
    """B-5: once a supplier's bill has a category, the next bill gets it automatically."""
    _post_bill(client, company, api_headers, category_id=category.pk)
    body = _post_bill(client, company, api_headers, invoice_number="F-101").json()
    assert body["category_id"] == category.pk


def test_credit_note_has_a_negative_total(client, company, api_headers):
    """B-2: a credit note is a bill with a negative total."""
    body = _post_bill(client, company, api_headers, total="-500.00", vat_amount="-100.00").json()
    assert body["total"] == "-500.00"


def test_same_supplier_and_invoice_number_is_marked_duplicate(client, company, api_headers):
    """§7 duplicate detection."""
    first = _post_bill(client, company, api_headers).json()
    second = _post_bill(client, company, api_headers).json()
    assert second["status"] == "DUPLICATE"
    assert second["duplicate_of"] == first["id"]


def test_multipart_upload_stores_the_document_and_links_it(client, company, api_headers):
    """B-6: a bill added through the API with its document (B-1)."""
    response = client.post(
        api_url(company, "/bills"),
        {**bill_json(), "document": _upload()},
        headers=api_headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["document_url"] == (
        f"http://testserver/api/v1/companies/{company.pk}/bills/{body['id']}/document"
    )
    bill = Bill.objects.get(pk=body["id"])
    assert bill.document_name == "faktura.pdf"
    assert bill.document_content_type == "application/pdf"


def test_document_alone_becomes_an_analysing_bill(client, company, api_headers):
    """B-6: fields are read from the document when the client sends none."""
    response = client.post(api_url(company, "/bills"), {"document": _upload()}, headers=api_headers)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "ANALYSING"
    assert body["total"] is None
    assert body["document_url"].endswith(f"/bills/{body['id']}/document")


def test_multipart_form_treats_empty_optional_fields_as_not_given(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        {**bill_json(due_date="", category_id=""), "document": _upload()},
        headers=api_headers,
    )
    assert response.status_code == 201
    assert response.json()["due_date"] is None


def test_multipart_form_validates_fields_like_json(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        {**bill_json(total="12,5,0"), "document": _upload()},
        headers=api_headers,
    )
    assert response.status_code == 422
    assert error_fields(response) == ["total"]


def test_upload_that_is_not_a_bill_document_is_422_naming_document(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        {**bill_json(), "document": _upload("virus.exe", b"MZ\x90\x00binary")},
        headers=api_headers,
    )
    assert response.status_code == 422
    assert error_fields(response) == ["document"]
    assert not Bill.objects.exists()


def test_empty_upload_is_422(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        {**bill_json(), "document": _upload("tom.pdf", b"")},
        headers=api_headers,
    )
    assert response.status_code == 422
    assert error_fields(response) == ["document"]


def test_same_document_twice_is_marked_duplicate(client, company, api_headers):
    """§7: the same document twice is a duplicate, whatever its invoice number."""
    first = client.post(
        api_url(company, "/bills"), {**bill_json(), "document": _upload()}, headers=api_headers
    ).json()
    second = client.post(
        api_url(company, "/bills"),
        {**bill_json(invoice_number="F-999"), "document": _upload()},
        headers=api_headers,
    ).json()
    assert second["status"] == "DUPLICATE"
    assert second["duplicate_of"] == first["id"]


# --- document -----------------------------------------------------------------------------------


def test_document_downloads_with_its_bytes_and_type(client, company, api_headers):
    body = client.post(
        api_url(company, "/bills"), {**bill_json(), "document": _upload()}, headers=api_headers
    ).json()
    response = client.get(body["document_url"], headers=api_headers)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="faktura.pdf"' in response["Content-Disposition"]


def test_document_of_a_bill_without_one_is_404(client, company, api_headers, bill):
    response = client.get(api_url(company, f"/bills/{bill.pk}/document"), headers=api_headers)
    assert response.status_code == 404


# --- read ---------------------------------------------------------------------------------------


def test_get_bill_returns_it(client, company, api_headers, bill, category):
    response = client.get(api_url(company, f"/bills/{bill.pk}"), headers=api_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == bill.pk
    assert body["invoice_number"] == "F-1"
    assert body["category_id"] == category.pk
    assert body["total"] == "1250.00"


def test_unknown_bill_is_404(client, company, api_headers):
    response = client.get(api_url(company, "/bills/999999"), headers=api_headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."


def test_bill_of_another_company_is_404(client, company, api_headers):
    foreign = BillFactory()
    response = client.get(api_url(company, f"/bills/{foreign.pk}"), headers=api_headers)
    assert response.status_code == 404


def test_bill_shows_its_sync_state_per_integration(client, company, api_headers, bill):
    """R-3: every bill shows its sync state per integration."""
    SyncRecord.objects.create(
        company=company,
        bill=bill,
        provider="dinero",
        kind="invoice",
        state="posted",
        remote_reference="1042",
    )
    SyncRecord.objects.create(
        company=company,
        bill=bill,
        provider="economic",
        kind="invoice",
        state="failed",
        error="The account 2800 does not exist in e-conomic.",
    )
    body = client.get(api_url(company, f"/bills/{bill.pk}"), headers=api_headers).json()
    assert body["sync"] == [
        {
            "integration": "dinero",
            "kind": "invoice",
            "state": "posted",
            "remote_reference": "1042",
            "error": "",
            "error_code": "",
        },
        {
            "integration": "economic",
            "kind": "invoice",
            "state": "failed",
            "remote_reference": "",
            "error": "The account 2800 does not exist in e-conomic.",
            "error_code": "",
        },
    ]


def test_a_bills_sync_failure_is_worded_in_the_callers_language(client, company, api_headers, bill):
    """Issue 12 item 4: the stored English words give way to the catalogue's, by code."""
    from billbridge.integrations.messages import words_of

    SyncRecord.objects.create(company=company, bill=bill, provider="economic", kind="invoice",
                              state="failed", error_code="no_accounting_year",
                              error="stored English")  # fmt: skip
    body = client.get(api_url(company, f"/bills/{bill.pk}"), headers={**api_headers,
                      "Accept-Language": "da"}).json()  # fmt: skip
    [sync] = body["sync"]
    assert sync["error_code"] == "no_accounting_year"
    assert sync["error"] == words_of("no_accounting_year", "economic").da


# --- list ---------------------------------------------------------------------------------------


def test_list_is_paginated_with_count_and_links(client, company, api_headers):
    for n in range(5):
        BillFactory(company=company, issue_date=dt.date(2026, 11, 1 + n))
    response = client.get(api_url(company, "/bills?page_size=2"), headers=api_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["previous"] is None
    # issue 16 item 3: the next link carries a cursor (keyset), and still numbers the page
    assert "page_size=2&page=2&cursor=" in body["next"]


def test_list_is_newest_first(client, company, api_headers):
    old = BillFactory(company=company, issue_date=dt.date(2026, 1, 1))
    new = BillFactory(company=company, issue_date=dt.date(2026, 6, 1))
    body = client.get(api_url(company, "/bills"), headers=api_headers).json()
    assert [b["id"] for b in body["results"]] == [new.pk, old.pk]


def test_next_links_walk_every_bill_once(client, company, api_headers):
    ids = {BillFactory(company=company).pk for _ in range(5)}
    seen: list[int] = []
    url: str | None = api_url(company, "/bills?page_size=2")
    while url:
        body = client.get(url, headers=api_headers).json()
        seen += [b["id"] for b in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(ids)


def test_last_page_has_previous_and_no_next(client, company, api_headers):
    for _ in range(3):
        BillFactory(company=company)
    body = client.get(api_url(company, "/bills?page_size=2&page=2"), headers=api_headers).json()
    assert body["next"] is None
    assert body["previous"].endswith("page=1")
    assert len(body["results"]) == 1


def test_page_beyond_the_end_is_empty_not_an_error(client, company, api_headers, bill):
    body = client.get(api_url(company, "/bills?page=9"), headers=api_headers).json()
    assert body["count"] == 1
    assert body["results"] == []


def test_page_size_over_100_is_422_naming_page_size(client, company, api_headers):
    response = client.get(api_url(company, "/bills?page_size=1000"), headers=api_headers)
    assert response.status_code == 422
    assert error_fields(response) == ["page_size"]


def test_list_never_shows_another_companys_bills(client, company, api_headers, bill):
    BillFactory()
    body = client.get(api_url(company, "/bills"), headers=api_headers).json()
    assert [b["id"] for b in body["results"]] == [bill.pk]


def test_filter_by_status(client, company, api_headers):
    paid = BillFactory(company=company, status=BillStatus.PAID)
    BillFactory(company=company, status=BillStatus.UPCOMING)
    body = client.get(api_url(company, "/bills?status=PAID"), headers=api_headers).json()
    assert [b["id"] for b in body["results"]] == [paid.pk]


def test_unknown_status_filter_is_422(client, company, api_headers):
    response = client.get(api_url(company, "/bills?status=LOST"), headers=api_headers)
    assert response.status_code == 422
    assert error_fields(response) == ["status"]


def test_filter_by_supplier_id(client, company, api_headers, bill, supplier):
    BillFactory(company=company)
    body = client.get(
        api_url(company, f"/bills?supplier={supplier.pk}"), headers=api_headers
    ).json()
    assert [b["id"] for b in body["results"]] == [bill.pk]


def test_filter_by_supplier_name_ignores_case(client, company, api_headers, bill):
    BillFactory(company=company)
    body = client.get(
        api_url(company, "/bills?supplier=papirhuset%20a/s"), headers=api_headers
    ).json()
    assert [b["id"] for b in body["results"]] == [bill.pk]


def test_filter_by_category(client, company, api_headers, bill, category):
    BillFactory(company=company, category=CategoryFactory(company=company))
    body = client.get(
        api_url(company, f"/bills?category_id={category.pk}"), headers=api_headers
    ).json()
    assert [b["id"] for b in body["results"]] == [bill.pk]


@pytest.mark.parametrize("q", ["papirhus", "F-77", "blæk"])
def test_search_covers_supplier_name_invoice_number_and_text(client, company, api_headers, q):
    match = BillFactory(
        company=company,
        supplier=SupplierFactory(company=company, name="Papirhuset A/S"),
        invoice_number="F-77",
        text="Blæk og papir",
    )
    BillFactory(company=company, invoice_number="X-1", text="Husleje")
    body = client.get(api_url(company, f"/bills?q={q}"), headers=api_headers).json()
    assert [b["id"] for b in body["results"]] == [match.pk]


# --- change -------------------------------------------------------------------------------------


def _patch(client, company, bill, headers, data):
    return client.patch(
        api_url(company, f"/bills/{bill.pk}"),
        data,
        content_type="application/json",
        headers=headers,
    )


def test_patch_changes_only_the_fields_sent(client, company, api_headers, bill):
    response = _patch(client, company, bill, api_headers, {"text": "Printerpapir"})
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "Printerpapir"
    assert body["invoice_number"] == "F-1"
    assert body["total"] == "1250.00"


def test_patch_changes_an_amount_exactly(client, company, api_headers, bill):
    _patch(client, company, bill, api_headers, {"total": "1000.10", "vat_amount": "200.02"})
    bill.refresh_from_db()
    assert (bill.total, bill.vat_amount) == (Decimal("1000.10"), Decimal("200.02"))


def test_patch_refuses_a_float(client, company, api_headers, bill):
    response = _patch(client, company, bill, api_headers, {"total": 99.5})
    assert response.status_code == 422
    assert error_fields(response) == ["total"]


def test_patch_clearing_the_total_is_422(client, company, api_headers, bill):
    response = _patch(client, company, bill, api_headers, {"total": None})
    assert response.status_code == 422
    assert error_fields(response) == ["total"]


def test_patch_recategorises_and_teaches_supplier_memory(client, company, api_headers, bill):
    """B-5: recategorising a bill updates the supplier memory."""
    other = CategoryFactory(company=company)
    body = _patch(client, company, bill, api_headers, {"category_id": other.pk}).json()
    assert body["category_id"] == other.pk
    bill.supplier.refresh_from_db()
    assert bill.supplier.remembered_category == other


def test_patch_null_category_clears_it(client, company, api_headers, bill):
    body = _patch(client, company, bill, api_headers, {"category_id": None}).json()
    assert body["category_id"] is None


def test_patch_foreign_payment_method_is_422(client, company, api_headers, bill):
    foreign = PaymentMethodFactory()
    response = _patch(client, company, bill, api_headers, {"payment_method_id": foreign.pk})
    assert response.status_code == 422
    assert error_fields(response) == ["payment_method_id"]


def test_patch_supplier_moves_the_bill_to_that_supplier(client, company, api_headers, bill):
    body = _patch(
        client, company, bill, api_headers, {"supplier_name": "Kontorland", "supplier_cvr": ""}
    ).json()
    assert body["supplier_name"] == "Kontorland"


def test_patch_null_currency_is_the_companys_own_currency(client, company, api_headers, bill):
    """As when a bill is added without a currency: null means the company's base currency."""
    response = _patch(client, company, bill, api_headers, {"currency": None})
    assert response.status_code == 200
    assert response.json()["currency"] == company.base_currency


# --- pay ----------------------------------------------------------------------------------------


def _pay(client, company, bill, headers, **overrides):
    data = {"date": "2026-11-10", "amount": "1250.00", **overrides}
    return client.post(
        api_url(company, f"/bills/{bill.pk}/payments"),
        data,
        content_type="application/json",
        headers=headers,
    )


def test_payment_is_201_and_the_bill_becomes_paid(
    client, company, api_headers, bill, payment_method
):
    """B-2: a bill paid in full on a date with a payment method becomes PAID."""
    response = _pay(client, company, bill, api_headers, payment_method_id=payment_method.pk)
    assert response.status_code == 201
    assert response.json() == {
        "date": "2026-11-10",
        "amount": "1250.00",
        "payment_method_id": payment_method.pk,
    }
    body = client.get(api_url(company, f"/bills/{bill.pk}"), headers=api_headers).json()
    assert body["status"] == "PAID"
    assert body["payment"] == response.json()


def test_paying_a_paid_bill_again_is_422(client, company, api_headers, bill, payment_method):
    _pay(client, company, bill, api_headers, payment_method_id=payment_method.pk)
    response = _pay(client, company, bill, api_headers, payment_method_id=payment_method.pk)
    assert response.status_code == 422
    assert "already paid" in response.json()["detail"]


def test_payment_amount_as_float_is_refused(client, company, api_headers, bill, payment_method):
    response = _pay(
        client, company, bill, api_headers, payment_method_id=payment_method.pk, amount=1250.0
    )
    assert response.status_code == 422
    assert error_fields(response) == ["amount"]


def test_payment_with_foreign_payment_method_is_422(client, company, api_headers, bill):
    response = _pay(client, company, bill, api_headers, payment_method_id=PaymentMethodFactory().pk)
    assert response.status_code == 422
    assert error_fields(response) == ["payment_method_id"]


def test_payment_without_date_is_422_naming_date(
    client, company, api_headers, bill, payment_method
):
    response = client.post(
        api_url(company, f"/bills/{bill.pk}/payments"),
        {"amount": "1250.00", "payment_method_id": payment_method.pk},
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 422
    assert error_fields(response) == ["date"]


# --- not a duplicate ----------------------------------------------------------------------------


def test_not_a_duplicate_makes_the_bill_upcoming(client, company, api_headers):
    """§7: the user overrides duplicate detection."""
    _post_bill(client, company, api_headers)
    duplicate = _post_bill(client, company, api_headers).json()
    response = client.post(
        api_url(company, f"/bills/{duplicate['id']}/not-a-duplicate"), headers=api_headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "UPCOMING"
    assert response.json()["duplicate_of"] is None


def test_not_a_duplicate_on_an_ordinary_bill_changes_nothing(client, company, api_headers, bill):
    response = client.post(
        api_url(company, f"/bills/{bill.pk}/not-a-duplicate"), headers=api_headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "UPCOMING"


def test_next_links_walk_every_bill_once_with_equal_and_missing_dates(client, company, api_headers):
    """Issue 16 item 3: the cursor in `next` walks the list's own order, however the database
    sorts bills without an issue date (still being read)."""
    for day in (1, 1, 1, 2, None, None, 3):
        BillFactory(company=company, issue_date=dt.date(2026, 5, day) if day else None,
                    status=BillStatus.UPCOMING if day else BillStatus.ANALYSING)  # fmt: skip
    everything = client.get(api_url(company, "/bills?page_size=100"), headers=api_headers)
    by_number = [b["id"] for b in everything.json()["results"]]
    seen: list[int] = []
    url: str | None = api_url(company, "/bills?page_size=2")
    while url:
        body = client.get(url, headers=api_headers).json()
        seen += [b["id"] for b in body["results"]]
        url = body["next"]
    assert seen == by_number and len(seen) == 7


def test_a_page_after_a_cursor_links_back_by_number(client, company, api_headers):
    for n in range(5):
        BillFactory(company=company, issue_date=dt.date(2026, 11, 1 + n))
    first = client.get(api_url(company, "/bills?page_size=2"), headers=api_headers).json()
    second = client.get(first["next"], headers=api_headers).json()
    assert second["previous"].endswith("page_size=2&page=1")
    assert "page=3&cursor=" in second["next"]


def test_a_cursor_not_from_a_next_link_is_422_naming_cursor(client, company, api_headers):
    response = client.get(api_url(company, "/bills?cursor=bogus!"), headers=api_headers)
    assert response.status_code == 422
    assert error_fields(response) == ["cursor"]


def test_search_finds_any_part_of_the_supplier_its_cvr_and_the_words(client, company, api_headers):
    """Issue 16 item 3: the web list's search (bills.search), CVR number included."""
    supplier = SupplierFactory(company=company, name="Rengøringsfirmaet ApS", cvr="19283746")
    wanted = BillFactory(company=company, supplier=supplier)
    BillFactory(company=company)
    for q in ("928374", "rengøringsfirma", "RENGØRINGSFIRMA"):
        body = client.get(api_url(company, f"/bills?q={q}"), headers=api_headers).json()
        assert [b["id"] for b in body["results"]] == [wanted.pk]


@pytest.mark.parametrize("page", [2**63 - 1, 2**63, 10**9 + 1])
def test_a_page_past_any_offset_is_422_not_500(client, company, api_headers, page):
    """issue 15 item 4: ?page=9223372036854775807 overflowed OFFSET (SQLite and PostgreSQL)."""
    response = client.get(api_url(company, f"/bills?page={page}"), headers=api_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


def test_the_last_page_allowed_is_answered_empty(client, company, api_headers):
    response = client.get(api_url(company, "/bills?page=1000000000"), headers=api_headers)
    assert response.status_code == 200
    assert response.json()["results"] == []
