"""e-conomic emulator against the official draft-03 schemas and restdocs (outside reviewer's view).

Every GET endpoint the emulator serves is fetched over plain HTTP and its body validated with
jsonschema's Draft3Validator against the official GET response schema (the repository's copies,
held equal to shared/api/economic-schemas/ by test_economic_schema_copies.py; trailing commas
tolerated; e-conomic's custom keywords such as `maxDecimal` or `filterable`
are unknown to the validator and so ignored). Endpoints without an official schema are listed
in NO_SCHEMA so that a new route cannot slip through untested.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft3Validator

from .economic_schemas import load_schema, schema_errors
from .test_economic_vouchers import ATT, FINANCE, INVOICE, PAYMENT, PDF, Eco, upload

YEAR = "2026"
VOUCHER = "/journals/2/vouchers/2026-20001"

# path → official schema file; {year} and friends are filled from the seeded data
GET_ENDPOINTS: dict[str, str] = {
    "/self": "self.get.schema.json",
    "/accounts": "accounts.get.schema.json",
    "/accounts/1010": "accounts.accountNumber.get.schema.json",
    "/journals": "journals.get.schema.json",
    "/journals/2": "journals.journalNumber.get.schema.json",
    "/journals/2/entries": "journals.journalNumber.entries.get.schema.json",
    "/journals/2/vouchers": "journals.journalNumber.vouchers.get.schema.json",
    VOUCHER: "journals.journalNumber.vouchers.accountingYear-voucherNumber.get.schema.json",
    ATT: "journals.journalNumber.vouchers.accountingYear-voucherNumber.attachment.get.schema.json",
    "/accounting-years": "accounting-years.get.schema.json",
    f"/accounting-years/{YEAR}": "accounting-years.accountingYear.get.schema.json",
    f"/accounting-years/{YEAR}/entries": "accounting-years.accountingYear.entries.get.schema.json",
    f"/accounting-years/{YEAR}/periods": "accounting-years.accountingYear.periods.get.schema.json",
    f"/accounting-years/{YEAR}/periods/3": (
        "accounting-years.accountingYear.periods.accountingYearPeriod.get.schema.json"
    ),
    f"/accounting-years/{YEAR}/periods/3/entries": (
        "accounting-years.accountingYear.periods.accountingYearPeriod.entries.get.schema.json"
    ),
    "/vat-accounts": "vat-accounts.get.schema.json",
    "/vat-accounts/I25": "vat-accounts.id.get.schema.json",
    "/suppliers": "suppliers.get.schema.json",
    "/suppliers/1": "suppliers.supplierNumber.get.schema.json",
    "/payment-terms": "payment-terms.get.schema.json",
    "/payment-terms/1": "payment-terms.paymentTermsNumber.get.schema.json",
    "/vat-zones": "vat-zones.get.schema.json",
    "/vat-zones/1": "vat-zones.vatZoneNumber.get.schema.json",
    "/currencies": "currencies.get.schema.json",
    "/currencies/DKK": "currencies.code.get.schema.json",
}
# served GET routes with no official schema in the snapshot (checked by hand instead)
NO_SCHEMA = {
    "/supplier-groups",
    "/supplier-groups/1",
    "/journals/2/entries/{e}",  # entryNumber schema exists only for draft entries; see below
    # the newer AccountingYears API: no schema stored (test_economic_periods.py checks it)
    "accountingyearsapi /accountingYears/periods/paged",
}


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


@pytest.fixture
def booked(eco: Eco) -> Eco:
    """A voucher with an attachment, a payment and a finance voucher, so lists are not empty."""
    assert eco.post("/journals/2/vouchers", json=INVOICE).status_code == 201
    assert upload(eco, "POST", PDF).status_code == 201
    assert eco.post("/journals/3/vouchers", json=PAYMENT).status_code == 201
    assert eco.post("/journals/1/vouchers", json=FINANCE).status_code == 201
    # and a booked one, so that the ledger is not empty either (dated in period 3)
    assert eco.post("/journals/1/vouchers", json=FINANCE).status_code == 201
    r = eco.client.post("/_emulator/agreements/701001/journals/1/book", json={"vouchers": [2]})
    assert r.status_code == 200, r.text
    return eco


def test_every_served_get_route_is_covered(eco: Eco) -> None:
    from billbridge.emulators.economic.api import ROUTES

    served = {name for method, _, _, name in ROUTES if method == "GET"}
    assert len(served) == len(GET_ENDPOINTS) + len(NO_SCHEMA) + 1  # + GET …/attachment/file


@pytest.mark.parametrize("path", sorted(GET_ENDPOINTS))
def test_get_response_matches_official_schema(booked: Eco, path: str) -> None:
    r = booked.get(path)
    assert r.status_code == 200, r.text
    assert schema_errors(r.json(), GET_ENDPOINTS[path]) == []


def test_get_entry_matches_entries_collection_item_schema(booked: Eco) -> None:
    listed = booked.get("/journals/2/entries").json()["collection"][0]
    body = booked.get(f"/journals/2/entries/{listed['journalEntryNumber']}").json()
    item = load_schema("journals.journalNumber.entries.get.schema.json")
    validator = Draft3Validator(item["properties"]["collection"]["items"])
    assert [e.message for e in validator.iter_errors(body)] == []


@pytest.mark.parametrize("body", [INVOICE, PAYMENT, FINANCE], ids=["invoice", "payment", "finance"])
def test_voucher_post_request_examples_match_official_schema(body: dict[str, Any]) -> None:
    assert schema_errors(body, "journals.journalNumber.vouchers.post.schema.json") == []


def test_voucher_post_response_items_match_voucher_get_schema(eco: Eco) -> None:
    body = eco.post("/journals/2/vouchers", json=INVOICE).json()
    name = "journals.journalNumber.vouchers.accountingYear-voucherNumber.get.schema.json"
    assert [schema_errors(v, name) for v in body] == [[]]


def test_supplier_post_response_matches_supplier_get_schema(eco: Eco) -> None:
    new = {
        "name": "Ny Leverandør ApS",
        "currency": "DKK",
        "supplierGroup": {"supplierGroupNumber": 1},
        "paymentTerms": {"paymentTermsNumber": 1},
        "vatZone": {"vatZoneNumber": 1},
    }
    assert schema_errors(new, "suppliers.post.schema.json") == []
    r = eco.post("/suppliers", json=new)
    assert r.status_code == 201, r.text
    assert schema_errors(r.json(), "suppliers.supplierNumber.get.schema.json") == []


def false_booleans(node: Any, path: str = "") -> list[str]:
    if node is False:
        return [path]
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in false_booleans(v, f"{path}/{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in false_booleans(v, f"{path}/{i}")]
    return []


@pytest.mark.parametrize("path", sorted(GET_ENDPOINTS))
def test_false_booleans_are_omitted_from_responses(booked: Eco, path: str) -> None:
    # restdocs "Booleans": a false boolean is omitted from the response body
    assert false_booleans(booked.get(path).json()) == []


def test_pagination_links_are_skippages_then_pagesize(eco: Eco) -> None:
    # restdocs "Pagination": …/invoices/drafts?skippages=1&pagesize=20
    page = eco.get("/accounts?pagesize=2&skippages=1").json()["pagination"]
    for key in ("firstPage", "previousPage", "nextPage", "lastPage"):
        assert re.search(r"/accounts\?skippages=\d+&pagesize=2$", page[key]), page[key]


def test_pagination_object_has_the_documented_fields(eco: Eco) -> None:
    page = eco.get("/accounts").json()["pagination"]
    documented = {"maxPageSizeAllowed", "skipPages", "pageSize", "results"}
    assert documented | {"resultsWithoutFilter", "firstPage", "lastPage"} <= set(page)


def test_first_page_has_no_previous_page_link(eco: Eco) -> None:
    assert "previousPage" not in eco.get("/accounts?pagesize=2").json()["pagination"]


def test_last_page_has_no_next_page_link(eco: Eco) -> None:
    page = eco.get("/accounts?pagesize=1000").json()["pagination"]
    assert "nextPage" not in page


def test_collection_self_echoes_the_query(eco: Eco) -> None:
    body = eco.get("/accounts?pagesize=2&skippages=1").json()
    assert body["self"].endswith("/accounts?skippages=1&pagesize=2")


def test_not_found_error_body_has_the_2026_fields(eco: Eco) -> None:
    r = eco.get("/accounts/999999")
    assert r.status_code == 404
    body = r.json()
    assert {"message", "errorCode", "developerHint", "logId", "httpStatusCode", "logTime"} <= set(
        body
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", body["logTime"])


def test_voucher_post_response_entry_has_metadata_delete_and_self(eco: Eco) -> None:
    entry = eco.post("/journals/2/vouchers", json=INVOICE).json()[0]["entries"]["supplierInvoices"][
        0
    ]
    assert entry["metaData"]["delete"]["httpMethod"] == "delete"
    assert entry["self"] == entry["metaData"]["delete"]["href"]


def test_voucher_post_response_dates_are_plain_iso_dates(eco: Eco) -> None:
    entry = eco.post("/journals/2/vouchers", json=INVOICE).json()[0]["entries"]["supplierInvoices"][
        0
    ]
    assert entry["date"] == "2026-09-05" and entry["dueDate"] == "2026-10-05"


def test_voucher_post_response_base_currency_exchange_rate_is_100(eco: Eco) -> None:
    entry = eco.post("/journals/2/vouchers", json=INVOICE).json()[0]["entries"]["supplierInvoices"][
        0
    ]
    assert entry["exchangeRate"] == 100


def test_demo_tokens_can_read(eco: Eco) -> None:
    # economic.md §1.2 / §8.1: X-AppSecretToken demo + X-AgreementGrantToken demo → GET works
    headers = {"X-AppSecretToken": "demo", "X-AgreementGrantToken": "demo"}
    assert eco.client.get("/accounts", headers=headers).status_code == 200


def test_demo_tokens_cannot_write(eco: Eco) -> None:
    headers = {"X-AppSecretToken": "demo", "X-AgreementGrantToken": "demo"}
    r = eco.client.post("/journals/2/vouchers", headers=headers, json=INVOICE)
    assert r.status_code == 401 and r.json()["httpStatusCode"] == 401


def test_demo_query_parameter_can_read_without_headers(eco: Eco) -> None:
    assert eco.client.get("/self?demo=true").status_code == 200


def test_unknown_account_voucher_level_error_carries_the_account_as_input_value(eco: Eco) -> None:
    # economic.md §5.2 b (verbatim 2026 body): "errorCode":"E04041","inputValue":"3562"
    body = json.loads(json.dumps(INVOICE))
    body["entries"]["supplierInvoices"][0]["contraAccount"] = {"accountNumber": 3562}
    leaf = eco.post("/journals/2/vouchers", json=body).json()["errors"][0]["account"]["errors"][0]
    assert (leaf["errorCode"], leaf["inputValue"]) == ("E04041", "3562")


def test_validation_error_body_has_error_count_and_log_fields(eco: Eco) -> None:
    body = json.loads(json.dumps(INVOICE))
    body["entries"]["supplierInvoices"][0]["contraAccount"] = {"accountNumber": 3562}
    err = eco.post("/journals/2/vouchers", json=body).json()
    assert {"message", "errorCode", "logId", "httpStatusCode", "logTime", "errorCount"} <= set(err)
    assert isinstance(err["errors"], list)


def test_entry_properties_are_the_official_schemas_names(booked: Eco) -> None:
    # draft-03 allows extra properties, so a misspelt one would pass the schema check
    item = load_schema("journals.journalNumber.entries.get.schema.json")
    known = set(item["properties"]["collection"]["items"]["properties"]) | {"metaData"}
    for row in booked.get("/journals/2/entries").json()["collection"]:
        assert set(row) <= known, set(row) - known


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (f"/accounting-years/{YEAR}/periods", "accounting-years.accountingYear.periods.get"),
        (f"/accounting-years/{YEAR}/entries", "accounting-years.accountingYear.entries.get"),
    ],
)
def test_new_collections_use_only_the_official_property_names(
    booked: Eco, path: str, name: str
) -> None:
    item = load_schema(f"{name}.schema.json")["properties"]["collection"]["items"]
    rows = booked.get(path).json()["collection"]
    assert rows
    for row in rows:
        assert set(row) <= set(item["properties"]), set(row) - set(item["properties"])
