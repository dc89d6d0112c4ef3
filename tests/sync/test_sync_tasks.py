"""The posting task (sync/tasks.py): one thread at a time posts for an integration, and none
of a second task's wake-up is lost (issue 17 item 3)."""

from __future__ import annotations

import threading

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
