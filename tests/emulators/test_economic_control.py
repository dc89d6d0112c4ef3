"""e-conomic emulator: control endpoints, fault injection, rate limits, stats, persistence."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from billbridge.emulators import common
from billbridge.emulators.economic.server import EconomicApp

NORDLYS, HAVNEN = 701001, 701002

FINANCE: dict[str, Any] = {
    "accountingYear": {"year": "2026"},
    "entries": {
        "financeVouchers": [
            {
                "account": {"accountNumber": 2800},
                "contraAccount": {"accountNumber": 5820},
                "amount": 100.0,
                "text": "Frimærker",
                "date": "2026-03-01",
            }
        ]
    },
}


class Eco:
    """Authenticated plain-HTTP access to one agreement of the emulator."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.client: httpx.Client = emulator.client
        self.creds = emulator.credentials()
        self.tokens = {
            a["agreement_number"]: a["agreement_grant_token"] for a in self.creds["agreements"]
        }

    def headers(self, agreement: int = NORDLYS) -> dict[str, str]:
        return {
            "X-AppSecretToken": self.creds["app_secret_token"],
            "X-AgreementGrantToken": self.tokens[agreement],
        }

    def request(
        self, method: str, path: str, agreement: int = NORDLYS, **kw: Any
    ) -> httpx.Response:
        headers = {**self.headers(agreement), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, agreement: int = NORDLYS, **kw: Any) -> httpx.Response:
        return self.request("GET", path, agreement, **kw)

    def post_voucher(self, **kw: Any) -> httpx.Response:
        return self.request("POST", "/journals/1/vouchers", json=FINANCE, **kw)

    def entry_count(self) -> int:
        return len(self.get("/journals/1/entries").json()["collection"])

    def faults(self, **changes: Any) -> dict[str, Any]:
        r = self.client.post("/_emulator/faults", json=changes)
        r.raise_for_status()
        return r.json()


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


# ------------------------------------------------------------------------------ contract


def test_credentials_follow_the_shared_contract(eco: Eco) -> None:
    creds = eco.client.get("/_emulator/credentials").json()
    assert set(creds) == {"app_secret_token", "app_public_token", "agreements", "users"}
    assert set(creds["agreements"][0]) == {
        "agreement_number",
        "agreement_grant_token",
        "company_name",
    }
    users = {u["username"]: u for u in creds["users"]}
    assert users["revisor@example.com"]["agreement_numbers"] == [701001, 701002, 701003]
    assert users["nordlys@example.com"] == {
        "username": "nordlys@example.com",
        "password": "demo",
        "administrator": False,
        "agreement_numbers": [701001],
    }
    assert users["revisor@example.com"]["administrator"] is True
    names = [a["company_name"] for a in creds["agreements"]]
    assert names == [
        "Nordlys Design ApS",
        "Havnens Café ApS",
        "Bogholderiet Revision ApS",
        "Benchmark ApS",
    ]


def test_tokens_are_deterministic_across_resets(eco: Eco) -> None:
    before = eco.client.get("/_emulator/credentials").json()
    eco.client.post("/_emulator/reset").raise_for_status()
    assert eco.client.get("/_emulator/credentials").json() == before


def test_reset_removes_posted_entries(eco: Eco) -> None:
    eco.post_voucher()
    eco.client.post("/_emulator/reset").raise_for_status()
    assert eco.entry_count() == 0


def test_faults_get_shows_defaults_with_daily_limit(eco: Eco) -> None:
    faults = eco.client.get("/_emulator/faults").json()
    assert faults["error_rate"] == 0.0 and faults["daily_limit"] is None


def test_faults_post_merges_and_reset_clears(eco: Eco) -> None:
    eco.faults(latency_ms=5)
    merged = eco.faults(daily_limit=10)
    assert merged["latency_ms"] == 5 and merged["daily_limit"] == 10
    cleared = eco.faults(reset=True)
    assert cleared["latency_ms"] == 0 and cleared["daily_limit"] is None


def test_unknown_fault_key_is_400(eco: Eco) -> None:
    assert eco.client.post("/_emulator/faults", json={"nope": 1}).status_code == 400


def test_agreement_toggle_reports_flags(eco: Eco) -> None:
    r = eco.client.post(f"/_emulator/agreements/{NORDLYS}", json={"indscanning": False})
    assert r.json() == {"agreement_number": NORDLYS, "indscanning": False, "revoked": False}


def test_unknown_agreement_toggle_is_404(eco: Eco) -> None:
    assert eco.client.post("/_emulator/agreements/1", json={}).status_code == 404


def test_index_page_shows_journals_and_entries_and_refreshes(eco: Eco) -> None:
    eco.post_voucher()
    page = eco.client.get("/_emulator/")
    assert page.headers["content-type"].startswith("text/html")
    assert "http-equiv='refresh'" in page.text
    assert "Leverandørfakturaer" in page.text and "Frimærker" in page.text


def test_index_page_shows_amounts_in_danish_format(eco: Eco) -> None:
    eco.post_voucher()
    assert "100,00" in eco.client.get("/_emulator/").text


def test_index_page_names_the_supplier_of_a_supplier_invoice(eco: Eco) -> None:
    from .test_economic_vouchers import INVOICE

    assert eco.request("POST", "/journals/2/vouchers", json=INVOICE).status_code == 201
    supplier = eco.get("/suppliers/1").json()["name"]
    assert f"<td>1 {supplier}</td>" in eco.client.get("/_emulator/").text


# ------------------------------------------------------------------------------ faults


