"""e-conomic emulator: accounting periods open / barred / closed, over real HTTP (issue 10 item 1).

The barred-period refusal is held to the verbatim production body of economic.md §10.2 (S5,
2026-08-30); the legacy period documents to the official schemas; the AccountingYears API's
period list to the fields Trustworks' production client reads (isClosed, isBarred).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .economic_schemas import schema_errors
from .test_economic_vouchers import INVOICE, NORDLYS, Eco, invoice

HAVNEN = 701002
PERIODS = "/accounting-years/2026/periods"
NEW_API = "/accountingyearsapi/v2.0.1/accountingYears/periods/paged"


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


def set_period(eco: Eco, agreement: int = NORDLYS, **body: Any) -> dict[str, Any]:
    r = eco.client.post(f"/_emulator/agreements/{agreement}/periods", json=body)
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------------------------ reading


def test_a_calendar_year_has_twelve_monthly_periods(eco: Eco) -> None:
    periods = eco.get(PERIODS).json()["collection"]
    assert [p["periodNumber"] for p in periods] == list(range(1, 13))
    assert (periods[7]["fromDate"], periods[7]["toDate"]) == ("2026-08-01", "2026-08-31")
    assert periods[1]["toDate"] == "2026-02-28"


def test_a_split_year_starts_its_periods_with_its_first_month(eco: Eco) -> None:
    periods = eco.get("/accounting-years/2025_6_2026/periods", HAVNEN).json()["collection"]
    assert periods[0]["fromDate"] == "2025-07-01" and periods[-1]["toDate"] == "2026-06-30"
    assert periods[0]["accountingYear"]["year"] == "2025/2026"


def test_periods_collection_matches_the_official_schema(eco: Eco) -> None:
    set_period(eco, date="2026-03-10", state="closed")
    body = eco.get(PERIODS).json()
    assert schema_errors(body, "accounting-years.accountingYear.periods.get.schema.json") == []


def test_single_period_matches_the_official_schema(eco: Eco) -> None:
    body = eco.get(PERIODS + "/8").json()
    name = "accounting-years.accountingYear.periods.accountingYearPeriod.get.schema.json"
    assert schema_errors(body, name) == []
    assert body["self"].endswith("/accounting-years/2026/periods/8")


def test_single_period_schema_cannot_hold_a_split_year_name(eco: Eco) -> None:
    # The official single-period schema gives accountingYear.year maxLength 4 where the
    # collection schema gives 10; "2025/2026" is what e-conomic calls the year, so that is what
    # the emulator answers, and the only difference from the schema is that one length.
    body = eco.get("/accounting-years/2025_6_2026/periods/1", HAVNEN).json()
    name = "accounting-years.accountingYear.periods.accountingYearPeriod.get.schema.json"
    assert schema_errors(body, name) == ["accountingYear/year: '2025/2026' is too long"]


def test_unknown_period_is_404(eco: Eco) -> None:
    assert eco.get(PERIODS + "/13").status_code == 404


def test_closed_period_shows_closed_true(eco: Eco) -> None:
    set_period(eco, year="2026", period=3, state="closed")
    assert eco.get(PERIODS + "/3").json()["closed"] is True


def test_barred_period_looks_open_in_the_legacy_api(eco: Eco) -> None:
    # S5 production: the legacy `closed` flag is e-conomic's "Status"; a barred period that is
    # still Åben answers as open there
    set_period(eco, date="2026-08-15", state="barred")
    assert "closed" not in eco.get(PERIODS + "/8").json()


def test_filtering_periods_by_date(eco: Eco) -> None:
    r = eco.get(PERIODS, params={"filter": "fromDate$lte:2026-08-15$and:toDate$gte:2026-08-15"})
    assert [p["periodNumber"] for p in r.json()["collection"]] == [8]


def test_year_is_closed_when_all_its_periods_are(eco: Eco) -> None:
    for number in range(1, 13):
        set_period(eco, year="2025", period=number, state="closed")
    assert eco.get("/accounting-years/2025").json()["closed"] is True
    assert "closed" not in eco.get("/accounting-years/2026").json()


def test_new_api_lists_every_period_with_is_barred_and_is_closed(eco: Eco) -> None:
    set_period(eco, date="2026-08-15", state="barred")
    set_period(eco, date="2025-02-01", state="closed")
    items = eco.get(NEW_API, params={"pageSize": 100, "skipPages": 0}).json()
    assert isinstance(items, list) and len(items) == 24
    august = next(p for p in items if p["year"] == "2026" and p["periodNumber"] == 8)
    assert august["isBarred"] is True and august["isClosed"] is False
    assert august["dateFrom"].startswith("2026-08-01")
    february = next(p for p in items if p["year"] == "2025" and p["periodNumber"] == 2)
    assert february["isClosed"] is True and february["isBarred"] is False


def test_new_api_pages_hold_at_most_100(eco: Eco) -> None:
    first = eco.get(NEW_API, params={"pageSize": 10, "skipPages": 0}).json()
    last = eco.get(NEW_API, params={"pageSize": 10, "skipPages": 2}).json()
    assert len(first) == 10 and len(last) == 4
    assert len(eco.get(NEW_API, params={"pageSize": 500}).json()) == 24


def test_new_api_needs_the_tokens(eco: Eco) -> None:
    assert eco.client.get(NEW_API).status_code == 401


# ------------------------------------------------------------------------------ posting


def barred_body(date: str, year: str) -> dict[str, Any]:
    """economic.md §10.2, the production body (S5, 2026-08-30) without logId/logTime."""
    return {
        "message": "Validation failed. 1 error found.",
        "errorCode": "E04300",
        "httpStatusCode": 400,
        "errors": [
            {
                "arrayIndex": 0,
                "entries": {
                    "errors": [],
                    "items": [
                        {
                            "arrayIndex": 0,
                            "date": {
                                "errors": [
                                    {
                                        "propertyName": "Date",
                                        "errorMessage": "Perioden er spærret.",
                                        "errorCode": "E04041",
                                        "inputValue": {
                                            "voucherAccountingYear": year,
                                            "entryDate": date,
                                        },
                                        "developerHint": "You cannot create an entry with a date "
                                        "that is barred in the accounting year.",
                                    }
                                ]
                            },
                        }
                    ],
                },
            }
        ],
        "errorCount": 1,
    }


def test_voucher_in_a_barred_period_is_refused_with_the_production_body(eco: Eco) -> None:
    set_period(eco, date="2026-09-05", state="barred")
    r = eco.post("/journals/2/vouchers", json=INVOICE)
    assert r.status_code == 400
    body = r.json()
    assert {k: v for k, v in body.items() if k not in ("logId", "logTime", "developerHint")} == (
        barred_body("2026-09-05", "2026")
    )
    assert eco.get("/journals/2/entries").json()["collection"] == []


def test_voucher_in_a_barred_period_of_a_split_year_names_the_year(eco: Eco) -> None:
    set_period(eco, HAVNEN, date="2026-08-30", state="barred")
    body = copy.deepcopy(INVOICE)
    body["accountingYear"] = {"year": "2026/2027"}
    body["entries"]["supplierInvoices"][0].update(date="2026-08-30", dueDate="2026-09-30")
    r = eco.post("/journals/2/vouchers", HAVNEN, json=body)
    leaf = r.json()["errors"][0]["entries"]["items"][0]["date"]["errors"][0]
    assert leaf["inputValue"] == {"voucherAccountingYear": "2026/2027", "entryDate": "2026-08-30"}


def test_voucher_in_a_closed_period_is_refused_the_same_way(eco: Eco) -> None:
    set_period(eco, date="2026-09-05", state="closed")
    leaf = eco.post("/journals/2/vouchers", json=INVOICE).json()["errors"][0]["entries"]
    assert leaf["items"][0]["date"]["errors"][0]["errorMessage"] == "Perioden er spærret."


def test_voucher_after_the_period_is_opened_again_is_accepted(eco: Eco) -> None:
    set_period(eco, date="2026-09-05", state="barred")
    assert eco.post("/journals/2/vouchers", json=INVOICE).status_code == 400
    set_period(eco, date="2026-09-05", state="open")
    assert eco.post("/journals/2/vouchers", json=INVOICE).status_code == 201


def test_only_the_barred_period_refuses(eco: Eco) -> None:
    set_period(eco, date="2026-08-15", state="barred")
    assert eco.post("/journals/2/vouchers", json=invoice(date="2026-09-01")).status_code == 201


def test_bulk_with_one_voucher_in_a_barred_period_names_that_voucher_and_creates_nothing(
    eco: Eco,
) -> None:
    set_period(eco, date="2026-08-15", state="barred")
    r = eco.post("/journals/2/vouchers", json=[INVOICE, invoice(date="2026-08-15")])
    assert r.status_code == 400
    assert [e["arrayIndex"] for e in r.json()["errors"]] == [1]
    assert eco.get("/journals/2/entries").json()["collection"] == []


# ------------------------------------------------------------------------------ control


def test_control_lists_periods_with_their_state(eco: Eco) -> None:
    set_period(eco, year="2026", period=8, state="barred")
    years = eco.client.get(f"/_emulator/agreements/{NORDLYS}/periods").json()["accounting_years"]
    august = years[1]["periods"][7]
    assert (years[1]["year"], august["state"]) == ("2026", "barred")


def test_control_refuses_an_unknown_state(eco: Eco) -> None:
    r = eco.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods", json={"date": "2026-08-01", "state": "x"}
    )
    assert r.status_code == 400


def test_control_answers_404_for_a_date_outside_every_year(eco: Eco) -> None:
    r = eco.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods", json={"date": "2031-01-01", "state": "barred"}
    )
    assert r.status_code == 404


def test_page_bars_a_period_with_a_form_button(eco: Eco) -> None:
    page = eco.client.get("/_emulator/").text
    assert "data-period='2026-8'" in page and ">Spær</button>" in page
    r = eco.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods",
        data={"year": "2026", "period": "8", "state": "barred"},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/_emulator/#agreement-{NORDLYS}"
    assert eco.post("/journals/2/vouchers", json=invoice(date="2026-08-03")).status_code == 400
    assert "class='state-barred' data-period='2026-8'" in eco.client.get("/_emulator/").text


def test_period_states_survive_a_restart_with_a_state_file(
    start_emulator: Any, tmp_path: Any
) -> None:
    state = str(tmp_path / "economic.json")
    first = Eco(start_emulator("economic", state_file=state))
    set_period(first, date="2026-09-05", state="barred")
    first.emulator.stop()
    second = Eco(start_emulator("economic", state_file=state))
    assert second.post("/journals/2/vouchers", json=INVOICE).status_code == 400


def test_json_sent_the_way_curl_sends_it_is_json(eco: Eco) -> None:
    # `curl -d '{…}'` labels its body a form (the README's examples)
    r = eco.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods",
        content=b'{"date": "2026-08-15", "state": "barred"}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200 and r.json()["state"] == "barred"
