"""Posting side by side (issue 16 item 5): billbridge beside a naive and an ideal client.

Used by bench_dinero.py and bench_economic.py. Each client posts the same N bills to the same
emulator (reset before each run, 50 ms + 0..50 ms latency per call) in a process of its own
(forked), so that its figures are its own:

- seconds: wall time of the posting;
- requests: HTTP requests, counted by the emulator;
- CPU: user + system seconds of the posting process while it posts (all its threads; SQLite's
  work too, a PostgreSQL server's not), and per posted bill;
- peak memory: the process's resident-set high-water mark above where it started (MB).

The three clients:

- billbridge: the sync engine (`engine.process`, as the worker calls it) over sync records
  made by `engine.backfill` in the bench's database, with its own pace and everything;
- naive: one request per bill, as the seed's product does (no batching, no database);
- ideal: the fewest round trips the API allows, rows built in memory, no database, no pace.

Figures only, no thresholds: the ratio column is billbridge ÷ ideal (issue 16: ≤ 2).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections

SIZES = (100, 1000, 5000)  # and 20,000 by BENCH_SIZES=100,1000,5000,20000 (~10 minutes more)


def sizes(default: tuple[int, ...] = SIZES) -> list[int]:
    """BENCH_SIZES="100,1000,5000,20000" picks the sizes (default: 100 / 1,000 / 5,000, a few
    minutes on 2 cores; the issue's 20,000 adds some ten minutes, most of it making the
    bills)."""
    raw = os.environ.get("BENCH_SIZES", "")
    if raw.strip().lower() == "none":  # documents only
        return []
    return [int(s.replace("_", "")) for s in raw.split(",") if s.strip()] or list(default)


def naive_max() -> int:
    """A naive client takes one round trip per bill (~75 ms, the same for every bill): above
    BENCH_NAIVE_MAX bills (200) it posts that many and its figures are scaled to N (marked ~)."""
    return int(os.environ.get("BENCH_NAIVE_MAX", "200"))


@dataclass
class Figures:
    client: str
    bills: int
    posted: int
    seconds: float
    requests: int
    cpu: float
    peak_mb: float
    scaled_from: int | None = None  # the naive client's figures scaled from this many bills
    note: str = ""

    @property
    def cpu_ms_per_bill(self) -> float:
        return self.cpu * 1000 / max(self.posted, 1)


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def forked(run: Callable[[], int]) -> tuple[int, float, float, float]:
    """Run `run` (→ bills posted) in a child process: (posted, seconds, CPU s, peak MB)."""
    connections.close_all()  # the child opens its own; a shared socket would be corrupted
    gc.freeze()  # the parent's objects: not copied into the child by its garbage collector
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            try:
                with open("/proc/self/clear_refs", "w") as fh:
                    fh.write("5")  # reset the high-water mark to the current RSS
            except OSError:
                pass
            start_kb = _rss_kb("VmRSS")
            started, cpu = time.perf_counter(), time.process_time()
            posted = run()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            peak = max(0, _rss_kb("VmHWM") - start_kb) / 1024
            out = {"posted": posted, "seconds": seconds, "peak_mb": peak, "cpu": cpu}
        except BaseException:  # noqa: BLE001 - reported by the parent
            out = {"error": traceback.format_exc()}
            code = 1
        os.write(write, json.dumps(out).encode())
        os.close(write)
        sys.stdout.flush()
        os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    gc.unfreeze()
    result = json.loads(b"".join(chunks) or b'{"error": "no answer"}')
    if "error" in result:
        raise RuntimeError(f"bench client failed:\n{result['error']}")
    return (int(result["posted"]), float(result["seconds"]), float(result["cpu"]),
            float(result["peak_mb"]))  # fmt: skip


def measure(
    client: str,
    bills: int,
    run: Callable[[], int],
    requests: Callable[[], int],
    *,
    scaled_from: int | None = None,
    note: str = "",
) -> Figures:
    """One client's run, with the emulator's request count before and after."""
    before = requests()
    posted, seconds, cpu, peak = forked(run)
    spent = requests() - before
    if scaled_from:
        factor = bills / scaled_from
        posted, seconds, cpu, spent = (
            round(posted * factor), seconds * factor, cpu * factor, round(spent * factor)
        )  # fmt: skip
    return Figures(client, bills, posted, seconds, spent, cpu, peak, scaled_from, note)


def table(title: str, rows: list[Figures]) -> str:
    """The figures as a table, with billbridge ÷ ideal (time, requests, CPU) per size."""
    head = (
        f"{'bills':>6}  {'client':<10} {'posted':>6} {'seconds':>8} {'requests':>8} "
        f"{'CPU s':>7} {'ms/bill':>7} {'peak MB':>7}"
    )
    lines = [title, head, "-" * len(head)]
    by_size: dict[int, dict[str, Figures]] = {}
    for f in rows:
        by_size.setdefault(f.bills, {})[f.client] = f
        mark = "~" if f.scaled_from else " "
        lines.append(
            f"{f.bills:>6}  {f.client:<10} {f.posted:>6} {mark}{f.seconds:>7.2f} "
            f"{mark}{f.requests:>7} {mark}{f.cpu:>6.2f} {f.cpu_ms_per_bill:>7.3f} "
            f"{f.peak_mb:>7.1f}" + (f"  {f.note}" if f.note else "")
        )
    lines.append("")
    for n, clients in by_size.items():
        bb, ideal, naive = clients.get("billbridge"), clients.get("ideal"), clients.get("naive")
        if bb is None or ideal is None:
            continue
        words = (
            f"  {n:>6} bills: billbridge/ideal time {bb.seconds / max(ideal.seconds, 1e-9):.2f}×,"
            f" requests {bb.requests / max(ideal.requests, 1):.2f}×,"
            f" CPU {bb.cpu / max(ideal.cpu, 1e-9):.1f}×"
        )
        if naive is not None:
            words += f"; naive/billbridge time {naive.seconds / max(bb.seconds, 1e-9):.0f}×"
        lines.append(words)
    if any(f.scaled_from for f in rows):
        lines.append(f"  ~ naive figures scaled from its first {naive_max()} bills "
                     "(BENCH_NAIVE_MAX)")  # fmt: skip
    return "\n".join(lines)


def run_sizes(posting_of: Callable[[int], list[Figures]], system: str,
              latency: dict[str, Any]) -> None:  # fmt: skip
    """Post every size of `sizes()` with the three clients and print the table."""
    rows: list[Figures] = []
    for n in sizes():
        rows += posting_of(n)
        print(f"  {n} bills done (load {os.getloadavg()[0]:.1f})", flush=True)
    title = (
        f"\nposting to {system} (latency {latency['latency_ms']}"
        f"+0..{latency['jitter_ms']} ms per call)"
    )
    print(table(title, rows), flush=True)


def wait_drained(process: Callable[[], dict[str, Any]], waiting: Callable[[], Any],
                 limit_seconds: float = 3600.0) -> None:  # fmt: skip
    """Run the engine as a worker would until nothing is left to send: `process()` again
    while it says there is more, and after its `wake_in` for records it rescheduled."""
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        out = process()
        if out["more"]:
            continue
        next_due = waiting()
        if next_due is None:
            return
        time.sleep(min(max(0.05, out["wake_in"] or 0.5), 60.0))
    raise RuntimeError("the engine did not drain in time")
