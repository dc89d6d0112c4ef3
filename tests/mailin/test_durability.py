"""An accepted mail is never lost (B-7, issue 13 items 1 and 7): the real `smtpd` command and a
real Huey worker as processes; the worker is killed between the 250 and the processing, the
queue message is lost too, and the next worker's sweep still turns the mail into its bill."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from huey.contrib.djhuey import HUEY

from billbridge.bills.models import Bill
from billbridge.mailin import tasks
from billbridge.mailin.models import InboundMail, MailStatus
from tests.ingest import corpus
from tests.mailin.conftest import free_port, message
from tests.sync.test_sync_worker import _test_database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue() -> Iterator[None]:
    """Tasks go to the file queue instead of running inline."""
    HUEY.immediate = False
    HUEY.flush()
    yield
    HUEY.flush()
    HUEY.immediate = True


@pytest.fixture
def process(queue, tmp_path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """`python -m billbridge …` against the test's database and queue file."""
    started: list[subprocess.Popen[bytes]] = []
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="tests.settings",
        BILLBRIDGE_DATA_DIR=str(settings.DATA_DIR),
        DATABASE_URL=_test_database_url(),
        HUEY_IMMEDIATE="0",
        HUEY_FILE=HUEY.storage.filename,
        BILLBRIDGE_DNS_RESOLVER=settings.BILLBRIDGE_DNS_RESOLVER,
        LOG_LEVEL="WARNING",
    )

    def start(*args: str) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"{args[0]}-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "billbridge", *args],
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


def wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "smtpd stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("smtpd did not listen")


def test_a_mail_accepted_while_the_worker_is_killed_is_processed_by_the_next(
    process, inbox, company, settings
):
    port = free_port()
    smtpd = process("smtpd", "--port", str(port))
    wait_for_port(port, smtpd)
    doomed = process("run_huey", "-w", "1", "-k", "thread")
    doomed.send_signal(signal.SIGKILL)  # killed before it could take anything
    doomed.wait(timeout=5)

    msg = message(to=inbox.address, attachments=[("f.pdf", corpus.bill_pdf(), "application/pdf")])
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        # Raises unless every step, DATA included, was accepted (250).
        client.sendmail("bogholderi@kaffekompagniet.dk", [inbox.address], raw)

    # Answered 250 only once it was durable: the row and the whole file are there.
    mail = InboundMail.objects.get(company=company)
    assert mail.status == MailStatus.RECEIVED
    assert Path(mail.raw.path).read_bytes() == raw
    assert not Bill.objects.exists()

    HUEY.flush()  # and its queue message is lost as well
    settings.BILLBRIDGE_MAIL_SWEEP_AFTER_SECONDS = 0
    tasks.sweep_mail.call_local()  # the minute's sweep, here: the mail is still "received"
    process("run_huey", "-w", "1", "-k", "thread")
    wait_for(lambda: Bill.objects.filter(company=company, supplier__isnull=False).exists(), 180)
    mail.refresh_from_db()
    assert mail.status == MailStatus.PROCESSED
    assert Bill.objects.get(company=company).mail_origin.mail == mail
