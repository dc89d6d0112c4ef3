"""The wait a person feels (issue 17 item 4): figures, no thresholds.

Starts the demo's pieces on this machine in a fresh data directory — the Dinero emulator, the
web server (gunicorn, as the demo runs it) and the worker (``run_huey``, SQLite queue unless
``HUEY_STORAGE`` says otherwise) — connects a company to Dinero, then saves bills through the
REST API:

- as a person does: ``--person`` bills, ``--gap`` seconds apart (random within it), then
  ``--idle-runs`` bills each after ``--idle`` seconds with nothing to do (default a minute);
- as an API client does: ``--batch`` bills back to back, then ``--batch`` at once (a burst).

For each pattern it prints p50/p95 from Save (the POST sent) to posted (the bench sees the sync
record posted; it looks every 10 ms), and for bills saved one at a time where the time went:
the Save itself, the queue's wake-up (Save answered → the first call to Dinero starts), HTTP
(the calls to Dinero, from the audit log), writing the outcome (the last call's end → posted).

Then it drops ``--drop`` documents of each kind (a PNG scan, a scanned PDF) at once and prints
the time until all are read beside ``pages × one-thread page time ÷ cores`` (the goal: within
1.3× of it), and the CPU the worker had meanwhile (its own and its tesseract's and pdftoppm's):
on a machine others share, the cores it got, with the ratio at those cores.
Goals (issue 17): Save → posted p50 ≤ 0.2 s, p95 ≤ 0.5 s for a person.

Run: ``PYTHONPATH=src:. .venv/bin/python tests/bench/bench_wait.py [--idle 60]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import httpx  # noqa: E402

from billbridge.demo import _credentials, _wait_for_port  # noqa: E402
from billbridge.emulators.registry import EMULATORS  # noqa: E402
from tests.emulators.conftest import free_port  # noqa: E402

ORG = "112233"  # Nordlys Design ApS, as the emulator seeds it
PASSWORD = "bench-wait-1"


class Stack:
    """The demo's processes in their own data directory; stopped together."""

    def __init__(self) -> None:
        self.data = Path(tempfile.mkdtemp(prefix="billbridge-wait-"))
        self.env = dict(
            os.environ,
            BILLBRIDGE_DATA_DIR=str(self.data),
            DJANGO_SETTINGS_MODULE="billbridge.settings",
            HUEY_IMMEDIATE="0",
            PYTHONUNBUFFERED="1",
        )
        self.env.pop("DATABASE_URL", None)
        self.procs: list[subprocess.Popen] = []
        self.pids: dict[str, int] = {}

    def start(self, name: str, args: list[str], port: int | None = None) -> None:
        log = open(self.data / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            args, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        self.pids[name] = proc.pid
        if port:
            _wait_for_port(port, proc, name)

    def run(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "billbridge", *args], env=self.env, check=True)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _up(stack: Stack) -> tuple[str, dict]:
    """Emulator, database, web, worker; → (web base URL, emulator credentials)."""
    dinero_port, web_port = free_port(), free_port()
    stack.start(
        "dinero", [sys.executable, "-m", "billbridge", "emulate", "dinero", "--port",
                   str(dinero_port)], dinero_port,
    )  # fmt: skip
    credentials = _credentials(dinero_port)
    stack.env.update(
        EMULATORS["dinero"].settings_for(f"http://127.0.0.1:{dinero_port}", credentials)
    )
    stack.run("migrate", "--noinput", "-v", "0")
    stack.start("worker", [sys.executable, "-m", "billbridge", "run_huey", "--quiet"])
    stack.start(
        "web", [sys.executable, "-m", "gunicorn", "billbridge.wsgi:application", "--bind",
                f"127.0.0.1:{web_port}", "--workers", "2", "--threads", "4",
                "--log-level", "warning"], web_port,
    )  # fmt: skip
    return f"http://127.0.0.1:{web_port}", credentials


def _django(stack: Stack) -> None:
    """This process reads the same database (to see posted records and the audit log)."""
    os.environ.update(stack.env)
    import django

    django.setup()


