"""e-conomic emulator: the cost-based token bucket (default on) and the fair-use counter
(economic.md §5.1, §10.5; issue 10 item 1), over real HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .test_economic_vouchers import INVOICE, NORDLYS, Eco

HAVNEN = 701002
VOUCHERS = "POST /journals/{n}/vouchers"


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


def throttle(eco: Eco, **changes: Any) -> dict[str, Any]:
    r = eco.client.post("/_emulator/throttle", json=changes)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_token_bucket_is_on_by_default_with_per_route_costs(eco: Eco) -> None:
    config = eco.client.get("/_emulator/throttle").json()
    assert config["enabled"] is True
    assert config["capacity"] > 0 and config["refill_per_second"] > 0
    assert config["costs"][VOUCHERS] > config["default_cost"]


def test_a_request_costing_more_than_is_left_gets_429_with_retry_after(eco: Eco) -> None:
    throttle(eco, capacity=20, refill_per_second=0.5, costs={VOUCHERS: 10})
    statuses = [eco.post("/journals/2/vouchers", json=INVOICE).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    r = eco.post("/journals/2/vouchers", json=INVOICE)
    assert r.status_code == 429
    assert r.headers["Retry-After"].isdigit() and int(r.headers["Retry-After"]) >= 1
    assert r.json()["httpStatusCode"] == 429 and r.json()["errorCode"]
    throttle(eco, enabled=False)
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 2  # nothing written


def test_cheaper_routes_still_pass_when_an_expensive_one_is_refused(eco: Eco) -> None:
    throttle(eco, capacity=12, refill_per_second=0.1, costs={VOUCHERS: 10, "GET /self": 1})
    assert eco.post("/journals/2/vouchers", json=INVOICE).status_code == 201
    assert eco.post("/journals/2/vouchers", json=INVOICE).status_code == 429
    assert eco.get("/self").status_code == 200


def test_the_bucket_is_per_agreement(eco: Eco) -> None:
    throttle(eco, capacity=2, refill_per_second=0.1, costs={"GET /self": 1})
    assert [eco.get("/self").status_code for _ in range(3)] == [200, 200, 429]
    assert eco.get("/self", HAVNEN).status_code == 200


def test_waiting_retry_after_seconds_is_enough(eco: Eco) -> None:
    throttle(eco, capacity=4, refill_per_second=4, costs={"GET /self": 4})
    assert eco.get("/self").status_code == 200
    r = eco.get("/self")
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    time.sleep(1.0)
    assert eco.get("/self").status_code == 200


def test_a_zero_cost_route_is_never_throttled(eco: Eco) -> None:
    throttle(eco, capacity=1, refill_per_second=0.01, default_cost=1, costs={"GET /self": 0})
    assert {eco.get("/self").status_code for _ in range(5)} == {200}


def test_switched_off_the_bucket_never_answers_429(eco: Eco) -> None:
    throttle(eco, enabled=False, capacity=1, refill_per_second=0.01)
    assert {eco.get("/self").status_code for _ in range(5)} == {200}


def test_reset_restores_the_defaults(eco: Eco) -> None:
    default = eco.client.get("/_emulator/throttle").json()
    throttle(eco, capacity=1)
    assert throttle(eco, reset=True) == default
    throttle(eco, capacity=1)
    eco.client.post("/_emulator/reset").raise_for_status()
    assert eco.client.get("/_emulator/throttle").json() == default


@pytest.mark.parametrize(
    "bad",
    [{"capacity": -1}, {"refill_per_second": 0}, {"costs": {"GET /self": "x"}}, {"nope": 1}, []],
)
def test_a_bad_throttle_configuration_is_400(eco: Eco, bad: Any) -> None:
    assert eco.client.post("/_emulator/throttle", json=bad).status_code == 400


def test_throttled_calls_are_counted_in_the_fair_use_figures(eco: Eco) -> None:
    throttle(eco, capacity=1, refill_per_second=0.01, costs={"GET /self": 1})
    for _ in range(3):
        eco.get("/self")
    nordlys = eco.client.get("/_emulator/stats").json()["fair_use"][str(NORDLYS)]
    assert (nordlys["calls"], nordlys["throttled"]) == (3, 2)


def test_calls_with_wrong_tokens_cost_nothing(eco: Eco) -> None:
    throttle(eco, capacity=1, refill_per_second=0.01, costs={"GET /self": 1})
    bad = {"X-AppSecretToken": "nope", "X-AgreementGrantToken": "nope"}
    assert eco.client.get("/self", headers=bad).status_code == 401
    assert eco.get("/self").status_code == 200


def test_the_page_shows_the_tokens_left(eco: Eco) -> None:
    throttle(eco, capacity=50, refill_per_second=0.01, costs={"GET /self": 10})
    eco.get("/self")
    assert "(aftale 701001; Indscanning til; 40 API-tokens)" in eco.client.get("/_emulator/").text
