"""Bill events → sync records, in the bill's own transaction; a worker is woken after commit.

`bills` knows nothing of integrations (DESIGN.md); this is the only place that listens. The
integrations' own signals (integrations/signals.py: connected, backfill, progress, audit) are
answered here too, so no provider imports `sync`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billbridge.bills.models import Bill
from billbridge.integrations.models import Integration
from billbridge.sync import engine
from billbridge.sync.models import AuditEntry


def _wake(integration_ids: list[int]) -> None:
    if not integration_ids:
        return

    def enqueue() -> None:
        from billbridge.sync import tasks

        for integration_id in integration_ids:
            tasks.enqueue(integration_id)

    transaction.on_commit(enqueue)


def on_integration_connected(sender: str, integration: Integration, **kwargs: Any) -> None:
    """A set-up saved a connection: send what waited (integrations.signals)."""
    engine.resume(integration)


def on_backfill_requested(sender: str, integration: Integration, **kwargs: Any) -> int:
    return engine.backfill(integration)


def on_progress_requested(sender: str, integration: Integration, **kwargs: Any) -> dict[str, int]:
    return engine.progress(integration)


def on_recheck_requested(sender: str, integration: Integration, **kwargs: Any) -> Any:
    """Check again: the engine asks the system now (engine.recheck)."""
    return engine.recheck(integration)


def on_accounting_call(sender: str, company_id: int, call: Any, **kwargs: Any) -> None:
    """One audit row per call to an accounting system; method, path, status, duration and
    outcome only, never headers, bodies, keys or tokens (SPEC §7)."""
    AuditEntry.objects.create(
        company_id=company_id,
        provider=sender,
        method=call.method[:10],
        path=call.path.split("?", 1)[0][:300],
        status=call.status,
        duration_ms=max(0, int(call.duration_ms)),
        outcome=(call.outcome or "")[:100],
    )


def on_bill_saved(sender: Any, bill: Bill, **kwargs: Any) -> None:
    _wake(engine.record_bill_change(bill))


def on_bill_paid(sender: Any, bill: Bill, **kwargs: Any) -> None:
    _wake(engine.record_bill_change(bill, paid=True))
