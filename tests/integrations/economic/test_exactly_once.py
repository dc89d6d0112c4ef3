"""R-3 through the real sync engine: whatever the emulator does wrong, each bill lands in
e-conomic's kassekladde exactly once (entries counted in the emulator)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from billbridge.bills.models import BillStatus, Payment
from billbridge.integrations import pacing
from billbridge.integrations.models import IntegrationState
from billbridge.sync import engine
from billbridge.sync.models import AuditEntry, SyncRecord, SyncState
from tests.factories import BillFactory, PaymentMethodFactory, SupplierFactory
from tests.integrations.economic.conftest import (
    INVOICE_JOURNAL,
    NORDLYS,
    PAYMENT_JOURNAL,
    PDF,
    Remote,
    grant_token,
)
from tests.integrations.emulated import settle

pytestmark = pytest.mark.django_db


def drive(integration, rounds: int = 12) -> None:
    """Run the engine as the worker and the clock would (the shared driver of every provider)."""
    settle(integration, rounds)


def make_bills(company, integration, n: int = 3, paid: bool = False):
    method = PaymentMethodFactory(company=company)
    integration.settings["payment_method_accounts"] = {str(method.pk): 5820}
    integration.save()
    supplier = SupplierFactory(company=company, name="Office Danmark", cvr="26150004")
    bills = []
    for _ in range(n):
        bill = BillFactory(company=company, supplier=supplier, payment_method=method)
        engine.record_bill_change(bill)
        if paid:
            Payment.objects.create(bill=bill, date=dt.date(2026, 11, 12), amount=bill.total,
                                   payment_method=method)  # fmt: skip
            bill.status = BillStatus.PAID
            bill.save()
            engine.record_bill_change(bill, paid=True)
        bills.append(bill)
    return bills


def assert_once(remote, company, bills, journal=INVOICE_JOURNAL) -> None:
    texts = [row["text"] for row in remote.entries(journal)]
    # "[ref]", or "[ref/n]" for a draft replaced after an edit (issue 10 item 5)
    marks = Counter(re.sub(r"/\d+\]$", "]", t[t.rindex("[") :]) for t in texts)
    kind = "invoice" if journal == INVOICE_JOURNAL else "payment"
    records = SyncRecord.objects.filter(bill__in=bills, kind=kind)
    assert len(texts) == len(bills)
    for record in records:
        assert record.state == SyncState.POSTED, (record.error_code, record.error)
        assert marks[f"[billbridge-{company.pk}-{record.pk}]"] == 1
        assert record.remote_reference


@pytest.mark.parametrize("status", [429, 500, 503, "drop", "timeout"])
def test_voucher_post_fault_posts_once(status, integration, remote, company, economic, settings):
    settings.ACCOUNTING_HTTP_TIMEOUT = 1.0
    bills = make_bills(company, integration)
    economic.faults(retry_after=1, timeout_seconds=1.5, fail_next=[
        {"status": status, "count": 1, "method": "POST", "path_contains": "/vouchers"}
    ])  # fmt: skip
    drive(integration)
    assert_once(remote, company, bills)
    outcome = {"drop": "connection_lost", "timeout": "timeout"}.get(status, f"http_{status}")
    assert AuditEntry.objects.filter(company=company, outcome=outcome).exists()


def test_drop_after_write_of_payments_and_attachments(integration, remote, company, economic):
    bills = make_bills(company, integration, paid=True)
    for bill in bills:
        bill.document.save("f.pdf", ContentFile(PDF), save=True)
    economic.faults(fail_next=[
        {"status": "drop", "count": 1, "method": "POST", "path_contains": "/journals/3/vouchers"},
        {"status": "drop", "count": 2, "method": "POST", "path_contains": "/attachment/file"},
        {"status": "drop", "count": 1, "method": "POST", "path_contains": "/suppliers"},
    ])  # fmt: skip
    drive(integration)
    assert_once(remote, company, bills)
    assert_once(remote, company, bills, journal=PAYMENT_JOURNAL)
    for record in SyncRecord.objects.filter(kind="invoice"):
        assert record.remote_data.get("attachment") == "attached", record.remote_data


def test_new_supplier_created_once_despite_drop(integration, remote, company, economic):
    supplier = SupplierFactory(company=company, name="Helt Ny ApS", cvr="39990009")
    bills = [BillFactory(company=company, supplier=supplier) for _ in range(2)]
    for bill in bills:
        engine.record_bill_change(bill)
    economic.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                                "path_contains": "/suppliers"}])  # fmt: skip
    drive(integration)
    assert_once(remote, company, bills)
    assert sum(s["name"] == "Helt Ny ApS" for s in remote.suppliers()) == 1


def test_chaos_every_bill_exactly_once(integration, remote, company, economic, settings):
    settings.ACCOUNTING_HTTP_TIMEOUT = 2.0
    bills = make_bills(company, integration, n=12, paid=True)
    economic.faults(seed=7, drop_after_write_rate=0.4, error_rate=0.15, throttle_rate=0.15,
                    retry_after=0)  # fmt: skip
    drive(integration, rounds=40)
    economic.faults(reset=True)
    drive(integration)
    assert_once(remote, company, bills)
    assert_once(remote, company, bills, journal=PAYMENT_JOURNAL)
    faults = AuditEntry.objects.filter(company=company).exclude(outcome="ok").count()
    assert faults >= 3  # the chaos did happen


def test_a_failed_look_up_keeps_every_bill_in_doubt(integration, remote, company, economic):
    # A bulk POST applied but unanswered puts all its bills in doubt; if the look-up of one of
    # them is throttled, the rest must still be looked up before they are sent again
    bills = make_bills(company, integration, n=3, paid=True)
    economic.faults(fail_next=[
        {"status": "drop", "count": 1, "method": "POST", "path_contains": "/journals/2/vouchers"},
        {"status": 429, "count": 1, "method": "GET", "path_contains": "/journals/3/entries",
         "retry_after": 30},
    ])  # fmt: skip
    drive(integration)
    assert_once(remote, company, bills)
    assert_once(remote, company, bills, journal=PAYMENT_JOURNAL)


def test_revoked_grant_needs_attention_and_holds_bills(integration, remote, company, economic):
    bills = make_bills(company, integration)
    economic.client.post(f"/_emulator/agreements/{NORDLYS}/revoke").raise_for_status()
    drive(integration)
    integration.refresh_from_db()
    assert integration.state == IntegrationState.NEEDS_ATTENTION
    assert integration.attention_code == "not_connected"
    assert SyncRecord.objects.filter(bill__in=bills, state=SyncState.WAITING).count() == 3
    assert remote.requests() >= 1


def test_rate_limited_per_agreement(integration, remote, company, economic):
    # e-conomic's token bucket (economic.md §10.5): a voucher POST costing more than is left,
    # with a Retry-After longer than the client waits in place
    bills = make_bills(company, integration, n=5)
    economic.client.post("/_emulator/throttle", json={
        "capacity": 5, "refill_per_second": 0.01,
        "costs": {"POST /journals/{n}/vouchers": 10}}).raise_for_status()  # fmt: skip
    drive(integration, rounds=2)
    record = SyncRecord.objects.filter(bill__in=bills).first()
    assert record.state == SyncState.WAITING and record.error_code == "rate_limited"
    assert record.next_attempt_at > timezone.now() + dt.timedelta(seconds=60)  # Retry-After


def bar(economic, date: str, state: str = "barred") -> None:
    economic.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods", json={"date": date, "state": state}
    ).raise_for_status()


def test_bill_in_a_locked_period_waits_with_plain_words_never_fails(
    integration, remote, company, economic
):
    # issue 10: "Today that becomes a failed bill whose Retry fails forever"; R-7
    bills = make_bills(company, integration, n=2)
    bar(economic, "2026-11-01")
    drive(integration, rounds=2)
    records = SyncRecord.objects.filter(bill__in=bills, kind="invoice")
    assert {(r.state, r.error_code) for r in records} == {(SyncState.WAITING, "period_locked")}
    assert "locked the period of this bill's date" in records.first().error
    integration.refresh_from_db()
    assert integration.state == IntegrationState.CONNECTED
    assert remote.entries(INVOICE_JOURNAL) == []
    bar(economic, "2026-11-01", "open")  # within the hour e-conomic replays a refusal
    drive(integration)
    assert_once(remote, company, bills)


def test_a_locked_bill_does_not_hold_back_the_others_in_its_bulk(
    integration, remote, company, economic
):
    bills = make_bills(company, integration, n=3)
    locked = bills[1]
    locked.issue_date = dt.date(2026, 8, 20)
    locked.save()
    engine.record_bill_change(locked)
    bar(economic, "2026-08-20")
    drive(integration, rounds=2)
    states = {r.bill_id: (r.state, r.error_code) for r in SyncRecord.objects.filter(
        bill__in=bills, kind="invoice")}  # fmt: skip
    assert states[locked.pk] == (SyncState.WAITING, "period_locked")
    assert [states[b.pk][0] for b in (bills[0], bills[2])] == [SyncState.POSTED] * 2
    assert len(remote.entries(INVOICE_JOURNAL)) == 2


def test_bill_added_and_paid_through_the_services_lands_in_economic(
    integration, remote, company, django_capture_on_commit_callbacks
):
    """S-e9: the bill service → sync record → worker (Huey, immediate) → e-conomic."""
    from decimal import Decimal

    from django.db import transaction

    from billbridge.bills.services import BillInput, add_bill, pay_bill

    method = PaymentMethodFactory(company=company)
    integration.settings["payment_method_accounts"] = {str(method.pk): 5820}
    integration.save()
    data = BillInput(supplier_name="Office Danmark A/S", supplier_cvr="26150004",
                     invoice_number="S-1", issue_date=dt.date(2026, 11, 3),
                     due_date=dt.date(2026, 12, 3), total=Decimal("500.00"),
                     vat_amount=Decimal("100.00"), text="Papir")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        bill = add_bill(company, data)
    [row] = remote.entries(INVOICE_JOURNAL)
    assert row["amount"] == -500.0 and row["supplier"]["supplierNumber"] == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        pay_bill(bill, date=dt.date(2026, 11, 20), amount=Decimal("500.00"), payment_method=method)
    [pay] = remote.entries(PAYMENT_JOURNAL)
    assert pay["amount"] == 500.0 and pay["contraAccount"]["accountNumber"] == 5820
    states = set(SyncRecord.objects.filter(bill=bill).values_list("kind", "state"))
    assert states == {("invoice", "posted"), ("payment", "posted")}


# ---- issue 14 item 1: the duplicate paths found by the chaos run, reproduced one by one


def one_round(integration) -> None:
    """One pass of the worker, every retry due now (a backoff fast-forwarded)."""
    SyncRecord.objects.filter(engine.to_send()).update(
        next_attempt_at=timezone.now(), claimed_until=None, claim_token=""
    )
    pacing.reset()
    engine.process(integration.pk, budget_seconds=10)


def test_failed_look_up_then_an_edit_posts_the_bill_once(integration, remote, company, economic):
    # issue 14 item 1: the voucher is written but unanswered, the look-up fails, the next
    # POSTs fail, the bill is edited meanwhile → two vouchers with the same marker
    bills = make_bills(company, integration, n=2)
    economic.faults(fail_next=[
        {"status": "drop", "count": 1, "method": "POST", "path_contains": "/journals/2/vouchers"},
        {"status": 503, "count": 1, "method": "GET", "path_contains": "/entries"},
    ])  # fmt: skip
    one_round(integration)  # written, answer dropped
    one_round(integration)  # the look-up answers 503
    economic.faults(fail_next=[
        {"status": 503, "count": 3, "method": "POST", "path_contains": "/vouchers"},
    ])  # fmt: skip
    bills[0].text = "Papir (typo fixed)"
    bills[0].save()
    engine.record_bill_change(bills[0])
    bills.append(make_bills(company, integration, n=1)[0])  # another bill in the same chunk
    drive(integration)
    assert_once(remote, company, bills)


def test_revoked_during_the_look_up_then_reconnected_posts_once(
    integration, remote, company, economic
):
    # issue 14 item 1: drop the voucher POST's answer, revoke the grant before the look-up
    # (401), add bills, grant again and reconnect → the first bill must not get two vouchers
    from billbridge.integrations.economic import setup

    first = make_bills(company, integration, n=1)
    economic.faults(fail_next=[
        {"status": "drop", "count": 1, "method": "POST", "path_contains": "/journals/2/vouchers"},
    ])  # fmt: skip
    one_round(integration)
    economic.client.post(f"/_emulator/agreements/{NORDLYS}/revoke").raise_for_status()
    one_round(integration)  # the look-up gets 401
    integration.refresh_from_db()
    assert integration.state == IntegrationState.NEEDS_ATTENTION
    more = make_bills(company, integration, n=2)
    economic.client.post(f"/_emulator/agreements/{NORDLYS}/grant").raise_for_status()
    integration.credentials = {"agreement_grant_token": grant_token(economic)}
    integration.save()
    setup.save(integration, integration.settings, None)
    drive(integration)
    assert_once(Remote(economic), company, first + more)  # read with the new grant


def test_a_voucher_booked_before_the_look_up_is_found_not_posted_again(
    integration, remote, company, economic
):
    # issue 14 item 1: the accountant books the kassekladde while the answer is lost
    bills = make_bills(company, integration, n=2)
    economic.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                                "path_contains": "/journals/2/vouchers"}])  # fmt: skip
    one_round(integration)
    economic.client.post(
        f"/_emulator/agreements/{NORDLYS}/journals/{INVOICE_JOURNAL}/book", json={}
    ).raise_for_status()
    drive(integration)
    assert remote.entries(INVOICE_JOURNAL) == []  # nothing posted again
    booked = remote.get("/accounting-years/2026/entries", pagesize=1000)["collection"]
    marks = {(r["text"][r["text"].rindex("["):], r["voucherNumber"]) for r in booked
             if "[billbridge-" in r.get("text", "")}  # fmt: skip
    records = SyncRecord.objects.filter(bill__in=bills)
    assert len(marks) == 2 and {m for m, _ in marks} == {
        f"[billbridge-{company.pk}-{r.pk}]" for r in records
    }
    assert set(records.values_list("state", flat=True)) == {SyncState.POSTED}


def test_a_voucher_moved_to_another_kassekladde_is_found_not_posted_again(
    integration, remote, company, economic
):
    bills = make_bills(company, integration, n=1)
    economic.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                                "path_contains": "/journals/2/vouchers"}])  # fmt: skip
    one_round(integration)
    [row] = remote.entries(INVOICE_JOURNAL)
    number = row["voucher"]["voucherNumber"]
    economic.client.post(
        f"/_emulator/agreements/{NORDLYS}/journals/{INVOICE_JOURNAL}/vouchers/2026-{number}/move",
        json={"journal": 1},
    ).raise_for_status()
    drive(integration)
    assert remote.entries(INVOICE_JOURNAL) == []
    [moved] = remote.entries(1)
    record = SyncRecord.objects.get(bill=bills[0])
    assert record.state == SyncState.POSTED and record.remote_data["journal"] == 1
    assert moved["text"].endswith(f"[billbridge-{company.pk}-{record.pk}]")


def test_an_attachment_that_failed_is_retried_until_attached(
    integration, remote, company, economic
):
    # issue 14 item 3: an attachment that failed twice stayed "pending" and was never retried
    bills = make_bills(company, integration, n=1)
    bills[0].document.save("f.pdf", ContentFile(PDF), save=True)
    economic.faults(fail_next=[{"status": 503, "count": 2, "method": "POST",
                                "path_contains": "/attachment/file"}])  # fmt: skip
    one_round(integration)
    record = SyncRecord.objects.get(kind="invoice")
    assert (record.state, record.error_code) == (SyncState.POSTED, "document_pending")
    assert "not attached" in record.error
    drive(integration)
    record.refresh_from_db()
    assert record.remote_data["attachment"] == "attached" and record.error_code == ""
    assert_once(remote, company, bills)


def test_a_document_still_pending_backs_off_longer_on_each_try(
    integration, remote, company, economic
):
    # Each posting reset the attempts, so a document that would not attach was tried again
    # every 1-2 s however often it had failed.
    bills = make_bills(company, integration, n=1)
    bills[0].document.save("f.pdf", ContentFile(PDF), save=True)
    economic.faults(fail_next=[{"status": 503, "count": 4, "method": "POST",
                                "path_contains": "/attachment/file"}])  # fmt: skip
    one_round(integration)
    one_round(integration)
    record = SyncRecord.objects.get(kind="invoice")
    assert (record.error_code, record.attempts) == ("document_pending", 2)
    assert (record.next_attempt_at - timezone.now()).total_seconds() > 1.9  # 2-4 s, was 1-2
    drive(integration)
    record.refresh_from_db()
    assert record.remote_data["attachment"] == "attached" and record.error_code == ""
