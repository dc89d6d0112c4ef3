"""Dinero emulator: `/_emulator/` control endpoints — faults, stats, reset, state file, page."""

from __future__ import annotations

import uuid

import httpx
import pytest

from billbridge.emulators import common
from billbridge.emulators.dinero.server import DineroEmulator

CREATE = "/v1.2/{org}/ledgeritems"
LINE = {
    "AccountNumber": 7200,
    "AccountVatCode": "I25",
    "Amount": 1250.0,
    "BalancingAccountNumber": 55000,
    "Description": "Papirhuset faktura 4711",
}
ROW = {"VoucherDate": "2026-11-02", "Lines": [LINE]}


def rows(api):
    """Every row, through the control read-back (the API has no list)."""
    return api.emulator.client.get(f"/_emulator/organizations/{api.org}/ledgeritems").json()


# ---------------------------------------------------------------------------- faults config


def test_faults_get_shows_defaults(dinero):
    faults = dinero.client.get("/_emulator/faults").json()
    assert faults["error_rate"] == 0
    assert faults["error_status"] == 503
    assert faults["retry_after"] == 1
    assert faults["fail_next"] == []


def test_faults_post_merges_into_the_config(dinero):
    dinero.faults(latency_ms=5)
    merged = dinero.faults(error_status=500)
    assert (merged["latency_ms"], merged["error_status"]) == (5, 500)


def test_faults_reset_true_clears_before_merging(dinero):
    dinero.faults(latency_ms=5)
    cleared = dinero.faults(reset=True, jitter_ms=1)
    assert (cleared["latency_ms"], cleared["jitter_ms"]) == (0, 1)


def test_faults_with_unknown_key_is_400(dinero):
    r = dinero.client.post("/_emulator/faults", json={"eror_rate": 1})
    assert r.status_code == 400


# ---------------------------------------------------------------------------- each fault


def _waits_of(monkeypatch, app, method: str, path: str) -> list[float]:
    """The sleeps the emulator takes answering one request (recorded, not slept)."""
    waits: list[float] = []
    monkeypatch.setattr(common.time, "sleep", waits.append)
    app.handle(common.Request(method=method, path=path, query={}, headers={}, body=b""))
    return waits


def test_latency_delays_every_api_request(monkeypatch):
    app = DineroEmulator()
    app.faults.configure({"latency_ms": 300})
    assert _waits_of(monkeypatch, app, "GET", "/v1/112233/accounts/deposit") == [0.3]


def test_latency_does_not_delay_control_requests(monkeypatch):
    app = DineroEmulator()
    app.faults.configure({"latency_ms": 1000})
    assert _waits_of(monkeypatch, app, "GET", "/_emulator/stats") == []


def test_jitter_adds_a_bounded_random_delay():
    faults = common.Faults()
    faults.configure({"jitter_ms": 200, "seed": 1})
    delays = [faults.plan("GET", "/v1/112233/accounts/deposit", False, "112233").delay_seconds
              for _ in range(50)]  # fmt: skip
    assert all(0 <= delay <= 0.2 for delay in delays)
    assert len(set(delays)) > 1


def test_error_rate_answers_error_status_before_any_effect(dinero_api):
    dinero_api.emulator.faults(error_rate=1.0)
    r = dinero_api.request("POST", CREATE, json=[ROW])
    assert r.status_code == 503
    dinero_api.emulator.faults(reset=True)
    assert rows(dinero_api) == []


def test_error_status_is_configurable(dinero_api):
    dinero_api.emulator.faults(error_rate=1.0, error_status=500)
    assert dinero_api.request("GET", "/v1/{org}/accounts/deposit").status_code == 500


def test_throttle_rate_answers_429_with_retry_after(dinero_api):
    dinero_api.emulator.faults(throttle_rate=1.0, retry_after=7)
    r = dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "7"


def test_drop_after_write_applies_the_write_then_closes_without_answer(dinero_api):
    dinero_api.emulator.faults(drop_after_write_rate=1.0)
    with pytest.raises(httpx.TransportError):
        dinero_api.request("POST", CREATE, json=[ROW])
    dinero_api.emulator.faults(reset=True)
    assert len(rows(dinero_api)) == 1


def test_drop_after_write_leaves_reads_alone(dinero_api):
    dinero_api.emulator.faults(drop_after_write_rate=1.0)
    assert dinero_api.request("GET", "/v1/{org}/accounts/deposit").status_code == 200


def test_status_lookup_is_not_a_write_and_is_not_dropped(dinero_api):
    dinero_api.emulator.faults(drop_after_write_rate=1.0)
    r = dinero_api.request("POST", "/v1/{org}/ledgeritems/status", json=[{"Id": "x"}])
    assert r.status_code == 400


