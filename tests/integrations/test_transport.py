"""The one transport both clients send through: which failure is UNAVAILABLE (nothing can have
arrived) and which UNCERTAIN (a write may have been applied), and the audit call for each.

Real sockets on 127.0.0.1 that answer, hang up or keep silent; no Django."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.transport import CallInfo, send

ANSWER_503 = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def _serve(behaviour: Callable[[socket.socket, threading.Event], object]) -> Iterator[str]:
    """A one-connection-at-a-time server: reads each request, then does `behaviour` (which
    is given the event that ends the test)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                behaviour(conn, stop)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    server.close()


@pytest.fixture
def hangs_up() -> Iterator[str]:
    yield from _serve(lambda conn, stop: None)  # closes without a word: the request was read


@pytest.fixture
def silent() -> Iterator[str]:
    yield from _serve(lambda conn, stop: stop.wait(5))


@pytest.fixture
def busy() -> Iterator[str]:
    yield from _serve(lambda conn, stop: conn.sendall(ANSWER_503))


@pytest.fixture
def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def call(url: str, *, write: bool) -> tuple[AccountingError | httpx.Response, list[CallInfo]]:
    calls: list[CallInfo] = []
    with httpx.Client(timeout=httpx.Timeout(0.3)) as http:
        try:
            result: AccountingError | httpx.Response = send(
                http,
                "POST" if write else "GET",
                f"{url}/v1/rows?secret=x",
                write=write,
                audit_path="/v1/rows",
                on_call=calls.append,
            )
        except AccountingError as exc:
            result = exc
    return result, calls


@pytest.mark.parametrize(
    ("write", "kind"), [(True, ErrorKind.UNCERTAIN), (False, ErrorKind.UNAVAILABLE)]
)
def test_a_dropped_connection_leaves_a_write_in_doubt(hangs_up, write, kind):
    error, [info] = call(hangs_up, write=write)
    assert isinstance(error, AccountingError)
    assert (error.kind, error.code) == (kind, "connection_lost")
    assert (info.status, info.outcome, info.path) == (None, "connection_lost", "/v1/rows")


@pytest.mark.parametrize(
    ("write", "kind"), [(True, ErrorKind.UNCERTAIN), (False, ErrorKind.UNAVAILABLE)]
)
def test_a_timeout_after_sending_leaves_a_write_in_doubt(silent, write, kind):
    error, [info] = call(silent, write=write)
    assert isinstance(error, AccountingError)
    assert (error.kind, error.code) == (kind, "timeout")
    assert info.outcome == "timeout"


def test_nothing_listening_is_unavailable_even_for_a_write(closed_port):
    error, [info] = call(closed_port, write=True)
    assert isinstance(error, AccountingError)
    assert (error.kind, error.code) == (ErrorKind.UNAVAILABLE, "unavailable")
    assert (info.status, info.outcome) == (None, "unavailable")


def test_an_error_answer_is_returned_throttled_and_audited(busy):
    throttled: list[bool] = []
    calls: list[CallInfo] = []
    with httpx.Client(timeout=2) as http:
        response = send(
            http, "POST", f"{busy}/v1/rows", write=True, audit_path="/v1/rows",
            on_call=calls.append, throttle=lambda: throttled.append(True),
        )  # fmt: skip
    assert response.status_code == 503
    assert throttled == [True]
    [info] = calls
    assert (info.method, info.status, info.outcome) == ("POST", 503, "http_503")
    assert info.duration_ms >= 0
