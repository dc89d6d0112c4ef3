"""e-conomic against the emulator with 50–100 ms latency per call (issue 16 items 1, 2, 5).

Run: ``PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python
tests/bench/bench_economic.py`` (``make bench`` runs it). Prints figures only, no thresholds:

1. the 1,000-account chart (one request at pagesize 1000) and the set-up's parallel fetch;
2. posting N bills (BENCH_SIZES, default 100 / 1,000 / 5,000; the
   issue's 20,000 with BENCH_SIZES=100,1000,5000,20000) from 25 suppliers (3
   known to e-conomic by CVR, 22 new): billbridge's sync engine beside a naive client (the
   supplier list once, the new suppliers one after the other, one voucher POST per bill) and an
   ideal client (the supplier list once, the new suppliers at once, vouchers 500 to an array
   POST; no database, no pace) — seconds, requests, CPU, peak memory, ratios
   (tests/bench/posting.py says how each is measured).

The emulator's token bucket (its sizes are a [GUESS], economic.md §5.1) is off for the three
clients alike; billbridge keeps its own pace (25 calls a second, bursts of 50).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["HUEY_IMMEDIATE"] = "0"  # the bench drives the engine itself, no worker
# The emulator slows down as its books fill up (a 500-voucher POST into 20,000 took > 15 s on a
# loaded machine): billbridge waits as long as the other clients do (60 s), else a timeout
# turns into a lookup of every voucher (exactly once) and the figure is the emulator's.
os.environ.setdefault("ACCOUNTING_HTTP_TIMEOUT", "60")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from billbridge.accounts.models import Company  # noqa: E402
from billbridge.bills.models import Bill, BillStatus, Supplier  # noqa: E402
from billbridge.integrations import pacing  # noqa: E402
from billbridge.integrations.economic import provider as economic  # noqa: E402
from billbridge.integrations.models import Integration, IntegrationState  # noqa: E402
from billbridge.sync import engine  # noqa: E402
from billbridge.sync.models import SyncRecord, SyncState  # noqa: E402
from tests.bench import posting  # noqa: E402
from tests.emulators.conftest import RunningEmulator, launch_emulator  # noqa: E402

BENCH_AGREEMENT = 701004
JOURNAL = 2
VOUCHERS_PER_POST = economic.VOUCHERS_PER_REQUEST  # 500, as billbridge sends them
LATENCY = {"latency_ms": 50, "jitter_ms": 50, "seed": 1}
KNOWN = ["26150004", "14773908", "27446469"]  # suppliers the bench agreement has


class Bench:
    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        creds = emulator.credentials()
        self.grant = next(a["agreement_grant_token"] for a in creds["agreements"]
                          if a["agreement_number"] == BENCH_AGREEMENT)  # fmt: skip
        self.secret = creds["app_secret_token"]
        settings.ECONOMIC_API_URL = emulator.base_url
        settings.ECONOMIC_APP_SECRET_TOKEN = self.secret
        self.company = Company.objects.create(name="Benchmark ApS")
        self.integration: Integration | None = None

    def requests(self) -> int:
        return int(self.emulator.client.get("/_emulator/stats").json()["requests"])

    def fresh(self) -> None:
        """The agreement as seeded: its 3 suppliers, an empty kassekladde."""
        self.emulator.reset()
        self.emulator.faults(**LATENCY)
        self.emulator.client.post("/_emulator/throttle", json={"enabled": False})

    def vouchers(self) -> int:
        """Vouchers in the kassekladde (a bill's VAT may take two entries of one voucher)."""
        headers = {"X-AppSecretToken": self.secret, "X-AgreementGrantToken": self.grant}
        numbers: set[int] = set()
        for page in range(1000):
            answer = self.emulator.client.get(
                f"/journals/{JOURNAL}/entries", headers=headers,
                params={"pagesize": 1000, "skippages": page},
            )  # fmt: skip
            rows = answer.json()["collection"]
            numbers |= {int(r["voucher"]["voucherNumber"]) for r in rows}
            if len(rows) < 1000:
                break
        return len(numbers)

    # ------------------------------------------------------------------ set-up
    def chart(self) -> None:
        self.fresh()
        with economic.make_client(self.grant, agreement=str(BENCH_AGREEMENT)) as client:
            before, start = self.requests(), time.perf_counter()
            accounts = client.accounts()
            print(f"chart: {len(accounts)} accounts in {time.perf_counter() - start:.3f} s, "
                  f"{self.requests() - before} HTTP request(s)")  # fmt: skip
            before, start = self.requests(), time.perf_counter()
            data = economic.fetch_remote_data(client)
            print(f"  set-up fetch (self, journals, accounts, VAT, suppliers, years, groups, "
                  f"terms; parallel): {time.perf_counter() - start:.3f} s, "
                  f"{self.requests() - before} requests")  # fmt: skip
        integration = Integration(
            company=self.company, provider="economic", state=IntegrationState.CONNECTED,
            remote_data=data, connected_at=timezone.now(), settings={
                "creditor_invoice_journal": JOURNAL, "creditor_payment_journal": 3,
                "default_account": 2800, "category_accounts": {}, "payment_method_accounts": {},
            },
        )  # fmt: skip
        integration.credentials = {"agreement_grant_token": self.grant}
        integration.save()
        self.integration = integration

    def bills(self, n: int) -> list[dict[str, Any]]:
        """n bills from 25 suppliers and their sync records; what the other clients post."""
        assert self.integration is not None
        SyncRecord.objects.filter(company=self.company).delete()
        Bill.objects.filter(company=self.company).delete()
        suppliers = list(Supplier.objects.filter(company=self.company).order_by("pk"))
        if not suppliers:
            suppliers = Supplier.objects.bulk_create(
                Supplier(company=self.company, name=f"Leverandør {s} ApS",
                         cvr=KNOWN[s] if s < len(KNOWN) else f"{39000000 + s}")
                for s in range(25)
            )  # fmt: skip
        bills, out = [], []
        for i in range(n):
            supplier = suppliers[i % 25]
            bill = Bill(
                company=self.company, supplier=supplier, invoice_number=f"B-{i:05d}",
                issue_date=dt.date(2026, 3, 1) + dt.timedelta(i % 200),
                due_date=dt.date(2026, 10, 1), currency="DKK", total=Decimal("100.00") + i % 5000,
                vat_amount=Decimal("20.00"), text="Benchmark", status=BillStatus.UPCOMING,
            )  # fmt: skip
            bills.append(bill)
            out.append({
                "supplier": supplier.name, "cvr": supplier.cvr, "number": bill.invoice_number,
                "date": bill.issue_date.isoformat(),  # type: ignore[union-attr]
                "due": "2026-10-01", "amount": -float(bill.total),  # type: ignore[arg-type]
            })  # fmt: skip
        Bill.objects.bulk_create(bills, batch_size=2000)
        engine.backfill(self.integration)
        HUEY.flush()
        return out

    # ------------------------------------------------------------------ the three clients
    def billbridge(self) -> int:
        assert self.integration is not None
        pk, company = self.integration.pk, self.company
        pacing.reset()
        economic.forget_periods()

        def waiting() -> Any:
            return (
                SyncRecord.objects.filter(company=company)
                .filter(engine.to_send())
                .values_list("next_attempt_at", flat=True)
                .first()
            )

        posting.wait_drained(lambda: engine.process(pk, budget_seconds=600), waiting)
        return SyncRecord.objects.filter(company=company, state=SyncState.POSTED).count()

    def _http(self) -> httpx.Client:
        return httpx.Client(base_url=self.emulator.base_url, timeout=60, headers={
            "X-AppSecretToken": self.secret, "X-AgreementGrantToken": self.grant,
        })  # fmt: skip

    @staticmethod
    def _supplier(bill: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": bill["supplier"], "currency": "DKK",
            "corporateIdentificationNumber": bill["cvr"],
            "supplierGroup": {"supplierGroupNumber": 1}, "paymentTerms": {"paymentTermsNumber": 1},
            "vatZone": {"vatZoneNumber": 1},
        }  # fmt: skip

    def _suppliers(self, http: httpx.Client, bills: list[dict[str, Any]], *, at_once: bool
                   ) -> dict[str, int]:  # fmt: skip
        """CVR → supplier number: the list once, the missing ones created."""
        answer = http.get("/suppliers", params={"pagesize": 1000})
        answer.raise_for_status()
        known = {s.get("corporateIdentificationNumber"): int(s["supplierNumber"])
                 for s in answer.json()["collection"]}  # fmt: skip
        missing = {b["cvr"]: b for b in bills if b["cvr"] not in known}

        def create(bill: dict[str, Any]) -> tuple[str, int]:
            made = http.post("/suppliers", json=self._supplier(bill))
            made.raise_for_status()
            return bill["cvr"], int(made.json()["supplierNumber"])

        if at_once and missing:
            with ThreadPoolExecutor(max_workers=8) as pool:
                known.update(pool.map(create, missing.values()))
        else:
            known.update(create(b) for b in missing.values())
        return known

    @staticmethod
    def _voucher(bill: dict[str, Any], supplier: int) -> dict[str, Any]:
        return {
            "accountingYear": {"year": "2026"}, "journal": {"journalNumber": JOURNAL},
            "entries": {"supplierInvoices": [{
                "supplier": {"supplierNumber": supplier}, "amount": bill["amount"],
                "currency": {"code": "DKK"}, "date": bill["date"], "dueDate": bill["due"],
                "contraAccount": {"accountNumber": 2800}, "supplierInvoiceNumber": bill["number"],
                "text": f"{bill['supplier']} {bill['number']}",
            }]},
        }  # fmt: skip

    def ideal(self, bills: list[dict[str, Any]]) -> int:
        with self._http() as http:
            numbers = self._suppliers(http, bills, at_once=True)
            posted = 0
            for start in range(0, len(bills), VOUCHERS_PER_POST):
                chunk = bills[start : start + VOUCHERS_PER_POST]
                body = [self._voucher(b, numbers[b["cvr"]]) for b in chunk]
                answer = http.post(f"/journals/{JOURNAL}/vouchers", json=body)
                answer.raise_for_status()
                posted += len(answer.json())
            return posted

    def naive(self, bills: list[dict[str, Any]]) -> int:
        with self._http() as http:
            numbers = self._suppliers(http, bills, at_once=False)
            for bill in bills:
                answer = http.post(f"/journals/{JOURNAL}/vouchers",
                                   json=self._voucher(bill, numbers[bill["cvr"]]))  # fmt: skip
                answer.raise_for_status()
            return len(bills)

    # ------------------------------------------------------------------ runs
    def posting(self, n: int) -> list[posting.Figures]:
        bills = self.bills(n)
        out = []
        self.fresh()
        out.append(posting.measure("billbridge", n, self.billbridge, self.requests))
        assert self.vouchers() == out[-1].posted == n, (self.vouchers(), out[-1])
        self.fresh()
        out.append(posting.measure("ideal", n, lambda: self.ideal(bills), self.requests))
        assert self.vouchers() == n
        sample = min(n, posting.naive_max())
        self.fresh()
        out.append(posting.measure(
            "naive", n, lambda: self.naive(bills[:sample]), self.requests,
            scaled_from=sample if sample < n else None,
        ))  # fmt: skip
        return out


def main() -> None:
    call_command("migrate", verbosity=0)
    HUEY.immediate = False
    emulator = launch_emulator("economic")
    try:
        bench = Bench(emulator)
        bench.chart()
        posting.run_sizes(bench.posting, "e-conomic", LATENCY)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