def test_fail_next_status_hits_exactly_count_matching_requests(dinero_api):
    dinero_api.emulator.faults(
        fail_next=[{"status": 500, "count": 2, "method": "POST", "path_contains": "ledgeritems"}]
    )
    assert dinero_api.request("GET", "/v1/{org}/accounts/deposit").status_code == 200
    assert dinero_api.request("POST", CREATE, json=[ROW]).status_code == 500
    assert dinero_api.request("POST", CREATE, json=[ROW]).status_code == 500
    assert dinero_api.request("POST", CREATE, json=[ROW]).status_code == 200
    assert len(rows(dinero_api)) == 1


def test_fail_next_429_sends_retry_after(dinero_api):
    dinero_api.emulator.faults(fail_next=[{"status": 429, "count": 1}], retry_after=3)
    r = dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert (r.status_code, r.headers["Retry-After"]) == (429, "3")
    assert r.text.startswith("API calls quota exceeded!")


def test_fail_next_drop_applies_then_closes(dinero_api):
    dinero_api.emulator.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST"}])
    my_id = str(uuid.uuid4())
    with pytest.raises(httpx.TransportError):
        dinero_api.request("POST", CREATE, json=[{**ROW, "Id": my_id}])
    # the client finds its row again by the Id it chose
    status = dinero_api.request("POST", "/v1/{org}/ledgeritems/status", json=[{"Id": my_id}])
    assert status.json()[0]["Status"] == "Draft"
    again = dinero_api.request("POST", CREATE, json=[{**ROW, "Id": my_id}])
    assert again.status_code == 409


def test_fail_next_timeout_applies_then_hangs_past_the_client_timeout(dinero_api):
    dinero_api.emulator.faults(
        timeout_seconds=1.0, fail_next=[{"status": "timeout", "count": 1, "method": "POST"}]
    )
    with pytest.raises(httpx.TimeoutException):
        dinero_api.request("POST", CREATE, json=[ROW], timeout=0.3)
    assert len(rows(dinero_api)) == 1


def test_fail_next_only_matches_its_method(dinero_api):
    dinero_api.emulator.faults(fail_next=[{"status": 503, "count": 1, "method": "PUT"}])
    assert dinero_api.request("GET", "/v1/{org}/accounts/deposit").status_code == 200
    assert dinero_api.emulator.client.get("/_emulator/faults").json()["fail_next"][0]["count"] == 1


def test_rate_limit_per_second_answers_429_with_retry_after(dinero_api):
    dinero_api.emulator.faults(rate_limit_per_second=2)
    codes = [dinero_api.request("GET", "/v1/{org}/accounts/deposit") for _ in range(5)]
    limited = [r for r in codes if r.status_code == 429]
    assert limited and int(limited[0].headers["Retry-After"]) >= 1
    assert codes[0].status_code == 200


def test_rate_limit_is_per_organisation(dinero_api, dinero_api_for):
    dinero_api.emulator.faults(rate_limit_per_second=1)
    other = dinero_api_for("445566")
    dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert other.request("GET", "/v1/{org}/accounts/deposit").status_code == 200


def test_seed_makes_random_faults_repeatable(dinero_api):
    def run():
        dinero_api.emulator.faults(reset=True, error_rate=0.5, seed=42)
        return [
            dinero_api.request("GET", "/v1/{org}/accounts/deposit").status_code for _ in range(12)
        ]

    first = run()
    assert first == run()
    assert {200, 503} == set(first)


# ---------------------------------------------------------------------------- stats


def test_stats_count_api_requests_by_route(dinero_api):
    dinero = dinero_api.emulator
    dinero.client.post("/_emulator/stats/reset")
    dinero_api.request("POST", CREATE, json=[ROW])
    dinero_api.request("POST", CREATE, json=[ROW])
    dinero_api.request("GET", "/v1/{org}/accounts/entry")
    stats = dinero.client.get("/_emulator/stats").json()
    assert stats["requests"] == 3
    assert stats["by_route"] == {
        "POST /v1.2/{org}/ledgeritems": 2,
        "GET /v1/{org}/accounts/entry": 1,
    }


def test_stats_do_not_count_control_requests(dinero):
    dinero.client.get("/_emulator/credentials")
    dinero.client.get("/_emulator/faults")
    assert dinero.client.get("/_emulator/stats").json()["requests"] == 0


def test_stats_count_token_requests(dinero_api):
    stats = dinero_api.emulator.client.get("/_emulator/stats").json()
    assert stats["by_route"] == {"POST /dineroapi/oauth/token": 1}


def test_stats_reset_zeroes_the_counts(dinero_api):
    dinero_api.request("GET", "/v1/{org}/accounts/entry")
    r = dinero_api.emulator.client.post("/_emulator/stats/reset")
    assert r.json() == {"requests": 0, "by_route": {}}


# ---------------------------------------------------------------------------- reset


