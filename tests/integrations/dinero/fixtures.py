"""Fixtures for tests that talk to the Dinero emulator over real HTTP (no mocks of our code).

Imported by the conftests of tests/integrations/dinero and tests/sync.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from billbridge.bills.models import Category, PaymentMethod
from billbridge.integrations.dinero import client as dinero_client
from billbridge.integrations.dinero import provider as dinero_provider
from billbridge.integrations.dinero import setup
from billbridge.integrations.models import Integration
from tests.emulators.conftest import RunningEmulator
from tests.factories import added_bill as bill
from tests.integrations.emulated import emulator_process, point_product_at, settle

# shared with every provider: the engine driver and a bill added as the product adds one
__all__ = ["bill", "settle"]

ORG = "112233"
OTHER_ORG = "445566"
BENCH_ORG = "990001"


_dinero_process = emulator_process("dinero", name="_dinero_process")


@pytest.fixture
def emu(_dinero_process: RunningEmulator, settings: Any) -> RunningEmulator:
    """The shared Dinero emulator, reset, with the product's settings pointed at it."""
    return ready(_dinero_process, settings)


def ready(process: RunningEmulator, settings: Any) -> RunningEmulator:
    """A Dinero emulator reset and the product pointed at it, as every test here wants it."""
    emulator = point_product_at(process, settings)
    settings.DINERO_REQUESTS_PER_MINUTE = 60_000
    settings.DINERO_FILE_RETRY_SECONDS = 0.05
    settings.ACCOUNTING_HTTP_TIMEOUT = 2.0
    dinero_client.TOKENS._tokens.clear()
    dinero_provider.forget_vat_types()
    # Dinero's own limits stay on (100 a minute, booking and file delays) except where a test
    # of the product would only wait for them; the tests of those limits switch them on.
    configure(emulator, requests_per_minute=None, file_ready_seconds=0, booking_delay_seconds=0)
    return emulator


def configure(emulator: RunningEmulator, **config: Any) -> dict[str, Any]:
    """Change the emulated Dinero's own settings (see emulators/dinero/server.py)."""
    response = emulator.client.post("/_emulator/config", json=config)
    response.raise_for_status()
    return response.json()


def api_key(emulator: RunningEmulator, org: str = ORG) -> str:
    return next(
        o["api_key"] for o in emulator.credentials()["organizations"] if o["organization_id"] == org
    )


def rows(emulator: RunningEmulator, org: str = ORG) -> list[dict[str, Any]]:
    """The emulator's kassekladde, every row with the VAT each line booked (its read-back;
    Dinero's API has no list of rows)."""
    return control_rows(emulator, org)


def control_rows(emulator: RunningEmulator, org: str = ORG) -> list[dict[str, Any]]:
    """The kassekladde through the emulator's control API (works with a revoked key)."""
    return list(emulator.client.get(f"/_emulator/organizations/{org}/ledgeritems").json())


def stats(emulator: RunningEmulator) -> dict[str, Any]:
    return emulator.client.get("/_emulator/stats").json()


@pytest.fixture
def connected(emu: RunningEmulator, company: Any, user: Any) -> Integration:
    """`company` connected to org 112233, chart not imported."""
    return setup.connect(
        company,
        user,
        api_key=api_key(emu),
        organization_id=ORG,
        fallback_account="99999",
        payment_account="55000",
        import_chart_of_accounts=False,
    )


@pytest.fixture
def office(company: Any) -> Category:
    return Category.objects.create(
        company=company, name="Kontorartikler og tryksager", account_number="7200"
    )


@pytest.fixture
def card(company: Any) -> PaymentMethod:
    return PaymentMethod.objects.create(
        company=company, name="Firmakort", type="credit_card", account_number="55040"
    )


def emulator_http(emulator: RunningEmulator) -> httpx.Client:
    return emulator.client
