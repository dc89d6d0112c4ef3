"""Huey tasks: they only wake the engine; the sync records say what to do (DESIGN.md).

A lost message only delays: `sweep` runs every minute and enqueues every integration with
something due.
"""

from __future__ import annotations

import logging
import threading
import time

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

# issue 14 item 5: at most one wake-up of an integration waits in the queue. Every bill change
# woke its integration, so a company importing 10,000 bills put 10,000 wake-ups ahead of
# another company's one, and every worker served the first company's backlog (each run up to
# its time budget) while the other waited for all of it. With one waiting wake-up each, the
# queue takes the companies in turn. A mark older than WAKE_STALE_SECONDS is taken for lost
# (a worker killed between taking the task and clearing it: the chaos run's reconnect waited
# for the sweep), and the minute's sweep wakes whatever the mark.
WAKE_KEY = "billbridge:sync-wake:{}"
WAKE_STALE_SECONDS = 10.0


def _mark_waiting(integration_id: int, *, force: bool = False) -> bool:
    """Mark a wake-up of the integration as waiting in the queue; False if one already is."""
    key = WAKE_KEY.format(integration_id)
    now = time.time()
    if force:
        HUEY.put(key, now)
        return True
    if HUEY.put_if_empty(key, now):
        return True
    since = HUEY.get(key, peek=True)
    if since is not None and now - float(since) < WAKE_STALE_SECONDS:
        return False
    HUEY.put(key, now)
    return True


@db_task()
def process_integration(integration_id: int) -> None:
    """Post what is due for one integration; re-enqueue while more is due or rescheduled."""
    HUEY.get(WAKE_KEY.format(integration_id))  # taken: a change from now on wakes again
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
        enqueue(integration_id, force=True)


def enqueue(integration_id: int, *, delay: float | None = None, force: bool = False) -> None:
    """Wake a worker for the integration, now (unless a wake-up of it waits in the queue
    already: it will see this change too; `force`: the sweep) or after `delay` seconds."""
    if delay:
        if HUEY.immediate:
            return  # immediate mode has no scheduler; tests drive retries themselves
        process_integration.schedule((integration_id,), delay=max(0.1, delay))
    elif _mark_waiting(integration_id, force=force):
        process_integration(integration_id)
