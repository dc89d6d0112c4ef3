"""One HTTP call to an accounting system, as every client makes it.

Transport failures become AccountingError with the distinction the sync engine's exactly-once
rests on: UNAVAILABLE when nothing can have reached the system, UNCERTAIN when a write may have
been applied (then the engine looks the entry up before sending it again). Every call is
reported for the audit log. `HttpClient` is what both clients are built on (an httpx.Client
of their own or the caller's, and the hooks). httpx only, no Django: the clients stay
publishable.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

import httpx

from billbridge.integrations.base import AccountingError, ErrorKind

_SSL: list[ssl.SSLContext] = []
_SSL_LOCK = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """One TLS context (the system's CA certificates) for every client of this process:
    loading the certificates costs ~20-50 ms of CPU, once per provider (per batch loop)
    otherwise (issue 16 item 1)."""
    if not _SSL:
        with _SSL_LOCK:
            if not _SSL:
                _SSL.append(ssl.create_default_context())
    return _SSL[0]


@dataclass(frozen=True)
class CallInfo:
    """One HTTP call as the audit log sees it: never headers, bodies, keys or tokens."""

    method: str
    path: str  # path only: no host, no query string
    status: int | None  # None: no answer (connection failed, timed out, dropped)
    duration_ms: int
    outcome: str  # "ok", "http_<status>" or an error code


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (a number; an HTTP date is not used by our systems)."""
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def send(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    write: bool,
    audit_path: str,
    on_call: Callable[[CallInfo], None] | None = None,
    throttle: Callable[[], None] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; any answer is returned (4xx/5xx too), a transport failure raised."""
    if throttle is not None:
        throttle()
    started = time.monotonic()
    status: int | None = None
    outcome = "ok"
    try:
        try:
            response = http.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            # Nothing left this machine on a connect/pool timeout; otherwise a write may
            # have been applied.
            sent = not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            kind = ErrorKind.UNCERTAIN if (write and sent) else ErrorKind.UNAVAILABLE
            outcome = "timeout"
            raise AccountingError(kind, "timeout", type(exc).__name__) from exc
        except httpx.ConnectError as exc:
            outcome = "unavailable"
            raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", str(exc)) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            kind = ErrorKind.UNCERTAIN if write else ErrorKind.UNAVAILABLE
            outcome = "connection_lost"
            raise AccountingError(kind, "connection_lost", type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            kind = ErrorKind.UNCERTAIN if write else ErrorKind.UNAVAILABLE
            outcome = "connection_lost" if write else "unavailable"
            raise AccountingError(kind, outcome, str(exc)) from exc
        status = response.status_code
        if status >= 400:
            outcome = f"http_{status}"
        if status == 429:
            # Every worker holds off this tenant for the Retry-After (integrations.pacing).
            throttled = getattr(throttle, "throttled", None)
            if throttled is not None:
                throttled(retry_after_seconds(response))
        return response
    finally:
        if on_call is not None:
            on_call(
                CallInfo(
                    method=method,
                    path=audit_path,
                    status=status,
                    duration_ms=int((time.monotonic() - started) * 1000),
                    outcome=outcome,
                )
            )


class HttpClient:
    """What every accounting-system client is underneath: an httpx.Client (its own, closed
    with it, or the caller's, left open) and `_send` with the client's audit and throttle
    hooks. Subclasses add the system's paths, auth and error bodies."""

    def __init__(
        self,
        *,
        http: httpx.Client | None,
        timeout: float,
        max_connections: int,
        on_call: Callable[[CallInfo], None] | None,
        throttle: Callable[[], None] | None,
    ) -> None:
        self.on_call = on_call
        self._throttle = throttle
        self._own_http = http is None
        self.http = http or httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections // 2
            ),
            verify=tls_context(),
        )

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(
        self,
        method: str,
        url: str,
        audit_path: str,
        *,
        write: bool,
        throttle: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request; a transport failure becomes an AccountingError; audited.
        `throttle` replaces the client's own for this call (a pace that leaves room)."""
        return send(
            self.http,
            method,
            url,
            write=write,
            audit_path=audit_path,
            on_call=self.on_call,
            throttle=throttle or self._throttle,
            **kwargs,
        )
