"""Shared limits (issue 14 item 4): one tenant's pace is shared by every worker process when
BILLBRIDGE_PACING_URL names a Redis, and a 429's Retry-After holds them all off."""

from __future__ import annotations

import os
import uuid

import httpx
import pytest

from billbridge.integrations import pacing
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.transport import send

REDIS = os.environ.get("TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS, reason="needs TEST_REDIS_URL")


@pytest.fixture
def shared(settings):
    settings.BILLBRIDGE_PACING_URL = REDIS
    pacing.reset()
    yield f"test:{uuid.uuid4().hex}"
    pacing.reset()


@pytest.fixture
def local(settings):
    settings.BILLBRIDGE_PACING_URL = ""
    pacing.reset()
    yield f"test:{uuid.uuid4().hex}"
    pacing.reset()


def spend(pace: pacing.Pace | pacing.Leaving, n: int) -> int:
    """How many of `n` calls got a token without waiting."""
    got = 0
    for _ in range(n):
        try:
            pace()
        except AccountingError as exc:
            assert exc.kind == ErrorKind.RATE_LIMITED and exc.retry_after
            continue
        got += 1
    return got


@needs_redis
def test_two_processes_share_one_burst(shared):
    # Two workers (two RedisPace objects, as two processes would make) draw from one bucket
    first = pacing.RedisPace(shared, redis=pacing._redis(REDIS), rate=0.01, burst=5, max_wait=0)
    second = pacing.RedisPace(shared, redis=pacing._redis(REDIS), rate=0.01, burst=5, max_wait=0)
    assert spend(first, 3) + spend(second, 5) == 5


@needs_redis
def test_limiter_is_shared_when_the_pacing_url_names_a_redis(shared):
    assert isinstance(pacing.limiter(shared, rate=1, burst=1), pacing.RedisPace)


def test_limiter_is_per_process_without_a_pacing_url(local):
    pace = pacing.limiter(local, rate=0.01, burst=2)
    assert isinstance(pace, pacing.LocalPace)
    pace.max_wait = pace.bucket.max_wait = 0
    assert spend(pace, 4) == 2


def test_daily_budget_runs_out(local):
    pace = pacing.limiter(local, rate=1000, burst=1000, per_day=3)
    assert spend(pace, 5) == 3


@pytest.mark.parametrize("url", ["", REDIS] if REDIS else [""])
def test_a_429_holds_off_every_caller_for_its_retry_after(settings, url):
    settings.BILLBRIDGE_PACING_URL = url
    pacing.reset()
    key = f"test:{uuid.uuid4().hex}"
    pace = pacing.limiter(key, rate=1000, burst=1000)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "30"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        send(http, "GET", "http://system.test/x", write=False, audit_path="/x", throttle=pace)
    assert 25 < pacing.paused(key) <= 30
    other = pacing.limiter(key, rate=1000, burst=1000)  # the next call to this tenant
    with pytest.raises(AccountingError) as info:
        other.acquire()
    assert info.value.kind == ErrorKind.RATE_LIMITED and info.value.retry_after > 25
    pacing.reset()


def _windowed(settings, url: str, limit: int) -> pacing.Pace:
    settings.BILLBRIDGE_PACING_URL = url
    pacing.reset()
    pace = pacing.limiter(f"test:{uuid.uuid4().hex}", rate=1, burst=1, window=(limit, 60.0))
    pace.max_wait = 0
    return pace


@pytest.mark.parametrize("url", ["", REDIS] if REDIS else [""])
def test_a_window_lets_its_whole_limit_through_at_once(settings, url):
    # issue 16 item 2: "100 requests a minute" is 100 at once, then none until a minute on
    pace = _windowed(settings, url, 100)
    assert spend(pace, 101) == 100
    pacing.reset()


@pytest.mark.parametrize("url", ["", REDIS] if REDIS else [""])
def test_a_call_leaving_room_stops_while_the_room_is_left(settings, url):
    pace = _windowed(settings, url, 10)
    assert spend(pace.leaving(3), 10) == 7
    assert spend(pace, 5) == 3  # what was left is there for the others
    pacing.reset()


@needs_redis
def test_two_processes_share_one_window(shared):
    first = pacing.RedisPace(shared, redis=pacing._redis(REDIS), rate=1, burst=1,
                             window=(5, 60.0), max_wait=0)  # fmt: skip
    second = pacing.RedisPace(shared, redis=pacing._redis(REDIS), rate=1, burst=1,
                              window=(5, 60.0), max_wait=0)  # fmt: skip
    assert spend(first, 3) + spend(second, 5) == 5
