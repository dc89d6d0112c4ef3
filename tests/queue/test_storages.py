"""The background queue works on every storage the README offers (issue 2, item 6).

Each test runs a real Huey consumer thread on the storage and waits for a task's result.
Redis and PostgreSQL are the servers that TEST_REDIS_URL / TEST_DATABASE_URL name (make test
starts its own when they are not set); without them those tests are skipped on purpose.
"""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from billbridge.queue import Doorbell, DoorbellSqliteHuey, PostgresHuey


class ThreadConsumer(Consumer):
    """A real consumer, minus the signal handlers that only the main thread may install."""

    def _set_signal_handlers(self) -> None:
        pass


def _round_trip(huey) -> int:
    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    consumer = ThreadConsumer(huey, workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        return add(2, 3).get(blocking=True, timeout=20)
    finally:
        consumer.stop(graceful=True)


def test_sqlite_storage_runs_a_task(tmp_path):
    assert _round_trip(SqliteHuey("bb-test", filename=str(tmp_path / "q.sqlite3"))) == 5


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_redis_storage_runs_a_task():
    huey = RedisHuey(f"bb-test-{uuid.uuid4().hex}", url=os.environ["TEST_REDIS_URL"])
    try:
        assert _round_trip(huey) == 5
    finally:
        huey.storage.flush_all()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="needs TEST_DATABASE_URL naming a PostgreSQL server",
)
def test_postgres_storage_runs_a_task():
    huey = PostgresHuey(f"bb_test_{uuid.uuid4().hex[:12]}", dsn=os.environ["TEST_DATABASE_URL"])
    try:
        assert _round_trip(huey) == 5
    finally:
        huey.storage.flush_all()


def test_settings_select_the_storage_by_environment(monkeypatch):
    """HUEY_STORAGE=redis|postgres switches the product's queue (README, 'The queue')."""
    import importlib

    import billbridge.settings as product_settings

    monkeypatch.setenv("HUEY_STORAGE", "redis")
    monkeypatch.setenv("HUEY_URL", "redis://127.0.0.1:6379/3")
    try:
        reloaded = importlib.reload(product_settings)
        assert reloaded.HUEY["huey_class"] == "huey.RedisHuey"
        monkeypatch.setenv("HUEY_STORAGE", "postgres")
        reloaded = importlib.reload(product_settings)
        assert reloaded.HUEY["huey_class"] == "billbridge.queue.PostgresHuey"
    finally:
        monkeypatch.undo()
        importlib.reload(product_settings)


def _product_huey_settings(monkeypatch, **env: str) -> dict:
    """settings.HUEY as the product computes it from these environment variables."""
    import importlib

    import billbridge.settings as product_settings

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        return dict(importlib.reload(product_settings).HUEY)
    finally:
        monkeypatch.undo()
        importlib.reload(product_settings)


def _build(config: dict):
    """The Huey instance djhuey builds from a HUEY settings dict."""
    from django.utils.module_loading import import_string

    options = {
        k: v for k, v in config.items() if k not in ("huey_class", "name", "consumer", "immediate")
    }
    return import_string(config["huey_class"])(config["name"], **options)


def test_an_idle_sqlite_worker_waits_on_the_doorbell_no_longer_than_the_poll_setting(
    tmp_path, monkeypatch
):
    """Issue 17 item 1: an idle worker on the SQLite queue does not poll with Huey's backoff
    (up to 10 s): it waits on the doorbell, at most HUEY_POLL_SECONDS, and reads again."""
    config = _product_huey_settings(monkeypatch, HUEY_FILE=str(tmp_path / "q.sqlite3"))
    huey = _build(config)
    assert huey.storage.blocking
    consumer = ThreadConsumer(huey, **{**config["consumer"], "workers": 1}, periodic=False)
    worker = consumer._create_worker()
    sleeps: list[float] = []
    worker.stop_flag.wait = lambda seconds: sleeps.append(seconds)  # record, do not sleep
    doorbell_waits: list[float] = []
    monkeypatch.setattr(huey.storage.doorbell, "wait", doorbell_waits.append)
    for _ in range(200):  # an empty queue, asked 200 times
        worker.loop()
    assert sleeps == []
    assert doorbell_waits == [0.5] * 200


