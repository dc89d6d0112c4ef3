"""e-conomic's throttling: a cost-based token bucket per agreement, and the fair-use counter.

What the sources say (economic.md §5.1, §10.5):

- Real 429s come from a cost-based token bucket introduced in December 2025: each endpoint costs
  differently, the parameters are unpublished, and a 429 carries ``Retry-After`` in integer
  seconds (S5 `EconomicsErrorMapper`: "e-conomic sends the seconds form").
- 50,000 calls a day per agreement is a fair-use threshold (e-conomic e-mails the super user),
  not a 429 counter. Here it is a counter in ``GET /_emulator/stats`` (``fair_use``), with the
  threshold taken from the shared ``daily_limit`` fault key (null = 50,000).

Everything numeric below is [GUESS]: the bucket size, the refill rate and the cost of each
route. They are chosen so that billbridge's own pace (25 calls a second, bursts of 50) does not
reach them in normal use, and a bulk of attachment uploads does.

The bucket is on by default and configured at ``GET|POST /_emulator/throttle``::

    {"enabled": true, "capacity": 300, "refill_per_second": 30, "default_cost": 1,
     "costs": {"POST /journals/{n}/vouchers": 10, ...}, "reset": false}

``POST`` merges what it is given (``costs`` per route, by the route names that
``/_emulator/stats`` counts), refills every bucket and answers the whole configuration;
``"reset": true`` first restores the defaults. A request that finds fewer tokens than its cost
is answered 429 with ``Retry-After: ceil((cost - tokens) / refill_per_second)`` (at least 1)
and costs nothing; the 429 body is e-conomic's generic error body [GUESS: its shape is
unconfirmed, §9]. Calls that fail authentication are not counted [GUESS].
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import threading
import time
from typing import Any

FAIR_USE_CALLS_PER_DAY = 50_000  # economic.md §5.1, S8

DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "capacity": 300.0,
    "refill_per_second": 30.0,
    "default_cost": 1.0,
    "costs": {
        # collections cost more than single reads; writes more than reads; files most
        "GET /accounts": 2.0,
        "GET /suppliers": 2.0,
        "GET /journals/{n}/entries": 2.0,
        "GET /journals/{n}/vouchers": 2.0,
        "GET /accounting-years/{y}/entries": 3.0,
        "GET /accounting-years/{y}/periods/{p}/entries": 3.0,
        "POST /journals/{n}/vouchers": 10.0,
        "POST /suppliers": 5.0,
        "DELETE /journals/{n}/entries/{e}": 3.0,
        "POST …/attachment/file": 10.0,
        "PATCH …/attachment/file": 10.0,
        "GET …/attachment/file": 3.0,
    },
}


class TokenBucket:
    """Per-agreement buckets with per-route costs; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: dict[str, Any] = {}
        self._buckets: dict[str, tuple[float, float]] = {}  # agreement → (tokens, at)
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._config = copy.deepcopy(DEFAULTS)
            self._buckets = {}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._config)

    def configure(self, changes: Any) -> dict[str, Any]:
        """Merge `changes` (see the module doc); raises ValueError on anything unknown."""
        if not isinstance(changes, dict):
            raise ValueError("the throttle configuration must be a JSON object")
        changes = dict(changes)
        if changes.pop("reset", False):
            self.reset()
        unknown = set(changes) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown throttle keys: {sorted(unknown)}")
        numbers = {}
        for key in ("capacity", "refill_per_second", "default_cost"):
            if key in changes:
                value = changes[key]
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{key} must be a number >= 0")
                numbers[key] = float(value)
        if numbers.get("refill_per_second") == 0:
            raise ValueError("refill_per_second must be > 0")
        costs = changes.get("costs", {})
        if not isinstance(costs, dict) or any(
            isinstance(v, bool) or not isinstance(v, int | float) or v < 0 for v in costs.values()
        ):
            raise ValueError("costs must map route names to numbers >= 0")
        with self._lock:
            if "enabled" in changes:
                self._config["enabled"] = bool(changes["enabled"])
            self._config.update(numbers)
            self._config["costs"].update({str(k): float(v) for k, v in costs.items()})
            self._buckets = {}
            return copy.deepcopy(self._config)

    def cost(self, route: str) -> float:
        with self._lock:
            return float(self._config["costs"].get(route, self._config["default_cost"]))

    def take(self, agreement: str, route: str) -> int | None:
        """Spend the route's cost from the agreement's bucket; None when it may go ahead, else
        the seconds for ``Retry-After``."""
        with self._lock:
            cfg = self._config
            if not cfg["enabled"]:
                return None
            cost = float(cfg["costs"].get(route, cfg["default_cost"]))
            capacity, rate = float(cfg["capacity"]), float(cfg["refill_per_second"])
            now = time.monotonic()
            tokens, at = self._buckets.get(agreement, (capacity, now))
            tokens = min(capacity, tokens + (now - at) * rate)
            if tokens < cost:
                self._buckets[agreement] = (tokens, now)
                return max(1, math.ceil((cost - tokens) / rate))
            self._buckets[agreement] = (tokens - cost, now)
            return None

    def tokens(self, agreement: str) -> float:
        """What the agreement's bucket holds now (for the page and the stats)."""
        with self._lock:
            capacity = float(self._config["capacity"])
            rate = float(self._config["refill_per_second"])
            tokens, at = self._buckets.get(agreement, (capacity, time.monotonic()))
            return min(capacity, tokens + (time.monotonic() - at) * rate)


class FairUse:
    """Calls per agreement per day, against the fair-use threshold: a figure, never a 429
    [GUESS: the day is the UTC day; e-conomic does not say where its 24 hours start]."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._days: dict[str, tuple[str, int, int]] = {}  # agreement → (day, calls, throttled)

    def reset(self) -> None:
        with self._lock:
            self._days = {}

    def count(self, agreement: str, *, throttled: bool = False) -> None:
        today = dt.datetime.now(dt.UTC).date().isoformat()
        with self._lock:
            day, calls, limited = self._days.get(agreement, (today, 0, 0))
            if day != today:
                day, calls, limited = today, 0, 0
            self._days[agreement] = (day, calls + 1, limited + int(throttled))

    def snapshot(self, threshold: int | None) -> dict[str, Any]:
        limit = FAIR_USE_CALLS_PER_DAY if threshold is None else int(threshold)
        with self._lock:
            return {
                agreement: {
                    "day": day,
                    "calls": calls,
                    "throttled": limited,
                    "fair_use_threshold": limit,
                    "over_fair_use": calls > limit,
                }
                for agreement, (day, calls, limited) in sorted(self._days.items())
            }
