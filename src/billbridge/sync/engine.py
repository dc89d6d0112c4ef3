"""The sync engine: sync records → provider calls → posted, waiting or failed (R-3, R-4).

The sync record is the truth; the queue only wakes `process()`. Exactly once, in two layers:
  1. before a write the claimed records are marked `in_doubt` (committed); after an uncertain
     outcome (timeout, dropped connection, a worker killed mid-call) the next attempt asks the
     provider to `find()` the entry before posting anything;
  2. providers write a reference chosen by us into the entry (Dinero: the row's Id, refused
     with 409 when it exists), so even a wrongly cleared doubt cannot double a row.
Records are claimed with a lease (`claimed_until`) by a conditional UPDATE, which is atomic on
SQLite and PostgreSQL alike, so two workers never post the same record at once, and a worker
that dies only delays its records by the lease.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db import connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation

from billbridge.bills.models import POSTABLE_STATUSES, Bill, BillStatus, Payment
from billbridge.fx import services as fx
from billbridge.integrations import registry, vat
from billbridge.integrations.base import (
    AccountingError,
    AccountingSystem,
    BillSnapshot,
    EntryToPost,
    ErrorKind,
    PaymentSnapshot,
    PostedEntry,
)
from billbridge.integrations.currency import BASE_CURRENCY, to_base
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync.models import SyncKind, SyncRecord, SyncState

log = logging.getLogger(__name__)

POSTABLE = POSTABLE_STATUSES  # the statuses; Bill.objects.postable() is the whole rule
BACKOFF_BASE = 2.0
BACKOFF_CAP = 600.0
# remote_data key of what a write in doubt sent (provider.intent(), kept before the write).
INTENT = "intent"
# issue 14 item 5: a transient failure of one call is retried in place (that call, those
# records) a few times, briefly; a record's own back-off for transient failures stops at
# SYNC_BACKOFF_CAP_SECONDS, so a backlog drains at the systems' pace, not the back-off's.
IN_PLACE_RETRIES = 2
IN_PLACE_MAX_WAIT = 5.0
TRANSIENT_CODES = frozenset({"unavailable", "rate_limited", "timeout", "connection_lost"})
# A posted entry whose document is not attached yet (e-conomic: the attachment call failed;
# Dinero: the FileGuid was not usable in time): retried until it is (issue 14 item 3).
DOCUMENT_PENDING = "document_pending"
# A posted entry whose document billbridge can no longer attach (e-conomic: the voucher was
# booked first): the bill says so, for a person to attach it there; not tried again.
DOCUMENT_BY_HAND = "document_not_attached"


def _env(name: str, default: float) -> float:
    from django.conf import settings

    return float(getattr(settings, name, None) or os.environ.get(name) or default)


def transient_cap() -> float:
    """The longest back-off after a failure that is nobody's fault (SYNC_BACKOFF_CAP_SECONDS)."""
    return _env("SYNC_BACKOFF_CAP_SECONDS", 60)


def scout_seconds() -> float:
    """How soon after a transient failure a batch's oldest record is tried again however
    long its own back-off (SYNC_SCOUT_SECONDS, 10 s): one call to learn the outage is over."""
    return _env("SYNC_SCOUT_SECONDS", 10)


def claim_seconds() -> float:
    """The lease of a claim (SYNC_CLAIM_SECONDS, 20 s), renewed by a heartbeat while the batch
    is worked on: a killed worker's records are taken over once it runs out (issue 14)."""
    return _env("SYNC_CLAIM_SECONDS", 20)


