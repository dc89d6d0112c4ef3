"""The watch that holds billbridge's e-conomic traffic against e-conomic's official JSON
schemas can fail, and finds the schema of each call (the calls the files are silent about:
tests/integrations/economic/test_official_schemas.py)."""

from __future__ import annotations

import json

import httpx

from tests.contracts.economic_traffic import Watch, schema_for

API = "https://restapi.e-conomic.com"

VOUCHER = {
    "accountingYear": {"year": "2026"},
    "journal": {"journalNumber": 2},
    "entries": {
        "supplierInvoices": [
            {
                "supplier": {"supplierNumber": 1},
                "amount": -1250.0,
                "currency": {"code": "DKK"},
                "date": "2026-11-01",
                "contraAccount": {"accountNumber": 2800},
                "text": "Office Danmark F-1",
            }
        ]
    },
}


def _send(watch: Watch, request: httpx.Request, response: httpx.Response | None = None) -> None:
    watch.on_request(request)
    if response is not None:
        response.request = request
        watch.on_response(response)


def test_a_voucher_the_schema_allows_passes():
    watch = Watch()
    _send(watch, httpx.Request("POST", f"{API}/journals/2/vouchers", json=[VOUCHER]))
    assert watch.violations == [] and watch.checked == 1


def test_a_voucher_without_its_date_is_flagged():
    watch = Watch()
    entry = dict(VOUCHER["entries"]["supplierInvoices"][0])
    del entry["date"]
    body = {**VOUCHER, "entries": {"supplierInvoices": [entry]}}
    _send(watch, httpx.Request("POST", f"{API}/journals/2/vouchers", json=body))
    assert len(watch.violations) == 1
    assert "journals.journalNumber.vouchers.post.schema.json" in watch.violations[0]


def test_a_supplier_answer_of_the_wrong_shape_is_flagged():
    watch = Watch()
    answer = httpx.Response(
        200,
        content=json.dumps({"supplierNumber": "one", "name": 7}).encode(),
        headers={"content-type": "application/json"},
    )
    _send(watch, httpx.Request("GET", f"{API}/suppliers/1"), answer)
    assert len(watch.violations) == 1
    assert "suppliers.supplierNumber.get.schema.json" in watch.violations[0]


def test_each_call_finds_its_own_schema_file():
    assert schema_for("POST", "/journals/2/vouchers") == (
        "journals.journalNumber.vouchers.post.schema.json"
    )
    assert schema_for("GET", "/journals/2/entries") == (
        "journals.journalNumber.entries.get.schema.json"
    )
    assert schema_for("GET", "/accounting-years/2026/periods") == (
        "accounting-years.accountingYear.periods.get.schema.json"
    )
    assert schema_for("GET", "/vat-accounts") == "vat-accounts.get.schema.json"
    assert schema_for("POST", "/suppliers") == "suppliers.post.schema.json"
    assert schema_for("DELETE", "/journals/2/entries/5") is None
