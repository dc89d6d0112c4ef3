"""The product pointed at a running emulator: one place for every test that needs one.

The product reaches Dinero and e-conomic only through URLs and app credentials from settings
(DESIGN.md, "The emulators"), so pointing it at an emulator is a matter of those settings;
written once here, a new setting is not forgotten in one of the suites.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from billbridge.emulators.registry import get as get_emulator
from tests.emulators.conftest import RunningEmulator, launch_emulator


def emulator_process(system: str, *, name: str, scope: str = "session") -> Any:
    """A fixture called `name`: one `system` emulator process per `scope`, stopped after it."""

    def process() -> Iterator[RunningEmulator]:
        emulator = launch_emulator(system)
        yield emulator
        emulator.stop()

    return pytest.fixture(process, scope=scope, name=name)


def point_product_at(emulator: RunningEmulator, settings: Any) -> RunningEmulator:
    """Reset `emulator` and point the product's settings for its system at it.

    `settings` is pytest-django's fixture, so every change is undone after the test.
    """
    if emulator.proc.poll() is not None:  # pragma: no cover - died in an earlier test
        raise RuntimeError(f"the {emulator.system} emulator died")
    emulator.reset()
    for name, value in (
        get_emulator(emulator.system)
        .settings_for(emulator.base_url, emulator.credentials())
        .items()
    ):
        setattr(settings, name, value)
    return emulator


def settle(integration: Any, rounds: int = 30) -> list[dict[str, Any]]:
    """Run the sync engine as the worker and the clock would, until nothing is waiting or the
    integration stops: every back-off and expired claim made due at once, a 429's pause passed.
    Returns what each round of `engine.process` reported. One helper for every provider."""
    from django.utils import timezone

    from billbridge.integrations import pacing
    from billbridge.sync import engine
    from billbridge.sync.models import SyncRecord

    outcomes = []
    for round_ in range(rounds):
        waiting = SyncRecord.objects.filter(
            engine.to_send(), company_id=integration.company_id, provider=integration.provider
        )
        if round_:  # what the last round left waiting is due now; the last round's stays
            waiting.update(next_attempt_at=timezone.now(), claimed_until=None, claim_token="")
            pacing.reset()
        integration.refresh_from_db()
        outcomes.append(engine.process(integration.pk, budget_seconds=10))
        integration.refresh_from_db()
        if not waiting.exists() or integration.state != "connected":
            break
    return outcomes


class InFlight(httpx.BaseTransport):
    """A transport to the emulator noting how many of the calls `counted` picks were in flight
    at once (`most`): the proof that a client sends them at the same time."""

    def __init__(self, counted: Callable[[httpx.Request], bool]) -> None:
        self.counted = counted
        self.inner = httpx.HTTPTransport()
        self.lock = threading.Lock()
        self.now = self.most = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        counted = self.counted(request)
        if counted:
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            if counted:
                with self.lock:
                    self.now -= 1
