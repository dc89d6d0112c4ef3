"""A bill changed after it was posted (issue 10 item 5, R-3): while its supplier invoice is an
unbooked draft, e-conomic's draft is replaced (delete, post) exactly once, whatever is lost in
between; once booked, the bill says so and lists what changed. Real HTTP, the real engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState
from tests.factories import CategoryFactory, SupplierFactory
from tests.integrations.economic.conftest import INVOICE_JOURNAL, NORDLYS, PDF
from tests.integrations.economic.test_exactly_once import drive, make_bills
from tests.integrations.economic.test_moved_and_booked import assert_everywhere_once

pytestmark = pytest.mark.django_db

PDF_TWO_PAGES = PDF.replace(b"/Count 1>>", b"/Count 2>>").replace(
    b"trailer", b"4 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer"
)


def posted_bill(company, integration, document: bytes | None = None):
    [bill] = make_bills(company, integration, n=1)
    if document:
        bill.document.save("f.pdf", ContentFile(document), save=True)
        engine.record_bill_change(bill)
    drive(integration)
    return bill, SyncRecord.objects.get(bill=bill)


def the_entry(remote) -> dict:
    [row] = remote.entries(INVOICE_JOURNAL)
    return row


def change(bill, **fields) -> None:
    for name, value in fields.items():
        setattr(bill, name, value)
    bill.save()
    engine.record_bill_change(bill)


def test_an_amount_changed_on_a_draft_replaces_it_in_economic(
    integration, remote, company, economic
):
    bill, record = posted_bill(company, integration)
    old = the_entry(remote)
    change(bill, total=Decimal("2500.00"), vat_amount=Decimal("500.00"))
    drive(integration)
    new = the_entry(remote)
    assert new["amount"] == -2500.0 and new["journalEntryNumber"] != old["journalEntryNumber"]
    record.refresh_from_db()
    assert record.state == SyncState.POSTED
    assert record.remote_data["voucher_number"] == new["voucher"]["voucherNumber"]
    assert_everywhere_once(remote, [bill])


@pytest.mark.parametrize("field", ["date", "category", "supplier"])
def test_each_changed_field_reaches_the_replaced_draft(
    field, integration, remote, company, economic
):
    bill, _ = posted_bill(company, integration)
    if field == "date":
        change(bill, issue_date=dt.date(2026, 11, 20))
    elif field == "category":
        category = CategoryFactory(company=company, account_number="2790")
        integration.settings["category_accounts"] = {str(category.pk): 2790}
        integration.save()
        change(bill, category=category)
    else:
        change(bill, supplier=SupplierFactory(company=company, name="Papirhuset ApS",
                                              cvr="39990011"))  # fmt: skip
    drive(integration)
    row = the_entry(remote)
    if field == "date":
        assert row["date"] == "2026-11-20"
    elif field == "category":
        assert row["contraAccount"]["accountNumber"] == 2790
    else:
        assert "Papirhuset ApS" in row["text"]
        assert row["supplier"]["supplierNumber"] != 1
    assert_everywhere_once(remote, [bill])


def test_a_new_document_goes_to_the_replaced_draft(integration, remote, company, economic):
    bill, record = posted_bill(company, integration, document=PDF)
    bill.document.save("g.pdf", ContentFile(PDF_TWO_PAGES), save=True)
    engine.record_bill_change(bill)
    drive(integration)
    record.refresh_from_db()
    voucher = record.remote_data["voucher_number"]
    assert remote.attachment(INVOICE_JOURNAL, "2026", voucher).json()["pages"] == 2
    assert_everywhere_once(remote, [bill])


def test_a_save_that_changes_nothing_leaves_the_draft_alone(integration, remote, company, economic):
    bill, _ = posted_bill(company, integration)
    before = the_entry(remote)
    engine.record_bill_change(bill)
    drive(integration)
    assert the_entry(remote)["journalEntryNumber"] == before["journalEntryNumber"]


@pytest.mark.parametrize(
    "fault",
    [
        {"status": "drop", "method": "DELETE", "path_contains": "/entries/"},
        {"status": 503, "method": "POST", "path_contains": "/vouchers"},
        {"status": "drop", "method": "POST", "path_contains": "/vouchers"},
        {"status": "timeout", "method": "POST", "path_contains": "/vouchers"},
    ],
    ids=["delete-answer-lost", "post-refused-after-delete", "post-answer-lost", "post-timeout"],
)
def test_a_replacement_interrupted_between_delete_and_post_is_neither_lost_nor_doubled(
    fault, integration, remote, company, economic, settings
):
    settings.ACCOUNTING_HTTP_TIMEOUT = 1.0
    bill, record = posted_bill(company, integration)
    change(bill, total=Decimal("999.00"), vat_amount=Decimal("199.80"))
    economic.faults(timeout_seconds=1.5, fail_next=[{**fault, "count": 1}])
    engine.process(integration.pk, budget_seconds=5)
    economic.client.post("/_emulator/idempotency/expire").raise_for_status()
    drive(integration)
    assert the_entry(remote)["amount"] == -999.0
    assert_everywhere_once(remote, [bill])


def test_a_booked_bill_says_so_and_lists_what_changed(
    logged_in_client, integration, remote, company, economic
):
    bill, record = posted_bill(company, integration)
    economic.client.post(
        f"/_emulator/agreements/{NORDLYS}/journals/{INVOICE_JOURNAL}/book"
    ).raise_for_status()
    change(bill, total=Decimal("2500.00"), vat_amount=Decimal("500.00"),
           issue_date=dt.date(2026, 11, 20))  # fmt: skip
    drive(integration)
    record.refresh_from_db()
    assert record.state == SyncState.POSTED and record.remote_data["booked"]
    assert record.remote_data["unsent_changes"] == ["amount", "vat", "date"]
    assert remote.entries(INVOICE_JOURNAL) == []
    assert_everywhere_once(remote, [bill])  # one voucher, the booked one
    logged_in_client.cookies["django_language"] = "en"
    html = logged_in_client.get(f"/c/{company.pk}/bills/{bill.pk}/").content.decode()
    assert "e-conomic has this bill booked" in html
    assert "correction is for the accountant" in html
    assert "Total incl. VAT, VAT, Bill date" in html
    logged_in_client.cookies["django_language"] = "da"
    html = logged_in_client.get(f"/c/{company.pk}/bills/{bill.pk}/").content.decode()
    assert "e-conomic har bogført denne regning" in html


def found_after_a_lost_answer(company, integration, economic):
    """A bill whose voucher POST lost its answer: found again by find(), which cannot know
    what that POST held, only what the draft holds now."""
    [bill] = make_bills(company, integration, n=1)
    economic.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                                "path_contains": "/vouchers"}])  # fmt: skip
    drive(integration)
    record = SyncRecord.objects.get(bill=bill)
    assert record.state == SyncState.POSTED and "posted" not in record.remote_data
    return bill, record


def test_a_draft_found_after_a_lost_answer_is_left_alone_when_the_bill_is_unchanged(
    integration, remote, company, economic
):
    bill, _ = found_after_a_lost_answer(company, integration, economic)
    before = the_entry(remote)
    engine.record_bill_change(bill)
    drive(integration)
    assert the_entry(remote)["journalEntryNumber"] == before["journalEntryNumber"]
    assert "posted" in SyncRecord.objects.get(bill=bill).remote_data  # known from now on


def test_a_draft_found_after_a_lost_answer_is_replaced_when_the_text_changed(
    integration, remote, company, economic
):
    bill, _ = found_after_a_lost_answer(company, integration, economic)
    change(bill, text="Papir (typo fixed)")
    drive(integration)
    assert "Papir (typo fixed)" in the_entry(remote)["text"]
    assert_everywhere_once(remote, [bill])
