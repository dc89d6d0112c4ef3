"""e-conomic figures: the 1,000-account import and 1,000 bills posted, with 50–100 ms latency.

Run: ``PYTHONPATH=src .venv/bin/python tests/bench/bench_economic.py``. Starts the e-conomic
emulator on a free port, injects 50 ms latency + up to 50 ms jitter on every API call, and
prints seconds and HTTP requests (counted by the emulator). Targets: import ≤ 0.5 s (one
request at pagesize 1000); 1,000 bills ≤ 5 s (vouchers batched, one array POST per journal
and batch). A script that prints figures, not a test: no thresholds are asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from billbridge.integrations.base import BillSnapshot, EntryToPost, PostedEntry  # noqa: E402
from billbridge.integrations.economic import provider as economic  # noqa: E402
from billbridge.integrations.models import Integration  # noqa: E402
from billbridge.integrations.registry import get as provider_info  # noqa: E402
from tests.emulators.conftest import launch_emulator  # noqa: E402

BENCH_AGREEMENT = 701004
BATCH = provider_info("economic").batch_size  # as the sync engine batches
LATENCY = {"latency_ms": 50, "jitter_ms": 50}


def bills(n: int) -> list[EntryToPost]:
    """n bills from 25 suppliers (3 already in e-conomic, matched by CVR; 22 new ones)."""
    known = ["26150004", "14773908", "27446469"]
    out = []
    for i in range(n):
        s = i % 25
        cvr = known[s] if s < len(known) else f"{39000000 + s}"
        snap = BillSnapshot(
            bill_id=i, supplier_name=f"Leverandør {s} ApS", supplier_cvr=cvr,
            supplier_vat_number="", supplier_country="DK", supplier_address="",
            invoice_number=f"B-{i:05d}", issue_date=dt.date(2026, 3, 1) + dt.timedelta(i % 200),
            due_date=dt.date(2026, 10, 1), currency="DKK", total=Decimal("100.00") + i,
            vat_amount=Decimal("20.00"), text="Benchmark", category_id=None,
            category_account="", payment_method_id=None, payment_method_account="",
        )  # fmt: skip
        key, ref = f"bench-{i}-v1", f"bench-{i}"
        out.append(EntryToPost(i, "invoice", snap, None, idempotency_key=key, reference=ref))
    return out


def main() -> None:
    emulator = launch_emulator("economic")
    try:
        creds = emulator.credentials()
        grant = next(a["agreement_grant_token"] for a in creds["agreements"]
                     if a["agreement_number"] == BENCH_AGREEMENT)  # fmt: skip
        settings.ECONOMIC_API_URL = emulator.base_url
        settings.ECONOMIC_APP_SECRET_TOKEN = creds["app_secret_token"]
        emulator.faults(**LATENCY)

        def requests() -> int:
            return int(emulator.client.get("/_emulator/stats").json()["requests"])

        print(f"billbridge e-conomic benchmark (latency {LATENCY['latency_ms']}"
              f"+0..{LATENCY['jitter_ms']} ms per call)")  # fmt: skip
        with economic.make_client(grant, agreement=str(BENCH_AGREEMENT)) as client:
            before, start = requests(), time.perf_counter()
            accounts = client.accounts()
            seconds = time.perf_counter() - start
            print(f"  import chart: {len(accounts)} accounts in {seconds:.3f} s, "
                  f"{requests() - before} HTTP request(s)")  # fmt: skip
            before, start = requests(), time.perf_counter()
            data = economic.fetch_remote_data(client)
            seconds = time.perf_counter() - start
            print(f"  set-up fetch (self, journals, accounts, VAT, suppliers, years, groups, "
                  f"terms; parallel): {seconds:.3f} s, {requests() - before} requests")  # fmt: skip

        integration = Integration(provider="economic", remote_data=data, settings={
            "creditor_invoice_journal": 2, "creditor_payment_journal": 3,
            "default_account": 2800, "category_accounts": {}, "payment_method_accounts": {},
        })  # fmt: skip
        integration.credentials = {"agreement_grant_token": grant}
        entries = bills(1000)
        emulator.client.post("/_emulator/stats/reset")
        before, start = requests(), time.perf_counter()
        provider = economic.EconomicProvider(integration)
        posted = 0
        for i in range(0, len(entries), BATCH):  # as the sync engine batches
            results = provider.post(entries[i : i + BATCH])
            posted += sum(isinstance(r, PostedEntry) for r in results)
        provider.close()
        seconds = time.perf_counter() - start
        by_route = emulator.client.get("/_emulator/stats").json()["by_route"]
        print(f"  post 1,000 bills: {posted} posted in {seconds:.3f} s, "
              f"{requests() - before} HTTP requests: {by_route}")  # fmt: skip
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
