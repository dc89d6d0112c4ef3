"""The watch that holds billbridge's Dinero traffic against dinero-openapi.json can fail: it
flags what the file does not allow (issue 9 item 2)."""

from __future__ import annotations

import httpx

from tests.contracts.dinero_openapi import Watch

API = "https://api.dinero.dk"
ROW = {"Id": "bf453202-d755-4602-aae0-f79819fb7ef0", "VoucherDate": "2026-11-02",
       "Lines": [{"Amount": 100.0, "AccountNumber": 7200}]}  # fmt: skip


def checked(method, path, **kwargs):
    watch = Watch()
    watch.on_request(httpx.Request(method, API + path, **kwargs))
    return watch


def test_a_request_the_file_allows_passes():
    assert checked("POST", "/v1.2/112233/ledgeritems", json=[ROW]).violations == []


def test_an_update_on_v1_2_is_flagged():
    assert checked("PUT", "/v1.2/112233/ledgeritems", json=[ROW]).violations


def test_an_unknown_property_is_flagged():
    bad = {**ROW, "Currency": "EUR"}
    assert checked("POST", "/v1.2/112233/ledgeritems", json=[bad]).violations


def test_an_account_number_as_a_string_is_flagged():
    bad = {**ROW, "Lines": [{"Amount": 1.0, "AccountNumber": "7200"}]}
    assert checked("POST", "/v1.2/112233/ledgeritems", json=[bad]).violations


def test_the_token_endpoint_is_not_an_api_call():
    assert checked("POST", "/dineroapi/oauth/token", data={"a": "b"}).checked == 0


def test_an_answer_the_file_does_not_allow_is_flagged():
    watch = Watch()
    request = httpx.Request("GET", API + "/v1/112233/vatTypes")
    watch.on_response(httpx.Response(200, json=[{"VatCode": "I25"}], request=request))
    assert watch.violations  # VatRate is required
