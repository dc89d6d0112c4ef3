"""e-conomic test world: the emulator as a real subprocess, a connected company, bills.

One emulator process per session, reset before each test; the product reaches it over real
HTTP through `ECONOMIC_API_URL` (no mocks of our own code).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from billbridge.bills.models import Bill, Payment
from billbridge.integrations.base import EntryToPost
from billbridge.integrations.economic import provider as economic_provider
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync import engine
from tests.emulators.conftest import RunningEmulator
from tests.integrations.emulated import emulator_process, point_product_at

NORDLYS = 701001
HAVNEN = 701002
REVISOR_CO = 701003
BENCH = 701004
INVOICE_JOURNAL = 2
PAYMENT_JOURNAL = 3


_economic_process = emulator_process("economic", name="_economic_process")


@pytest.fixture
def economic(_economic_process: RunningEmulator, settings: Any) -> RunningEmulator:
    """The emulator, reset, with the product's settings pointed at it. The periods billbridge
    read are forgotten and read before every posting (a test that holds them sets
    ECONOMIC_PERIODS_SECONDS)."""
    return ready(_economic_process, settings)


def ready(process: RunningEmulator, settings: Any) -> RunningEmulator:
    """An e-conomic emulator reset and the product pointed at it; the periods read before are
    forgotten and read before every posting."""
    economic_provider.forget_periods()
    settings.ECONOMIC_PERIODS_SECONDS = 0
    return point_product_at(process, settings)


def grant_token(emulator: RunningEmulator, agreement: int = NORDLYS) -> str:
    creds = emulator.credentials()
    return next(
        a["agreement_grant_token"]
        for a in creds["agreements"]
        if a["agreement_number"] == agreement
    )


class Remote:
    """Read the emulator's books as a third party would (plain HTTP, no billbridge code)."""

    def __init__(self, emulator: RunningEmulator, agreement: int = NORDLYS) -> None:
        self.emulator = emulator
        self.headers = {
            "X-AppSecretToken": emulator.credentials()["app_secret_token"],
            "X-AgreementGrantToken": grant_token(emulator, agreement),
        }

    def get(self, path: str, **params: Any) -> Any:
        response = self.emulator.client.get(path, headers=self.headers, params=params)
        response.raise_for_status()
        return response.json()

    def entries(self, journal: int) -> list[dict[str, Any]]:
        return self.get(f"/journals/{journal}/entries", pagesize=1000)["collection"]

    def suppliers(self) -> list[dict[str, Any]]:
        return self.get("/suppliers", pagesize=1000)["collection"]

    def requests(self) -> int:
        return int(self.emulator.client.get("/_emulator/stats").json()["requests"])

    def attachment(self, journal: int, year: str, voucher: int) -> httpx.Response:
        return self.emulator.client.get(
            f"/journals/{journal}/vouchers/{year.replace('/', '_6_')}-{voucher}/attachment",
            headers=self.headers,
        )


@pytest.fixture
def remote(economic: RunningEmulator) -> Remote:
    return Remote(economic)


@pytest.fixture
def integration(economic: RunningEmulator, company: Any) -> Integration:
    """`company` connected to agreement 701001 (Nordlys) with journals 2/3 and account 2800."""
    integ = Integration(company=company, provider="economic", state=IntegrationState.CONNECTED)
    integ.credentials = {"agreement_grant_token": grant_token(economic)}
    with economic_provider.make_client(grant_token(economic)) as client:
        integ.remote_data = economic_provider.fetch_remote_data(client)
    integ.settings = {
        "creditor_invoice_journal": INVOICE_JOURNAL,
        "creditor_payment_journal": PAYMENT_JOURNAL,
        "default_account": 2800,
        "payment_method_accounts": {},
        "category_accounts": {},
    }
    integ.save()
    return integ


# Entries carry the sync engine's own snapshots, so a test posts what the product would post.
def invoice_entry(bill: Bill, version: int = 1, document: bytes | None = None) -> EntryToPost:
    return EntryToPost(
        sync_record_id=bill.pk,
        kind="invoice",
        bill=engine.bill_snapshot(bill),
        payment=None,
        idempotency_key=f"test-{bill.pk}-invoice-v{version}",
        reference=f"bb-{bill.pk}-i",
        document=document,
    )


def payment_entry(bill: Bill, payment: Payment, version: int = 1) -> EntryToPost:
    return EntryToPost(
        sync_record_id=bill.pk + 100000,
        kind="payment",
        bill=engine.bill_snapshot(bill),
        payment=engine.payment_snapshot(payment.bill),
        idempotency_key=f"test-{bill.pk}-payment-v{version}",
        reference=f"bb-{bill.pk}-p",
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
