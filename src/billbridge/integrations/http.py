"""Shared HTTP plumbing for every provider: an audit hook and the project's HTTP client
(per-tenant rate limits: `integrations.pacing`).

Clients stay Django-free: they take `on_call` and `throttle` callables, and this module makes
the Django-aware ones. The audit log records method, path, status and duration of each call,
never headers, bodies, keys or tokens (SPEC §7).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from django.conf import settings

from billbridge.integrations import signals
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
