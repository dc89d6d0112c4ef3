"""Huey tasks: they only wake the engine; the sync records say what to do (DESIGN.md).

A lost message only delays: `sweep` runs every minute and enqueues every integration with
something due.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from billbridge.sync import engine

log = logging.getLogger(__name__)


@db_task()
def process_integration(integration_id: int) -> None:
    """Post what is due for one integration; re-enqueue while more is due or rescheduled."""
    outcome = engine.process(integration_id)
    if outcome["more"]:
        enqueue(integration_id)
    elif outcome["wake_in"] is not None:
        enqueue(integration_id, delay=outcome["wake_in"])


@db_periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Every minute: wake every integration with records due (covers lost messages,
    crashed workers whose leases ran out, and rescheduled retries)."""
    for integration_id in engine.due_integration_ids():
        enqueue(integration_id)


def enqueue(integration_id: int, *, delay: float | None = None) -> None:
    """Wake a worker for the integration, now or after `delay` seconds."""
    if delay:
        if HUEY.immediate:
            return  # immediate mode has no scheduler; tests drive retries themselves
        process_integration.schedule((integration_id,), delay=max(0.1, delay))
    else:
        process_integration(integration_id)
