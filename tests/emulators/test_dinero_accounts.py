"""Dinero emulator: accounts, VAT types and organisations as dinero-openapi.json and Dinero's
standard chart (dinero.md §3) have them (issue 9 item 1)."""

from __future__ import annotations

ALL_ENTRY = "AccountNumber,Name,VatCode,Category,CategoryName,IsHidden,IsDefaultSalesAccount"


def entry(api, fields=ALL_ENTRY, **params):
    r = api.request("GET", "/v1/{org}/accounts/entry", params={"fields": fields, **params})
    assert r.status_code == 200
    return r.json()


def test_entry_accounts_default_to_the_files_default_fields(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/accounts/entry")
    assert r.status_code == 200
    accounts = r.json()
    assert isinstance(accounts, list) and len(accounts) > 100
    assert all(set(a) == {"AccountNumber", "Name", "IsHidden"} for a in accounts)


def test_expense_accounts_have_four_digits_and_balance_accounts_five(dinero_api):
    numbers = [a["AccountNumber"] for a in entry(dinero_api)]
    assert all(2000 <= n <= 9420 for n in numbers if 1999 < n < 10000)
    assert all(50000 <= n <= 65120 or n == 99999 for n in numbers if n >= 10000)
    assert min(numbers) == 1000 and max(n for n in numbers if n < 2000) == 1550


def test_standard_chart_has_the_known_balance_accounts(dinero_api):
    names = {a["AccountNumber"]: a["Name"] for a in entry(dinero_api)}
    assert names[55000] == "Bank"
    assert names[55040].startswith("Kontanter")
    assert names[63000].startswith("Kreditorer")
    assert names[64060].startswith("Købsmoms")
    assert names[99999] == "Analysekonto"


def test_categories_are_the_files_category_strings(dinero_api):
    categories = {a["Category"] for a in entry(dinero_api)}
    assert {"Variable Expenses", "Administration Expenses", "Turnover", "Liquid Assets"} <= (
        categories
    )
    assert "Expenses" not in categories


def test_expense_accounts_carry_their_vat_codes_or_none(dinero_api):
    accounts = {a["AccountNumber"]: a for a in entry(dinero_api)}
    assert accounts[7200]["VatCode"] == "I25"
    assert accounts[4120]["VatCode"] == "REP"
    assert accounts[7160]["VatCode"] is None


def test_standard_chart_has_exactly_one_default_sales_account(dinero_api):
    assert [a["AccountNumber"] for a in entry(dinero_api) if a["IsDefaultSalesAccount"]] == [1000]


def test_fields_query_selects_fields(dinero_api):
    assert all(set(a) == {"Name", "AccountNumber"} for a in entry(dinero_api, "Name,AccountNumber"))


def test_fields_come_back_in_the_casing_asked_for(dinero_api):
    assert all(
        set(a) == {"vatcode", "ACCOUNTNUMBER"} for a in entry(dinero_api, "vatcode,ACCOUNTNUMBER")
    )


def test_category_filter_keeps_one_category(dinero_api):
    found = entry(dinero_api, categoryFilter="Administration Expenses")
    assert found and all(a["Category"] == "Administration Expenses" for a in found)


def test_purchase_accounts_are_2000_to_9399_with_vat_and_categories(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/accounts/purchase")
    assert r.status_code == 200
    accounts = r.json()
    assert all(2000 <= a["AccountNumber"] <= 9399 for a in accounts)
    assert set(accounts[0]) == {"AccountNumber", "Name", "VatCode", "Category", "CategoryName",
                                "IsHidden"}  # fmt: skip
    assert {2000, 7200, 9220} <= {a["AccountNumber"] for a in accounts}


def test_deposit_accounts_list_bank_and_cash(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/accounts/deposit")
    assert r.status_code == 200
    deposits = r.json()
    assert all(set(a) == {"AccountNumber", "Name"} for a in deposits)
    assert {a["AccountNumber"] for a in deposits} == {55000, 55040}


def test_benchmark_organisation_has_1000_entry_accounts(dinero_api_for):
    accounts = entry(dinero_api_for("990001"))
    assert len(accounts) == 1000
    assert len({a["AccountNumber"] for a in accounts}) == 1000
    assert {55000, 99999} <= {a["AccountNumber"] for a in accounts}


def test_vat_types_include_the_standard_codes_with_rates(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/vatTypes")
    assert r.status_code == 200
    rates = {v["VatCode"]: v["VatRate"] for v in r.json()}
    assert {"I25", "IEUV", "IEUY", "IVV", "IVY", "REP", "OBPK", "U25", "UEUV"} <= set(rates)
    assert rates["I25"] == 0.25 and rates["UEUV"] == 0.0


def test_organizations_default_to_id_name_is_pro(dinero_api):
    r = dinero_api.request("GET", "/v1/organizations")
    assert r.status_code == 200
    assert r.json() == [{"id": 112233, "name": "Nordlys Design ApS", "isPro": True}]


def test_deleted_account_disappears_from_the_chart(dinero_api):
    dinero = dinero_api.emulator
    r = dinero.client.delete("/_emulator/organizations/112233/accounts/7200")
    assert r.status_code == 200
    assert 7200 not in {a["AccountNumber"] for a in entry(dinero_api)}


def test_deleting_an_unknown_account_is_404(dinero):
    assert dinero.client.delete("/_emulator/organizations/112233/accounts/12345").status_code == 404


def test_unknown_api_path_is_404_json(dinero_api):
    r = dinero_api.request("GET", "/v1/{org}/nothing-here")
    assert r.status_code == 404
    assert r.json()["message"]


def test_wrong_method_on_known_path_is_405(dinero_api):
    r = dinero_api.request("DELETE", "/v1/{org}/accounts/entry")
    assert r.status_code == 405
