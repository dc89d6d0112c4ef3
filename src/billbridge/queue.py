"""Huey storages beyond Huey's own: PostgreSQL (no Redis), and SQLite with a doorbell.

SQLite cannot wake a waiting reader, so Huey polls it. ``DoorbellSqliteStorage`` adds a
doorbell (issue 17 item 1): the consumer process binds a Unix datagram socket beside the queue
file, an idle worker thread waits on it, and every enqueue (from the web, the worker's own
re-enqueues, the scheduler) rings it with one datagram. A saved bill is picked up at once
instead of after up to one poll interval; the wait is bounded by ``read_timeout``
(``HUEY_POLL_SECONDS``), so a lost ring (another consumer owns the socket, a full buffer, a
path too long for a socket) costs at most that, as the plain poll did. Idle, a worker sleeps
in ``select`` and reads the queue once per ``read_timeout``.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from typing import Any

from huey import Huey
from huey.storage import PostgresStorage, SqliteStorage


class PostgresHuey(Huey):
    storage_class = PostgresStorage


class Doorbell:
    """One Unix datagram socket at ``path``: ``ring`` from any process, ``wait`` in the one
    that listens (the first to ``wait``; the others find it taken and just sleep)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._listening: bool | None = None  # None: not tried yet

    def ring(self) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.setblocking(False)
            # Nobody listening, a full buffer (rung already), a path too long: the waiting
            # worker reads the queue within its read_timeout anyway.
            with contextlib.suppress(OSError):
                sender.sendto(b"!", self.path)

    def _listen(self) -> socket.socket | None:
        with self._lock:
            if self._listening is None:
                self._socket = self._bind()
                self._listening = self._socket is not None
            return self._socket

    def _bind(self) -> socket.socket | None:
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        receiver.setblocking(False)
        try:
            try:
                receiver.bind(self.path)
            except OSError:
                if not os.path.exists(self.path) or self._owned_by_a_live_process():
                    raise
                os.unlink(self.path)  # left by a consumer that died
                receiver.bind(self.path)
            os.chmod(self.path, 0o600)
        except OSError:
            receiver.close()
            return None
        return receiver

    def _owned_by_a_live_process(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(self.path)
            except (ConnectionRefusedError, FileNotFoundError):
                return False
            except OSError:
                return True  # not ours to remove
            return True

    def wait(self, timeout: float) -> bool:
        """Until a ring or ``timeout`` seconds; → whether it was rung."""
        receiver = self._listen()
        if receiver is None:
            time.sleep(timeout)
            return False
        readable, _, _ = select.select([receiver], [], [], timeout)
        if not readable:
            return False
        with contextlib.suppress(BlockingIOError):  # another thread took this ring
            while receiver.recv(64):
                pass  # one wake-up for every ring queued meanwhile
        return True


class DoorbellSqliteStorage(SqliteStorage):
    """Huey's SQLite queue whose idle workers wait on a doorbell instead of polling."""

    blocking = True  # the consumer's worker then does not sleep: dequeue waits

    def __init__(
        self, *args: Any, doorbell: str = "", read_timeout: float = 0.5, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.doorbell = Doorbell(doorbell or f"{self.filename}.doorbell")
        self.read_timeout = read_timeout

    def enqueue(self, data: bytes, priority: float | None = None) -> None:
        super().enqueue(data, priority)
        self.doorbell.ring()

    def dequeue(self) -> bytes | None:
        data = super().dequeue()
        if data is None:
            self.doorbell.wait(self.read_timeout)
            data = super().dequeue()
        return data


class DoorbellSqliteHuey(Huey):
    storage_class = DoorbellSqliteStorage
