"""The contract suite's world: every provider of the registry, each against its own emulator
(launched through the emulator registry, one process per system for the session)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from billbridge.accounts.services import add_product
from billbridge.integrations.registry import PROVIDERS
from tests.emulators.conftest import RunningEmulator, launch_emulator
from tests.integrations.contract.books import Books, books_of


@pytest.fixture(scope="session")
def _emulators() -> Iterator[dict[str, RunningEmulator]]:
    running: dict[str, RunningEmulator] = {}
    yield running
    for emulator in running.values():
        emulator.stop()


@pytest.fixture(params=sorted(PROVIDERS))
def books(
    request: Any, _emulators: dict[str, RunningEmulator], company: Any, settings: Any
) -> Books:
    """One provider's books in its emulator (reset, the product pointed at it); the company
    has Integrate and reads English."""
    info = PROVIDERS[request.param]
    if info.emulator is None:
        pytest.fail(f"{info.key} has no emulator in billbridge.emulators.registry")
    if info.emulator not in _emulators:
        _emulators[info.emulator] = launch_emulator(info.emulator)
    books = books_of(info.key)(_emulators[info.emulator])
    books.prepare(settings)
    settings.LANGUAGE_CODE = "en"
    add_product(company, "integrate")
    return books
