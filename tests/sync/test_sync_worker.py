"""The queue for real: a Huey consumer subprocess (file SQLite DB + file SqliteStorage).

Bills added in the web process are posted by the worker; a worker killed with SIGKILL in the
middle of a batch — after its write reached Dinero, before it heard the answer — leaves the
records in doubt, and the next worker finds the rows instead of posting them again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from billbridge.sync import tasks
from billbridge.sync.models import SyncRecord, SyncState
from tests.integrations.dinero.fixtures import bill, control_rows, stats

pytestmark = pytest.mark.django_db(transaction=True)
SRC = Path(__file__).resolve().parents[2] / "src"
ROOT = SRC.parent
CREATE = "POST /v1.2/{org}/ledgeritems"


@pytest.fixture
def queue() -> Iterator[None]:
    """Tasks go to the file queue instead of running inline."""
    HUEY.immediate = False
    HUEY.flush()
    yield
    HUEY.flush()
    HUEY.immediate = True


def _test_database_url() -> str:
    """The database this test runs on (SQLite file or PostgreSQL test DB), as a URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(emu, queue, tmp_path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    # tests.settings would point the worker at TEST_DATABASE_URL's own database, not the
    # test database created from it.
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(SRC), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="tests.settings",
        BILLBRIDGE_DATA_DIR=str(settings.DATA_DIR),
        DATABASE_URL=_test_database_url(),
        HUEY_IMMEDIATE="0",
        HUEY_FILE=HUEY.storage.filename,
        HUEY_WORKERS="1",
        DINERO_API_URL=settings.DINERO_API_URL,
        DINERO_AUTH_URL=settings.DINERO_AUTH_URL,
        DINERO_CLIENT_ID=settings.DINERO_CLIENT_ID,
        DINERO_CLIENT_SECRET=settings.DINERO_CLIENT_SECRET,
        DINERO_REQUESTS_PER_MINUTE="60000",
        SYNC_CLAIM_SECONDS="2",
        LOG_LEVEL="WARNING",
    )

    def start() -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "billbridge", "run_huey", "-w", "1", "-k", "thread"],
            env=env,
            cwd=str(ROOT),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def all_posted(company, n: int) -> Callable[[], bool]:
    return lambda: SyncRecord.objects.filter(company=company, state=SyncState.POSTED).count() == n


def test_worker_posts_what_the_web_process_enqueued(emu, connected, company, worker):
    for n in range(5):
        bill(company, n)
    assert SyncRecord.objects.filter(company=company, state=SyncState.WAITING).count() == 5
    assert len(HUEY) >= 1  # messages are waiting in the file queue
    worker()
    wait_for(all_posted(company, 5))
    assert len(control_rows(emu)) == 5


def test_worker_killed_mid_batch_posts_exactly_once_after_restart(emu, connected, company, worker):
    emu.faults(latency_ms=1000)  # token ~1 s, then the create ~1 s (applied after the wait)
    for n in range(5):
        bill(company, n)
    first = worker()
    # The emulator counts a request when it arrives, then waits out the latency, then applies
    # it: kill the worker as soon as its create request has arrived.
    wait_for(lambda: stats(emu)["by_route"].get(CREATE, 0) == 1)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=5)
    wait_for(lambda: len(control_rows(emu)) == 5)  # the write nobody will hear about lands
    assert SyncRecord.objects.filter(company=company, in_doubt=True).count() == 5
    emu.faults(latency_ms=0)
    lease = SyncRecord.objects.filter(company=company).first().claimed_until
    wait_for(lambda: timezone.now() > lease)  # the dead worker's claim (2 s lease) runs out
    tasks.process_integration(connected.pk)  # what the minute sweep would enqueue
    worker()
    wait_for(all_posted(company, 5))
    assert len(control_rows(emu)) == 5
    assert stats(emu)["by_route"][CREATE] == 1  # found again, never posted twice
    assert not SyncRecord.objects.filter(company=company, in_doubt=True).exists()
