"""e-conomic emulator: booking a kassekladde, moving a voucher, and the VAT e-conomic books
(issue 10 item 1, issue 11 item 2), over real HTTP.

Booked entries are held to the official schema of ``GET /accounting-years/{year}/entries``; the
VAT to economic.md §10.1 (the contra VAT code's rate lifted out of the gross amount).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .economic_schemas import schema_errors
from .test_economic_vouchers import FINANCE, INVOICE, NORDLYS, PAYMENT, PDF, Eco, invoice, upload

CONTROL = f"/_emulator/agreements/{NORDLYS}"
BOOKED = "/accounting-years/2026/entries"


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


def book(eco: Eco, journal: int, **body: Any) -> dict[str, Any]:
    r = eco.client.post(f"{CONTROL}/journals/{journal}/book", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def move(eco: Eco, source: int, voucher: str, **body: Any) -> Any:
    return eco.client.post(f"{CONTROL}/journals/{source}/vouchers/{voucher}/move", json=body)


def booked(eco: Eco, **params: Any) -> list[dict[str, Any]]:
    r = eco.get(BOOKED, params={"pagesize": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["collection"]


def vat(eco: Eco) -> dict[str, Any]:
    return eco.client.get(f"{CONTROL}/vat").json()


# ------------------------------------------------------------------------------ booking


def test_booking_takes_the_entries_out_of_the_kassekladde(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    book(eco, 2)
    assert eco.get("/journals/2/entries").json()["collection"] == []
    assert eco.get("/journals/2/vouchers/2026-20001").status_code == 404


def test_booked_entries_appear_under_the_accounting_year_with_the_voucher_number(
    eco: Eco,
) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    result = book(eco, 2)
    assert result["booked"][0]["voucherNumber"] == 20001
    rows = booked(eco)
    assert rows and {r["voucherNumber"] for r in rows} == {20001}
    supplier_line = next(r for r in rows if "supplier" in r)
    assert (
        supplier_line["amount"] == -1250.0
        and supplier_line["text"] == INVOICE["entries"]["supplierInvoices"][0]["text"]
    )


def test_booked_entries_match_the_official_schema(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    eco.post("/journals/3/vouchers", json=PAYMENT)
    eco.post("/journals/1/vouchers", json=FINANCE)
    for journal in (1, 2, 3):
        book(eco, journal)
    body = eco.get(BOOKED).json()
    assert len(body["collection"]) >= 7
    assert schema_errors(body, "accounting-years.accountingYear.entries.get.schema.json") == []
    period = eco.get("/accounting-years/2026/periods/9/entries").json()
    name = "accounting-years.accountingYear.periods.accountingYearPeriod.entries.get.schema.json"
    assert schema_errors(period, name) == []
    assert {r["date"][:7] for r in period["collection"]} == {"2026-09"}


def test_booked_entries_can_be_found_by_voucher_number_and_by_text(eco: Eco) -> None:
    # economic.md §2.4 / §10.6: S5 finds a booked voucher with filter=voucherNumber$eq:n; text
    # is filterable too, so the reference billbridge writes finds it
    eco.post("/journals/2/vouchers", json=[INVOICE, invoice(text="Andet [bb:43]")])
    book(eco, 2)
    assert {r["voucherNumber"] for r in booked(eco, filter="voucherNumber$eq:20002")} == {20002}
    found = booked(eco, filter="text$like:[bb:43]".replace("[", "$[").replace("]", "$]"))
    assert found and all(r["voucherNumber"] == 20002 for r in found)


def test_numbering_goes_on_after_a_booking(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    book(eco, 2)
    assert eco.post("/journals/2/vouchers", json=INVOICE).json()[0]["voucherNumber"] == 20002


def test_booking_only_the_vouchers_named(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=[INVOICE, INVOICE])
    book(eco, 2, vouchers=[20002])
    left = eco.get("/journals/2/entries").json()["collection"]
    assert [e["voucher"]["voucherNumber"] for e in left] == [20001]
    assert {r["voucherNumber"] for r in booked(eco)} == {20002}


def test_booking_into_a_barred_period_is_refused_and_books_nothing(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    eco.client.post(f"{CONTROL}/periods", json={"date": "2026-09-05", "state": "barred"})
    r = eco.client.post(f"{CONTROL}/journals/2/book", json={})
    assert r.status_code == 409
    assert r.json()["details"][0]["voucherNumber"] == 20001
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 1
    assert booked(eco) == []


def test_booking_an_unknown_voucher_is_refused(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    r = eco.client.post(f"{CONTROL}/journals/2/book", json={"vouchers": [99]})
    assert r.status_code == 409


def test_booking_keeps_the_attachment_with_the_booked_voucher(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    assert upload(eco, "POST", PDF).status_code == 201
    book(eco, 2)
    page = eco.client.get("/_emulator/").text
    assert "Bogførte posteringer (3)" in page


def test_page_books_a_kassekladde_with_a_form_button(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    assert "Bogfør kassekladden" in eco.client.get("/_emulator/").text
    form = {"Content-Type": "application/x-www-form-urlencoded"}  # as a browser sends it
    r = eco.client.post(f"{CONTROL}/journals/2/book", content=b"", headers=form)
    assert r.status_code == 303
    assert eco.get("/journals/2/entries").json()["collection"] == []


# ------------------------------------------------------------------------------ VAT


def test_supplier_invoice_books_the_contra_vat_codes_rate_lifted_out_of_the_gross(
    eco: Eco,
) -> None:
    # economic.md §10.1: 1,250.00 gross with I25 → 250.00 VAT, 1,000.00 on the expense account
    eco.post("/journals/2/vouchers", json=INVOICE)
    book(eco, 2)
    lines = {(r["account"]["accountNumber"], r["amount"]) for r in booked(eco)}
    assert lines == {(6800, -1250.0), (2800, 1000.0), (6902, 250.0)}
    assert sum(amount for _, amount in lines) == 0


def test_no_contra_vat_account_books_no_vat(eco: Eco) -> None:
    body = copy.deepcopy(INVOICE)
    del body["entries"]["supplierInvoices"][0]["contraVatAccount"]
    eco.post("/journals/2/vouchers", json=body)
    book(eco, 2)
    assert {r["account"]["accountNumber"] for r in booked(eco)} == {6800, 2800}
    assert vat(eco)["vatAmount"] == 0.0


def test_vat_is_rounded_to_the_oere(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=invoice(amount=-99.99))
    [row] = vat(eco)["entries"]
    assert row["vatAmount"] == 20.0 and row["sides"][0]["netAmount"] == 79.99


def test_vat_read_back_shows_draft_and_booked_entries(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=[INVOICE, invoice(amount=-500.0)])
    book(eco, 2, vouchers=[20001])
    report = vat(eco)
    states = {(r["voucherNumber"], r["state"], r["vatAmount"]) for r in report["entries"]}
    assert states == {(20001, "booked", 250.0), (20002, "draft", 100.0)}
    assert report["vatAmount"] == 350.0
    side = report["entries"][0]["sides"][0]
    assert (side["vatCode"], side["ratePercentage"], side["account"]) == ("I25", 25.0, 2800)


def test_finance_voucher_lifts_vat_on_the_account_side(eco: Eco) -> None:
    eco.post("/journals/1/vouchers", json=FINANCE)
    [row] = vat(eco)["entries"]
    assert row["vatAmount"] == 20.0 and row["sides"][0]["side"] == "account"


def test_explicit_contra_vat_amount_is_booked_as_given(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=invoice(contraVatAmount=200.0))
    assert vat(eco)["entries"][0]["vatAmount"] == 200.0


def test_reverse_charge_code_books_vat_on_top_on_both_vat_accounts(eco: Eco) -> None:
    eco.post(
        "/journals/2/vouchers",
        json=invoice(amount=-1000.0, contraVatAccount={"vatCode": "IEUY"}, contraAccount={
            "accountNumber": 2740}),
    )  # fmt: skip
    book(eco, 2)
    lines = {(r["account"]["accountNumber"], r["amount"]) for r in booked(eco)}
    assert lines == {(6800, -1000.0), (2740, 1000.0), (6902, 250.0), (6904, -250.0)}


def test_kassekladde_page_shows_each_entrys_vat(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    page = eco.client.get("/_emulator/").text
    assert "<th class='n'>Momsbeløb</th>" in page and "<td class='n' data-vat>250,00</td>" in page


# ------------------------------------------------------------------------------ moving


def test_moving_a_voucher_renumbers_it_in_the_other_kassekladde(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    r = move(eco, 2, "2026-20001", journal=1)
    assert r.status_code == 200, r.text
    assert r.json()["to"] == {"journalNumber": 1, "year": "2026", "voucherNumber": 1}
    assert eco.get("/journals/2/entries").json()["collection"] == []
    [entry] = eco.get("/journals/1/entries").json()["collection"]
    assert entry["voucher"]["voucherNumber"] == 1
    assert entry["supplierInvoiceNumber"] == "F-10023"
    assert eco.get("/journals/1/vouchers/2026-1").status_code == 200


def test_a_moved_voucher_keeps_its_attachment(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    upload(eco, "POST", PDF)
    move(eco, 2, "2026-20001", journal=1)
    assert eco.get("/journals/1/vouchers/2026-1/attachment").json()["pages"] == 2


def test_moving_to_a_given_number(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    assert (
        move(eco, 2, "2026-20001", journal=1, voucherNumber=77).json()["to"]["voucherNumber"] == 77
    )


def test_moving_into_a_kassekladde_restricted_to_another_entry_type_is_refused(
    eco: Eco,
) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    assert move(eco, 2, "2026-20001", journal=3).status_code == 409
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 1


def test_moving_an_unknown_voucher_is_refused(eco: Eco) -> None:
    assert move(eco, 2, "2026-20001", journal=1).status_code == 409


def test_page_moves_a_voucher_with_a_form_button(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    page = eco.client.get("/_emulator/").text
    assert f"action='{CONTROL}/journals/2/vouchers/2026-20001/move'" in page
    r = eco.client.post(f"{CONTROL}/journals/2/vouchers/2026-20001/move", data={"journal": "1"})
    assert r.status_code == 303
    assert len(eco.get("/journals/1/entries").json()["collection"]) == 1
