"""R-1 end to end: bills become rows in the emulator's kassekladde, read back through its API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billbridge.bills.services import pay_bill, update_bill
from billbridge.sync.models import AuditEntry, SyncRecord, SyncState
from tests.emulators.conftest import dinero_token
from tests.integrations.dinero.fixtures import api_key, bill, rows, settle

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def only_row(emu):
    found = rows(emu)
    assert len(found) == 1, found
    return found[0]


def test_new_bill_becomes_one_row(emu, connected, company, office):
    b = bill(company, category=office)
    settle(connected)
    record = SyncRecord.objects.get(bill=b)
    assert record.state == SyncState.POSTED
    assert record.posted_version == record.version == 1
    row = only_row(emu)
    assert row["AccountNumber"] == 7200
    assert row["AccountVatCode"] == "I25"
    assert row["Amount"] == 1250.0
    assert row["BalancingAccountNumber"] == 55000
    assert row["VoucherDate"] == "2026-11-01"
    assert row["Description"] == "Leverandør 1 A/S F-1001"
    assert record.remote_reference == str(row["VoucherNumber"])
    assert record.remote_data["id"] == row["Id"]


def test_uncategorised_bill_uses_fallback_account(emu, connected, company):
    bill(company)
    settle(connected)
    row = only_row(emu)
    assert row["AccountNumber"] == 99999
    # 99999 has no VAT code, but the bill's 250,00 of VAT is booked with the purchase code
    # (issue 11 item 1); never null, which would be the account's default
    assert (row["AccountVatCode"], row["VatAmount"]) == ("I25", 250.0)


def test_a_bill_without_vat_books_none_on_an_i25_account(emu, connected, company, office):
    """Issue 11 item 1, economic.md §10.1: insurance on an I25 account books no VAT."""
    bill(company, category=office, total=Decimal("1000.00"), vat_amount=Decimal("0.00"))
    settle(connected)
    row = only_row(emu)
    assert (row["AccountNumber"], row["AccountVatCode"], row["VatAmount"]) == (7200, "none", 0)


def test_changed_bill_updates_its_unbooked_row(emu, connected, company, office):
    b = bill(company)
    settle(connected)
    update_bill(b, {"category": office, "total": Decimal("2500.00"), "vat_amount": Decimal("500")})
    settle(connected)
    row = only_row(emu)
    assert (row["AccountNumber"], row["Amount"]) == (7200, 2500.0)
    record = SyncRecord.objects.get(bill=b)
    assert record.state == SyncState.POSTED and record.posted_version == 2


def test_a_bill_whose_vat_changes_gets_its_lines_changed_in_place(emu, connected, company, office):
    """Issue 11 item 1: a mixed bill is two lines of one row; corrected to 25 % it is one line
    again, under the same row and first line Id (an update, never a second row)."""
    b = bill(company, category=office, total=Decimal("2250.00"), vat_amount=Decimal("250.00"))
    settle(connected)
    first = only_row(emu)
    assert [(ln["AccountVatCode"], ln["Amount"]) for ln in first["Lines"]] == [
        ("I25", 1250.0),
        ("none", 1000.0),
    ]
    update_bill(b, {"vat_amount": Decimal("450.00")})
    settle(connected)
    row = only_row(emu)
    assert row["Id"] == first["Id"] and row["Lines"][0]["Id"] == first["Lines"][0]["Id"]
    assert [(ln["AccountVatCode"], ln["Amount"]) for ln in row["Lines"]] == [("I25", 2250.0)]
    assert row["VatAmount"] == 450.0


def test_paid_bill_gets_the_payment_methods_account(emu, connected, company, office, card):
    b = bill(company, category=office)
    settle(connected)
    pay_bill(b, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=card)
    settle(connected)
    row = only_row(emu)
    assert row["BalancingAccountNumber"] == 55040
    assert SyncRecord.objects.filter(bill=b).count() == 1


def test_credit_note_is_negative(emu, connected, company, office):
    bill(company, category=office, total=Decimal("-500.00"), vat_amount=Decimal("-100.00"))
    settle(connected)
    assert only_row(emu)["Amount"] == -500.0


def test_document_is_attached(emu, connected, company):
    doc = SimpleUploadedFile("faktura.pdf", PDF, content_type="application/pdf")
    bill(company, document=doc)
    settle(connected)
    row = only_row(emu)
    assert row["FileGuid"]
    assert SyncRecord.objects.get().remote_data["file_guid"] == row["FileGuid"]


def test_calls_are_audited_without_secrets(emu, connected, company):
    bill(company)
    settle(connected)
    entries = list(AuditEntry.objects.filter(company=company))
    assert entries
    key = connected.credentials["api_key"]
    for entry in entries:
        assert key not in entry.path and "Bearer" not in entry.path
    assert any(e.path == "/v1.2/112233/ledgeritems" and e.status == 200 for e in entries)


def _as_accountant(emu):
    """The emulator's own API with org 112233's key (what an accountant's tools would do)."""
    return {"Authorization": f"Bearer {dinero_token(emu, api_key(emu))}"}


def test_booked_row_is_not_changed_and_payment_moves_the_amount(
    emu, connected, company, office, card
):
    b = bill(company, category=office)
    settle(connected)
    row = only_row(emu)
    headers = _as_accountant(emu)
    booked = emu.client.post(
        "/v1/112233/ledgeritems/book",
        json=[{"Id": row["Id"], "Version": row["Version"]}],
        headers=headers,
    )
    assert booked.status_code == 200, booked.text
    update_bill(b, {"text": "changed after booking"})
    settle(connected)
    assert len(rows(emu)) == 1  # a booked row is left alone (R-1: only while unbooked)
    pay_bill(b, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=card)
    settle(connected)
    found = rows(emu)
    assert len(found) == 2
    payment = next(r for r in found if r["Id"] != row["Id"])
    assert (payment["AccountNumber"], payment["BalancingAccountNumber"]) == (55000, 55040)
    assert payment["Amount"] == 1250.0 and payment["VoucherDate"] == "2026-11-10"
    record = SyncRecord.objects.get(bill=b)
    assert record.state == SyncState.POSTED and record.remote_data["payment"]["id"]
    update_bill(b, {"text": "again"})
    settle(connected)
    assert len(rows(emu)) == 2  # the payment row is not posted twice


def test_row_deleted_in_dinero_is_posted_again(emu, connected, company, office):
    b = bill(company, category=office)
    settle(connected)
    row = only_row(emu)
    deleted = emu.client.request(
        "DELETE",
        "/v1/112233/ledgeritems/delete",
        json=[{"Id": row["Id"], "Version": row["Version"]}],
        headers=_as_accountant(emu),
    )
    assert deleted.status_code == 200, deleted.text
    update_bill(b, {"total": Decimal("100.00"), "vat_amount": Decimal("20.00")})
    settle(connected)
    again = only_row(emu)
    assert again["Id"] != row["Id"] and again["Amount"] == 100.0


def test_a_eur_bill_lands_in_dkk_at_the_days_official_rate(rates, emu, connected, company, office):
    """Issue 11 item 3 ("done when"): ECB 13.03.2026, 1 EUR = 7,4726 DKK; the original amount,
    currency and rate in the row's text."""
    b = bill(company, category=office, currency="EUR", issue_date=dt.date(2026, 3, 13),
             total=Decimal("1000.00"), vat_amount=Decimal("200.00"))  # fmt: skip
    settle(connected)
    assert SyncRecord.objects.get(bill=b).state == SyncState.POSTED
    row = only_row(emu)
    assert (row["Amount"], row["AccountVatCode"], row["VatAmount"]) == (7472.6, "I25", 1494.52)
    assert row["Description"] == "Leverandør 1 A/S F-1001 EUR 1.000,00 kurs 747,26 (ECB 13.03.2026)"


def test_a_eur_payment_posts_the_dkk_paid_and_the_difference_on_2400(
    rates, emu, connected, company, office, card
):
    """Issue 11 item 3: booked 7.472,60 DKK (13.03.2026, 747,26); paid 20.03.2026 at 747,12 =
    7.471,20 DKK; the 1,40 gain goes to 2400 Valutakursdifferencer, import."""
    b = bill(company, category=office, currency="EUR", issue_date=dt.date(2026, 3, 13),
             total=Decimal("1000.00"), vat_amount=Decimal("200.00"))  # fmt: skip
    settle(connected)
    pay_bill(b, date=dt.date(2026, 3, 20), amount=Decimal("1000.00"), payment_method=card)
    settle(connected)
    row = only_row(emu)
    lines = [(ln["AccountNumber"], ln["AccountVatCode"], ln["Amount"], ln["BalancingAccountNumber"])
             for ln in row["Lines"]]  # fmt: skip
    assert lines == [(7200, "I25", 7472.6, 55040), (2400, "none", -1.4, 55040)]
    assert row["VatAmount"] == 1494.52  # the difference carries no VAT


def test_a_bill_whose_vat_cannot_be_reconciled_fails_in_plain_words(emu, connected, company):
    """Issue 11 item 1: more VAT than 25 % allows is never posted as a guess."""
    b = bill(company, total=Decimal("1250.00"), vat_amount=Decimal("300.00"))
    settle(connected)
    record = SyncRecord.objects.get(bill=b)
    assert (record.state, record.error_code) == (SyncState.FAILED, "vat_exceeds_rate")
    assert "300.00" in record.error and "250.00" in record.error and rows(emu) == []


def test_a_thousand_waiting_bills_go_in_one_create(emu, connected, company, office):
    # issue 16 item 2: one create carries as many rows as the kassekladde holds (1,000)
    from billbridge.bills.models import Bill, BillStatus
    from billbridge.sync import engine
    from tests.integrations.dinero.fixtures import stats

    Bill.objects.bulk_create(
        Bill(company=company, invoice_number=f"F-{n}", issue_date=dt.date(2026, 11, 1),
             total=Decimal("125.00"), vat_amount=Decimal("25.00"), category=office,
             status=BillStatus.UPCOMING)
        for n in range(1000)
    )  # fmt: skip
    engine.backfill(connected)
    engine.process(connected.pk)
    assert SyncRecord.objects.filter(state=SyncState.POSTED).count() == 1000
    assert stats(emu)["by_route"]["POST /v1.2/{org}/ledgeritems"] == 1
