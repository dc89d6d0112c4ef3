"""Bill events → sync records, in the bill's own transaction; a worker is woken after commit.

`bills` knows nothing of integrations (DESIGN.md); this is the only place that listens.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billbridge.bills.models import Bill
from billbridge.sync import engine


def _wake(integration_ids: list[int]) -> None:
    if not integration_ids:
        return

    def enqueue() -> None:
        from billbridge.sync import tasks

        for integration_id in integration_ids:
            tasks.enqueue(integration_id)

    transaction.on_commit(enqueue)


def on_bill_saved(sender: Any, bill: Bill, **kwargs: Any) -> None:
    _wake(engine.record_bill_change(bill))


def on_bill_paid(sender: Any, bill: Bill, **kwargs: Any) -> None:
    _wake(engine.record_bill_change(bill, paid=True))
