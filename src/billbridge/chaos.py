"""`python -m billbridge chaos`: exactly once under real conditions, measured (issue 14 item 6).

The scale-out set-up for real: a PostgreSQL database of its own, the Redis queue, several
`run_huey` worker processes, both emulators as processes. While bills are added, paid and
edited, it injects 5xx, 429 with Retry-After and drop-after-write in the emulators, SIGKILLs
workers (and starts new ones), has an accountant book the kassekladder and move vouchers, and
revokes a credential of each system and restores it (the user reconnects). Then it switches
the faults off, waits until every bill has settled, and counts in the emulators' own rows:

    posted / waiting / failed (by reason) / lost / duplicated, and the time to drain.

A bill is *duplicated* when its marker is on more than one invoice entry (or payment entry),
*lost* when billbridge says posted but the system lacks the entry, the latest change (Dinero:
the row's balancing account once paid) or the payment. Exit status 1 on any lost or
duplicated bill, or on a bill failed that was not at fault (none of these bills is).

Sized for 2 cores by default; `--bills 10000` is the issue's full run (see README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

SRC = Path(__file__).resolve().parents[1]

# The Dinero organisations and e-conomic agreements of the emulators' seeds used as companies.
DINERO_ORGS = ("112233", "445566")
ECONOMIC_AGREEMENTS = (701001, 701002)
INVOICE_JOURNAL, PAYMENT_JOURNAL = 2, 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Emulator:
    system: str
    proc: subprocess.Popen[bytes]
    base_url: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base_url, timeout=30)

    def control(self, method: str, path: str, **kw: Any) -> Any:
        response = self.client.request(method, path, **kw)
        response.raise_for_status()
        return response.json() if response.content else None

    def credentials(self) -> dict[str, Any]:
        return dict(self.control("GET", "/_emulator/credentials"))


def start_emulator(system: str, log_dir: Path) -> Emulator:
    port = _free_port()
    log = open(log_dir / f"emulator-{system}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "billbridge", "emulate", system, "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return Emulator(system, proc, f"http://127.0.0.1:{port}")
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the {system} emulator exited") from None
            time.sleep(0.1)
    raise RuntimeError(f"the {system} emulator did not start")


@dataclass
class Options:
    bills: int
    workers: int
    threads: int
    kills: int
    error_rate: float
    throttle_rate: float
    drop_rate: float
    retry_after: int
    database_url: str
    redis_url: str
    providers: list[str]
    timeout: float
    seed: int
    book_every: float
    keep: bool


class Chaos:
    """One run: set-up, the storm, the drain, the count."""

    def __init__(self, options: Options) -> None:
        self.o = options
        self.random = random.Random(options.seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="billbridge-chaos-"))
        self.emulators: dict[str, Emulator] = {}
        self.workers: list[subprocess.Popen[bytes]] = []
        self.env: dict[str, str] = {}
        self.events: list[str] = []
        self.kills = 0
        self.stop = threading.Event()

    # ------------------------------------------------------------------ set-up

    def log(self, message: str) -> None:
        stamp = time.strftime("%H:%M:%S", time.gmtime())
        self.events.append(f"{stamp} {message}")
        print(f"[chaos {stamp}] {message}", flush=True)

    def prepare(self) -> None:
        import psycopg

        url = httpx.URL(self.o.database_url)
        name = url.path.lstrip("/")
        admin = str(url.copy_with(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        import redis

        redis.Redis.from_url(self.o.redis_url).flushdb()
        for system in self.o.providers:
            self.emulators[system] = start_emulator(system, self.tmp)
        from billbridge.emulators.registry import get as get_emulator

        env = {
            "DJANGO_SETTINGS_MODULE": "billbridge.settings",
            "PYTHONPATH": str(SRC),
            "DATABASE_URL": self.o.database_url,
            "BILLBRIDGE_DATA_DIR": str(self.tmp / "data"),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "HUEY_STORAGE": "redis",
            "HUEY_URL": self.o.redis_url,
            "HUEY_NAME": f"chaos-{self.o.seed}",
            "HUEY_IMMEDIATE": "0",
            "HUEY_WORKERS": str(self.o.threads),
            "BILLBRIDGE_PACING_URL": self.o.redis_url,
            "SYNC_CLAIM_SECONDS": "6",
            "ACCOUNTING_HTTP_TIMEOUT": "5",
            "LOG_LEVEL": "WARNING",
        }
        for system, emulator in self.emulators.items():
            env.update(get_emulator(system).settings_for(emulator.base_url, emulator.credentials()))
        from cryptography.fernet import Fernet

        env["BILLBRIDGE_FERNET_KEYS"] = Fernet.generate_key().decode()
        os.environ.update(env)
        self.env = {**os.environ, **env}
        (self.tmp / "data").mkdir(exist_ok=True)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.log(f"database {self.o.database_url}, queue {self.o.redis_url}, logs in {self.tmp}")

    def connect(self) -> list[Any]:
        """One company per Dinero organisation / e-conomic agreement, connected."""
        from billbridge.accounts.models import User
        from billbridge.accounts.services import create_company
        from billbridge.bills.models import PaymentMethod

        owner = User.objects.create_user("chaos@example.com", "chaos-password")
        self.companies: list[tuple[Any, Any, Any]] = []
        if "dinero" in self.o.providers:
            from billbridge.integrations.dinero import setup as dinero_setup

            creds = self.emulators["dinero"].credentials()
            for n, org in enumerate(DINERO_ORGS):
                key = next(
                    o["api_key"] for o in creds["organizations"] if o["organization_id"] == org
                )
                company = create_company(f"Chaos Dinero {n}", f"3100000{n}", owner)
                integration = dinero_setup.connect(
                    company, owner, api_key=key, organization_id=org,
                    fallback_account="99999", payment_account="55000",
                    import_chart_of_accounts=True,
                )  # fmt: skip
                numbers = {str(a["number"]) for a in integration.remote_data.get("accounts", [])}
                account = "55040" if "55040" in numbers or not numbers else sorted(numbers)[0]
                method = PaymentMethod.objects.create(
                    company=company, name="Firmakort", type="credit_card", account_number=account
                )
                self.companies.append((company, integration, method))
        if "economic" in self.o.providers:
            for n, agreement in enumerate(ECONOMIC_AGREEMENTS):
                company = create_company(f"Chaos e-conomic {n}", f"3200000{n}", owner)
                integration, method = self._connect_economic(company, agreement)
                self.companies.append((company, integration, method))
        self.owner = owner
        return self.companies

    def _connect_economic(self, company: Any, agreement: int) -> tuple[Any, Any]:
        from billbridge.bills.models import PaymentMethod
        from billbridge.integrations.economic import provider as economic_provider
        from billbridge.integrations.models import Integration, IntegrationState

        grant = self._grant(agreement)
        integration = Integration(
            company=company, provider="economic", state=IntegrationState.CONNECTED
        )
        integration.credentials = {"agreement_grant_token": grant}
        with economic_provider.make_client(grant) as client:
            integration.remote_data = economic_provider.fetch_remote_data(client)
        accounts = [a for a in integration.remote_data["accounts"] if a["postable"]]
        expense = [a["number"] for a in accounts if a["type"] == "profitAndLoss"]
        balance = [a["number"] for a in accounts if a["type"] == "status"]
        method = PaymentMethod.objects.create(
            company=company, name="Bank", type="bank_transfer", account_number=""
        )
        integration.settings = {
            "creditor_invoice_journal": INVOICE_JOURNAL,
            "creditor_payment_journal": PAYMENT_JOURNAL,
            "default_account": 2800 if 2800 in expense else expense[0],
            "payment_method_accounts": {str(method.pk): 5820 if 5820 in balance else balance[0]},
            "category_accounts": {},
        }
        integration.save()
        return integration, method

    def _grant(self, agreement: int) -> str:
        creds = self.emulators["economic"].credentials()
        return str(
            next(
                a["agreement_grant_token"]
                for a in creds["agreements"]
                if a["agreement_number"] == agreement
            )
        )

    # ------------------------------------------------------------------ workers

    def start_worker(self) -> None:
        n = len(self.workers)
        log = open(self.tmp / f"worker-{n}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "billbridge", "run_huey", "-w", str(self.o.threads),
             "-k", "thread"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.workers.append(proc)

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [w for w in self.workers if w.poll() is None]

    def kill_one(self) -> None:
        alive = self.alive()
        if not alive:
            return
        victim = self.random.choice(alive)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.kills += 1
        self.log(f"SIGKILL worker pid {victim.pid} ({self.kills}/{self.o.kills})")
        self.start_worker()

    # ------------------------------------------------------------------ faults

    def faults(self, on: bool) -> None:
        for emulator in self.emulators.values():
            if on:
                emulator.control("POST", "/_emulator/faults", json={
                    "seed": self.o.seed, "error_rate": self.o.error_rate,
                    "throttle_rate": self.o.throttle_rate,
                    "drop_after_write_rate": self.o.drop_rate,
                    "retry_after": self.o.retry_after,
                })  # fmt: skip
            else:
                emulator.control("POST", "/_emulator/faults", json={"reset": True})
        self.log("faults " + ("on" if on else "off"))

    def accountant(self) -> None:
        """Books every kassekladde now and then, and moves an unbooked e-conomic voucher."""
        while not self.stop.wait(self.o.book_every):
            try:
                if "dinero" in self.emulators:
                    for org in DINERO_ORGS:
                        self.emulators["dinero"].control(
                            "POST", f"/_emulator/organizations/{org}/book"
                        )
                if "economic" in self.emulators:
                    eco = self.emulators["economic"]
                    for agreement in ECONOMIC_AGREEMENTS:
                        self._move_one(eco, agreement)
                        for journal in (INVOICE_JOURNAL, PAYMENT_JOURNAL):
                            eco.client.post(
                                f"/_emulator/agreements/{agreement}/journals/{journal}/book",
                                json={},
                            )
                self.log("the accountant booked the kassekladder")
            except httpx.HTTPError as exc:
                self.log(f"the accountant could not book: {exc}")

    def _move_one(self, eco: Emulator, agreement: int) -> None:
        """Move one unbooked supplier-invoice voucher to the general kassekladde (1)."""
        token = self._grant(agreement)
        creds = eco.credentials()
        headers = {"X-AppSecretToken": creds["app_secret_token"], "X-AgreementGrantToken": token}
        rows = eco.client.get(
            f"/journals/{INVOICE_JOURNAL}/entries", headers=headers, params={"pagesize": 5}
        )
        if rows.status_code != 200 or not rows.json().get("collection"):
            return
        voucher = rows.json()["collection"][0]["voucher"]
        year = str((voucher.get("accountingYear") or {}).get("year", "")).replace("/", "_6_")
        eco.client.post(
            f"/_emulator/agreements/{agreement}/journals/{INVOICE_JOURNAL}/vouchers/"
            f"{year}-{voucher['voucherNumber']}/move",
            json={"journal": 1},
        )

    def revoke_and_restore(self) -> None:
        """One company of each system loses its access for a while; its user reconnects."""
        from billbridge.integrations.dinero import setup as dinero_setup
        from billbridge.integrations.economic import setup as economic_setup

        done: set[str] = set()
        for company, integration, _ in self.companies:
            if integration.provider in done:
                continue
            done.add(integration.provider)
            integration.refresh_from_db()
            if integration.provider == "dinero":
                key = integration.credentials["api_key"]
                org = str(
                    integration.credentials.get("organization_id")
                    or integration.settings.get("organization_id")
                )
                dinero = self.emulators["dinero"]
                dinero.control("POST", f"/_emulator/organizations/{org}/api-keys/{key}/revoke")
                self.log(f"Dinero API key of {org} revoked")
                time.sleep(8)
                dinero.control("POST", f"/_emulator/organizations/{org}/api-keys/{key}/restore")
                self._as_a_user_would(functools.partial(
                    dinero_setup.connect, company, self.owner, api_key=key,
                    organization_id=org, import_chart_of_accounts=False))  # fmt: skip
                self.log(f"Dinero {org} reconnected")
            else:
                agreement = int(integration.remote_data["agreement"]["number"])
                eco = self.emulators["economic"]
                eco.control("POST", f"/_emulator/agreements/{agreement}/revoke")
                self.log(f"e-conomic grant of {agreement} revoked")
                time.sleep(8)
                eco.control("POST", f"/_emulator/agreements/{agreement}/grant")
                integration.credentials = {"agreement_grant_token": self._grant(agreement)}
                integration.save()
                save = functools.partial(
                    economic_setup.save, integration, integration.settings, self.owner
                )
                self._as_a_user_would(save)
                self.log(f"e-conomic {agreement} reconnected")

    def _as_a_user_would(self, connect: Any) -> None:
        """Connect again, trying again as a person would when the system is busy (the storm's
        429s and 5xx reach the set-up's own calls too)."""
        from billbridge.integrations.base import AccountingError, ErrorKind

        for attempt in range(20):
            try:
                connect()
                return
            except AccountingError as exc:
                if exc.kind not in (ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE) or attempt == 19:
                    raise
                self.log(f"reconnect refused for now ({exc.code}); trying again")
                time.sleep(2)

    # ------------------------------------------------------------------ bills

    def add_bills(self) -> None:
        """Bills arrive over the storm: added, some paid, some edited, some with a PDF."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction

        from billbridge.bills.services import BillInput, add_bill, pay_bill, update_bill

        per_company = max(1, self.o.bills // max(1, len(self.companies)))
        self.bills: dict[int, list[int]] = {}
        total = per_company * len(self.companies)
        made = 0
        for n in range(per_company):
            for company, _, method in self.companies:
                made += 1
                document = None
                if n % 10 == 3:  # a document of its own (the same file twice is a duplicate bill)
                    pdf = b"%PDF-1.4\n%% chaos " + f"{company.pk}-{n}".encode() + b"\n%%EOF\n"
                    document = SimpleUploadedFile(f"chaos-{n}.pdf", pdf, "application/pdf")
                data = BillInput(
                    supplier_name=f"Leverandør {n % 7} A/S",
                    supplier_cvr=f"{40000000 + n % 7}",
                    invoice_number=f"CH-{company.pk}-{n}",
                    issue_date=dt.date(2026, 11, 1) + dt.timedelta(days=n % 20),
                    due_date=dt.date(2026, 12, 15),
                    total=Decimal("1250.00") + n,
                    vat_amount=Decimal("250.00"),
                    text=f"Chaos bill {n}",
                )
                bill = add_bill(company, data, document=document)
                self.bills.setdefault(company.pk, []).append(bill.pk)
                if n % 5 == 1:  # edited a moment later (a typo fixed)
                    update_bill(bill, {"text": f"Chaos bill {n} (rettet)"})
                if n % 4 == 2:  # paid, racing the first post
                    with transaction.atomic():
                        pay_bill(bill, date=dt.date(2026, 11, 25), amount=bill.total,
                                 payment_method=method)  # fmt: skip
                if made % 50 == 0:
                    time.sleep(0.2)  # bills arrive over time, not in one burst
            if self.stop.is_set():
                break
        self.log(f"{made} of {total} bills added")

    # ------------------------------------------------------------------ the run

    def execute(self) -> dict[str, Any]:
        self.prepare()
        self.connect()
        for _ in range(self.o.workers):
            self.start_worker()
        self.faults(True)
        booker = threading.Thread(target=self.accountant, daemon=True)
        booker.start()
        started = time.monotonic()
        adder = threading.Thread(target=self._add_in_thread, daemon=True)
        adder.start()
        # The storm: kills spread over the adding, a credential revoked and restored.
        revoked = False
        next_kill = time.monotonic() + 4
        while adder.is_alive() or self.kills < self.o.kills:
            if self.kills < self.o.kills and time.monotonic() >= next_kill:
                self.kill_one()
                next_kill = time.monotonic() + self.random.uniform(3, 8)
            if not revoked and time.monotonic() - started > 6:
                revoked = True
                threading.Thread(target=self._revoke_in_thread, daemon=True).start()
            time.sleep(0.2)
            if time.monotonic() - started > self.o.timeout:
                break
        adder.join(timeout=60)
        while revoked and getattr(self, "_revoking", False):
            time.sleep(0.2)
        self.faults(False)
        storm_end = time.monotonic()
        self.log("storm over; draining")
        drained = self.wait_for_drain(started)
        self.stop.set()
        booker.join(timeout=5)
        if "dinero" in self.emulators:  # let booking finish, so every row is read back
            time.sleep(1)
        report = self.count()
        report["seconds_storm"] = round(storm_end - started, 1)
        report["seconds_to_drain"] = round(drained - storm_end, 1) if drained else None
        report["seconds_total"] = round(time.monotonic() - started, 1)
        report["kills"] = self.kills
        return report

    def _add_in_thread(self) -> None:
        from django.db import connection

        try:
            self.add_bills()
        finally:
            connection.close()

    def _revoke_in_thread(self) -> None:
        from django.db import connection

        self._revoking = True
        try:
            self.revoke_and_restore()
        except Exception as exc:  # the run goes on; the report says so
            self.log(f"revoke/restore failed: {exc!r}")
        finally:
            self._revoking = False
            connection.close()

    def wait_for_drain(self, started: float) -> float | None:
        from billbridge.sync.engine import to_send
        from billbridge.sync.models import SyncRecord

        deadline = started + self.o.timeout
        next_trace = time.monotonic() + 10
        while time.monotonic() < deadline:
            # Waiting records, and posted ones whose document is still being sent (a document
            # left to a person, DOCUMENT_BY_HAND, is settled: the bill says so).
            if not SyncRecord.objects.filter(to_send()).exists():
                return time.monotonic()
            if len(self.alive()) < self.o.workers:
                self.start_worker()
            if time.monotonic() >= next_trace:
                next_trace = time.monotonic() + 10
                self.log(f"still to settle: {self.unsettled()}")
            time.sleep(1)
        self.log(f"not settled at the timeout: {self.unsettled()}")
        return None

    def unsettled(self) -> str:
        """What keeps the run from draining: records still to send, by provider, state and
        error code, with their attempts and the longest wait until one is due again."""
        from django.db.models import Count, Max, Q
        from django.utils import timezone

        from billbridge.integrations.models import Integration
        from billbridge.sync.engine import to_send
        from billbridge.sync.models import SyncRecord

        now = timezone.now()
        rows = (
            SyncRecord.objects.filter(to_send())
            .values("provider", "company_id", "state", "error_code")
            .annotate(
                n=Count("id"),
                attempts=Max("attempts"),
                due=Max("next_attempt_at"),
                claimed=Count("id", filter=Q(claimed_until__gt=now)),
                doubt=Count("id", filter=Q(in_doubt=True)),
            )
            .order_by("provider", "company_id", "state", "error_code")
        )
        parts = []
        for r in rows:
            wait = max(0.0, (r["due"] - now).total_seconds())
            parts.append(
                f"{r['provider']}#{r['company_id']}/{r['state']}/{r['error_code'] or '-'}: "
                f"{r['n']} "
                f"(attempts ≤ {r['attempts']}, next in ≤ {wait:.0f} s, claimed {r['claimed']}, "
                f"in doubt {r['doubt']})"
            )
        blocked = Integration.objects.exclude(state="connected").values_list(
            "pk", "provider", "state", "attention_code", "recheck_at"
        )
        if blocked:
            parts.append(f"integrations held: {list(blocked)}")
        return "; ".join(parts) or "nothing"

    # ------------------------------------------------------------------ the count

    def count(self) -> dict[str, Any]:
        from billbridge.bills.models import Bill
        from billbridge.sync.engine import DOCUMENT_BY_HAND, POSTABLE
        from billbridge.sync.models import SyncRecord, SyncState

        report: dict[str, Any] = {"providers": {}}
        for provider in self.o.providers:
            records = SyncRecord.objects.filter(provider=provider)
            states = Counter(records.values_list("state", flat=True))
            failed = Counter(
                records.filter(state=SyncState.FAILED).values_list("error_code", flat=True)
            )
            bills = Bill.objects.filter(
                company__in=[c for c, i, _ in self.companies if i.provider == provider],
                status__in=POSTABLE,
            ).select_related("payment")
            if provider == "dinero":
                lost, duplicated, uploads = self._count_dinero(bills)
            else:
                lost, duplicated, uploads = self._count_economic(bills)
            report["providers"][provider] = {
                "bills": bills.count(),
                "records": records.count(),
                "posted": states.get(SyncState.POSTED, 0),
                "waiting": states.get(SyncState.WAITING, 0),
                "failed": dict(failed),
                "lost": lost,
                "duplicated": duplicated,
                "document_uploads": uploads,
                "documents_by_hand": records.filter(error_code=DOCUMENT_BY_HAND).count(),
                "documents": bills.exclude(document="").count(),
            }
        return report

    def _count_dinero(self, bills: Any) -> tuple[list[int], list[int], int]:
        from billbridge.integrations.dinero import rules
        from billbridge.sync.models import SyncRecord

        dinero = self.emulators["dinero"]
        rows: list[dict[str, Any]] = []
        for org in DINERO_ORGS:
            rows += dinero.control("GET", f"/_emulator/organizations/{org}/ledgeritems")
        by_id = {str(r["Id"]).lower(): r for r in rows}
        lost: list[int] = []
        duplicated: list[int] = []
        for bill in bills:
            record = SyncRecord.objects.filter(bill=bill, provider="dinero").first()
            number = bill.invoice_number
            invoice_rows = [
                r for r in rows
                if number in str(r.get("Description", "")) and "(betalt)" not in str(
                    r.get("Description", ""))
                and str(r.get("Description", "")).split(number)[1][:1] in ("", " ", ",", ")")
            ]  # fmt: skip
            if len(invoice_rows) > 1:
                duplicated.append(bill.pk)
            if record is None or record.state != "posted":
                continue
            row_id = str(record.remote_data.get("id", "")).lower()
            row = by_id.get(row_id)
            if row is None:
                lost.append(bill.pk)
                continue
            paid = getattr(bill, "payment", None)
            if paid is not None:
                account = int(paid.payment_method.account_number)
                pay_id = rules.row_id(f"billbridge-{bill.company_id}-{record.pk}", part="payment")
                if row.get("BalancingAccountNumber") != account and pay_id not in by_id:
                    lost.append(bill.pk)  # the payment never reached Dinero
        uploads = int(dinero.control("GET", "/_emulator/stats")["by_route"].get(
            "POST /v1/{org}/files", 0))  # fmt: skip
        return lost, duplicated, uploads

    def _count_economic(self, bills: Any) -> tuple[list[int], list[int], int]:
        from billbridge.sync.models import SyncRecord

        eco = self.emulators["economic"]
        creds = eco.credentials()
        vouchers: list[tuple[str, str]] = []  # (marker, where the voucher is)
        for agreement in ECONOMIC_AGREEMENTS:
            headers = {
                "X-AppSecretToken": creds["app_secret_token"],
                "X-AgreementGrantToken": self._grant(agreement),
            }
            journals = eco.client.get("/journals", headers=headers).json()["collection"]
            for journal in journals:
                n = journal["journalNumber"]
                for row in self._rows(eco, f"/journals/{n}/entries", headers):
                    number = (row.get("voucher") or {}).get("voucherNumber")
                    vouchers.append((self._marker(row), f"{agreement}/draft/{n}/{number}"))
            years = eco.client.get("/accounting-years", headers=headers).json()["collection"]
            for year in years:
                path = f"/accounting-years/{str(year['year']).replace('/', '_6_')}/entries"
                for row in self._rows(eco, path, headers):
                    where = f"{agreement}/booked/{year['year']}/{row.get('voucherNumber')}"
                    vouchers.append((self._marker(row), where))
        # One voucher has several lines (booked: supplier, expense, VAT), all with the text.
        marks = Counter(marker for marker, _ in set(vouchers) if marker)
        lost: list[int] = []
        duplicated: list[int] = []
        for bill in bills:
            records = SyncRecord.objects.filter(bill=bill, provider="economic")
            for record in records:
                found = marks.get(f"[billbridge-{record.company_id}-{record.pk}]", 0)
                if found > 1:
                    duplicated.append(bill.pk)
                if record.state == "posted" and found == 0:
                    lost.append(bill.pk)
        uploads = sum(
            n for route, n in eco.control("GET", "/_emulator/stats")["by_route"].items()
            if "attachment" in route and route.startswith("POST")
        )  # fmt: skip
        return lost, duplicated, uploads

    @staticmethod
    def _marker(row: dict[str, Any]) -> str:
        """The bill's mark in a voucher's text, `[billbridge-c-r]`; a replacement after an
        edit carries its number (`[billbridge-c-r/1]`, economic/edits.py) and counts for
        the same bill: the draft it replaced was deleted."""
        text = str(row.get("text") or "")
        if "[billbridge-" not in text:
            return ""
        mark = text[text.rindex("[") :]
        return mark.split("/", 1)[0] + "]" if "/" in mark else mark

    @staticmethod
    def _rows(eco: Emulator, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for page in range(1000):
            response = eco.client.get(
                path, headers=headers, params={"pagesize": 1000, "skippages": page}
            )
            if response.status_code != 200:
                break
            rows = response.json().get("collection", [])
            out += rows
            if len(rows) < 1000:
                break
        return out

    # ------------------------------------------------------------------ tidy up

    def close(self) -> None:
        self.stop.set()
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        for emulator in self.emulators.values():
            emulator.proc.terminate()
            try:
                emulator.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                emulator.proc.kill()


def verdict(report: dict[str, Any]) -> list[str]:
    """What makes the run fail: lost, duplicated, or failed bills (none is at fault)."""
    problems = []
    for provider, figures in report["providers"].items():
        if figures["lost"]:
            problems.append(f"{provider}: {len(figures['lost'])} lost {figures['lost'][:10]}")
        if figures["duplicated"]:
            problems.append(
                f"{provider}: {len(figures['duplicated'])} duplicated {figures['duplicated'][:10]}"
            )
        if figures["failed"]:
            problems.append(f"{provider}: failed although not at fault {figures['failed']}")
        if figures["waiting"]:
            problems.append(f"{provider}: {figures['waiting']} still waiting")
    if report.get("seconds_to_drain") is None:
        problems.append("did not drain before the timeout")
    return problems


def print_report(report: dict[str, Any]) -> None:
    print("\nchaos run:", json.dumps({k: v for k, v in report.items() if k != "providers"}))
    header = f"{'':10} {'bills':>6} {'posted':>7} {'waiting':>8} {'lost':>5} {'dup':>4}  failed"
    print(header)
    for provider, f in report["providers"].items():
        print(
            f"{provider:10} {f['bills']:>6} {f['posted']:>7} {f['waiting']:>8} "
            f"{len(f['lost']):>5} {len(f['duplicated']):>4}  {f['failed'] or '-'}"
            f"   (documents {f['documents']}, uploads {f['document_uploads']}, "
            f"left to a person {f['documents_by_hand']})"
        )


def parse(argv: list[str]) -> Options:
    p = argparse.ArgumentParser(prog="python -m billbridge chaos", description=__doc__.split(
        "\n\n")[0])  # fmt: skip
    p.add_argument("--bills", type=int, default=300, help="bills in all (split over companies)")
    p.add_argument("--workers", type=int, default=3, help="run_huey processes")
    p.add_argument("--threads", type=int, default=2, help="worker threads per process")
    p.add_argument("--kills", type=int, default=3, help="SIGKILLs of a worker during the run")
    p.add_argument("--error-rate", type=float, default=0.10, help="5xx share of calls")
    p.add_argument("--throttle-rate", type=float, default=0.05, help="429 share of calls")
    p.add_argument("--drop-rate", type=float, default=0.05, help="writes applied, answer lost")
    p.add_argument("--retry-after", type=int, default=2, help="seconds in the 429s")
    p.add_argument("--book-every", type=float, default=10.0, help="the accountant, seconds")
    p.add_argument("--providers", default="dinero,economic")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds for the whole run")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--keep", action="store_true", help="keep the logs' folder")
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "CHAOS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/billbridge_chaos"
        ),
        help="a PostgreSQL database the run may drop and create",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("CHAOS_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="a Redis database the run may flush",
    )
    a = p.parse_args(argv)
    return Options(
        bills=a.bills, workers=a.workers, threads=a.threads, kills=a.kills,
        error_rate=a.error_rate, throttle_rate=a.throttle_rate, drop_rate=a.drop_rate,
        retry_after=a.retry_after, database_url=a.database_url, redis_url=a.redis_url,
        providers=[p for p in a.providers.split(",") if p], timeout=a.timeout, seed=a.seed,
        book_every=a.book_every, keep=a.keep,
    )  # fmt: skip


def main(argv: list[str]) -> None:
    options = parse(argv)
    chaos = Chaos(options)
    try:
        report = chaos.execute()
    finally:
        chaos.close()
    print_report(report)
    problems = verdict(report)
    for problem in problems:
        print("FAIL:", problem)
    if not problems:
        print("OK: every bill exactly once")
    sys.exit(1 if problems else 0)
