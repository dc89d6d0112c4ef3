"""R-3 under faults: whatever fails, every bill ends up in the kassekladde exactly once.

Each test injects a fault in the Dinero emulator, runs the engine (fast-forwarding the clock
over backoffs) and counts the rows in the emulator.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.utils import timezone

from billbridge.bills.models import Category
from billbridge.bills.services import update_bill
from billbridge.integrations.dinero import setup
from billbridge.integrations.models import IntegrationState
from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState
from tests.integrations.dinero.fixtures import ORG, api_key, bill, control_rows, rows, settle, stats

pytestmark = pytest.mark.django_db

CREATE = "POST /v1.2/{org}/ledgeritems"


def assert_exactly_once(emu, company, n):
    found = rows(emu)
    descriptions = Counter(r["Description"] for r in found)
    assert len(found) == n, found
    assert all(count == 1 for count in descriptions.values()), descriptions
    records = SyncRecord.objects.filter(company=company)
    assert records.count() == n
    assert set(records.values_list("state", flat=True)) == {SyncState.POSTED}
    assert not records.filter(in_doubt=True).exists()
    ids = {r["Id"] for r in found}
    assert {r.remote_data["id"] for r in records} == ids


def test_429_waits_for_retry_after(emu, connected, company):
    for n in range(3):
        bill(company, n)
    emu.faults(fail_next=[{"status": 429, "count": 1, "path_contains": "ledgeritems",
                           "method": "POST", "retry_after": 7}])  # fmt: skip
    before = timezone.now()
    engine.process(connected.pk)
    records = SyncRecord.objects.filter(company=company)
    assert set(records.values_list("state", "error_code")) == {("waiting", "rate_limited")}
    assert all((r.next_attempt_at - before).total_seconds() >= 7 for r in records)
    assert not records.filter(in_doubt=True).exists()
    assert engine.process(connected.pk)["handled"] == 0  # not due before Retry-After
    settle(connected)
    assert_exactly_once(emu, company, 3)


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_back_off_and_retry(emu, connected, company, status):
    for n in range(3):
        bill(company, n)
    # more failures than the tries in place (issue 14 item 5), so the records back off
    emu.faults(fail_next=[{"status": status, "count": 5, "path_contains": "ledgeritems"}])
    engine.process(connected.pk)
    record = SyncRecord.objects.filter(company=company).first()
    assert record.state == SyncState.WAITING and record.error_code == "unavailable"
    # The first back-off is 1-2 s (jitter), less the moments since it was computed.
    assert 0.5 <= (record.next_attempt_at - timezone.now()).total_seconds() <= 2.5
    settle(connected)
    assert_exactly_once(emu, company, 3)


def test_connection_dropped_after_the_write_is_found_not_reposted(emu, connected, company):
    for n in range(4):
        bill(company, n)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "path_contains": "/ledgeritems",
                           "method": "POST"}])  # fmt: skip
    engine.process(connected.pk)
    records = SyncRecord.objects.filter(company=company)
    assert records.filter(in_doubt=True).count() == 4
    assert len(rows(emu)) == 4  # the write landed although we never heard the answer
    settle(connected)
    assert_exactly_once(emu, company, 4)
    assert stats(emu)["by_route"][CREATE] == 1  # found again, never posted twice


def test_timeout_on_the_write_is_found_not_reposted(emu, connected, company, settings):
    settings.ACCOUNTING_HTTP_TIMEOUT = 0.5
    for n in range(2):
        bill(company, n)
    emu.faults(timeout_seconds=1.0, fail_next=[{"status": "timeout", "count": 1,
                                                "path_contains": "/ledgeritems"}])  # fmt: skip
    engine.process(connected.pk)
    assert SyncRecord.objects.filter(in_doubt=True, error_code="timeout").count() == 2
    settle(connected)
    assert_exactly_once(emu, company, 2)
    assert stats(emu)["by_route"][CREATE] == 1


def test_doubt_cleared_wrongly_still_posts_once(emu, connected, company):
    """Layer two: even if the engine forgot its doubt, the row's Id makes Dinero say 409."""
    b = bill(company)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "path_contains": "/ledgeritems"}])
    engine.process(connected.pk)
    SyncRecord.objects.filter(bill=b).update(in_doubt=False)  # lose the first layer
    settle(connected)
    assert_exactly_once(emu, company, 1)


def test_expired_token_is_refreshed_once(emu, connected, company):
    emu.faults(token_ttl_seconds=0.5)
    bill(company, 1)
    settle(connected)
    time.sleep(0.7)
    bill(company, 2)
    settle(connected)
    assert_exactly_once(emu, company, 2)
    assert connected.state == IntegrationState.CONNECTED


