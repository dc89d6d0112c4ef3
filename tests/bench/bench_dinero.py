"""Dinero against the emulator with 50–100 ms latency per request (issue 16 items 1, 2, 5).

Run: ``PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python
tests/bench/bench_dinero.py`` (``make bench`` runs it). Prints figures only, no thresholds:

1. the 1,000-account chart fetched and imported (target ≤ 0.5 s);
2. posting N bills (BENCH_SIZES, default 100 / 1,000 / 5,000; the
   issue's 20,000 with BENCH_SIZES=100,1000,5000,20000): billbridge's sync engine
   beside a naive client (one create per bill, as the seed's product) and an ideal client
   (rows of 1,000 per create, the most a kassekladde holds, one status call per create for the
   voucher numbers; no database, no pace) — seconds, requests, CPU, peak memory, ratios
   (tests/bench/posting.py says how each is measured);
3. bills with a PDF (BENCH_DOC_SIZES, default 100; the issue's 1,000 takes ~10 minutes):
   every document is one upload, so the floor is the documented 100 requests a minute per
   organisation: the ideal is requests ÷ rate.

The emulator enforces Dinero's 100 requests a minute per organisation for billbridge and the
ideal client (neither gets a 429: the table would show the extra requests); the naive client
would need N × 0.6 s under it, so it runs with the limit off. The kassekladde's 1,000 unbooked
rows are lifted to N above 1,000 bills, as if the accountant booked as the rows came in.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
import time
import uuid
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
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from billbridge.accounts.models import Company, Membership, User  # noqa: E402
from billbridge.bills.models import Bill, BillStatus, Category, Supplier  # noqa: E402
from billbridge.integrations import pacing  # noqa: E402
from billbridge.integrations.dinero import setup  # noqa: E402
from billbridge.integrations.models import Integration  # noqa: E402
from billbridge.sync import engine  # noqa: E402
from billbridge.sync.models import SyncRecord, SyncState  # noqa: E402
from tests.bench import posting  # noqa: E402
from tests.emulators.conftest import RunningEmulator, launch_emulator  # noqa: E402

BENCH_ORG = "990001"
ROWS_PER_CREATE = 1000  # the kassekladde holds at most 1,000 unbooked rows (dinero.md §2)
PER_MINUTE = 100  # Dinero's documented limit per organisation (dinero.md §5)
LATENCY = {"latency_ms": 50, "jitter_ms": 50, "seed": 1}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Bench:
    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        creds = emulator.credentials()
        self.key = next(
            o["api_key"] for o in creds["organizations"] if o["organization_id"] == BENCH_ORG
        )
        self.client_id, self.client_secret = creds["client_id"], creds["client_secret"]
        settings.DINERO_API_URL = emulator.base_url
        settings.DINERO_AUTH_URL = emulator.base_url + "/dineroapi/oauth/token"
        settings.DINERO_CLIENT_ID = self.client_id
        settings.DINERO_CLIENT_SECRET = self.client_secret
        self.user = User.objects.create_user(f"bench{time.time_ns()}@example.com", "x")
        self.company = Company.objects.create(name="Benchmark ApS")
        Membership.objects.create(user=self.user, company=self.company, role="owner")
        self.integration: Integration | None = None

    def requests(self) -> int:
        return int(self.emulator.client.get("/_emulator/stats").json()["requests"])

    def fresh(self, n: int, *, rate_limit: bool = True) -> None:
        """An empty organisation: kassekladde, files, the minute's request window."""
        self.emulator.reset()
        self.emulator.faults(**LATENCY)
        config = {"max_unbooked_items": max(ROWS_PER_CREATE, n)}
        config["requests_per_minute"] = PER_MINUTE if rate_limit else None
        self.emulator.client.post("/_emulator/config", json=config).raise_for_status()

    def rows(self) -> int:
        path = f"/_emulator/organizations/{BENCH_ORG}/ledgeritems"
        return len(self.emulator.client.get(path).json())

    # ------------------------------------------------------------------ set-up
    def chart(self) -> None:
        """S-d5…S-d8: check the key, fetch the chart, import it as categories."""
        self.fresh(0)
        before, started = self.requests(), time.perf_counter()
        accounts = setup.validate_credentials(self.key, BENCH_ORG, company=self.company)
        fetched = time.perf_counter() - started
        self.integration = setup.connect(
            self.company, self.user, api_key=self.key, organization_id=BENCH_ORG,
            import_chart_of_accounts=True, accounts=accounts,
        )  # fmt: skip
        total = time.perf_counter() - started
        categories = Category.objects.filter(company=self.company, imported_from="dinero")
        print(f"chart: {len(accounts)} accounts → {categories.count()} categories")
        print(f"  fetch {fetched:.3f} s + save/import {total - fetched:.3f} s = {total:.3f} s, "
              f"{self.requests() - before} HTTP requests")  # fmt: skip
        started = time.perf_counter()
        result = setup.import_chart(self.company, accounts)
        print(f"  re-import (overwrite) {time.perf_counter() - started:.3f} s "
              f"({result.updated} changed)")  # fmt: skip

    def bills(self, n: int, *, document: str = "") -> list[dict[str, Any]]:
        """n postable bills (40 suppliers, 1 in 25 a credit note, 6 in 7 with a category) and
        their sync records (backfill); returns what the naive and ideal clients post."""
        assert self.integration is not None
        SyncRecord.objects.filter(company=self.company).delete()
        Bill.objects.filter(company=self.company).delete()
        cats = list(Category.objects.filter(company=self.company).order_by("pk")[:50])
        suppliers = list(Supplier.objects.filter(company=self.company).order_by("pk"))
        if not suppliers:
            suppliers = Supplier.objects.bulk_create(
                Supplier(company=self.company, name=f"Leverandør {s} A/S") for s in range(40)
            )
        bills, out = [], []
        for i in range(n):
            sign = -1 if i % 25 == 0 else 1
            category = cats[i % len(cats)] if i % 7 else None
            bill = Bill(
                company=self.company, supplier=suppliers[i % 40], invoice_number=f"B-{i}",
                issue_date=dt.date(2026, 11, 1) + dt.timedelta(days=i % 20),
                total=Decimal(f"{100 + i % 5000}.50") * sign, vat_amount=Decimal("20.10") * sign,
                category=category, status=BillStatus.UPCOMING, currency="DKK",
            )  # fmt: skip
            if document:
                bill.document = document
                bill.document_name = "faktura.pdf"
                bill.document_content_type = "application/pdf"
            bills.append(bill)
            out.append({
                "date": bill.issue_date.isoformat(),  # type: ignore[union-attr]
                "amount": float(bill.total),  # type: ignore[arg-type]
                "account": int(category.account_number) if category else 99999,
                "text": f"{suppliers[i % 40].name} B-{i}",
            })  # fmt: skip
        Bill.objects.bulk_create(bills, batch_size=2000)
        engine.backfill(self.integration)
        HUEY.flush()
        return out

    # ------------------------------------------------------------------ the three clients
    def billbridge(self) -> int:
        assert self.integration is not None
        pk, company = self.integration.pk, self.company
        pacing.reset()  # a fresh process: the organisation's minute is its own

        def waiting() -> Any:
            return (
                SyncRecord.objects.filter(company=company)
                .filter(engine.to_send())
                .values_list("next_attempt_at", flat=True)
                .first()
            )

        posting.wait_drained(lambda: engine.process(pk, budget_seconds=600), waiting)
        return SyncRecord.objects.filter(company=company, state=SyncState.POSTED).count()

    def _token(self, http: httpx.Client) -> str:
        answer = http.post(
            "/dineroapi/oauth/token",
            auth=(self.client_id, self.client_secret),
            data={"grant_type": "password", "scope": "read write",
                  "username": self.key, "password": self.key},
        )  # fmt: skip
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    @staticmethod
    def _row(bill: dict[str, Any], file_guid: str | None = None) -> dict[str, Any]:
        row_id = str(uuid.uuid4())
        return {
            "Id": row_id, "VoucherDate": bill["date"], "FileGuid": file_guid,
            "Lines": [{
                "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, row_id)), "Description": bill["text"],
                "Amount": bill["amount"], "AccountNumber": bill["account"],
                "AccountVatCode": None, "BalancingAccountNumber": 55000,
                "BalancingAccountVatCode": None,
            }],
        }  # fmt: skip

    def ideal(self, bills: list[dict[str, Any]]) -> int:
        """Rows of 1,000 per create and one status call per create: the voucher numbers."""
        with httpx.Client(base_url=self.emulator.base_url, timeout=60) as http:
            http.headers["Authorization"] = f"Bearer {self._token(http)}"
            posted = 0
            for start in range(0, len(bills), ROWS_PER_CREATE):
                rows = [self._row(b) for b in bills[start : start + ROWS_PER_CREATE]]
                http.post(f"/v1.2/{BENCH_ORG}/ledgeritems", json=rows).raise_for_status()
                status = http.post(f"/v1/{BENCH_ORG}/ledgeritems/status",
                                   json=[{"Id": r["Id"]} for r in rows])  # fmt: skip
                status.raise_for_status()
                posted += len(status.json())
            return posted

    def naive(self, bills: list[dict[str, Any]]) -> int:
        """One create of one row per bill, as the seed's product does."""
        with httpx.Client(base_url=self.emulator.base_url, timeout=60) as http:
            http.headers["Authorization"] = f"Bearer {self._token(http)}"
            for bill in bills:
                row = self._row(bill)
                http.post(f"/v1.2/{BENCH_ORG}/ledgeritems", json=[row]).raise_for_status()
            return len(bills)

    # ------------------------------------------------------------------ runs
    def posting(self, n: int) -> list[posting.Figures]:
        bills = self.bills(n)
        out = []
        self.fresh(n)
        out.append(posting.measure("billbridge", n, self.billbridge, self.requests))
        assert self.rows() == out[-1].posted == n, (self.rows(), out[-1])
        self.fresh(n)
        out.append(posting.measure("ideal", n, lambda: self.ideal(bills), self.requests))
        assert self.rows() == n
        sample = min(n, posting.naive_max())
        self.fresh(n, rate_limit=False)
        out.append(posting.measure(
            "naive", n, lambda: self.naive(bills[:sample]), self.requests,
            scaled_from=sample if sample < n else None, note="(emulator's limit off)",
        ))  # fmt: skip
        return out

    def documents(self, n: int) -> str:
        """n bills with a PDF through billbridge, against the floor requests ÷ rate."""
        name = default_storage.save("bench/faktura.pdf", ContentFile(PDF))
        self.bills(n, document=name)
        self.fresh(n)
        figures = posting.measure("billbridge", n, self.billbridge, self.requests)
        assert self.rows() == n, (self.rows(), figures)
        by_route = self.emulator.client.get("/_emulator/stats").json()["by_route"]
        # The fewest requests: a token, one upload per document, per 1,000 rows a create and
        # a status call; the organisation's limit lets through PER_MINUTE of them a minute.
        fewest = 1 + n + 2 * math.ceil(n / ROWS_PER_CREATE)
        floor = fewest / (PER_MINUTE / 60.0)
        uploads = by_route.get("POST /v1/{org}/files", 0)
        return (
            f"  {n:>5} bills with a PDF: {figures.seconds:7.1f} s, {figures.requests} requests "
            f"({uploads} uploads), CPU {figures.cpu:.2f} s, peak {figures.peak_mb:.1f} MB; "
            f"ideal {fewest} requests ÷ {PER_MINUTE}/min = {floor:.1f} s → "
            f"{figures.seconds / floor:.2f}× the documented rate's floor\n    by route: {by_route}"
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    HUEY.immediate = False
    emulator = launch_emulator("dinero")
    try:
        bench = Bench(emulator)
        bench.chart()
        posting.run_sizes(bench.posting, "Dinero", LATENCY)
        docs = os.environ.get("BENCH_DOC_SIZES", "100")
        if docs.strip():
            print(f"\ndocuments to Dinero at its documented {PER_MINUTE} requests a minute:")
            for n in [int(s) for s in docs.split(",") if s.strip()]:
                print(bench.documents(n), flush=True)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