class Heartbeat:
    """Renews a claim every third of its lease while a batch is worked on, from a thread of
    its own (its own database connection), so a lease can be seconds long however long the
    batch's calls take (rate limits, document uploads)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"claim-{token[:8]}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        from django.db import connection

        lease = claim_seconds()
        try:
            while not self._stop.wait(lease / 3):
                try:
                    self._renew(lease)
                except Exception:  # a locked SQLite, a lost connection: try again next beat
                    log.warning("claim %s not renewed", self.token, exc_info=True)
        finally:
            connection.close()

    def _renew(self, lease: float) -> None:
        """Renew the claim; rows the worker holds locked just now are skipped (renewed next
        beat), so the heartbeat never waits in a lock cycle (found by the chaos run)."""
        until = timezone.now() + timedelta(seconds=lease)
        update_unlocked(SyncRecord.objects.filter(claim_token=self.token), claimed_until=until)


def update_unlocked(records: QuerySet[SyncRecord], **values: Any) -> None:
    """UPDATE the records no other transaction holds locked just now, in id order, skipping
    the held ones instead of waiting for them (no lock cycle with a worker's batch). Without
    SKIP LOCKED (SQLite: one writer at a time) it is a plain UPDATE."""
    from django.db import connection

    if not connection.features.has_select_for_update_skip_locked:
        records.update(**values)
        return
    with transaction.atomic():
        free = list(
            records.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
        )
        if free:
            SyncRecord.objects.filter(pk__in=free).update(**values)


def lock_in_order(ids: Collection[int]) -> None:
    """Lock sync records by ascending id before a transaction updates several of them: every
    multi-row writer taking its locks in one order cannot deadlock with another (PostgreSQL
    found one between a worker's outcomes and a bill edit in the chaos run). No-op on SQLite,
    which locks the whole database."""
    if ids:
        list(
            SyncRecord.objects.select_for_update()
            .filter(pk__in=list(ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


# ------------------------------------------------------------------ providers


def separate_payment_entries(key: str) -> bool:
    """Does this provider post a payment as its own entry (e-conomic), or does a payment
    change the invoice entry (Dinero)? Its registry entry says."""
    return registry.get(key).separate_payment_entries


def batch_size(key: str) -> int:
    """Entries per `post()`: the registry entry's, unless SYNC_BATCH_SIZE says otherwise."""
    return int(_env("SYNC_BATCH_SIZE", registry.get(key).batch_size))


def provider_for(integration: Integration) -> AccountingSystem:
    """The provider object for an integration, from its registry entry's system class."""
    try:
        info = registry.get(integration.provider)
    except KeyError:
        raise AccountingError(
            ErrorKind.UNAVAILABLE, "unavailable", f"no provider {integration.provider!r}"
        ) from None
    return info.system_for(integration)


# ------------------------------------------------------------------ recording changes


def active_integrations(company_id: int) -> list[Integration]:
    return list(
        Integration.objects.filter(
            company_id=company_id,
            state__in=[IntegrationState.CONNECTED, IntegrationState.NEEDS_ATTENTION],
        )
    )


def touch(bill: Bill, integration: Integration, kind: str) -> SyncRecord:
    """Create the record, or bump its version so the change is sent (same transaction as the
    bill change). A failed record becomes waiting again: the change may be the fix."""
    now = timezone.now()
    record, created = SyncRecord.objects.get_or_create(
        bill=bill,
        provider=integration.provider,
        kind=kind,
        defaults={"company_id": bill.company_id, "next_attempt_at": now},
    )
    if not created:
        SyncRecord.objects.filter(pk=record.pk).update(
            version=F("version") + 1,
            state=SyncState.WAITING,
            next_attempt_at=now,
            updated_at=now,
            attempts=0,
            error_code="",
            error="",
            error_params={},
        )
    return record


def record_bill_change(bill: Bill, *, paid: bool = False) -> list[int]:
    """What receivers do for bill_saved / bill_paid; returns the integrations to wake."""
    if not bill.is_postable:
        return []
    woken = []
    for integration in active_integrations(bill.company_id):
        if paid and separate_payment_entries(integration.provider):
            touch(bill, integration, SyncKind.PAYMENT)
        else:
            touch(bill, integration, SyncKind.INVOICE)
        if integration.state == IntegrationState.CONNECTED:
            woken.append(integration.pk)
    return woken


# ------------------------------------------------------------------ claiming


def _waiting(integration: Integration) -> QuerySet[SyncRecord]:
    """What is still to send: waiting records, and posted ones whose document is pending."""
    return SyncRecord.objects.filter(
        company_id=integration.company_id,
        provider=integration.provider,
    ).filter(to_send())


def to_send() -> Q:
    """Waiting records, and posted ones still being sent their document (they carry an error
    code only then: DOCUMENT_PENDING, or what the last try of it met)."""
    return Q(state=SyncState.WAITING) | (
        Q(state=SyncState.POSTED) & ~Q(error_code="") & ~Q(error_code=DOCUMENT_BY_HAND)
    )


def due(integration: Integration, now: Any = None) -> QuerySet[SyncRecord]:
    now = now or timezone.now()
    return (
        _waiting(integration)
        .filter(next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def claim(integration: Integration, limit: int) -> tuple[str, list[SyncRecord]]:
    """Claim up to `limit` due records for this worker: (claim token, records).

    The UPDATE repeats the due condition, so of two workers racing for a record exactly one
    wins (each row is updated under the database's row lock / SQLite's write lock). Oldest
    first among the due (issue 14 item 5): by record, not by when each became due, so a bill
    that waited out a failure is not put behind the ones that came after it.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    ids = list(due(integration, now).order_by("id").values_list("pk", flat=True)[:limit])
    if not ids:
        return token, []
    due(integration, now).filter(pk__in=ids).update(
        claimed_until=now + timedelta(seconds=claim_seconds()), claim_token=token
    )
    records = list(
        SyncRecord.objects.filter(claim_token=token)
        .select_related(
            "bill", "bill__supplier", "bill__category", "bill__payment_method", "bill__payment",
            "bill__payment__payment_method",
        )
        .order_by("id")
    )  # fmt: skip
    return token, records


def _release(records: Iterable[SyncRecord], token: str, **changes: Any) -> None:
    ids = [r.pk for r in records]
    if ids:
        SyncRecord.objects.filter(pk__in=ids, claim_token=token).update(
            claimed_until=None, claim_token="", **changes
        )


# ------------------------------------------------------------------ snapshots


def bill_snapshot(bill: Bill) -> BillSnapshot:
    supplier = bill.supplier
    return BillSnapshot(
        bill_id=bill.pk,
        supplier_name=supplier.name if supplier else "",
        supplier_cvr=supplier.cvr if supplier else "",
        supplier_vat_number=supplier.vat_number if supplier else "",
        supplier_country=supplier.country if supplier else "",
        supplier_address=supplier.address if supplier else "",
        invoice_number=bill.invoice_number,
        issue_date=bill.issue_date,  # type: ignore[arg-type]  # postable bills have one
        due_date=bill.due_date,
        currency=bill.currency,
        total=bill.total,  # type: ignore[arg-type]
        vat_amount=bill.vat_amount,
        text=bill.text,
        category_id=bill.category_id,
        category_account=bill.category.account_number if bill.category else "",
        payment_method_id=bill.payment_method_id,
        payment_method_account=bill.payment_method.account_number if bill.payment_method else "",
        document_name=bill.document_name,
        document_content_type=bill.document_content_type,
        vat_breakdown=vat.breakdown_from(bill.vat_breakdown or []),
        exchange_rate=fx.bill_rate(bill) if _foreign(bill.currency) else None,
    )


def _foreign(currency: str) -> bool:
    return (currency or BASE_CURRENCY).upper() != BASE_CURRENCY


def _rate_error(exc: fx.RateUnavailable) -> AccountingError:
    """No rate yet: wait when time mends it (not published, source down), else a person types
    one on the bill (the words say so)."""
    kind = ErrorKind.UNAVAILABLE if exc.waits else ErrorKind.REJECTED
    return AccountingError(kind, exc.code, exc.detail, params=exc.params)


def ensure_money(bill: Bill) -> None:
    """R-6: a bill in another currency gets the official rate of its date before it is
    posted (stored on the bill, without asking for another posting). Raises AccountingError."""
    if not _foreign(bill.currency):
        return
    try:
        fx.ensure_bill_rate(bill, notify=False)
    except fx.RateUnavailable as exc:
        raise _rate_error(exc) from exc


def payment_snapshot(bill: Bill) -> PaymentSnapshot | None:
    try:
        payment: Payment = bill.payment
    except Payment.DoesNotExist:
        return None
    amount_base = rate = None
    if _foreign(payment.currency):
        # [GUESS] billbridge records the payment in the bill's currency only, so the DKK it
        # cost is taken at the official rate of the payment date (what a Danish bank's
        # conversion is based on); RateUnavailable → AccountingError, like the bill's rate.
        try:
            rate = fx.official_rate(payment.currency, payment.date)
        except fx.RateUnavailable as exc:
            raise _rate_error(exc) from exc
        amount_base = to_base(payment.amount, rate.per_100)
    return PaymentSnapshot(
        date=payment.date,
        amount=payment.amount,
        currency=payment.currency,
        payment_method_id=payment.payment_method_id,
        payment_method_account=payment.payment_method.account_number,
        amount_base=amount_base,
        exchange_rate=rate,
    )


def _document(bill: Bill) -> bytes | None:
    if not bill.document:
        return None
    try:
        with bill.document.open("rb") as fh:
            return fh.read()
    except OSError:
        log.warning("document of bill %s is missing", bill.pk)
        return None


def entry_for(record: SyncRecord) -> EntryToPost:
    bill = record.bill
    return EntryToPost(
        sync_record_id=record.pk,
        kind=record.kind,
        bill=bill_snapshot(bill),
        payment=payment_snapshot(bill),
        idempotency_key=f"billbridge-{record.pk}-v{record.version}",
        reference=f"billbridge-{record.company_id}-{record.pk}",
        remote_data=dict(record.remote_data or {}),
        document=_document(bill),
    )


# ------------------------------------------------------------------ outcomes


def backoff(attempts: int, retry_after: float | None = None, cap: float = BACKOFF_CAP) -> float:
    """Seconds until the next attempt: 2 s doubling to `cap` (10 min), with jitter, never
    sooner than the system's Retry-After."""
    ceiling = min(cap, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, float(retry_after))
    return delay


def _words(exc: AccountingError, provider: str) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {**exc.params, "system": _system_name(provider)}
    if exc.code == "rejected":
        params["detail"] = exc.detail[:300]
    with translation.override("en"):
        return message_for(exc.code, provider=provider, **params)[:500], params


def _posted(record: SyncRecord, token: str, posted: PostedEntry, version: int) -> None:
    _posted_all(token, [(record, posted, version)])


def _kept(posted: PostedEntry) -> dict[str, Any]:
    return {k: v for k, v in posted.remote_data.items() if k != INTENT}


def _posted_all(token: str, outcomes: Sequence[tuple[SyncRecord, PostedEntry, int]]) -> None:
    """Record the posted outcomes of a batch in ONE UPDATE (issue 16 item 1: one ORM statement
    per record was most of the posting's CPU). Per record: the version the remote row now
    holds, its reference and data; a record changed again meanwhile (its version above the
    posted one) stays waiting. Only records this claim still holds are written.

    ``UPDATE … FROM (VALUES …)`` (SQLite ≥ 3.33, PostgreSQL): the ORM's per-row CASE WHEN
    costs more CPU to build than the one statement per record it replaces."""
    if not outcomes:
        return
    connection = connections[SyncRecord.objects.db]
    table = connection.ops.quote_name(SyncRecord._meta.db_table)
    data_field = SyncRecord._meta.get_field("remote_data")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values: list[Any] = []
    for record, posted, version in outcomes:
        data = data_field.get_db_prep_value(_kept(posted), connection)
        values += [record.pk, version, posted.remote_reference or "", data]
    data_sql = "CAST(v.column4 AS jsonb)" if connection.vendor == "postgresql" else "v.column4"
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(outcomes))
    sql = f"""
        UPDATE {table} SET
          posted_version = v.column2,
          remote_reference = CASE WHEN v.column3 = '' THEN {table}.remote_reference
                                  ELSE v.column3 END,
          remote_data = {data_sql},
          state = CASE WHEN {table}.version <= v.column2 THEN %s ELSE %s END,
          in_doubt = %s, attempts = 0, error_code = '', error = '', error_params = %s,
          claimed_until = NULL, claim_token = '', next_attempt_at = %s, updated_at = %s
        FROM (VALUES {rows}) AS v
        WHERE {table}.id = v.column1 AND {table}.claim_token = %s"""
    empty = SyncRecord._meta.get_field("error_params").get_db_prep_value({}, connection)
    head = [SyncState.POSTED, SyncState.WAITING, False, empty, now, now]
    with connection.cursor() as cursor:
        cursor.execute(sql.strip(), [*head, *values, token])


def _doubt_all(token: str, records: Sequence[tuple[SyncRecord, bool]]) -> None:
    """Mark a batch in doubt before its write, in ONE UPDATE (issue 16 item 1): per record
    the version being sent (`attempt_version`) and, where the flag says so, its remote data
    with the provider's intent. Only records this claim still holds are written."""
    if not records:
        return
    connection = connections[SyncRecord.objects.db]
    table = connection.ops.quote_name(SyncRecord._meta.db_table)
    data_field = SyncRecord._meta.get_field("remote_data")
    values: list[Any] = []
    for record, changed in records:
        data = data_field.get_db_prep_value(record.remote_data if changed else {}, connection)
        values += [record.pk, record.attempt_version, data, 1 if changed else 0]
    data_sql = "CAST(v.column3 AS jsonb)" if connection.vendor == "postgresql" else "v.column3"
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(records))
    sql = f"""
        UPDATE {table} SET
          in_doubt = %s, attempt_version = v.column2,
          remote_data = CASE WHEN v.column4 = 1 THEN {data_sql} ELSE {table}.remote_data END
        FROM (VALUES {rows}) AS v
        WHERE {table}.id = v.column1 AND {table}.claim_token = %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql.strip(), [True, *values, token])


def _system_name(key: str) -> str:
    try:
        return registry.get(key).name
    except KeyError:
        return key


# Errors on which the integration stops and its bills wait (never failed): credentials a person
# must renew, or a system that takes no work until something outside billbridge changes.
HOLDING = frozenset({ErrorKind.CREDENTIALS, ErrorKind.BLOCKED})


def hold(integration: Integration, exc: AccountingError) -> None:
    """The integration needs attention and posts nothing until fixed: after a BLOCKED error
    with a `retry_after` the engine probes again by itself at `recheck_at` (see `_probe`);
    otherwise a person acts (reconnects, or presses Check again: `recheck`).

    Only if nobody reconnected it since this worker read it (`connected_at`): a call made with
    the old credentials, answered 401 after the user reconnected, must not undo the reconnect
    (found by the chaos run: the integration stayed in "needs attention" with good ones)."""
    message, _ = _words(exc, integration.provider)
    recheck_at = None
    if exc.kind == ErrorKind.BLOCKED and exc.retry_after is not None:
        recheck_at = timezone.now() + timedelta(seconds=max(1.0, float(exc.retry_after)))
    Integration.objects.filter(pk=integration.pk, connected_at=integration.connected_at).update(
        state=IntegrationState.NEEDS_ATTENTION,
        attention_code=exc.code[:60],
        attention_message=message,
        recheck_at=recheck_at,
        updated_at=timezone.now(),
    )
    integration.recheck_at = recheck_at


def _attention_cleared(integration: Integration) -> bool:
    """Connected again (the block is gone): the records it held are due now."""
    now = timezone.now()
    code = integration.attention_code
    cleared = Integration.objects.filter(
        pk=integration.pk, state=IntegrationState.NEEDS_ATTENTION
    ).update(
        state=IntegrationState.CONNECTED,
        attention_code="",
        attention_message="",
        recheck_at=None,
        updated_at=now,
    )
    if cleared and code:
        SyncRecord.objects.filter(
            company_id=integration.company_id,
            provider=integration.provider,
            state=SyncState.WAITING,
            error_code=code,
        ).update(next_attempt_at=now)
    integration.refresh_from_db(fields=["state", "attention_code", "recheck_at"])
    return bool(cleared)


def _failed(
    integration: Integration,
    records: Sequence[SyncRecord],
    token: str,
    exc: AccountingError,
    wake: list[float],
    keep_doubt: Collection[int] = frozenset(),
) -> None:
    """Apply one error to some records, by what its kind asks for. Records in `keep_doubt`
    (a failed look-up settled nothing about them) stay in doubt whatever the error."""
    if not records:
        return
    now = timezone.now()
    message, params = _words(exc, integration.provider)
    groups = [
        (doubt, [r for r in records if (r.pk in keep_doubt) == doubt]) for doubt in (True, False)
    ]
    if exc.kind in HOLDING:
        hold(integration, exc)
        again = integration.recheck_at or now
        for doubt, group in groups:
            _release(group, token, in_doubt=doubt, error_code=exc.code[:60], error=message,
                     error_params=params, next_attempt_at=again)  # fmt: skip
        return
    if exc.kind == ErrorKind.REJECTED:
        for doubt, group in groups:
            _release(
                group,
                token,
                state=SyncState.FAILED,
                in_doubt=doubt,
                attempts=F("attempts") + 1,
                error_code=exc.code[:60],
                error=message,
                error_params=params,
            )
        return
    # RATE_LIMITED, UNAVAILABLE: nothing was written. UNCERTAIN: it may have been → find().
    scout = min(records, key=lambda r: r.pk)
    for record in records:
        if exc.kind == ErrorKind.RATE_LIMITED and exc.retry_after is not None:
            # The system (or the tenant's shared pace) said when: then, not a back-off that
            # grows with the attempts and leaves the tenant's budget unspent (issue 14 item 5;
            # a little jitter, so a batch's records do not all come back in one instant).
            delay = float(exc.retry_after) + random.uniform(0, 1)
        else:
            delay = backoff(record.attempts + 1, exc.retry_after, cap=transient_cap())
            if record is scout:
                # The batch's oldest record goes again soon whatever its attempts: once it
                # passes, the rest are due (`_calls_pass_again`), so an outage's end is
                # noticed within seconds, not at the end of a minute's back-off (the chaos
                # run's last bills waited out 60 s with the system long back).
                delay = min(delay, scout_seconds() + random.uniform(0, 1))
        wake.append(delay)
        _release(
            [record],
            token,
            in_doubt=exc.kind == ErrorKind.UNCERTAIN or record.pk in keep_doubt,
            attempts=F("attempts") + 1,
            next_attempt_at=now + timedelta(seconds=delay),
            error_code=exc.code[:60],
            error=message,
            error_params=params,
        )


# ------------------------------------------------------------------ processing


def _probe_due(integration: Integration, now: Any = None) -> bool:
    """Blocked, and the time to try again by itself has come."""
    now = now or timezone.now()
    return (
        integration.state == IntegrationState.NEEDS_ATTENTION
        and integration.recheck_at is not None
        and integration.recheck_at <= now
    )


def _probe(integration: Integration, provider: AccountingSystem, wake: list[float]) -> bool:
    """A blocked integration's recheck: one waiting record is sent (with none waiting, the
    connection is checked). Taken or refused for its own reasons, the record shows the
    system takes work again: connected again → True. Blocked again, `hold` set a new
    recheck; a passing failure (an outage) tries again after its backoff → False."""
    before = integration.recheck_at
    token, records = claim(integration, 1)
    if records:
        with Heartbeat(token):
            _batch(integration, provider, token, records, wake)
        passed = (
            SyncRecord.objects.filter(pk__in=[r.pk for r in records])
            .filter(Q(error_code="") | Q(state=SyncState.FAILED))
            .exists()
        )
    else:
        try:
            provider.check_connection()
            passed = True
        except AccountingError as exc:
            if exc.kind in HOLDING:
                hold(integration, exc)
                return False
            wake.append(backoff(1, exc.retry_after))
            passed = False
    integration.refresh_from_db(fields=["state", "attention_code", "recheck_at"])
    if passed:
        return _attention_cleared(integration)
    if integration.recheck_at == before:  # not blocked again: an outage, try again soon
        delay = min(wake) if wake else backoff(1)
        Integration.objects.filter(pk=integration.pk, recheck_at=before).update(
            recheck_at=timezone.now() + timedelta(seconds=delay)
        )
    return False


def recheck(integration: Integration) -> AccountingError | None:
    """A person's "Check again" on an integration that needs attention (say after buying
    Dinero Pro): the connection is checked now; if it passes, the held bills are sent.
    Returns the error if it still fails (its words are the integration's again)."""
    provider: AccountingSystem | None = None
    try:
        provider = provider_for(integration)
        provider.check_connection()
    except AccountingError as exc:
        if exc.kind in HOLDING:
            hold(integration, exc)
        return exc
    finally:
        close = getattr(provider, "close", None)
        if close is not None:
            close()
    integration.refresh_from_db()
    if _attention_cleared(integration):
        _wake_after_commit(integration.pk)
    return None


def process(integration_id: int, *, budget_seconds: float = 30.0) -> dict[str, Any]:
    """Post what is due for one integration, batch after batch, within a time budget.

    A blocked integration whose recheck is due is probed first (`_probe`). Returns
    {"handled", "more" (due records left), "wake_in" (seconds until the earliest rescheduled
    record, or None)}; the task layer re-enqueues accordingly.
    """
    started = time.monotonic()
    handled = 0
    wake: list[float] = []
    integration = Integration.objects.filter(pk=integration_id).first()
    probing = integration is not None and _probe_due(integration)
    if integration is None or (integration.state != IntegrationState.CONNECTED and not probing):
        return {"handled": 0, "more": False, "wake_in": None}
    limit = batch_size(integration.provider)
    provider: AccountingSystem | None = None
    try:
        if probing:
            try:
                provider = provider_for(integration)
            except AccountingError as exc:
                hold(integration, exc)
                return {"handled": 0, "more": False, "wake_in": None}
            if not _probe(integration, provider, wake):
                return {"handled": 1, "more": False, "wake_in": min(wake) if wake else None}
            handled += 1
        while time.monotonic() - started < budget_seconds:
            token, records = claim(integration, limit)
            if not records:
                break
            if provider is None:
                try:
                    provider = provider_for(integration)
                except AccountingError as exc:
                    _failed(integration, records, token, exc, wake)
                    break
            handled += len(records)
            with Heartbeat(token):
                go_on = _batch(integration, provider, token, records, wake)
            if not go_on:
                break
            integration.refresh_from_db(fields=["state"])
            if integration.state != IntegrationState.CONNECTED:
                break
    finally:
        close = getattr(provider, "close", None)
        if close is not None:
            close()
    integration.refresh_from_db(fields=["state"])
    more = integration.state == IntegrationState.CONNECTED and due(integration).exists()
    if integration.state == IntegrationState.CONNECTED:
        # Records claimed by another worker: if it was killed, they are taken over as soon as
        # its lease runs out, not at the next sweep.
        lease_end = (
            _waiting(integration)
            .filter(claimed_until__gt=timezone.now())
            .order_by("claimed_until")
            .values_list("claimed_until", flat=True)
            .first()
        )
        if lease_end is not None:
            wake.append(max(0.5, (lease_end - timezone.now()).total_seconds() + 0.5))
    return {"handled": handled, "more": more, "wake_in": min(wake) if wake else None}


def _batch(
    integration: Integration,
    provider: AccountingSystem,
    token: str,
    records: list[SyncRecord],
    wake: list[float],
) -> bool:
    """One claimed batch. False when the integration must stop (HOLDING errors)."""
    to_post: list[SyncRecord] = []
    entries: list[EntryToPost] = []
    # 1. Doubt first: did an earlier uncertain write land? (One look-up for the batch when
    #    the provider can: `find_many`.)
    ready: list[tuple[SyncRecord, EntryToPost]] = []
    for record in records:
        try:
            ensure_money(record.bill)
            ready.append((record, entry_for(record)))
        except AccountingError as exc:  # no exchange rate to post at (yet)
            doubt = {record.pk} if record.in_doubt else set()
            _failed(integration, [record], token, exc, wake, keep_doubt=doubt)
    answers, lookup_error = _find_all(provider, [e for r, e in ready if r.in_doubt])
    answered = iter(answers)
    settled: set[int] = set()
    for n, (record, entry) in enumerate(ready):
        if record.in_doubt:
            found = next(answered, _UNANSWERED)
            if found is _UNANSWERED:
                assert lookup_error is not None
                rest = [r for r, _ in ready[n:]]
                # The look-up failed: whoever was in doubt still is (else a re-post in another
                # bulk, under another Idempotency-Key, posts the bill twice).
                doubt = {r.pk for r in rest if r.in_doubt}
                _failed(integration, rest, token, lookup_error, wake, keep_doubt=doubt)
                _release(to_post, token)
                return lookup_error.kind not in HOLDING
            if isinstance(found, PostedEntry):
                record.posted_version = record.attempt_version
                record.remote_data = found.remote_data
                if found.complete and record.attempt_version >= record.version:
                    _posted(record, token, found, record.attempt_version)
                    settled.add(record.pk)
                    continue
                SyncRecord.objects.filter(pk=record.pk).update(
                    posted_version=record.attempt_version,
                    remote_reference=found.remote_reference,
                    remote_data=found.remote_data,
                    in_doubt=False,
                )
                entry = entry_for(record)  # now an update of the found row
            else:
                SyncRecord.objects.filter(pk=record.pk).update(in_doubt=False)
        to_post.append(record)
        entries.append(entry)
    if settled:
        _calls_pass_again(integration)
    if not to_post:
        return True
    # 2. Doubt before the write, committed: a crash from here on is found again by find().
    #    A provider that must know later what this write sent (Dinero: which balancing account
    #    a row booked meanwhile holds) says so through `intent()`, kept in the same commit.
    intent = provider.intent
    for record in to_post:
        record.attempt_version = record.version
    noted: list[tuple[SyncRecord, bool]] = []
    for record, entry in zip(to_post, entries, strict=True):
        note = intent(entry)
        changed = bool(note) or INTENT in (record.remote_data or {})
        if changed:
            record.remote_data = {**(record.remote_data or {}), INTENT: note}
        noted.append((record, changed))
    with transaction.atomic():
        lock_in_order([r.pk for r in to_post])
        _doubt_all(token, noted)
    # 3. The write; a transient failure retried in place for the entries it hit.
    try:
        results = _post_in_place(provider, entries)
    except Exception as exc:  # a bug: leave the records in doubt, retry later
        log.exception("provider %s failed", integration.provider)
        error = AccountingError(ErrorKind.UNCERTAIN, "unavailable", repr(exc)[:300])
        _failed(integration, to_post, token, error, wake)
        return True
    # 4. Outcomes.
    go_on = True
    errors: dict[tuple[ErrorKind, str], tuple[AccountingError, list[SyncRecord]]] = {}
    with transaction.atomic():
        lock_in_order([r.pk for r in to_post])
        posted: list[tuple[SyncRecord, PostedEntry, int]] = []
        for record, result in zip(to_post, results, strict=True):
            if isinstance(result, PostedEntry):
                posted.append((record, result, record.attempt_version))
            else:
                _keep_progress(record, token, result)
                key = (result.kind, result.code + repr(sorted(result.params.items())))
                errors.setdefault(key, (result, []))[1].append(record)
        _posted_all(token, posted)
        for error, group in errors.values():
            _failed(integration, group, token, error, wake)
            if error.kind in HOLDING:
                go_on = False
        _documents_pending(integration, to_post, results, wake)
    if posted:
        _calls_pass_again(integration)
    return go_on


_UNANSWERED: Any = object()


def _find_all(
    provider: AccountingSystem, entries: Sequence[EntryToPost]
) -> tuple[list[PostedEntry | None], AccountingError | None]:
    """Look up entries in doubt: with the provider's `find_many` (one call for them all, Dinero)
    when it has one, else one `find()` each. A failed look-up ends it: (the answers before
    it, the error); else (one answer per entry, None)."""
    if not entries:
        return [], None
    many = getattr(provider, "find_many", None)
    if many is not None:
        try:
            return list(many(entries)), None
        except AccountingError as exc:
            return [], exc
    answers: list[PostedEntry | None] = []
    for entry in entries:
        try:
            answers.append(provider.find(entry))
        except AccountingError as exc:
            return answers, exc
    return answers, None


def _calls_pass_again(integration: Integration) -> None:
    """The system took a call again: records that only wait out the back-off of a transient
    failure (an outage, a 429, a lost connection) are due now, so a backlog drains at the
    pace the system allows once it recovers, not at the back-off's (issue 14 item 5; the
    shared pace still spaces their calls). Rows another worker holds are skipped: they are
    being sent."""
    now = timezone.now()
    backing_off = SyncRecord.objects.filter(
        company_id=integration.company_id,
        provider=integration.provider,
        error_code__in=TRANSIENT_CODES,
        next_attempt_at__gt=now,
    ).filter(to_send())
    backing_off = backing_off.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    update_unlocked(backing_off, next_attempt_at=now)


def _post_once(provider: AccountingSystem, entries: Sequence[EntryToPost]) -> list[Any]:
    """One `post()`: a failure of the whole call becomes that error in every slot."""
    try:
        return list(provider.post(entries))
    except AccountingError as exc:
        return [exc] * len(entries)


def _transient(result: Any) -> bool:
    return (
        isinstance(result, AccountingError)
        and result.kind in (ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE)
        and result.code in TRANSIENT_CODES
        and (result.retry_after or 0) <= IN_PLACE_MAX_WAIT
    )


def _post_in_place(provider: AccountingSystem, entries: Sequence[EntryToPost]) -> list[Any]:
    """Post, and send again at once what a short transient failure (5xx, a short 429) hit:
    nothing was written for those entries, and one unlucky call must not push a whole batch
    into back-off (issue 14 item 5). Progress a provider reports on an error (an uploaded
    document) goes with the next try."""
    results = _post_once(provider, entries)
    for attempt in range(IN_PLACE_RETRIES):
        slots = [i for i, r in enumerate(results) if _transient(r)]
        if not slots:
            break
        wait = max([float(results[i].retry_after or 0) for i in slots] + [backoff(attempt + 1) / 4])
        time.sleep(min(wait, IN_PLACE_MAX_WAIT))
        again = _post_once(provider, [_with_progress(entries[i], results[i]) for i in slots])
        for i, result in zip(slots, again, strict=True):
            results[i] = _carry_progress(results[i], result)
    return results


def _progress(result: Any) -> dict[str, Any] | None:
    return result.progress if isinstance(result, AccountingError) else None


def _with_progress(entry: EntryToPost, result: Any) -> EntryToPost:
    data = _progress(result)
    return dataclasses.replace(entry, remote_data=dict(data)) if data is not None else entry


def _carry_progress(before: Any, after: Any) -> Any:
    """A retry that failed again without news keeps the progress of the try before."""
    progress = _progress(before)
    if isinstance(after, AccountingError) and after.progress is None and progress:
        return after.with_progress(progress)
    return after


def _keep_progress(record: SyncRecord, token: str, error: AccountingError) -> None:
    """A failed entry's progress (Dinero: the document's FileGuid), kept for the next
    attempt, so a document is uploaded once however often its row is retried (item 3)."""
    data = _progress(error)
    if data is None:
        return
    merged = {**(record.remote_data or {}), **data}
    if merged != record.remote_data:
        record.remote_data = merged
        SyncRecord.objects.filter(pk=record.pk, claim_token=token).update(remote_data=merged)


def document_by_hand(remote_data: dict[str, Any]) -> bool:
    """Is the entry in the system without its document, which only a person can attach now
    (see DOCUMENT_BY_HAND)?"""
    return remote_data.get("attachment") == "by_hand"


def document_pending(remote_data: dict[str, Any]) -> bool:
    """Is the entry in the system without its document yet (see DOCUMENT_PENDING)?"""
    return remote_data.get("attachment") == "pending" or bool(remote_data.get("file_pending"))


def _documents_pending(
    integration: Integration,
    records: Sequence[SyncRecord],
    results: Sequence[Any],
    wake: list[float],
) -> None:
    """Posted records whose document is not attached yet stay posted, saying so, and are
    tried again (only the document) after a back-off that grows with each try of it (it
    started again at 1-2 s each time: the posting resets the attempts). One whose document
    only a person can attach now (`document_by_hand`) says so and is not tried again."""
    now = timezone.now()
    system = _system_name(integration.provider)
    for record, result in zip(records, results, strict=True):
        if not isinstance(result, PostedEntry):
            continue
        by_hand = document_by_hand(result.remote_data)
        if not by_hand and not document_pending(result.remote_data):
            continue
        code = DOCUMENT_BY_HAND if by_hand else DOCUMENT_PENDING
        tries = record.attempts + 1 if record.error_code == DOCUMENT_PENDING else 1
        delay = backoff(tries, cap=transient_cap())
        if not by_hand:
            wake.append(delay)
        with translation.override("en"):
            words = message_for(code, provider=integration.provider, system=system)
        SyncRecord.objects.filter(pk=record.pk, state=SyncState.POSTED).update(
            error_code=code,
            error=words[:500],
            error_params={"system": system},
            attempts=tries,
            next_attempt_at=now + timedelta(seconds=delay),
        )


# ------------------------------------------------------------------ people's actions


def _wake_after_commit(integration_id: int) -> None:
    def enqueue() -> None:
        from billbridge.sync import tasks

        tasks.enqueue(integration_id)

    transaction.on_commit(enqueue)


def retry(record: SyncRecord) -> None:
    """Send the record again now (after fixing a category, an account…)."""
    SyncRecord.objects.filter(pk=record.pk).update(
        state=SyncState.WAITING,
        next_attempt_at=timezone.now(),
        attempts=0,
        error_code="",
        error="",
        error_params={},
    )
    integration = Integration.objects.filter(
        company_id=record.company_id, provider=record.provider
    ).first()
    if integration is not None:
        _wake_after_commit(integration.pk)


def resume(integration: Integration) -> int:
    """After a (re)connect: every waiting record is due now, and a worker is woken.

    Bills changed while the integration was disconnected (their events made no record
    change) get their records bumped, so Dinero's unbooked rows catch up. The comparison is
    coarse (a bill saved before its record was posted also counts), so at worst a row is sent again
    unchanged, which an update makes harmless.
    """
    now = timezone.now()
    records = SyncRecord.objects.filter(
        company_id=integration.company_id, provider=integration.provider
    )
    with transaction.atomic():
        list(records.select_for_update().order_by("pk").values_list("pk", flat=True))  # see
        # lock_in_order: a worker's transactions take the same locks in the same order
        records.exclude(state=SyncState.WAITING).filter(
            bill__updated_at__gt=F("updated_at"), bill__status__in=POSTABLE
        ).update(version=F("version") + 1, state=SyncState.WAITING, updated_at=now)
        count = records.filter(state=SyncState.WAITING).update(next_attempt_at=now, attempts=0)
        _wake_after_commit(integration.pk)
    return count


def backfill(integration: Integration) -> int:
    """R-4: sync records for every postable bill that has none yet → how many were made."""
    bills = Bill.objects.filter(company_id=integration.company_id).postable()
    have = set(
        SyncRecord.objects.filter(
            company_id=integration.company_id, provider=integration.provider
        ).values_list("bill_id", "kind")
    )
    separate = separate_payment_entries(integration.provider)
    now = timezone.now()
    new: list[SyncRecord] = []
    for bill_id, status in bills.values_list("pk", "status"):
        kinds = [SyncKind.INVOICE]
        if separate and status == BillStatus.PAID:
            kinds.append(SyncKind.PAYMENT)
        for kind in kinds:
            if (bill_id, kind) not in have:
                new.append(
                    SyncRecord(
                        company_id=integration.company_id,
                        bill_id=bill_id,
                        provider=integration.provider,
                        kind=kind,
                        next_attempt_at=now,
                    )
                )
    with transaction.atomic():
        SyncRecord.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        if integration.state == IntegrationState.CONNECTED:
            _wake_after_commit(integration.pk)
    return len(new)


def progress(integration: Integration) -> dict[str, int]:
    """How far sending has come: posted / total, with waiting and failed, from the DB."""
    qs = SyncRecord.objects.filter(company_id=integration.company_id, provider=integration.provider)
    counts = {state: 0 for state in SyncState.values}
    for state, n in _count(qs):
        counts[state] = n
    total = sum(counts.values())
    return {
        "total": total,
        "posted": counts[SyncState.POSTED],
        "waiting": counts[SyncState.WAITING],
        "failed": counts[SyncState.FAILED],
        "percent": int(100 * counts[SyncState.POSTED] / total) if total else 100,
    }


def _count(qs: QuerySet[SyncRecord]) -> list[tuple[str, int]]:
    from django.db.models import Count

    return [(row["state"], row["n"]) for row in qs.values("state").annotate(n=Count("id"))]


def describe(record: SyncRecord) -> SyncRecord:
    """Give the record a `message`: its error in plain words, in the active language."""
    if record.error_code:
        params = dict(record.error_params or {})
        params.setdefault("system", _system_name(record.provider))
        record.message = message_for(  # type: ignore[attr-defined]
            record.error_code, provider=record.provider, **params
        )
    else:
        record.message = ""  # type: ignore[attr-defined]
    return record


def due_integration_ids() -> list[int]:
    """Connected integrations with something due, and blocked ones whose recheck is due: what
    the periodic sweep wakes (three queries, however many companies)."""
    now = timezone.now()
    probes = set(
        Integration.objects.filter(
            state=IntegrationState.NEEDS_ATTENTION, recheck_at__lte=now
        ).values_list("pk", flat=True)
    )
    pairs = set(
        SyncRecord.objects.filter(to_send(), next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .values_list("company_id", "provider")
        .distinct()
    )
    if not pairs:
        return sorted(probes)
    connected = Integration.objects.filter(
        state=IntegrationState.CONNECTED, company_id__in={c for c, _ in pairs}
    ).values_list("pk", "company_id", "provider")
    return sorted(
        probes | {pk for pk, company_id, provider in connected if (company_id, provider) in pairs}
    )
