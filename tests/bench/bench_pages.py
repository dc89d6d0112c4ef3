"""The bill list at a company's size (issue 16 items 3 and 5): figures, no thresholds.

Generates one company with ``--bills`` bills (default 10,000; the issue's figure is 100,000),
then asks the web list and the API for the first page, a deep page (by number and, in the API,
by cursor) and a search, ``--repeat`` times each, and prints p50/p95 in ms and the queries per
request. SQLite by default; ``TEST_DATABASE_URL=postgresql://…`` for PostgreSQL.

Run: ``PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python
tests/bench/bench_pages.py [--bills 100000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from billbridge.accounts.models import Company, Membership, User  # noqa: E402
from billbridge.bills.models import Bill, BillStatus, Supplier  # noqa: E402


def _company(count: int) -> tuple[Company, User]:
    user = User.objects.create_user(f"pages{time.time_ns()}@example.com", "x")
    company = Company.objects.create(name="Stor Virksomhed ApS")
    Membership.objects.create(user=user, company=company, role="owner")
    suppliers = Supplier.objects.bulk_create(
        Supplier(company=company, name=f"Leverandør {n} ApS", cvr=f"{20000000 + n}")
        for n in range(500)
    )
    day = dt.date(2020, 1, 1)
    batch: list[Bill] = []
    for n in range(count):
        batch.append(Bill(
            company=company, supplier=suppliers[n % len(suppliers)],
            invoice_number=f"F-{n:07d}", issue_date=day + dt.timedelta(days=n % 2000),
            currency="DKK", total=Decimal("100.00") + n % 997, vat_amount=Decimal("20.00"),
            text=f"Varer og ydelser {n % 113}", status=BillStatus.UPCOMING,
        ))  # fmt: skip
        if len(batch) == 5000:
            Bill.objects.bulk_create(batch)
            batch = []
    Bill.objects.bulk_create(batch)
    return company, user


def _measure(client: Client, url: str, repeat: int, **headers: str) -> tuple[float, float, int]:
    times, queries = [], 0
    client.get(url, headers=headers)  # warm
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bills", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    company, user = _company(args.bills)
    print(f"page bench on {connection.vendor}: {args.bills} bills made in "
          f"{time.perf_counter() - started:.1f} s; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    web = Client()
    web.force_login(user)
    api = Client()
    token = api.post("/api/v1/auth/token", {"email": user.email, "password": "x"},
                     content_type="application/json").json()["token"]  # fmt: skip
    auth = {"Authorization": f"Bearer {token}"}
    deep = args.bills // 25 // 2
    base = f"/api/v1/companies/{company.pk}/bills"
    middle = api.get(f"{base}?page_size=25&page={deep - 1}", headers=auth).json()["next"]
    web_list = reverse("web:bill_list", args=[company.pk])
    cases = [
        ("web first page", web, web_list, {}),
        ("web deep page", web, f"{web_list}?page={deep}", {}),
        ("web search", web, f"{web_list}?q=leverand%C3%B8r+42", {}),
        ("API first page", api, f"{base}?page_size=25", auth),
        ("API deep page by number", api, f"{base}?page_size=25&page={deep}", auth),
        ("API deep page by cursor", api, middle.split("testserver", 1)[-1], auth),
        ("API search", api, f"{base}?q=F-00042", auth),
    ]
    for label, client, url, headers in cases:
        p50, p95, queries = _measure(client, url, args.repeat, **headers)
        print(f"  {label:26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries")


if __name__ == "__main__":
    main()