def test_reset_restores_seed_rows_faults_and_stats(dinero_api):
    dinero = dinero_api.emulator
    dinero_api.request("POST", CREATE, json=[ROW])
    dinero.client.delete("/_emulator/organizations/112233/accounts/7200")
    dinero.faults(latency_ms=50)
    dinero.reset()
    assert dinero.client.get("/_emulator/faults").json()["latency_ms"] == 0
    assert dinero.client.get("/_emulator/stats").json()["requests"] == 0
    # tokens are part of the state: a new one is needed after reset
    assert dinero_api.request("GET", "/v1/{org}/accounts/entry").status_code == 401


def test_reset_brings_back_rows_and_accounts_to_the_seed(dinero, dinero_api_for):
    api = dinero_api_for("112233")
    api.request("POST", CREATE, json=[ROW])
    dinero.client.delete("/_emulator/organizations/112233/accounts/7200")
    dinero.reset()
    api = dinero_api_for("112233")
    assert rows(api) == []
    numbers = {a["AccountNumber"] for a in api.request("GET", "/v1/{org}/accounts/entry").json()}
    assert 7200 in numbers


# ---------------------------------------------------------------------------- state file


def test_state_file_keeps_rows_across_restarts(start_emulator, tmp_path):
    state = str(tmp_path / "dinero.json")
    first = start_emulator("dinero", state_file=state)
    creds = first.credentials()
    key = next(o["api_key"] for o in creds["organizations"] if o["organization_id"] == "112233")
    auth = (creds["client_id"], creds["client_secret"])
    form = {"grant_type": "password", "scope": "read write", "username": key, "password": key}
    token = first.client.post("/dineroapi/oauth/token", auth=auth, data=form).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    created = first.client.post("/v1.2/112233/ledgeritems", json=[ROW], headers=headers).json()
    first.stop()

    second = start_emulator("dinero", state_file=state)
    listed = second.client.post(
        "/v1/112233/ledgeritems/ledgers", json=[{"Id": created["Id"]}], headers=headers
    ).json()
    assert [x["Id"] for x in listed] == [created["Id"]]


def test_state_file_is_written_at_start(start_emulator, tmp_path):
    state = tmp_path / "dinero.json"
    start_emulator("dinero", state_file=str(state))
    assert state.exists() and "112233" in state.read_text()


# ---------------------------------------------------------------------------- HTML page


def test_page_lists_organisations_and_their_rows(dinero_api):
    dinero_api.request("POST", CREATE, json=[ROW])
    r = dinero_api.emulator.client.get("/_emulator/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "Nordlys Design ApS" in page and "Havnens Café ApS" in page
    assert "Papirhuset faktura 4711" in page and "55000" in page
    assert 'http-equiv="refresh"' in page


def test_page_escapes_row_text(dinero_api):
    dinero_api.request(
        "POST", CREATE, json=[{**ROW, "Lines": [{**LINE, "Description": "<script>x</script>"}]}]
    )
    assert "<script>x" not in dinero_api.emulator.client.get("/_emulator/").text


def test_page_shows_amounts_in_danish_format(dinero_api):
    dinero_api.request("POST", CREATE, json=[ROW])
    page = dinero_api.emulator.client.get("/_emulator/").text
    assert "1.250,00" in page


def test_page_shows_the_vat_each_row_booked(dinero_api):
    dinero_api.request("POST", CREATE, json=[ROW])
    page = dinero_api.emulator.client.get("/_emulator/").text
    assert "<td>I25</td><td>250,00</td>" in page


def test_page_says_which_organisation_has_no_dinero_pro(dinero):
    assert "778899 — uden Dinero Pro" in dinero.client.get("/_emulator/").text


# ---------------------------------------------------------------------------- stand-alone


def test_emulator_imports_nothing_from_django():
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[2] / "src")
    code = (
        "import sys; import billbridge.emulators.dinero.server; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONPATH": src}, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_control_ledgeritems_lists_every_row_of_an_organisation(dinero_api):
    dinero_api.request("POST", CREATE, json=[ROW])
    r = dinero_api.emulator.client.get("/_emulator/organizations/112233/ledgeritems")
    assert r.status_code == 200
    assert [x["Description"] for x in r.json()] == [LINE["Description"]]


def test_control_ledgeritems_shows_the_vat_booked_per_line(dinero_api):
    dinero_api.request("POST", CREATE, json=[ROW])
    item = dinero_api.emulator.client.get("/_emulator/organizations/112233/ledgeritems").json()[0]
    assert item["Lines"][0]["Vat"]["AccountVatAmount"] == 250.0
    assert item["VatAmount"] == 250.0


def test_config_with_an_unknown_key_is_400(dinero):
    assert dinero.client.post("/_emulator/config", json={"nope": 1}).status_code == 400


def test_reset_puts_the_config_back(dinero):
    dinero.client.post("/_emulator/config", json={"booking_delay_seconds": 9})
    dinero.reset()
    assert dinero.client.get("/_emulator/config").json()["booking_delay_seconds"] == 2.0
