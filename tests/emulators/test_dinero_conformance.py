"""Dinero emulator against Dinero's public documentation (an outside reviewer's view).

Sources: shared/api/dinero.md, api.dinero.dk/docs (deprecation notice: ledger items V1.2 is
current, V1/V1.1 deprecated) and developer.dinero.dk/documentation/error-and-status (status and
error codes: 40 not found, 41 unauthorized, 42 validation, 43 limit; 429 = 100 requests a minute
per organisation; 413 = file over 6 MB).
"""

from __future__ import annotations

import pytest

from .test_dinero_ledgeritems import create, listed, row


@pytest.mark.parametrize("version", ["v1.1", "v1"])
def test_ledger_item_create_is_served_on_v1_2_only_as_the_file_has_it(dinero_api, version):
    r = create(dinero_api, row(Description=version), path=f"/{version}/{{org}}/ledgeritems")
    assert r.status_code in (404, 405), r.text
    assert create(dinero_api, row(Description="v1.2")).status_code == 200
    assert [x["Description"] for x in listed(dinero_api)] == ["v1.2"]


def test_unknown_route_is_404_with_error_code_40(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/no-such-thing")
    assert r.status_code == 404
    assert r.json()["code"] == 40


def test_wrong_organisation_is_403_with_error_code_41(dinero_api):
    r = dinero_api.request("GET", "/v1/999999/accounts/entry")
    assert r.status_code == 403
    assert r.json()["code"] == 41


def test_missing_token_is_401_with_code_and_message(dinero):
    r = dinero.client.get("/v1/112233/accounts/entry")
    assert r.status_code == 401
    assert {"code", "message"} <= set(r.json())


def test_validation_error_is_400_with_error_code_42(dinero_api):
    r = create(dinero_api, row(AccountNumber=None))
    assert r.status_code == 400
    assert r.json()["code"] == 42


def test_rate_limit_429_text_names_100_requests_a_minute(dinero_api):
    dinero_api.emulator.faults(throttle_rate=1.0)
    r = dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert r.status_code == 429
    assert "100 per 1m" in r.text


def test_rate_limit_429_carries_retry_after_seconds(dinero_api):
    dinero_api.emulator.faults(throttle_rate=1.0)
    r = dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert int(r.headers["Retry-After"]) >= 1


def test_more_than_100_requests_a_minute_per_organisation_is_429(dinero_api, dinero_api_for):
    codes = [dinero_api.request("GET", "/v1/{org}/vatTypes").status_code for _ in range(101)]
    assert codes[:100] == [200] * 100 and codes[100] == 429
    assert int(dinero_api.request("GET", "/v1/{org}/vatTypes").headers["Retry-After"]) >= 1
    assert dinero_api_for("445566").request("GET", "/v1/{org}/vatTypes").status_code == 200


def test_brownout_answers_480_when_switched_on(dinero_api):
    dinero_api.emulator.client.post("/_emulator/config", json={"brownout": True})
    assert dinero_api.request("GET", "/v1/{org}/accounts/entry").status_code == 480


def test_brownout_as_a_one_off_fault(dinero_api):
    dinero_api.emulator.faults(fail_next=[{"status": 480, "count": 1}])
    assert dinero_api.request("GET", "/v1/{org}/vatTypes").status_code == 480
    assert dinero_api.request("GET", "/v1/{org}/vatTypes").status_code == 200


def test_token_response_has_the_oauth_fields(dinero):
    from .conftest import dinero_token

    creds = dinero.credentials()
    key = creds["organizations"][0]["api_key"]
    r = dinero.client.post(
        "/dineroapi/oauth/token",
        auth=(creds["client_id"], creds["client_secret"]),
        data={"grant_type": "password", "scope": "read write", "username": key, "password": key},
    )
    assert {"access_token", "token_type", "expires_in", "refresh_token"} <= set(r.json())
    assert dinero_token(dinero, key)
