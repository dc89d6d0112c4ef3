"""A password-guessing run against a real server (issue 15 item 1, "done when"): how many tries
each guesser gets before it is refused, and how fast other users stay meanwhile.

Starts gunicorn on SQLite in a fresh data dir (real PBKDF2, as deployed), behind one trusted
proxy hop so each guesser and each user has an address of its own (X-Forwarded-For). 8 guessers
send wrong passwords to POST /api/v1/auth/token for one victim account each, from their own
address; meanwhile 4 other users keep calling GET /api/v1/companies with their tokens.

Run: ``PYTHONPATH=src:. .venv/bin/python tests/bench/bench_login_guessing.py``. Prints figures
only; no thresholds.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
GUESSERS, USERS, TRIES, PASSWORD = 8, 4, 40, "the-right-password-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    data = tempfile.mkdtemp(prefix="bb-guess-")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "HUEY_"))
    }
    env.update(
        BILLBRIDGE_DATA_DIR=data, DJANGO_SETTINGS_MODULE="billbridge.settings",
        BILLBRIDGE_TRUSTED_PROXIES="1", PYTHONPATH=f"{ROOT / 'src'}", HUEY_IMMEDIATE="1",
    )  # fmt: skip
    py = [sys.executable, "-m", "billbridge"]
    subprocess.run([*py, "migrate", "-v", "0"], env=env, check=True)
    emails = [f"victim{n}@example.com" for n in range(GUESSERS)] + [
        f"user{n}@example.com" for n in range(USERS)
    ]
    make = (
        "import django; django.setup(); from billbridge.accounts.models import User; "
        f"[User.objects.create_user(e, {PASSWORD!r}) for e in {emails!r}]"
    )
    subprocess.run([sys.executable, "-c", make], env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "billbridge.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        tokens = [
            httpx.post(
                f"{base}/auth/token", json={"email": f"user{n}@example.com", "password": PASSWORD},
                headers={"X-Forwarded-For": f"10.1.0.{n}"}, timeout=30,
            ).json()["token"]
            for n in range(USERS)
        ]  # fmt: skip

        def user_latencies(seconds: float, out: list[tuple[float, float]] | None = None):
            """(when it ended, how long it took) of each call for `seconds`."""
            out = [] if out is None else out
            stop = time.monotonic() + seconds

            def run(n: int) -> None:
                with httpx.Client(timeout=30) as c:
                    while time.monotonic() < stop:
                        t = time.monotonic()
                        c.get(f"{base}/companies", headers={"Authorization": f"Bearer {tokens[n]}",
                              "X-Forwarded-For": f"10.1.0.{n}"})  # fmt: skip
                        out.append((time.monotonic(), time.monotonic() - t))

            threads = [threading.Thread(target=run, args=(n,)) for n in range(USERS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return out

        quiet = user_latencies(5)
        answers: dict[int, list[int]] = {}
        guess_times: list[float] = []
        locked_at: list[float] = []  # when each guesser got its first 429

        def guess(n: int) -> None:
            codes = answers.setdefault(n, [])
            with httpx.Client(timeout=30) as c:
                for i in range(TRIES):
                    t = time.perf_counter()
                    r = c.post(f"{base}/auth/token", json={"email": f"victim{n}@example.com",
                               "password": f"guess-{i}"},
                               headers={"X-Forwarded-For": f"10.0.0.{n}"})  # fmt: skip
                    guess_times.append(time.perf_counter() - t)
                    if r.status_code == 429 and 429 not in codes:
                        locked_at.append(time.monotonic())
                    codes.append(r.status_code)

        attackers = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSERS)]
        start = time.perf_counter()
        busy: list[tuple[float, float]] = []
        for t in attackers:
            t.start()
        watcher_stop = threading.Event()

        def watch() -> None:
            while not watcher_stop.is_set():
                user_latencies(1, busy)

        watcher = threading.Thread(target=watch)
        watcher.start()
        for t in attackers:
            t.join()
        watcher_stop.set()
        watcher.join()
        attack_seconds = time.perf_counter() - start
        all_locked = max(locked_at) if locked_at else float("inf")
        right = httpx.post(
            f"{base}/auth/token", json={"email": "victim0@example.com", "password": PASSWORD},
            headers={"X-Forwarded-For": "10.0.0.0"}, timeout=30,
        )  # fmt: skip
        first_429 = [codes.index(429) + 1 if 429 in codes else None for codes in answers.values()]
        wrong_checked = sum(codes.count(401) for codes in answers.values())
        print(f"guessers: {GUESSERS} x {TRIES} wrong passwords in {attack_seconds:.1f} s")
        print(f"  passwords checked (401): {wrong_checked}, refused unchecked (429): "
              f"{sum(codes.count(429) for codes in answers.values())}")  # fmt: skip
        statuses = Counter(code for codes in answers.values() for code in codes)
        print(f"  answers: {dict(statuses)}; first 429 at try: {first_429}")
        print(f"  the right password afterwards: {right.status_code}, "
              f"Retry-After {right.headers.get('Retry-After')} s")  # fmt: skip
        print(f"  guess answer median {statistics.median(guess_times) * 1000:.0f} ms")
        phases = (
            ("quiet", [d for _, d in quiet]),
            ("while guessers still had tries", [d for w, d in busy if w <= all_locked]),
            ("once all were locked out", [d for w, d in busy if w > all_locked]),
        )
        for label, values in phases:
            if not values:
                continue
            values = sorted(values)
            p95 = values[int(len(values) * 0.95)]
            median = statistics.median(values) * 1000
            print(f"other users {label}: {len(values)} calls, median {median:.1f} ms, "
                  f"p95 {p95 * 1000:.1f} ms")  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
