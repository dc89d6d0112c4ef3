"""e-conomic emulator: auth, read endpoints, paging, filtering, sorting, suppliers, errors.

Plain HTTP against the emulator subprocess; expectations come from shared/api/economic.md.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

NORDLYS, HAVNEN, BOGHOLDERIET, BENCH = 701001, 701002, 701003, 701004


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

    def post(self, path: str, agreement: int = NORDLYS, **kw: Any) -> httpx.Response:
        return self.request("POST", path, agreement, **kw)


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


def assert_error_body(body: dict[str, Any], status: int) -> None:
    for key in ("message", "errorCode", "developerHint", "logId", "httpStatusCode", "logTime"):
        assert key in body
    assert body["httpStatusCode"] == status


# ------------------------------------------------------------------------------ auth


def test_missing_tokens_give_401_with_error_body(eco: Eco) -> None:
    r = eco.client.get("/self")
    assert r.status_code == 401
    assert_error_body(r.json(), 401)


def test_wrong_app_secret_token_gives_401_e02250(eco: Eco) -> None:
    headers = {**eco.headers(), "X-AppSecretToken": "nope"}
    r = eco.client.get("/self", headers=headers)
    assert r.status_code == 401
    assert r.json()["errorCode"] == "E02250"


def test_unknown_grant_token_gives_401(eco: Eco) -> None:
    headers = {**eco.headers(), "X-AgreementGrantToken": "nope"}
    assert eco.client.get("/self", headers=headers).status_code == 401


def test_header_names_are_case_insensitive(eco: Eco) -> None:
    headers = {k.lower(): v for k, v in eco.headers().items()}
    assert eco.client.get("/self", headers=headers).status_code == 200


def test_revoked_grant_gives_401(eco: Eco) -> None:
    eco.client.post(f"/_emulator/agreements/{NORDLYS}/revoke").raise_for_status()
    assert eco.get("/self").status_code == 401
    assert eco.get("/self", HAVNEN).status_code == 200


def test_there_is_no_api_access_switch_so_the_grant_keeps_working(eco: Eco) -> None:
    # economic.md §10.4: no separate "API access" switch on an agreement; access ends with a
    # revoked grant (401), never an invented 403
    r = eco.client.post(f"/_emulator/agreements/{NORDLYS}", json={"api_enabled": False})
    assert r.status_code == 400 and "no API access switch" in r.json()["error"]
    assert eco.get("/self").status_code == 200


# ------------------------------------------------------------------------------ /self


def test_self_names_agreement_and_company_with_cvr(eco: Eco) -> None:
    body = eco.get("/self").json()
    assert body["agreementNumber"] == NORDLYS
    assert body["company"]["name"] == "Nordlys Design ApS"
    assert body["company"]["companyIdentificationNumber"] == "41234567"


def test_self_lists_indscanning_module_when_enabled(eco: Eco) -> None:
    modules = eco.get("/self").json()["modules"]
    assert {"moduleNumber": 3, "name": "Indscanning"}.items() <= modules[0].items()


def test_self_omits_indscanning_module_when_disabled(eco: Eco) -> None:
    eco.client.post(f"/_emulator/agreements/{NORDLYS}", json={"indscanning": False})
    numbers = [m["moduleNumber"] for m in eco.get("/self").json()["modules"]]
    assert 3 not in numbers


def test_self_omits_false_booleans(eco: Eco) -> None:
    assert "canSendElectronicInvoice" not in eco.get("/self").json()


def test_self_links_are_absolute_with_the_request_host(eco: Eco) -> None:
    body = eco.get("/self", headers={"Host": "restapi.example:1234"}).json()
    assert body["self"] == "http://restapi.example:1234/self"


# ------------------------------------------------------------------------------ paging


def test_accounts_default_page_size_is_20(eco: Eco) -> None:
    body = eco.get("/accounts").json()
    assert len(body["collection"]) == 20
    assert body["pagination"]["pageSize"] == 20


def test_accounts_pagination_object_has_documented_fields(eco: Eco) -> None:
    p = eco.get("/accounts", params={"pagesize": 10, "skippages": 1}).json()["pagination"]
    assert p["maxPageSizeAllowed"] == 1000
    assert p["skipPages"] == 1
    assert p["pageSize"] == 10
    assert p["results"] == p["resultsWithoutFilter"] > 20
    base = str(eco.client.base_url)
    assert p["firstPage"] == f"{base}/accounts?skippages=0&pagesize=10"
    assert p["previousPage"] == f"{base}/accounts?skippages=0&pagesize=10"
    assert p["nextPage"] == f"{base}/accounts?skippages=2&pagesize=10"
    last = (p["results"] - 1) // 10
    assert p["lastPage"] == f"{base}/accounts?skippages={last}&pagesize=10"


def test_first_page_has_no_previous_page(eco: Eco) -> None:
    assert "previousPage" not in eco.get("/accounts").json()["pagination"]


def test_last_page_has_no_next_page(eco: Eco) -> None:
    p = eco.get("/accounts", params={"pagesize": 1000}).json()["pagination"]
    assert "nextPage" not in p


def test_following_next_page_links_yields_every_account_once(eco: Eco) -> None:
    url: str | None = "/accounts?pagesize=7"
    seen: list[int] = []
    while url:
        body = eco.get(url).json()
        seen += [a["accountNumber"] for a in body["collection"]]
        url = body["pagination"].get("nextPage")
    assert len(seen) == len(set(seen)) == eco.get("/accounts").json()["pagination"]["results"]


def test_pagesize_above_1000_is_400(eco: Eco) -> None:
    r = eco.get("/accounts", params={"pagesize": 1001})
    assert r.status_code == 400
    assert_error_body(r.json(), 400)


def test_collection_self_link_echoes_paging(eco: Eco) -> None:
    body = eco.get("/journals", params={"pagesize": 5}).json()
    assert body["self"].endswith("/journals?skippages=0&pagesize=5")


# ------------------------------------------------------------------------------ filter / sort


def numbers(r: httpx.Response) -> list[int]:
    assert r.status_code == 200, r.text
    return [a["accountNumber"] for a in r.json()["collection"]]


def test_filter_eq(eco: Eco) -> None:
    assert numbers(eco.get("/accounts", params={"filter": "accountNumber$eq:5820"})) == [5820]


def test_filter_ne(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "accountNumber$ne:5820", "pagesize": 1000})
    assert 5820 not in numbers(r)


def test_filter_gt_and_lt(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "accountNumber$gt:5810$and:accountNumber$lt:5840"})
    assert numbers(r) == [5820, 5830]


def test_filter_gte_and_lte(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "accountNumber$gte:5810$and:accountNumber$lte:5830"})
    assert numbers(r) == [5810, 5820, 5830]


def test_filter_or(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "accountNumber$eq:5820$or:accountNumber$eq:6800"})
    assert numbers(r) == [5820, 6800]


def test_filter_parentheses_group(eco: Eco) -> None:
    flt = "accountType$eq:status$and:(name$like:bank$or:name$like:kreditkort*)"
    assert numbers(eco.get("/accounts", params={"filter": flt})) == [5820, 6710, 6720]


def test_filter_like_without_wildcard_is_case_insensitive_contains(eco: Eco) -> None:
    assert numbers(eco.get("/accounts", params={"filter": "name$like:DEBITKORT"})) == [5830]


def test_filter_like_with_wildcard_anchors(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "name$like:Kreditkort*"})
    assert numbers(r) == [6700, 6710, 6720]


def test_filter_in_list(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "accountNumber$in:[5810,5820,9999]"})
    assert numbers(r) == [5810, 5820]


def test_filter_eq_on_enum(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "accountType$eq:profitAndLoss", "pagesize": 1000})
    assert all(a["accountType"] == "profitAndLoss" for a in r.json()["collection"])


def test_filter_escaped_dollar_value(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "name$eq:a$$b"})
    assert r.status_code == 200
    assert r.json()["collection"] == []


def test_filter_reports_results_and_results_without_filter(eco: Eco) -> None:
    p = eco.get("/accounts", params={"filter": "accountNumber$eq:5820"}).json()["pagination"]
    assert p["results"] == 1
    assert p["resultsWithoutFilter"] > 1


def test_filter_on_unfilterable_property_is_400(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "vatAccount.vatCode$eq:I25"})
    assert r.status_code == 400
    assert_error_body(r.json(), 400)


def test_filter_with_bad_syntax_is_400(eco: Eco) -> None:
    assert eco.get("/accounts", params={"filter": "accountNumber=5820"}).status_code == 400


def test_filter_is_kept_in_page_links(eco: Eco) -> None:
    body = eco.get("/accounts", params={"filter": "accountNumber$gt:1000", "pagesize": 2}).json()
    assert "filter=accountNumber$gt:1000" in body["pagination"]["nextPage"]


def test_sort_descending(eco: Eco) -> None:
    r = eco.get("/accounts", params={"sort": "-accountNumber", "pagesize": 3})
    got = numbers(r)
    assert got == sorted(got, reverse=True)


def test_sort_by_name(eco: Eco) -> None:
    body = eco.get("/accounts", params={"sort": "name", "pagesize": 1000}).json()
    names = [a["name"].lower() for a in body["collection"]]
    assert names == sorted(names)


def test_sort_on_unsortable_property_is_400(eco: Eco) -> None:
    assert eco.get("/accounts", params={"sort": "barred"}).status_code == 400


# ------------------------------------------------------------------------------ accounts


def test_account_by_number(eco: Eco) -> None:
    body = eco.get("/accounts/2800").json()
    assert body["name"] == "Kontorartikler"
    assert body["vatAccount"]["vatCode"] == "I25"
    assert body["self"].endswith("/accounts/2800")


def test_unknown_account_is_404_with_error_body(eco: Eco) -> None:
    r = eco.get("/accounts/9999")
    assert r.status_code == 404
    assert_error_body(r.json(), 404)


def test_chart_has_bank_debitcard_creditcard_overdraft_and_creditors(eco: Eco) -> None:
    body = eco.get("/accounts", params={"pagesize": 1000}).json()
    by_number = {a["accountNumber"]: a["name"] for a in body["collection"]}
    assert by_number[5820] == "Bank"
    assert by_number[5830] == "Debitkort"
    assert by_number[6620] == "Kassekredit"
    assert by_number[6710].startswith("Kreditkort")
    assert by_number[6800].startswith("Leverandørgæld")


def test_heading_accounts_block_direct_entries(eco: Eco) -> None:
    assert eco.get("/accounts/5800").json()["blockDirectEntries"] is True


def test_benchmark_agreement_has_1000_accounts(eco: Eco) -> None:
    p = eco.get("/accounts", BENCH, params={"pagesize": 1}).json()["pagination"]
    assert p["results"] == 1000


def test_deleted_account_disappears(eco: Eco) -> None:
    eco.client.delete(f"/_emulator/agreements/{NORDLYS}/accounts/2800").raise_for_status()
    assert eco.get("/accounts/2800").status_code == 404


# ------------------------------------------------------------------ journals, years, VAT


def test_journals_list_the_three_seeded_journals(eco: Eco) -> None:
    body = eco.get("/journals").json()
    assert [(j["journalNumber"], j["name"]) for j in body["collection"]] == [
        (1, "Kassekladde"),
        (2, "Leverandørfakturaer"),
        (3, "Leverandørbetalinger"),
    ]


def test_journal_settings_show_voucher_range_and_restriction(eco: Eco) -> None:
    body = eco.get("/journals/2").json()
    assert body["settings"]["voucherNumbers"]["minimumVoucherNumber"] == 20001
    assert body["settings"]["entryTypeRestrictedTo"] == "supplierInvoice"
    assert body["entries"].endswith("/journals/2/entries")


def test_unknown_journal_is_404(eco: Eco) -> None:
    assert eco.get("/journals/99").status_code == 404


def test_accounting_years_are_2025_and_2026(eco: Eco) -> None:
    years = [y["year"] for y in eco.get("/accounting-years").json()["collection"]]
    assert years == ["2025", "2026"]


def test_split_accounting_year_self_link_is_encoded(eco: Eco) -> None:
    years = eco.get("/accounting-years", HAVNEN).json()["collection"]
    assert years[0]["year"] == "2025/2026"
    assert years[0]["self"].endswith("/accounting-years/2025_6_2026")
    assert eco.get("/accounting-years/2025_6_2026", HAVNEN).json()["fromDate"] == "2025-07-01"


def test_vat_accounts_include_i25_and_u25(eco: Eco) -> None:
    codes = {v["vatCode"] for v in eco.get("/vat-accounts").json()["collection"]}
    assert {"I25", "U25"} <= codes


def test_vat_account_by_code(eco: Eco) -> None:
    body = eco.get("/vat-accounts/I25").json()
    assert body["ratePercentage"] == 25.0
    assert body["account"]["accountNumber"] == 6902


# ------------------------------------------------------------------------------ suppliers


def test_suppliers_filter_by_cvr(eco: Eco) -> None:
    r = eco.get("/suppliers", params={"filter": "corporateIdentificationNumber$eq:26150004"})
    assert [s["name"] for s in r.json()["collection"]] == ["Office Danmark A/S"]


def test_supplier_by_number(eco: Eco) -> None:
    body = eco.get("/suppliers/1").json()
    assert body["supplierGroup"]["supplierGroupNumber"] == 1
    assert body["self"].endswith("/suppliers/1")


def test_unknown_supplier_is_404(eco: Eco) -> None:
    assert eco.get("/suppliers/999").status_code == 404


NEW_SUPPLIER = {
    "name": "Papirgrossisten ApS",
    "corporateIdentificationNumber": "12345678",
    "currency": "DKK",
    "paymentTerms": {"paymentTermsNumber": 5},
    "supplierGroup": {"supplierGroupNumber": 1},
    "vatZone": {"vatZoneNumber": 1},
}


def test_post_supplier_creates_it_with_the_next_number(eco: Eco) -> None:
    r = eco.post("/suppliers", json=NEW_SUPPLIER)
    assert r.status_code == 201
    assert r.json()["supplierNumber"] == 5
    assert r.headers["Location"].endswith("/suppliers/5")
    found = eco.get("/suppliers", params={"filter": "corporateIdentificationNumber$eq:12345678"})
    assert found.json()["collection"][0]["name"] == "Papirgrossisten ApS"


def test_post_supplier_missing_required_field_is_400(eco: Eco) -> None:
    body = {k: v for k, v in NEW_SUPPLIER.items() if k != "vatZone"}
    r = eco.post("/suppliers", json=body)
    assert r.status_code == 400
    assert "vatZone" in r.json()["errors"]


def test_post_supplier_unknown_group_is_400(eco: Eco) -> None:
    r = eco.post("/suppliers", json={**NEW_SUPPLIER, "supplierGroup": {"supplierGroupNumber": 9}})
    assert r.status_code == 400
    assert r.json()["errors"]["supplierGroup"]["errors"][0]["errorCode"] == "E06000"


def test_post_supplier_with_null_is_400(eco: Eco) -> None:
    assert eco.post("/suppliers", json={**NEW_SUPPLIER, "email": None}).status_code == 400


def test_post_supplier_as_form_is_415(eco: Eco) -> None:
    r = eco.post("/suppliers", data={"name": "x"})
    assert r.status_code == 415
    assert_error_body(r.json(), 415)


def test_supplier_groups_carry_the_creditors_account(eco: Eco) -> None:
    groups = eco.get("/supplier-groups").json()["collection"]
    assert groups[0]["account"]["accountNumber"] == 6800


def test_payment_terms_list(eco: Eco) -> None:
    terms = eco.get("/payment-terms").json()["collection"]
    assert {"paymentTermsNumber": 5, "name": "Netto 30 dage"}.items() <= terms[4].items()


def test_currencies_include_dkk_and_eur(eco: Eco) -> None:
    codes = [c["code"] for c in eco.get("/currencies").json()["collection"]]
    assert {"DKK", "EUR"} <= set(codes)
    assert eco.get("/currencies/EUR").json()["code"] == "EUR"


# ------------------------------------------------------------------------------ generic errors


def test_unknown_path_is_404_with_error_body(eco: Eco) -> None:
    r = eco.get("/no-such-thing")
    assert r.status_code == 404
    assert_error_body(r.json(), 404)


def test_put_on_a_collection_is_405(eco: Eco) -> None:
    r = eco.request("PUT", "/accounts", json={})
    assert r.status_code == 405
    assert_error_body(r.json(), 405)


def test_filter_null_finds_missing_property(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "blockDirectEntries$eq:true$and:name$eq:$null:"})
    assert r.json()["collection"] == []


def test_filter_on_boolean_omitted_when_false(eco: Eco) -> None:
    r = eco.get("/accounts", params={"filter": "barred$eq:false", "pagesize": 1})
    assert r.json()["pagination"]["results"] == r.json()["pagination"]["resultsWithoutFilter"]


def test_filter_on_nested_supplier_group(eco: Eco) -> None:
    r = eco.get("/suppliers", params={"filter": "supplierGroup.supplierGroupNumber$eq:2"})
    assert [s["supplierNumber"] for s in r.json()["collection"]] == [4]


def test_supplier_group_by_number(eco: Eco) -> None:
    assert eco.get("/supplier-groups/2").json()["name"] == "Leverandører, udland"


def test_payment_terms_by_number(eco: Eco) -> None:
    assert eco.get("/payment-terms/5").json()["daysOfCredit"] == 30


def test_vat_zones_list(eco: Eco) -> None:
    names = [z["name"] for z in eco.get("/vat-zones").json()["collection"]]
    assert names[:3] == ["Domestic", "EU", "Abroad"]
