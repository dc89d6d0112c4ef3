"""Dinero emulator: chart of accounts, deposit accounts and VAT types (plain HTTP)."""

from __future__ import annotations

ENTRY_FIELDS = {"AccountNumber", "Name", "VatCode", "Category", "IsHidden", "IsDefaultSalesAccount"}


def test_entry_accounts_is_a_plain_array_with_the_documented_fields(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/accounts/entry")
    assert r.status_code == 200
    accounts = r.json()
    assert isinstance(accounts, list) and len(accounts) > 20
    assert all(set(a) == ENTRY_FIELDS for a in accounts)


def test_entry_accounts_have_five_digit_numbers(dinero_api):
    accounts = dinero_api.request("GET", "/v1/{org}/accounts/entry").json()
    assert all(10000 <= a["AccountNumber"] <= 99999 for a in accounts)


def test_standard_chart_has_bank_55000_and_suspense_99999(dinero_api):
    numbers = {
        a["AccountNumber"] for a in dinero_api.request("GET", "/v1/{org}/accounts/entry").json()
    }
    assert {55000, 99999} <= numbers


def test_standard_chart_has_purchase_accounts_with_i25_and_with_no_vat(dinero_api):
    accounts = dinero_api.request("GET", "/v1/{org}/accounts/entry").json()
    expenses = [a for a in accounts if a["Category"] == "Expenses"]
    assert any(a["VatCode"] == "I25" for a in expenses)
    assert any(a["VatCode"] == "none" for a in expenses)


def test_standard_chart_has_exactly_one_default_sales_account(dinero_api):
    accounts = dinero_api.request("GET", "/v1/{org}/accounts/entry").json()
    assert sum(a["IsDefaultSalesAccount"] for a in accounts) == 1


def test_fields_query_selects_fields(dinero_api):
    r = dinero_api.request(
        "GET", "/v1/{org}/accounts/entry", params={"fields": "Name,AccountNumber"}
    )
    assert r.status_code == 200
    assert all(set(a) == {"Name", "AccountNumber"} for a in r.json())


def test_fields_query_is_case_insensitive(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/accounts/entry", params={"fields": "vatcode"})
    assert all(set(a) == {"VatCode"} for a in r.json())


def test_deposit_accounts_list_the_bank(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert r.status_code == 200
    deposits = r.json()
    assert all(set(a) == {"AccountNumber", "Name"} for a in deposits)
    assert 55000 in {a["AccountNumber"] for a in deposits}
    assert 99999 not in {a["AccountNumber"] for a in deposits}


def test_benchmark_organisation_has_1000_entry_accounts(dinero_api_for):
    api = dinero_api_for("990001")
    accounts = api.request("GET", "/v1/{org}/accounts/entry").json()
    assert len(accounts) == 1000
    assert len({a["AccountNumber"] for a in accounts}) == 1000
    assert {55000, 99999} <= {a["AccountNumber"] for a in accounts}


def test_vat_types_include_i25_and_none(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/vatTypes")
    assert r.status_code == 200
    codes = {v["VatCode"] for v in r.json()}
    assert {"I25", "none", "U25"} <= codes


def test_deleted_account_disappears_from_the_chart(dinero_api):
    dinero = dinero_api.emulator
    r = dinero.client.delete("/_emulator/organizations/112233/accounts/34000")
    assert r.status_code == 200
    numbers = {
        a["AccountNumber"] for a in dinero_api.request("GET", "/v1/{org}/accounts/entry").json()
    }
    assert 34000 not in numbers


def test_deleting_an_unknown_account_is_404(dinero):
    assert dinero.client.delete("/_emulator/organizations/112233/accounts/12345").status_code == 404


def test_unknown_api_path_is_404_json(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/nothing-here")
    assert r.status_code == 404
    assert r.json()["message"]


def test_wrong_method_on_known_path_is_405(dinero_api):
    r = dinero_api.request("DELETE", "/v1/{org}/accounts/entry")
    assert r.status_code == 405
