"""The bill list at a company's size (issue 16 items 3 and 5): figures, no thresholds.

Grows one company to each of ``--bills`` sizes in turn (default 10,000 then 100,000, the
issue's figure), every bill with a posted sync record, the user an accountant of 30 more
companies; at each size asks the web list and the API for the first page, a deep page (by
number and, in the API, by cursor) and a search, and the accountant's overview, ``--repeat``
times each, and prints p50/p95 in ms, the CPU ms of this process per request (what the
machine's load from elsewhere does not change) and the queries per request. SQLite by default;
``TEST_DATABASE_URL=postgresql://…`` for PostgreSQL (after generating, ``VACUUM ANALYZE`` as
autovacuum would do: the planner's figures for the new rows).

Requests go through Django's test client without the test runner's template instrumentation
(it copies the context at every template, more than doubling the page's time).

Run: ``PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python
tests/bench/bench_pages.py [--bills 10000,100000]``.
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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from billbridge.accounts.models import Company, Membership, User  # noqa: E402
from billbridge.bills.models import Bill, BillStatus, Supplier  # noqa: E402
from billbridge.integrations.models import Integration, IntegrationState  # noqa: E402
from billbridge.sync.models import SyncKind, SyncRecord, SyncState  # noqa: E402

OTHER_COMPANIES = 30


def _company() -> tuple[Company, User, list[Supplier]]:
    user = User.objects.create_user(f"pages{time.time_ns()}@example.com", "x")
    companies = [Company.objects.create(name="Stor Virksomhed ApS")]
    companies += [Company.objects.create(name=f"Klient {n} ApS") for n in range(OTHER_COMPANIES)]
    for company in companies:
        Membership.objects.create(user=user, company=company, role="owner")
        Integration.objects.create(
            company=company, provider="dinero", state=IntegrationState.CONNECTED
        )
    company = companies[0]
    suppliers = Supplier.objects.bulk_create(
        Supplier(company=company, name=f"Leverandør {n} ApS", cvr=f"{20000000 + n}")
        for n in range(500)
    )
    return company, user, suppliers


def _grow(company: Company, suppliers: list[Supplier], start: int, stop: int) -> None:
    """Bills ``start`` to ``stop`` of the company, each with a posted Dinero record."""
    day = dt.date(2020, 1, 1)
    for first in range(start, stop, 5000):
        batch = [
            Bill(
                company=company, supplier=suppliers[n % len(suppliers)],
                invoice_number=f"F-{n:07d}", issue_date=day + dt.timedelta(days=n % 2000),
                currency="DKK", total=Decimal("100.00") + n % 997, vat_amount=Decimal("20.00"),
                text=f"Varer og ydelser {n % 113}", status=BillStatus.UPCOMING,
            )
            for n in range(first, min(first + 5000, stop))
        ]  # fmt: skip
        Bill.objects.bulk_create(batch)
        SyncRecord.objects.bulk_create(
            SyncRecord(
                company=company, bill=bill, provider="dinero", kind=SyncKind.INVOICE,
                state=SyncState.POSTED if n % 100 else SyncState.WAITING, posted_version=1,
            )
            for n, bill in enumerate(batch)
        )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _measure(client: Client, url: str, repeat: int, **headers: str) -> tuple[float, ...]:
    """p50 and p95 ms, p50 CPU ms of this process (the load of others' processes does not
    count there; PostgreSQL's own work does not either), queries of the last request."""
    times, cpu, queries = [], [], 0
    client.get(url, headers=headers)  # warm
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return statistics.median(times), p95, statistics.median(cpu), queries


def _cases(company: Company, count: int, api: Client, auth: dict[str, str]) -> list:
    deep = count // 25 // 2
    base = f"/api/v1/companies/{company.pk}/bills"
    middle = api.get(f"{base}?page_size=25&page={deep - 1}", headers=auth).json()["next"]
    web_list = reverse("web:bill_list", args=[company.pk])
    return [
        ("web first page", web_list, {}),
        ("web deep page", f"{web_list}?page={deep}", {}),
        ("web search", f"{web_list}?q=leverand%C3%B8r+42", {}),
        ("web search, rare", f"{web_list}?q=F-00042", {}),
        ("accountant overview", reverse("web:overview"), {}),
        ("API first page", f"{base}?page_size=25", auth),
        ("API deep page by number", f"{base}?page_size=25&page={deep}", auth),
        ("API deep page by cursor", middle.split("testserver", 1)[-1], auth),
        ("API search", f"{base}?q=F-00042", auth),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bills", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.bills.split(","))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    company, user, suppliers = _company()
    web = Client()
    web.force_login(user)
    api = Client()
    token = api.post("/api/v1/auth/token", {"email": user.email, "password": "x"},
                     content_type="application/json").json()["token"]  # fmt: skip
    auth = {"Authorization": f"Bearer {token}"}
    made = 0
    for count in sizes:
        started = time.perf_counter()
        _grow(company, suppliers, made, count)
        made = count
        print(f"page bench on {connection.vendor}: {count} bills (each with a sync record), "
              f"{OTHER_COMPANIES + 1} companies; made in {time.perf_counter() - started:.1f} s; "
              f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
        for label, url, headers in _cases(company, count, api, auth):
            client = api if headers else web
            p50, p95, cpu, queries = _measure(client, url, args.repeat, **headers)
            print(f"  {label:26} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  CPU p50 {cpu:5.1f} ms  "
                  f"{queries} queries")  # fmt: skip


if __name__ == "__main__":
    main()
