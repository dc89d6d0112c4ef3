"""The posting task (sync/tasks.py): one thread at a time posts for an integration, and none
of a second task's wake-up is lost (issue 17 item 3); at most one wake-up of an integration
waits in the queue, so one company's backlog does not starve another's (issue 14 item 5)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY

from billbridge.sync import tasks

NOTHING_MORE = {"more": False, "wake_in": None}


def test_a_second_task_for_a_busy_integration_returns_and_the_busy_one_looks_again(
    monkeypatch,
):
    """50 scans read one after the other each enqueue a posting task: they must not all take
    a worker thread to wait on the same organisation's pace while the scans wait."""
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def process(integration_id: int) -> dict:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            started.set()
            release.wait(10)
        return NOTHING_MORE

    monkeypatch.setattr(tasks.engine, "process", process)
    busy = threading.Thread(target=tasks.process_integration, args=(7,), name="busy")
    busy.start()
    assert started.wait(10)
    tasks.process_integration(7)  # HUEY_IMMEDIATE: runs here, in this thread
    assert calls == ["busy"]  # returned at once, no second thread posting
    release.set()
    busy.join(10)
    assert calls == ["busy", "busy"]  # the busy one looked again for the second's work


def test_another_integration_posts_meanwhile(monkeypatch):
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def process(integration_id: int) -> dict:
        calls.append(integration_id)
        if integration_id == 7:
            started.set()
            release.wait(10)
        return NOTHING_MORE

    monkeypatch.setattr(tasks.engine, "process", process)
    busy = threading.Thread(target=tasks.process_integration, args=(7,))
    busy.start()
    assert started.wait(10)
    tasks.process_integration(8)
    assert calls == [7, 8]
    release.set()
    busy.join(10)
    assert calls == [7, 8]  # nothing was left for 7


def test_a_task_enqueued_while_posting_in_the_same_thread_runs_inline(monkeypatch):
    """HUEY_IMMEDIATE (the tests, the demo's seed): a bill change inside the posting enqueues
    a task that runs in the same thread, as before."""
    calls: list[int] = []

    def process(integration_id: int) -> dict:
        calls.append(integration_id)
        if len(calls) == 1:
            tasks.process_integration(integration_id)
        return NOTHING_MORE

    monkeypatch.setattr(tasks.engine, "process", process)
    tasks.process_integration(7)
    assert calls == [7, 7]


BIG, SMALL = 101, 202


@pytest.fixture
def queue() -> Iterator[None]:
    """Tasks go to the file queue instead of running inline."""
    HUEY.immediate = False
    HUEY.flush()
    yield
    HUEY.flush()
    HUEY.immediate = True


def queued() -> list[int]:
    return [message.args[0] for message in HUEY.pending()]


@pytest.mark.django_db
def test_a_company_s_many_changes_wait_as_one_wake_up_ahead_of_another_company(queue):
    # 500 bills imported woke their integration 500 times: the other company's one wake-up
    # waited behind all of them, and every worker served the big backlog first.
    for _ in range(500):
        tasks.enqueue(BIG)
    tasks.enqueue(SMALL)
    assert queued() == [BIG, SMALL]


@pytest.mark.django_db
def test_a_change_after_the_wake_up_was_taken_wakes_again(queue):
    tasks.enqueue(BIG)
    HUEY.execute(HUEY.dequeue())  # a worker takes it (nothing to post: no such integration)
    tasks.enqueue(BIG)
    assert queued() == [BIG]


@pytest.mark.django_db
def test_a_wake_up_mark_left_by_a_killed_worker_stops_holding_after_seconds(queue):
    HUEY.put(tasks.WAKE_KEY.format(BIG), time.time() - tasks.WAKE_STALE_SECONDS - 1)
    tasks.enqueue(BIG)
    assert queued() == [BIG]


@pytest.mark.django_db
def test_the_sweep_wakes_whatever_the_mark(queue, monkeypatch):
    tasks.enqueue(BIG)
    HUEY.dequeue()  # a worker took the task and was killed: its mark stays
    monkeypatch.setattr(tasks.engine, "due_integration_ids", lambda: [BIG])
    tasks.sweep.call_local()
    assert queued() == [BIG]
