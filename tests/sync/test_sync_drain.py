"""Issue 14 item 5: after a storm, a backlog drains at the pace the system allows, not at the
back-off's. Each test reproduces with the Dinero emulator's `fail_next` faults what the chaos
run's drain waited on (CI: 300 bills undrained after 420 s)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billbridge.sync import engine
from billbridge.sync.models import AuditEntry, SyncRecord, SyncState
from tests.integrations.dinero.fixtures import bill, rows, stats

pytestmark = pytest.mark.django_db

CREATE_PATH = "/v1.2/"
STATUS = "POST /v1/{org}/ledgeritems/status"


def test_a_batch_in_doubt_is_looked_up_with_one_status_call(emu, connected, company):
    # One call per row in doubt spent the organisation's 100 requests a minute on look-ups.
    for n in range(6):
        bill(company, n)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    assert SyncRecord.objects.filter(in_doubt=True).count() == 6
    before = stats(emu)["by_route"].get(STATUS, 0)
    SyncRecord.objects.update(next_attempt_at=timezone.now())
    engine.process(connected.pk)
    assert set(SyncRecord.objects.values_list("state", "in_doubt")) == {(SyncState.POSTED, False)}
    # the look-up, then the update's status and its read-back (was one look-up per row: 8)
    assert stats(emu)["by_route"][STATUS] - before == 3
    assert len(rows(emu)) == 6


def test_a_retry_after_is_waited_out_exactly_whatever_the_attempts(emu, connected, company):
    # A record's 7th 429 waited 30-60 s (its back-off) although Dinero said 7.
    bill(company, 1)
    SyncRecord.objects.update(attempts=6)
    emu.faults(fail_next=[{"status": 429, "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH, "retry_after": 7}])  # fmt: skip
    before = timezone.now()
    engine.process(connected.pk)
    record = SyncRecord.objects.get()
    assert (record.state, record.error_code) == (SyncState.WAITING, "rate_limited")
    assert 7 <= (record.next_attempt_at - before).total_seconds() <= 9


def test_records_backing_off_after_an_outage_are_due_once_calls_pass_again(emu, connected, company):
    first = bill(company, 1)
    SyncRecord.objects.update(attempts=5)  # backing off for 16-32 s after this failure
    emu.faults(fail_next=[{"status": 503, "count": 1 + engine.IN_PLACE_RETRIES, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    assert not engine.due(connected).exists()
    bill(company, 2)
    # Dinero takes the second bill: the outage is over, and the first goes in the same round
    engine.process(connected.pk)
    assert SyncRecord.objects.get(bill=first).state == SyncState.POSTED
    assert set(SyncRecord.objects.values_list("state", flat=True)) == {SyncState.POSTED}


def test_a_batch_in_doubt_that_never_reached_dinero_costs_one_look_up(emu, connected, company):
    # A worker killed between its doubt and its create: halving the refused status call
    # spent 2n-1 calls (111 of the chaos run's 180) to learn that no row exists.
    for n in range(6):
        bill(company, n)
    SyncRecord.objects.update(in_doubt=True, attempt_version=1)
    engine.process(connected.pk)
    assert set(SyncRecord.objects.values_list("state", "in_doubt")) == {(SyncState.POSTED, False)}
    # the look-up (refused, naming every row), then the create's read-back
    assert stats(emu)["by_route"][STATUS] == 2
    assert len(rows(emu)) == 6


def test_a_refused_create_learns_with_one_status_call_that_no_row_exists(emu, connected, company):
    # After a refused create the status call halved down to each row (2n-1 refused calls,
    # the chaos run's 60 in a row) to learn what it names at once: no row exists.
    for n in range(6):
        bill(company, n)
    emu.faults(fail_next=[{"status": 400, "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    assert set(SyncRecord.objects.values_list("state", flat=True)) == {SyncState.POSTED}
    status_calls = AuditEntry.objects.filter(path__endswith="/ledgeritems/status").order_by("id")
    assert [e.status for e in status_calls] == [400, 200]  # none exists; the read-back
    assert len(rows(emu)) == 6


def test_the_oldest_record_of_a_batch_backing_off_goes_again_within_seconds(
    emu, connected, company
):
    # The chaos run's last records waited out their 60 s back-off with the system long back:
    # nothing else of theirs was sent, so nothing told them the outage was over.
    first, second = bill(company, 1), bill(company, 2)
    SyncRecord.objects.update(attempts=9)  # back-off at its cap: 30-60 s
    emu.faults(fail_next=[{"status": 503, "count": 1 + engine.IN_PLACE_RETRIES, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    after = timezone.now()
    waits = {
        r.bill_id: (r.next_attempt_at - after).total_seconds() for r in SyncRecord.objects.all()
    }
    assert waits[first.pk] <= engine.scout_seconds() + 1 < 29 <= waits[second.pk]


def test_a_backlog_is_claimed_oldest_first_also_after_a_failure(emu, connected, company):
    older, newer = bill(company, 1), bill(company, 2)
    now = timezone.now()
    SyncRecord.objects.filter(bill=older).update(next_attempt_at=now)  # waited out a failure
    SyncRecord.objects.filter(bill=newer).update(next_attempt_at=now - timedelta(seconds=30))
    _, [claimed] = engine.claim(connected, 1)
    assert claimed.bill_id == older.pk
