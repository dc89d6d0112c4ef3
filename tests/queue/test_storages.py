"""The background queue works on every storage the README offers (issue 2, item 6).

Each test runs a real Huey consumer thread on the storage and waits for a task's result.
Redis and PostgreSQL are the servers that TEST_REDIS_URL / TEST_DATABASE_URL name (make test
starts its own when they are not set); without them those tests are skipped on purpose.
"""

from __future__ import annotations

import os
import uuid

import pytest
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from billbridge.queue import PostgresHuey


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
