"""One HTTP call to an accounting system, as every client makes it.

Transport failures become AccountingError with the distinction the sync engine's exactly-once
rests on: UNAVAILABLE when nothing can have reached the system, UNCERTAIN when a write may have
been applied (then the engine looks the entry up before sending it again). Every call is
reported for the audit log. httpx only, no Django: clients built on this stay publishable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from billbridge.integrations.base import AccountingError, ErrorKind


@dataclass(frozen=True)
class CallInfo:
    """One HTTP call as the audit log sees it: never headers, bodies, keys or tokens."""

    method: str
    path: str  # path only: no host, no query string
    status: int | None  # None: no answer (connection failed, timed out, dropped)
    duration_ms: int
    outcome: str  # "ok", "http_<status>" or an error code


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