def test_revoked_key_holds_everything_until_reconnected(emu, connected, company, user):
    key = api_key(emu)
    emu.client.post(f"/_emulator/organizations/{ORG}/api-keys/{key}/revoke").raise_for_status()
    for n in range(3):
        bill(company, n)
    engine.process(connected.pk)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.NEEDS_ATTENTION
    assert connected.attention_code == "invalid_api_key"
    assert "API key" in connected.attention_message
    bill(company, 3)  # still recorded while held…
    assert engine.process(connected.pk)["handled"] == 0  # …but nothing is sent
    assert SyncRecord.objects.filter(state=SyncState.WAITING).count() == 4
    assert control_rows(emu) == []
    # The user fixes it in Dinero (the emulator's reset makes the key valid again) and
    # reconnects: every held record is queued again and posted.
    emu.reset()
    setup.connect(company, user, api_key=key, organization_id=ORG,
                  import_chart_of_accounts=False)  # fmt: skip
    connected.refresh_from_db()
    assert connected.state == IntegrationState.CONNECTED and not connected.attention_code
    settle(connected)
    assert_exactly_once(emu, company, 4)


def test_deleted_account_fails_in_plain_words_then_retry_after_recategorising(
    emu, connected, company
):
    office = Category.objects.create(company=company, name="Kontor", account_number="7200")
    other = Category.objects.create(company=company, name="Software", account_number="7320")
    emu.client.delete(f"/_emulator/organizations/{ORG}/accounts/7200").raise_for_status()
    good = bill(company, 1, category=other)
    b = bill(company, 2, category=office)
    settle(connected)
    record = SyncRecord.objects.get(bill=b)
    assert record.state == SyncState.FAILED and record.error_code == "unknown_account"
    assert record.error == (
        "Account 7200 no longer exists in Dinero. Choose another category or fallback "
        "account, then press Retry."
    )
    assert SyncRecord.objects.get(bill=good).state == SyncState.POSTED  # the batch went on
    engine.retry(record)  # Retry without a fix: fails again, still nothing posted twice
    settle(connected)
    assert SyncRecord.objects.get(bill=b).state == SyncState.FAILED
    update_bill(b, {"category": other})
    engine.retry(SyncRecord.objects.get(bill=b))
    settle(connected)
    assert_exactly_once(emu, company, 2)


def test_chaos_every_bill_exactly_once(emu, connected, company):
    for n in range(20):
        bill(company, n)
    emu.faults(seed=7, error_rate=0.2, throttle_rate=0.1, drop_after_write_rate=0.3,
               retry_after=0)  # fmt: skip
    settle(connected, rounds=60)
    emu.faults(reset=True)
    settle(connected)
    assert_exactly_once(emu, company, 20)


def test_changes_during_doubt_are_sent_after_the_row_is_found(emu, connected, company):
    from decimal import Decimal

    b = bill(company)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "path_contains": "/ledgeritems"}])
    engine.process(connected.pk)
    update_bill(b, {"total": Decimal("999.00"), "vat_amount": Decimal("0")})
    settle(connected)
    assert_exactly_once(emu, company, 1)
    assert rows(emu)[0]["Amount"] == 999.0
    assert SyncRecord.objects.get(bill=b).posted_version == 2


def test_connection_refused_is_unavailable_and_not_in_doubt(emu, connected, company, settings):
    bill(company)
    from billbridge.integrations.dinero import client as dinero_client

    dinero_client.TOKENS._tokens.clear()
    settings.DINERO_API_URL = "http://127.0.0.1:9"
    settings.DINERO_AUTH_URL = "http://127.0.0.1:9/dineroapi/oauth/token"
    engine.process(connected.pk)
    record = SyncRecord.objects.get()
    assert (record.state, record.error_code, record.in_doubt) == ("waiting", "unavailable", False)
    settings.DINERO_API_URL = emu.base_url
    settings.DINERO_AUTH_URL = emu.base_url + "/dineroapi/oauth/token"
    settle(connected)
    assert_exactly_once(emu, company, 1)


def test_sweep_finds_due_integrations_only(emu, connected, company):
    assert engine.due_integration_ids() == []
    bill(company)
    assert engine.due_integration_ids() == [connected.pk]
    settle(connected)
    assert engine.due_integration_ids() == []


# ---- issue 14 item 1 and 2: Dinero's paths found by the chaos run, reproduced one by one

CREATE_PATH = "/v1.2/"
STATUS_PATH = "/ledgeritems/status"


def _card(company):
    from billbridge.bills.models import PaymentMethod

    return PaymentMethod.objects.create(
        company=company, name="Firmakort", type="credit_card", account_number="55040"
    )


def _pay(b, card):
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction

    from billbridge.bills.services import pay_bill

    with transaction.atomic():
        pay_bill(b, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=card)


