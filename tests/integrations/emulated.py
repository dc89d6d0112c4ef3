"""The product pointed at a running emulator: one place for every test that needs one.

The product reaches Dinero and e-conomic only through URLs and app credentials from settings
(DESIGN.md, "The emulators"), so pointing it at an emulator is a matter of those settings;
written once here, a new setting is not forgotten in one of the suites.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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
    creds = emulator.credentials()
    if emulator.system == "dinero":
        settings.DINERO_API_URL = emulator.base_url
        settings.DINERO_AUTH_URL = f"{emulator.base_url}/dineroapi/oauth/token"
        settings.DINERO_CLIENT_ID = creds["client_id"]
        settings.DINERO_CLIENT_SECRET = creds["client_secret"]
    elif emulator.system == "economic":
        settings.ECONOMIC_API_URL = emulator.base_url
        settings.ECONOMIC_OPENAPI_URL = emulator.base_url  # it serves the newer APIs too
        settings.ECONOMIC_GRANT_URL = f"{emulator.base_url}/secure/api1/requestaccess.aspx"
        settings.ECONOMIC_APP_SECRET_TOKEN = creds["app_secret_token"]
        settings.ECONOMIC_APP_PUBLIC_TOKEN = creds["app_public_token"]
    else:  # pragma: no cover - a third system names its settings here
        raise ValueError(f"no product settings known for the {emulator.system} emulator")
    return emulator