def test_enqueueing_rings_the_doorbell_a_waiting_worker_listens_on(tmp_path):
    """Whoever enqueues (the web, the worker itself, the scheduler) rings; the ring is kept
    until the worker waits, so one rung just before it waits is not lost."""
    huey = DoorbellSqliteHuey("bb-test", filename=str(tmp_path / "q.sqlite3"), read_timeout=30)
    bell = huey.storage.doorbell
    assert bell.wait(0) is False  # now listening; nothing rung
    huey.storage.enqueue(b"task")
    assert bell.wait(30) is True  # returns at once: rung
    assert bell.wait(0) is False  # one ring, one wake-up
    assert huey.storage.dequeue() == b"task"


def test_a_doorbell_left_by_a_dead_consumer_is_taken_over(tmp_path):
    path = str(tmp_path / "q.doorbell")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(path)
    dead.close()  # the file stays, nobody reads it
    bell = Doorbell(path)
    assert bell.wait(0) is False
    bell.ring()
    assert bell.wait(30) is True


def test_a_second_consumer_finds_the_doorbell_taken_and_reads_the_queue_anyway(tmp_path):
    filename = str(tmp_path / "q.sqlite3")
    first = DoorbellSqliteHuey("bb-test", filename=filename, read_timeout=0)
    second = DoorbellSqliteHuey("bb-test", filename=filename, read_timeout=0)
    assert first.storage.dequeue() is None  # binds the doorbell
    assert second.storage.dequeue() is None  # finds it bound
    first.storage.enqueue(b"task")
    assert second.storage.dequeue() == b"task"
    assert second.storage.doorbell._socket is None  # it is the first consumer's


def test_the_product_sqlite_queue_runs_a_task(tmp_path, monkeypatch):
    config = _product_huey_settings(monkeypatch, HUEY_FILE=str(tmp_path / "q.sqlite3"))
    assert _round_trip(_build(config)) == 5


def test_the_poll_bound_is_a_setting(tmp_path, monkeypatch):
    config = _product_huey_settings(
        monkeypatch, HUEY_POLL_SECONDS="0.2", HUEY_FILE=str(tmp_path / "q.sqlite3")
    )
    assert config["consumer"]["max_delay"] == 0.2


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_the_product_redis_queue_wakes_a_waiting_worker_by_blocking_pop(monkeypatch):
    """Issue 17 item 1: with HUEY_STORAGE=redis a worker waits in BRPOP, so it neither polls
    nor sleeps: the worker loop calls no sleep on an empty queue."""
    config = _product_huey_settings(
        monkeypatch, HUEY_STORAGE="redis", HUEY_URL=os.environ["TEST_REDIS_URL"]
    )
    config["name"] = f"bb-test-{uuid.uuid4().hex}"
    huey = _build(config)
    try:
        assert huey.storage.blocking
        consumer = ThreadConsumer(huey, **{**config["consumer"], "workers": 1}, periodic=False)
        worker = consumer._create_worker()
        waits: list[float] = []
        worker.stop_flag.wait = lambda seconds: waits.append(seconds)
        worker.loop()  # an empty queue: BRPOP returns after read_timeout, no sleep
        assert waits == []
        assert _round_trip(huey) == 5
    finally:
        huey.storage.flush_all()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="needs TEST_DATABASE_URL naming a PostgreSQL server",
)
def test_the_product_postgres_queue_wakes_a_waiting_worker_by_notify(monkeypatch):
    """Issue 17 item 1: with HUEY_STORAGE=postgres a worker waits in LISTEN for the NOTIFY
    that enqueue sends, instead of polling."""
    config = _product_huey_settings(
        monkeypatch, HUEY_STORAGE="postgres", HUEY_URL=os.environ["TEST_DATABASE_URL"]
    )
    config["name"] = f"bb_test_{uuid.uuid4().hex[:12]}"
    huey = _build(config)
    try:
        assert huey.storage.blocking
        consumer = ThreadConsumer(huey, **{**config["consumer"], "workers": 1}, periodic=False)
        worker = consumer._create_worker()
        waits: list[float] = []
        worker.stop_flag.wait = lambda seconds: waits.append(seconds)
        worker.loop()
        assert waits == []
        assert _round_trip(huey) == 5
    finally:
        huey.flush()
