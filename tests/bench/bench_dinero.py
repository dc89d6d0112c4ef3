"""Dinero throughput against the emulator with 50–100 ms latency per request.

Run: ``PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python
tests/bench/bench_dinero.py``. Prints figures only (targets: the 1,000-account chart imported
in ≤ 0.5 s; 1,000 bills posted in ≤ 5 s). Requests are counted by the emulator itself.
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
os.environ["HUEY_IMMEDIATE"] = "0"  # the bench drives the engine itself, no worker

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from billbridge.accounts.models import Company, Membership, User  # noqa: E402
from billbridge.bills.models import Bill, Category  # noqa: E402
from billbridge.bills.services import BillInput, add_bill  # noqa: E402
from billbridge.integrations.dinero import setup  # noqa: E402
from billbridge.sync import engine  # noqa: E402
from billbridge.sync.models import SyncRecord, SyncState  # noqa: E402
from tests.emulators.conftest import launch_emulator  # noqa: E402

BENCH_ORG = "990001"
BILLS = 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    emulator = launch_emulator("dinero")
    try:
        creds = emulator.credentials()
        key = next(
            o["api_key"] for o in creds["organizations"] if o["organization_id"] == BENCH_ORG
        )
        settings.DINERO_API_URL = emulator.base_url
        settings.DINERO_AUTH_URL = emulator.base_url + "/dineroapi/oauth/token"
        settings.DINERO_CLIENT_ID = creds["client_id"]
        settings.DINERO_CLIENT_SECRET = creds["client_secret"]
        emulator.faults(latency_ms=50, jitter_ms=50, seed=1)
        user = User.objects.create_user(f"bench{time.time_ns()}@example.com", "x")
        company = Company.objects.create(name="Benchmark ApS")
        Membership.objects.create(user=user, company=company, role="owner")

        def requests() -> int:
            return int(emulator.client.get("/_emulator/stats").json()["requests"])

        # S-d5…S-d8: check the key, fetch the chart, import it as categories.
        before, started = requests(), time.perf_counter()
        accounts = setup.validate_credentials(key, BENCH_ORG, company=company)
        fetched = time.perf_counter() - started
        integration = setup.connect(
            company, user, api_key=key, organization_id=BENCH_ORG,
            import_chart_of_accounts=True, accounts=accounts,
        )  # fmt: skip
        total = time.perf_counter() - started
        categories = Category.objects.filter(company=company, imported_from="dinero").count()
        print(f"chart: {len(accounts)} accounts → {categories} categories")
        print(f"  fetch {fetched:.3f} s + save/import {total - fetched:.3f} s = {total:.3f} s, "
              f"{requests() - before} HTTP requests")  # fmt: skip
        started = time.perf_counter()
        result = setup.import_chart(company, accounts)
        print(f"  re-import (overwrite) {time.perf_counter() - started:.3f} s "
              f"({result.updated} changed)")  # fmt: skip

        # 1,000 bills added (records written in the bills' transactions), then posted.
        cats = list(Category.objects.filter(company=company)[:50])
        HUEY.immediate = False
        started = time.perf_counter()
        for n in range(BILLS):
            add_bill(
                company,
                BillInput(
                    supplier_name=f"Leverandør {n % 40} A/S",
                    invoice_number=f"B-{n}",
                    issue_date=dt.date(2026, 11, 1) + dt.timedelta(days=n % 20),
                    total=Decimal(f"{100 + n}.50") * (-1 if n % 25 == 0 else 1),
                    vat_amount=Decimal("20.10") * (-1 if n % 25 == 0 else 1),
                    category=cats[n % len(cats)] if n % 7 else None,
                ),
            )
        added = time.perf_counter() - started
        HUEY.flush()
        print(f"bills: {BILLS} added in {added:.2f} s (not part of the posting figure)")
        before, started, cpu = requests(), time.perf_counter(), time.process_time()
        outcome = engine.process(integration.pk, budget_seconds=120)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu  # this process only: the emulator is another one
        spent = requests() - before
        posted = SyncRecord.objects.filter(company=company, state=SyncState.POSTED).count()
        rows = emulator.client.get(f"/_emulator/organizations/{BENCH_ORG}/ledgeritems").json()
        print(f"  posted {posted}/{Bill.objects.filter(company=company).count()} in "
              f"{seconds:.2f} s, {spent} HTTP requests, {spent / max(posted, 1):.4f} per bill, "
              f"{len(rows)} rows in the kassekladde, {outcome['handled']} handled; "
              f"CPU {cpu:.2f} s = {cpu * 1000 / max(posted, 1):.2f} ms per bill; "
              f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