def test_row_booked_while_in_doubt_gets_its_payment_row_and_never_fails(emu, connected, company):
    # issue 14 item 2: the create's answer is lost, the look-up fails, the accountant books
    # the row, the bill is paid → a payment row (the bill is not at fault), and the bill
    # created in the same call is posted too
    card = _card(company)
    b = bill(company, 1)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    emu.faults(fail_next=[{"status": 503, "count": 1, "path_contains": STATUS_PATH}])
    engine.process(connected.pk)
    assert SyncRecord.objects.get(bill=b).in_doubt
    emu.client.post(f"/_emulator/organizations/{ORG}/book").raise_for_status()
    _pay(b, card)
    other = bill(company, 2)
    emu.faults(fail_next=[{"status": 503, "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    settle(connected)
    states = dict(SyncRecord.objects.values_list("bill_id", "state"))
    assert states == {b.pk: SyncState.POSTED, other.pk: SyncState.POSTED}
    found = control_rows(emu)
    assert len(found) == 3  # the booked row, its payment row, the other bill's row
    payment = [r for r in found if r["BalancingAccountNumber"] == 55040]
    assert len(payment) == 1 and payment[0]["Amount"] == 1250.0
    assert SyncRecord.objects.get(bill=b).remote_data["payment"]["id"] == payment[0]["Id"]


def test_a_row_found_by_its_id_is_brought_up_to_the_latest_version(emu, connected, company):
    # issue 14 item 1: the create lands unanswered, the look-up fails, the next creates fail
    # and the answer of the one after (its 409) is lost; the bill is paid meanwhile. Finding
    # the row by its Id is no proof that the payment reached it.
    card = _card(company)
    b = bill(company, 1)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    _pay(b, card)
    emu.faults(fail_next=[
        {"status": 503, "count": 1, "path_contains": STATUS_PATH},
        {"status": 503, "count": 2, "method": "POST", "path_contains": CREATE_PATH},
        {"status": "drop", "count": 1, "method": "POST", "path_contains": CREATE_PATH},
    ])  # fmt: skip
    for _ in range(4):
        SyncRecord.objects.update(next_attempt_at=timezone.now(), claimed_until=None)
        engine.process(connected.pk)
    settle(connected)
    [row] = control_rows(emu)
    assert row["BalancingAccountNumber"] == 55040  # the payment method's account
    record = SyncRecord.objects.get(bill=b)
    assert (record.state, record.posted_version) == (SyncState.POSTED, record.version)


def test_a_lost_answer_to_a_refused_create_does_not_pass_for_the_latest_version(
    emu, connected, company
):
    # issue 14 item 1, the second layer alone (the doubt lost): the retried create is refused
    # (409, the row exists) and that answer is lost too; the row found by its Id afterwards
    # still holds the unpaid version
    card = _card(company)
    b = bill(company, 1)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    SyncRecord.objects.filter(bill=b).update(in_doubt=False)
    _pay(b, card)
    emu.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    settle(connected)
    [row] = control_rows(emu)
    assert row["BalancingAccountNumber"] == 55040
    record = SyncRecord.objects.get(bill=b)
    assert (record.state, record.posted_version) == (SyncState.POSTED, record.version)


# ---- issue 14 items 3 and 5: documents once; a transient error retries that call


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
UPLOAD = "POST /v1/{org}/files"


def test_one_5xx_is_retried_in_place_not_backed_off(emu, connected, company):
    for n in range(3):
        bill(company, n)
    emu.faults(fail_next=[{"status": 503, "count": 1, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    engine.process(connected.pk)
    records = SyncRecord.objects.filter(company=company)
    assert set(records.values_list("state", "attempts")) == {(SyncState.POSTED, 0)}
    assert_exactly_once(emu, company, 3)


def test_a_document_is_uploaded_once_however_often_its_row_is_retried(emu, connected, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bill(company, 1, document=SimpleUploadedFile("f.pdf", PDF, content_type="application/pdf"))
    emu.faults(fail_next=[{"status": 503, "count": 9, "method": "POST",
                           "path_contains": CREATE_PATH}])  # fmt: skip
    settle(connected)
    assert stats(emu)["by_route"][UPLOAD] == 1
    [row] = control_rows(emu)
    assert row["FileGuid"] == SyncRecord.objects.get().remote_data["file_guid"]
    assert_exactly_once(emu, company, 1)


def test_transient_back_off_stops_at_a_minute(emu, connected, company):
    bill(company, 1)
    SyncRecord.objects.update(attempts=15)
    emu.faults(fail_next=[{"status": 503, "count": 9, "path_contains": CREATE_PATH}])
    engine.process(connected.pk)
    record = SyncRecord.objects.get()
    assert record.state == SyncState.WAITING
    assert (record.next_attempt_at - timezone.now()).total_seconds() <= 60


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_renewed_while_its_batch_is_worked_on(emu, connected, company, settings):
    settings.SYNC_CLAIM_SECONDS = 0.6
    bill(company, 1)  # posted at once (the inline queue): made to wait again
    SyncRecord.objects.update(state=SyncState.WAITING, claimed_until=None)
    token, [record] = engine.claim(connected, 10)
    first = record.claimed_until
    with engine.Heartbeat(token):
        time.sleep(1.0)
    record.refresh_from_db()
    assert record.claimed_until > first and record.claim_token == token


def test_a_worker_wakes_when_another_workers_claim_runs_out(emu, connected, company, settings):
    settings.SYNC_CLAIM_SECONDS = 5
    bill(company, 1)
    engine.claim(connected, 10)  # a worker claims the record and is killed
    outcome = engine.process(connected.pk)
    assert outcome["handled"] == 0 and 4 <= outcome["wake_in"] <= 6