def test_error_rate_answers_503_with_error_body_before_any_effect(eco: Eco) -> None:
    eco.faults(error_rate=1.0)
    r = eco.post_voucher()
    assert r.status_code == 503
    assert r.json()["httpStatusCode"] == 503
    eco.faults(reset=True)
    assert eco.entry_count() == 0


def test_error_status_is_configurable(eco: Eco) -> None:
    eco.faults(error_rate=1.0, error_status=500)
    assert eco.get("/self").status_code == 500


def test_throttle_rate_answers_429_with_retry_after(eco: Eco) -> None:
    eco.faults(throttle_rate=1.0, retry_after=7)
    r = eco.get("/self")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "7"
    assert r.json()["httpStatusCode"] == 429


def test_fail_next_hits_only_matching_requests_count_times(eco: Eco) -> None:
    eco.faults(fail_next=[{"status": 503, "count": 2, "method": "POST", "path_contains": "vouch"}])
    assert eco.get("/self").status_code == 200
    assert eco.post_voucher().status_code == 503
    assert eco.post_voucher().status_code == 503
    assert eco.post_voucher().status_code == 201


def test_fail_next_429_carries_retry_after(eco: Eco) -> None:
    eco.faults(fail_next=[{"status": 429, "count": 1}], retry_after=3)
    r = eco.get("/self")
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"


def test_fail_next_drop_applies_the_write_and_closes_the_connection(eco: Eco) -> None:
    eco.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST"}])
    with pytest.raises(httpx.RemoteProtocolError):
        eco.post_voucher()
    assert eco.entry_count() == 1


def test_drop_after_write_rate_drops_writes_only(eco: Eco) -> None:
    eco.faults(drop_after_write_rate=1.0)
    assert eco.get("/self").status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        eco.post_voucher()
    assert eco.entry_count() == 1


def test_fail_next_timeout_applies_the_write_but_never_answers_in_time(eco: Eco) -> None:
    eco.faults(fail_next=[{"status": "timeout", "count": 1}], timeout_seconds=1.0)
    with pytest.raises(httpx.ReadTimeout):
        eco.post_voucher(timeout=0.3)
    time.sleep(0.05)
    assert eco.entry_count() == 1


def test_retry_with_same_idempotency_key_after_drop_replays_without_a_duplicate(
    eco: Eco,
) -> None:
    eco.faults(fail_next=[{"status": "drop", "count": 1}])
    key = {"Idempotency-Key": "bill-7"}
    with pytest.raises(httpx.RemoteProtocolError):
        eco.post_voucher(headers=key)
    r = eco.post_voucher(headers=key)
    assert r.status_code == 201 and r.headers["X-ResultFromCache"] == "true"
    assert eco.entry_count() == 1


def test_latency_slows_answers(monkeypatch) -> None:
    app = EconomicApp()
    app.faults.configure({"latency_ms": 250})
    waits: list[float] = []
    monkeypatch.setattr(common.time, "sleep", waits.append)  # recorded, not slept
    app.handle(common.Request(method="GET", path="/self", query={}, headers={}, body=b""))
    assert waits == [0.25]


def test_token_bucket_answers_429_with_retry_after_per_agreement(eco: Eco) -> None:
    eco.faults(rate_limit_per_second=2)
    statuses = [eco.get("/self").status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and 429 in statuses
    limited = eco.get("/self")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert eco.get("/self", HAVNEN).status_code == 200


def test_daily_fair_use_figure_is_a_counter_in_stats_not_a_429(eco: Eco) -> None:
    # economic.md §10.5: 50,000 calls a day is a fair-use threshold, not a 429 counter
    eco.faults(daily_limit=3)
    assert [eco.get("/self").status_code for _ in range(5)] == [200] * 5
    eco.get("/self", HAVNEN)
    fair_use = eco.client.get("/_emulator/stats").json()["fair_use"]
    assert fair_use[str(NORDLYS)]["calls"] == 5
    assert fair_use[str(NORDLYS)]["fair_use_threshold"] == 3
    assert fair_use[str(NORDLYS)]["over_fair_use"] is True
    assert fair_use[str(HAVNEN)]["calls"] == 1 and not fair_use[str(HAVNEN)]["over_fair_use"]


def test_fair_use_threshold_defaults_to_50000(eco: Eco) -> None:
    eco.get("/self")
    nordlys = eco.client.get("/_emulator/stats").json()["fair_use"][str(NORDLYS)]
    assert nordlys["fair_use_threshold"] == 50_000 and nordlys["over_fair_use"] is False


# ------------------------------------------------------------------------------ stats


def test_stats_count_api_requests_by_route(eco: Eco) -> None:
    eco.client.post("/_emulator/stats/reset").raise_for_status()
    eco.get("/self")
    eco.get("/accounts")
    eco.get("/accounts")
    eco.client.get("/_emulator/credentials")
    stats = eco.client.get("/_emulator/stats").json()
    assert stats["requests"] == 3
    assert stats["by_route"] == {"GET /self": 1, "GET /accounts": 2}


def test_stats_reset_zeroes_the_counts(eco: Eco) -> None:
    eco.get("/self")
    eco.client.post("/_emulator/stats/reset").raise_for_status()
    assert eco.client.get("/_emulator/stats").json()["requests"] == 0


# ------------------------------------------------------------------------------ persistence


def test_state_file_keeps_entries_across_restarts(start_emulator: Any, tmp_path: Any) -> None:
    state = str(tmp_path / "economic.json")
    first = Eco(start_emulator("economic", state_file=state))
    assert first.post_voucher().status_code == 201
    first.emulator.stop()
    second = Eco(start_emulator("economic", state_file=state))
    assert second.entry_count() == 1
