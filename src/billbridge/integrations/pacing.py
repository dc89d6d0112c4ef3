"""One pace per accounting-system tenant, shared by every worker process (issue 14 item 4).

An accounting system's limits belong to the tenant (a Dinero organisation, an e-conomic
agreement), not to a process: with several `run_huey` workers on several machines, each
counting on its own would spend the tenant's whole budget several times over. So the pace
lives where every worker sees it:

- `BILLBRIDGE_PACING_URL` = `redis://…` (by default the Redis queue's URL): a token bucket per
  tenant kept in Redis by pyrate-limiter (GCRA, one small hash per tenant, atomic in Lua);
- empty (SQLite set-ups, one process): the in-process `TokenBucket`.

API (what providers use):

- `limiter(key, *, rate, burst, per_day=None, window=None) -> Pace`: calls per second with a
  burst, or, with `window=(limit, seconds)`, at most `limit` calls in any `seconds` (a sliding
  window: a system whose documented limit is "100 requests a minute" gets all 100 at once,
  issue 16 item 2), and an optional daily budget; `pace()` (or `pace.acquire()`) waits up to
  `max_wait` seconds for a token, else raises RATE_LIMITED with `retry_after`, so the engine
  reschedules the record instead of blocking a worker;
- `pace.leaving(n)`: the same pace for calls that may only take a token while more than `n`
  are left in the window (Dinero's document uploads leave room for the rows naming them);
- `pace.throttled(seconds)`: the system answered 429 with Retry-After: every process holds
  off this tenant until then (transport.send calls it), so under a 429 storm the workers slow
  down together and recover by themselves;
- `paused(key) -> float`: seconds this tenant is still held off (0 when not).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Any, cast

from billbridge.integrations.base import AccountingError, ErrorKind

MAX_WAIT = 5.0  # seconds a call may wait for its token before the record is rescheduled
PREFIX = "billbridge:pace:"


def pacing_url() -> str:
    """Where the shared pace lives (BILLBRIDGE_PACING_URL; "" → in this process only)."""
    from django.conf import settings

    return str(getattr(settings, "BILLBRIDGE_PACING_URL", None) or os.environ.get(
        "BILLBRIDGE_PACING_URL", ""
    ))  # fmt: skip


class Pace:
    """A tenant's pace: callable, as the clients' `throttle` hook."""

    def __init__(
        self,
        key: str,
        *,
        rate: float,
        burst: float,
        per_day: int | None = None,
        window: tuple[int, float] | None = None,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.key = key
        self.rate = float(rate)
        self.burst = float(burst)
        self.per_day = per_day
        self.window = (max(1, int(window[0])), float(window[1])) if window else None
        self.max_wait = max_wait

    def __call__(self) -> None:
        self.acquire()

    def acquire(self, reserve: int = 0) -> None:
        """A token, waiting up to `max_wait`; with a window, only while more than `reserve`
        tokens are left in it (ignored without a window)."""
        raise NotImplementedError

    def leaving(self, reserve: int) -> Leaving:
        """This pace for calls that leave `reserve` tokens of the window to others."""
        return Leaving(self, reserve)

    def _window_limit(self, reserve: int) -> int:
        assert self.window is not None
        return max(1, self.window[0] - max(0, reserve))

    def throttled(self, seconds: float | None) -> None:
        raise NotImplementedError

    def _wait_or_raise(self, wait: float, why: str) -> None:
        if wait > self.max_wait:
            raise AccountingError(ErrorKind.RATE_LIMITED, "rate_limited", why, retry_after=wait)
        if wait > 0:
            time.sleep(wait)


class Leaving:
    """A pace's `acquire(reserve)` as a client's `throttle` hook (see `Pace.leaving`)."""

    def __init__(self, pace: Pace, reserve: int) -> None:
        self.pace = pace
        self.reserve = reserve

    def __call__(self) -> None:
        self.pace.acquire(self.reserve)

    def throttled(self, seconds: float | None) -> None:
        self.pace.throttled(seconds)


class TokenBucket:
    """Calls per second for one accounting-system tenant, with a burst allowance.

    Why: the limits belong to the tenant (an organisation, an agreement), so every call to it
    from this process draws from one bucket. Waits up to `max_wait` seconds for a token; a
    longer wait becomes RATE_LIMITED so the engine reschedules instead of blocking a worker.
    """

    def __init__(self, rate: float, burst: float, max_wait: float = 5.0) -> None:
        self.rate = float(rate)
        self.burst = float(burst)
        self.max_wait = max_wait
        self._tokens = float(burst)
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
            if wait > self.max_wait:
                self._tokens += 1.0
                raise AccountingError(
                    ErrorKind.RATE_LIMITED,
                    "rate_limited",
                    "local rate limit",
                    retry_after=wait,
                )
        if wait > 0:
            time.sleep(wait)


class LocalPace(Pace):
    """In this process only: the hand-kept token bucket, or a log of the window's calls
    (SQLite set-ups, tests)."""

    def __init__(self, key: str, **kw: Any) -> None:
        super().__init__(key, **kw)
        self.bucket = TokenBucket(self.rate, self.burst, max_wait=self.max_wait)
        self.day = (
            TokenBucket(self.per_day / 86400.0, self.per_day, max_wait=0.0)
            if self.per_day
            else None
        )
        self.calls: deque[float] = deque()  # the window's calls (monotonic times)
        self._lock = threading.Lock()

    def acquire(self, reserve: int = 0) -> None:
        self._wait_or_raise(paused(self.key), "paused after 429")
        if self.window is None:
            if self.day is not None:
                self.day.acquire()
            self.bucket.acquire()
            return
        limit, seconds = self._window_limit(reserve), self.window[1]
        while True:
            with self._lock:
                now = time.monotonic()
                while self.calls and self.calls[0] <= now - seconds:
                    self.calls.popleft()
                if len(self.calls) < limit:
                    if self.day is not None:
                        self.day.acquire()
                    self.calls.append(now)
                    return
                wait = self.calls[len(self.calls) - limit] + seconds - now
            self._wait_or_raise(wait, "rate window")

    def throttled(self, seconds: float | None) -> None:
        if seconds and seconds > 0:
            with _LOCK:
                _PAUSES[self.key] = max(_PAUSES.get(self.key, 0.0), time.time() + seconds)


class RedisPace(Pace):
    """Shared by every process reaching the same Redis: pyrate-limiter's token bucket."""

    def __init__(self, key: str, *, redis: Any, **kw: Any) -> None:
        super().__init__(key, **kw)
        from pyrate_limiter import Duration, Rate, RedisStateStore, StateBucket, TokenBucket

        self._windows: dict[int, Any] = {}  # limit → a sliding-window bucket, one key
        self._puts = 0
        per_second = Rate(
            max(1, round(self.rate * 1000)), 1000 * Duration.SECOND, burst=max(1, int(self.burst))
        )
        per_day = Rate(self.per_day, Duration.DAY, burst=self.per_day) if self.per_day else None
        rates = [per_second] if per_day is None else [per_second, per_day]
        if self.window is not None and per_day is not None:
            rates = [per_day]  # the window is its own bucket (`_window_bucket`)
        self.redis = redis
        self.bucket = StateBucket(
            rates, algorithm=TokenBucket(), store=RedisStateStore(redis, PREFIX + key)
        )

    def _window_bucket(self, reserve: int) -> Any:
        """pyrate-limiter's sliding-window log in one sorted set per tenant; the limit is
        given with each check, so every `reserve` sees the same calls."""
        from pyrate_limiter import Rate, RedisBucket

        limit = self._window_limit(reserve)
        bucket = self._windows.get(limit)
        if bucket is None:
            assert self.window is not None
            rate = Rate(limit, int(self.window[1] * 1000))
            bucket = RedisBucket.init([rate], self.redis, PREFIX + self.key + ":window")
            self._windows[limit] = bucket
        return bucket

    def acquire(self, reserve: int = 0) -> None:
        from pyrate_limiter import RateItem

        self._wait_or_raise(paused(self.key), "paused after 429")
        deadline = time.monotonic() + self.max_wait
        bucket = self._window_bucket(reserve) if self.window is not None else self.bucket
        while True:
            item = RateItem(self.key, bucket.now(), weight=1)
            if bucket.put(item):
                if self.window is not None:
                    self._puts += 1
                    if self._puts % 50 == 0:  # calls older than the window are forgotten
                        bucket.leak(item.timestamp)
                    if self.per_day:
                        self._day(RateItem(self.key, self.bucket.now(), weight=1))
                return
            waiting = bucket.waiting(item)  # milliseconds (a sync bucket: never awaitable)
            wait = max(0.001, float(cast(int, waiting) or 0) / 1000.0)
            if time.monotonic() + wait > deadline:
                raise AccountingError(
                    ErrorKind.RATE_LIMITED, "rate_limited", "shared rate limit", retry_after=wait
                )
            time.sleep(wait)

    def _day(self, item: Any) -> None:
        """A windowed pace's daily budget (the bucket's own second rate otherwise)."""
        if not self.bucket.put(item):
            raise AccountingError(
                ErrorKind.RATE_LIMITED, "rate_limited", "daily budget", retry_after=3600.0
            )

    def throttled(self, seconds: float | None) -> None:
        if seconds and seconds > 0:
            until = time.time() + seconds
            name = PREFIX + self.key + ":pause"
            # Keep the later of two pauses (GET + SET is racy, but both are a Retry-After).
            current = self.redis.get(name)
            if current is None or float(current) < until:
                self.redis.set(name, repr(until), px=int(seconds * 1000) + 1)


