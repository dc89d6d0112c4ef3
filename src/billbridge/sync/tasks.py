"""Huey tasks: they only wake the engine; the sync records say what to do (DESIGN.md).

A lost message only delays: `sweep` runs every minute and enqueues every integration with
something due.
"""

from __future__ import annotations

import logging
import threading

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from billbridge.sync import engine

log = logging.getLogger(__name__)


# One worker thread at a time posts for an integration in this process (issue 17 item 3):
# its calls share one rate budget, so a second thread would only wait on the same limiter
# — and every bill read from a scan enqueues a task, so 50 scans held all the worker threads
# waiting on Dinero's pace while the scans waited for a thread (ratio 3.5 instead of 1.4).
# A task that finds its integration busy leaves a note and returns; the busy one looks again
# when it is done. Per process, so a killed worker leaves no lock behind; records stay safe
# across processes by their claims (engine.claim). Re-entrant for HUEY_IMMEDIATE, where a
# task enqueued while posting runs inline in the same thread.
_guard = threading.Lock()
_posting: dict[int, threading.RLock] = {}
_again: set[int] = set()


@db_task()
def process_integration(integration_id: int) -> None:
    """Post what is due for one integration; re-enqueue while more is due or rescheduled."""
    with _guard:
        lock = _posting.setdefault(integration_id, threading.RLock())
        _again.add(integration_id)  # before trying the lock: the holder sees it after release
    if not lock.acquire(blocking=False):
        return
    try:
        with _guard:
            _again.discard(integration_id)
        outcome = engine.process(integration_id)
    finally:
        lock.release()
    with _guard:
        again = integration_id in _again
        _again.discard(integration_id)
    if outcome["more"] or again:
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