def _company(credentials: dict) -> tuple[int, str]:
    """A company connected to Dinero (S-d5…S-d8, chart imported); → (company id, email)."""
    from billbridge.accounts.models import Company, Membership, User
    from billbridge.integrations.dinero import setup

    key = next(o["api_key"] for o in credentials["organizations"] if o["organization_id"] == ORG)
    user = User.objects.create_user("wait@example.com", PASSWORD)
    company = Company.objects.create(name="Ventetid ApS")
    Membership.objects.create(user=user, company=company, role="owner")
    accounts = setup.validate_credentials(key, ORG, company=company)
    setup.connect(company, user, api_key=key, organization_id=ORG,
                  import_chart_of_accounts=True, accounts=accounts)  # fmt: skip
    return company.pk, user.email


class Bills:
    """Saving bills through the API and seeing them posted."""

    def __init__(self, base: str, company_id: int, email: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        token = self.http.post(
            "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
        ).json()["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.path = f"/api/v1/companies/{company_id}/bills"
        self.company_id = company_id
        self.n = 0

    def save(self) -> tuple[int, float, float]:
        """One bill, typed in full; → (bill id, sent at, answered at) in epoch seconds."""
        self.n += 1
        body = {
            "supplier_name": f"Leverandør {self.n % 7} ApS", "invoice_number": f"V-{self.n:05d}",
            "issue_date": "2026-11-20", "due_date": "2026-12-04", "total": "1250.00",
            "vat_amount": "250.00", "text": "Kontorartikler",
        }  # fmt: skip
        sent = time.time()
        response = self.http.post(self.path, json=body)
        answered = time.time()
        response.raise_for_status()
        return response.json()["id"], sent, answered

    def posted(self, bill_ids: list[int], timeout: float = 120) -> dict[int, float]:
        """When each bill's sync record was first seen posted (looked at every 10 ms)."""
        from billbridge.sync.models import SyncRecord, SyncState

        seen: dict[int, float] = {}
        deadline = time.monotonic() + timeout
        while len(seen) < len(bill_ids) and time.monotonic() < deadline:
            now = time.time()
            for bill_id in SyncRecord.objects.filter(
                bill_id__in=[b for b in bill_ids if b not in seen], state=SyncState.POSTED
            ).values_list("bill_id", flat=True):
                seen[bill_id] = now
            time.sleep(0.01)
        return seen

    def calls(self, after: float, before: float) -> list[tuple[float, float]]:
        """The calls to Dinero between two moments: (start, end) from the audit log."""
        from billbridge.sync.models import AuditEntry

        entries = AuditEntry.objects.filter(
            company_id=self.company_id,
            created_at__gt=dt.datetime.fromtimestamp(after, dt.UTC),
            created_at__lte=dt.datetime.fromtimestamp(before + 0.05, dt.UTC),
        ).values_list("created_at", "duration_ms")
        return sorted((at.timestamp() - ms / 1000, at.timestamp()) for at, ms in entries)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _one_by_one(bills: Bills, label: str, pauses: list[float]) -> None:
    totals: list[float] = []
    parts: dict[str, list[float]] = {"save": [], "wake-up": [], "HTTP": [], "outcome": []}
    for pause in pauses:
        time.sleep(pause)
        bill_id, sent, answered = bills.save()
        seen = bills.posted([bill_id]).get(bill_id)
        if seen is None:
            print(f"  {label}: bill {bill_id} not posted within 120 s")
            continue
        totals.append(seen - sent)
        calls = bills.calls(sent, seen)
        if calls:
            parts["save"].append(answered - sent)
            parts["wake-up"].append(calls[0][0] - answered)
            parts["HTTP"].append(calls[-1][1] - calls[0][0])
            parts["outcome"].append(seen - calls[-1][1])
    _print(label, totals)
    if parts["save"]:
        print("    where the time goes (p50): " + ", ".join(
            f"{name} {statistics.median(values) * 1000:.0f} ms" for name, values in parts.items()
        ))  # fmt: skip


def _print(label: str, totals: list[float]) -> None:
    if totals:
        p50, p95 = statistics.median(totals), _pct(totals, 0.95)
        print(f"  {label:44} p50 {p50:5.2f} s  p95 {p95:5.2f} s  max {max(totals):5.2f} s  "
              f"({len(totals)} bills)")  # fmt: skip


def _api_client(bills: Bills, count: int) -> None:
    saved = [bills.save() for _ in range(count)]
    seen = bills.posted([bill_id for bill_id, _, _ in saved])
    _print(f"API client: {count} back to back", [seen[b] - s for b, s, _ in saved if b in seen])
    with ThreadPoolExecutor(8) as pool:
        saved = list(pool.map(lambda _: bills.save(), range(count)))
    seen = bills.posted([bill_id for bill_id, _, _ in saved])
    _print(f"API client: a burst of {count} (8 at once)",
           [seen[b] - s for b, s, _ in saved if b in seen])  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    """CPU a process and its finished children (tesseract, pdftoppm) have used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _drop(bills: Bills, count: int, worker_pid: int) -> None:
    """``count`` scans of each kind uploaded at once; the time until every one is read."""
    from billbridge.bills.models import Bill, BillStatus
    from billbridge.ingest import extract, ocr
    from tests.ingest.corpus import bill_pdf, image_only_pdf, render_png

    if not ocr.tesseract_available():
        print("  documents: tesseract not installed, skipped")
        return
    png = render_png(bill_pdf(language="da"), dpi=200)
    for kind, data, name, mime in (
        ("PNG scan", png, "scan.png", "image/png"),
        ("scanned PDF", image_only_pdf(png), "scan.pdf", "application/pdf"),
    ):
        extract(data, name)  # warm
        singles = []
        for _ in range(3):
            started = time.perf_counter()
            extract(data, name)
            singles.append(time.perf_counter() - started)
        single = statistics.median(singles)
        started, cpu = time.time(), _cpu_seconds(worker_pid)
        upload = {"document": (name, data, mime)}
        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(
                lambda files: bills.http.post(bills.path, files=files).json()["id"],
                [upload] * count,
            ))  # fmt: skip
        uploaded = time.time() - started
        while Bill.objects.filter(pk__in=ids, status=BillStatus.ANALYSING).exists():
            if time.time() - started > 600:
                break
            time.sleep(0.05)
        total = time.time() - started
        cores_had = (_cpu_seconds(worker_pid) - cpu) / total
        left = Bill.objects.filter(pk__in=ids, status=BillStatus.ANALYSING).count()
        ideal = count * single / ocr.OCR_PARALLEL
        print(f"  {count} {kind}s (1 page each) dropped at once: all read in {total:.1f} s "
              f"(upload {uploaded:.1f} s){f', {left} still unread' if left else ''}; one page "
              f"alone {single:.2f} s → {count} × {single:.2f} ÷ {ocr.OCR_PARALLEL} cores = "
              f"{ideal:.1f} s (ratio {total / ideal:.2f}, goal ≤ 1.3); the worker had "
              f"{cores_had:.2f} cores on average (load {os.getloadavg()[0]:.1f}): ratio at "
              f"those cores {total * cores_had / (count * single):.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--person", type=int, default=12, help="bills typed in one by one")
    parser.add_argument("--gap", type=float, default=4.0, help="seconds between them, at most")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds idle before a bill")
    parser.add_argument("--idle-runs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50, help="bills an API client sends")
    parser.add_argument("--drop", type=int, default=50, help="documents of each kind")
    args = parser.parse_args()
    # Making the scanned PDFs subsets fonts, and fontTools logs every glyph at INFO.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    stack = Stack()
    try:
        base, credentials = _up(stack)
        _django(stack)
        from django.conf import settings

        company_id, email = _company(credentials)
        bills = Bills(base, company_id, email)
        print(f"felt-wait bench: queue {settings.HUEY_STORAGE} (poll ≤ "
              f"{settings.HUEY_POLL_SECONDS} s when polled), {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
        bills.posted([bills.save()[0]])  # warm: the token, the first connections
        rng = random.Random(17)
        _one_by_one(bills, f"person: {args.person} bills ≤ {args.gap:g} s apart",
                    [rng.uniform(args.gap / 2, args.gap) for _ in range(args.person)])  # fmt: skip
        _one_by_one(bills, f"person: a bill after {args.idle:g} s idle",
                    [args.idle] * args.idle_runs)  # fmt: skip
        _api_client(bills, args.batch)
        if args.drop:
            _drop(bills, args.drop, stack.pids["worker"])
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