_LOCK = threading.Lock()
_PAUSES: dict[str, float] = {}
_PACES: dict[tuple[str, str], Pace] = {}
_REDIS: dict[str, Any] = {}


def _redis(url: str) -> Any:
    import redis

    with _LOCK:
        client = _REDIS.get(url)
        if client is None:
            client = _REDIS[url] = redis.Redis.from_url(url, socket_timeout=2.0)
        return client


def paused(key: str) -> float:
    """Seconds the tenant `key` is still held off after a 429 (0 when not)."""
    now = time.time()
    url = pacing_url()
    if url.startswith(("redis://", "rediss://", "unix://")):
        value = _redis(url).get(PREFIX + key + ":pause")
        return max(0.0, float(value) - now) if value is not None else 0.0
    return max(0.0, _PAUSES.get(key, 0.0) - now)


def limiter(
    key: str,
    *,
    rate: float,
    burst: float,
    per_day: int | None = None,
    window: tuple[int, float] | None = None,
) -> Pace:
    """The pace of the tenant `key` ("dinero:112233", "economic:701001"), shared across
    processes when BILLBRIDGE_PACING_URL names a Redis; made once per process and settings."""
    url = pacing_url()
    ident = (key, f"{url}|{rate}|{burst}|{per_day}|{window}")
    with _LOCK:
        pace = _PACES.get(ident)
    if pace is not None:
        return pace
    kw: dict[str, Any] = {"rate": rate, "burst": burst, "per_day": per_day, "window": window}
    if url.startswith(("redis://", "rediss://", "unix://")):
        pace = RedisPace(key, redis=_redis(url), **kw)
    else:
        pace = LocalPace(key, **kw)
    with _LOCK:
        return _PACES.setdefault(ident, pace)


def reset() -> None:
    """Forget every pace and pause of this process (tests; a changed setting)."""
    with _LOCK:
        _PACES.clear()
        _PAUSES.clear()
