"""Engine behaviour: records per event, claims under concurrency, backoff, rate limits."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from billbridge.bills.models import BillStatus
from billbridge.bills.services import BillInput, add_bill, pay_bill
from billbridge.integrations import pacing
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.models import IntegrationState
from billbridge.integrations.pacing import TokenBucket
from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState
from tests.factories import PaymentMethodFactory
from tests.integrations.dinero.fixtures import bill, control_rows, rows, settle, stats


@pytest.mark.django_db
def test_no_integration_no_record(company):
    bill(company)
    assert not SyncRecord.objects.exists()


@pytest.mark.django_db
def test_bill_events_create_and_bump_one_record(emu, connected, company):
    from billbridge.bills.services import update_bill

    b = bill(company)
    record = SyncRecord.objects.get(bill=b)
    assert (record.kind, record.version, record.state) == ("invoice", 1, SyncState.WAITING)
    update_bill(b, {"text": "x"})
    card = PaymentMethodFactory(company=company, account_number="55040")
    pay_bill(b, date=dt.date(2026, 11, 5), amount=Decimal("1250.00"), payment_method=card)
    record.refresh_from_db()
    assert record.version == 3
    assert SyncRecord.objects.filter(bill=b).count() == 1  # Dinero: payment updates the row


@pytest.mark.django_db
def test_analysing_and_duplicate_bills_are_never_posted(emu, connected, company):
    add_bill(company, BillInput(supplier_name="X"), status=BillStatus.ANALYSING)
    first = bill(company, 1)
    dup = bill(company, 1)  # same supplier + invoice number → DUPLICATE
    assert dup.status == BillStatus.DUPLICATE
    assert list(SyncRecord.objects.values_list("bill_id", flat=True)) == [first.pk]
    assert engine.backfill(connected) == 0


@pytest.mark.django_db
def test_inline_queue_posts_on_commit(emu, connected, company, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b = bill(company)
    assert SyncRecord.objects.get(bill=b).state == SyncState.POSTED
    assert len(rows(emu)) == 1


@pytest.mark.django_db
def test_backfill_progress_from_the_db(emu, connected, company):
    from tests.factories import BillFactory

    BillFactory.create_batch(4, company=company)
    BillFactory(company=company, status=BillStatus.ANALYSING)
    assert engine.backfill(connected) == 4
    assert engine.progress(connected)["posted"] == 0
    settle(connected)
    assert engine.progress(connected) == {
        "total": 4, "posted": 4, "waiting": 0, "failed": 0, "percent": 100,
    }  # fmt: skip
    assert engine.backfill(connected) == 0


def test_backoff_doubles_with_jitter_to_a_cap_and_honours_retry_after():
    for attempt, ceiling in ((1, 2), (2, 4), (3, 8), (9, 512), (20, 600)):
        for _ in range(20):
            delay = engine.backoff(attempt)
            assert ceiling / 2 <= delay <= ceiling
    assert engine.backoff(1, retry_after=30) == 30


class _Clock:
    """time for TokenBucket: a sleep moves the clock on at once and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_token_bucket_spends_a_burst_then_paces(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(pacing, "time", clock)
    bucket = TokenBucket(rate=20, burst=3, max_wait=1)
    for _ in range(5):
        bucket.acquire()
    assert clock.sleeps == pytest.approx([0.05, 0.05])  # the burst of 3, then 1/20 s each
    slow = TokenBucket(rate=0.1, burst=1, max_wait=0.5)
    slow.acquire()
    with pytest.raises(AccountingError) as info:
        slow.acquire()
    assert info.value.kind == ErrorKind.RATE_LIMITED and info.value.retry_after > 5


@pytest.mark.django_db
def test_per_organisation_rate_limit_reschedules_instead_of_blocking(emu, connected, company,
                                                                     settings):  # fmt: skip
    settings.DINERO_REQUESTS_PER_MINUTE = 1.6  # one call in any 61 s
    before = stats(emu)["requests"]
    bill(company)
    engine.process(connected.pk)
    record = SyncRecord.objects.get()
    assert record.state == SyncState.WAITING and record.error_code == "rate_limited"
    assert stats(emu)["requests"] - before <= 1  # the bucket spent its one token, then waited
    settings.DINERO_REQUESTS_PER_MINUTE = 60_000
    settle(connected)
    assert len(rows(emu)) == 1


@pytest.mark.django_db
def test_emulator_rate_limit_is_survived(emu, connected, company):
    for n in range(6):
        bill(company, n)
    emu.faults(rate_limit_per_second=2)
    settle(connected, rounds=40)
    emu.faults(rate_limit_per_second=None)
    assert len(rows(emu)) == 6


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_post_each_bill_once(emu, connected, company, settings):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs a file database shared by threads")
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False  # record the bills without posting them inline at commit
    try:
        for n in range(30):
            bill(company, n)
    finally:
        HUEY.flush()
        HUEY.immediate = True
    emu.faults(latency_ms=30)
    settings.SYNC_BATCH_SIZE = 5  # small batches so the two workers interleave
    claimed: list[list[int]] = []
    real_claim = engine.claim

    def spy(integration, limit):
        token, records = real_claim(integration, limit)
        claimed.append([r.pk for r in records])
        return token, records

    def work() -> None:
        try:
            for _ in range(10):
                engine.process(connected.pk)
        finally:
            connection.close()

    engine.claim = spy
    try:
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        engine.claim = real_claim
    every = [pk for batch in claimed for pk in batch]
    assert len(every) == len(set(every)) == 30  # no record was claimed twice
    settle(connected)
    assert len(control_rows(emu)) == 30
    assert SyncRecord.objects.filter(state=SyncState.POSTED).count() == 30


@pytest.mark.django_db
def test_credentials_failure_holds_and_resume_requeues(emu, connected, company, user):
    from billbridge.integrations.dinero import setup
    from tests.integrations.dinero.fixtures import ORG, api_key

    connected.credentials = {"api_key": "wrong", "organization_id": ORG}
    connected.save()
    bill(company)
    engine.process(connected.pk)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.NEEDS_ATTENTION
    assert engine.due_integration_ids() == []  # the sweep leaves a held integration alone
    setup.connect(company, user, api_key=api_key(emu), organization_id=ORG,
                  import_chart_of_accounts=False)  # fmt: skip
    assert engine.due_integration_ids() == [connected.pk]
    settle(connected)
    assert len(rows(emu)) == 1


@pytest.mark.django_db
def test_changes_made_while_disconnected_are_sent_after_reconnecting(emu, connected, company,
                                                                     user):  # fmt: skip
    from billbridge.bills.services import update_bill
    from billbridge.integrations.dinero import setup
    from tests.integrations.dinero.fixtures import ORG, api_key

    b = bill(company)
    settle(connected)
    setup.disconnect(company)
    update_bill(b, {"total": Decimal("42.00"), "vat_amount": Decimal("8.40")})
    assert SyncRecord.objects.get(bill=b).state == SyncState.POSTED  # nothing to send to
    setup.connect(company, user, api_key=api_key(emu), organization_id=ORG,
                  import_chart_of_accounts=False)  # fmt: skip
    settle(connected)
    assert [r["Amount"] for r in rows(emu)] == [42.0]


@pytest.mark.django_db
def test_a_batchs_outcomes_are_written_in_one_statement(emu, connected, company):
    """Issue 16 item 1: posting 6 bills writes their posted outcomes with one UPDATE, each
    record with its own remote reference and data."""
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BillFactory

    BillFactory.create_batch(6, company=company)
    assert engine.backfill(connected) == 6
    with CaptureQueriesContext(connection) as queries:
        engine.process(connected.pk)
    outcome_writes = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "posted_version" in q["sql"]
    ]  # fmt: skip
    assert len(outcome_writes) == 1
    records = list(SyncRecord.objects.filter(company=company))
    assert {r.state for r in records} == {SyncState.POSTED}
    assert len({r.remote_reference for r in records}) == 6 and all(r.remote_reference
                                                                   for r in records)  # fmt: skip
    assert all(r.remote_data and r.posted_version == r.version for r in records)
    assert not any(r.claim_token or r.in_doubt for r in records)


@pytest.mark.django_db
def test_a_bill_changed_while_its_batch_was_posted_stays_waiting(emu, connected, company):
    """The batch write keeps the rule of the single one: a version above the posted one waits."""
    from billbridge.bills.services import update_bill
    from tests.factories import BillFactory

    changed, other = BillFactory.create_batch(2, company=company)
    engine.backfill(connected)
    provider = engine.provider_for(connected)
    post = provider.post

    def post_then_change(entries):
        results = post(entries)
        update_bill(changed, {"text": "changed meanwhile"})
        return results

    provider.post = post_then_change
    engine._batch(connected, provider, *engine.claim(connected, 10), [])
    assert SyncRecord.objects.get(bill=changed).state == SyncState.WAITING
    assert SyncRecord.objects.get(bill=other).state == SyncState.POSTED
