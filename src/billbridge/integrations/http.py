"""Shared HTTP plumbing for every provider: an audit hook and per-tenant rate limits.

Clients stay Django-free: they take `on_call` and `throttle` callables, and this module makes
the Django-aware ones. The audit log records method, path, status and duration of each call,
never headers, bodies, keys or tokens (SPEC §7).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from django.conf import settings

from billbridge.integrations import signals
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.transport import tls_context

log = logging.getLogger(__name__)


class CallLike(Protocol):
    method: str
    path: str
    status: int | None
    duration_ms: int
    outcome: str


def audit_hook(*, company_id: int, provider: str) -> Callable[[Any], None]:
    """A client's `on_call`: one audit entry per call, written by the sync app's receiver of
    `signals.accounting_call` (in autocommit, never in a batch's transaction, so the trail
    survives a rollback or a crash)."""

    def record(call: CallLike) -> None:
        signals.call_made(provider, company_id, call)

    return record


def http_client(timeout: float | None = None) -> httpx.Client:
    """An httpx client with the project's timeouts (ACCOUNTING_HTTP_TIMEOUT) and pool."""
    seconds = float(timeout if timeout is not None else settings.ACCOUNTING_HTTP_TIMEOUT)
    return httpx.Client(
        timeout=httpx.Timeout(seconds, connect=min(seconds, 5.0)),
        limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
        verify=tls_context(),
    )


class TokenBucket:
    """Calls per second for one accounting-system tenant, with a burst allowance.

    Why: the limits belong to the tenant (an organisation, an agreement), so every call to it
    from this process draws from one bucket. Waits up to `max_wait` seconds for a token; a
    longer wait becomes RATE_LIMITED so the engine reschedules instead of blocking a worker.
    """

    def __init__(self, rate: float, burst: float, max_wait: float = 5.0) -> None:
        self.rate = float(rate)
        self.burst = float(burst)
        self.max_wait = max_wait
        self._tokens = float(burst)
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
            if wait > self.max_wait:
                self._tokens += 1.0
                raise AccountingError(
                    ErrorKind.RATE_LIMITED,
                    "rate_limited",
                    "local rate limit",
                    retry_after=wait,
                )
        if wait > 0:
            time.sleep(wait)


def limiter(
    key: str,
    *,
    rate: float,
    burst: float,
    per_day: int | None = None,
    window: tuple[int, float] | None = None,
) -> Any:
    """The pace of a tenant key such as "dinero:112233": shared by every worker process when
    BILLBRIDGE_PACING_URL names a Redis, else this process's own (see `pacing`)."""
    from billbridge.integrations import pacing

    return pacing.limiter(key, rate=rate, burst=burst, per_day=per_day, window=window)
