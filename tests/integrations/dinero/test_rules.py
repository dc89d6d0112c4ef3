"""R-1 as pure functions: no database, no HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billbridge.integrations.base import BillSnapshot, PaymentSnapshot
from billbridge.integrations.currency import Rate
from billbridge.integrations.dinero import rules
from billbridge.integrations.vat import VatProblem
from tests.integrations.vat_cases import RATES

RULES = rules.DineroRules(
    fallback_account="99999",
    payment_account="55000",
    vat_codes={"34000": "I25", "99999": "none", "55000": "none", "30200": "none"},
    vat_rates=RATES,
)
EUR = Rate("EUR", Decimal("746.04"), dt.date(2026, 3, 13))


def snapshot(**kw) -> BillSnapshot:
    data = dict(
        bill_id=7, supplier_name="Papirgården A/S", supplier_cvr="", supplier_vat_number="",
        supplier_country="DK", supplier_address="", invoice_number="F-1001",
        issue_date=dt.date(2026, 11, 1), due_date=None, currency="DKK",
        total=Decimal("1250.00"), vat_amount=Decimal("250.00"), text="", category_id=1,
        category_account="34000", payment_method_id=None, payment_method_account="",
    )  # fmt: skip
    data.update(kw)
    return BillSnapshot(**data)


def payment(account="55100") -> PaymentSnapshot:
    return PaymentSnapshot(dt.date(2026, 11, 10), Decimal("1250.00"), "DKK", 3, account)


def test_row_for_a_categorised_bill():
    row = rules.invoice_row(snapshot(), None, RULES, row_id="id-1", file_guid="f-1")
    assert row.account == "34000" and row.account_vat_code == "I25"
    assert row.amount == Decimal("1250.00")
    assert row.balancing_account == "55000" and row.balancing_vat_code == "none"
    assert row.voucher_date == dt.date(2026, 11, 1)
    assert row.description == "Papirgården A/S F-1001"
    body = row.to_json()
    assert body["Id"] == "id-1" and body["FileGuid"] == "f-1"
    assert body["Lines"] == [
        {
            "Id": rules.line_id("id-1", 0),
            "AccountNumber": 34000,
            "AccountVatCode": "I25",
            "Amount": 1250.0,
            "BalancingAccountNumber": 55000,
            "BalancingAccountVatCode": "none",
            "Description": "Papirgården A/S F-1001",
        }
    ]
    assert "Version" not in body and row.to_json("v9")["Version"] == "v9"


def test_uncategorised_bill_goes_to_the_fallback_account_and_its_vat_takes_the_purchase_code():
    """Issue 11 item 1: the bill's 250,00 VAT is booked although 99999 has no code of its own."""
    row = rules.invoice_row(snapshot(category_account="", category_id=None), None, RULES,
                            row_id="x")  # fmt: skip
    assert (row.account, row.account_vat_code) == ("99999", "I25")


def test_a_bill_without_vat_on_an_i25_account_books_none():
    """Issue 11 item 1 (economic.md §10.1): 0 % insurance on an I25 account books no VAT."""
    row = rules.invoice_row(snapshot(vat_amount=Decimal("0.00")), None, RULES, row_id="x")
    assert [(ln.vat_code, ln.amount) for ln in row.lines] == [("none", Decimal("1250.00"))]


def test_mixed_vat_becomes_two_lines_of_one_row_with_stable_ids():
    """Issue 11 item 1: the VAT-bearing part with the code, the rest without, one voucher."""
    bill = snapshot(total=Decimal("2250.00"), vat_amount=Decimal("250.00"))
    body = rules.invoice_row(bill, None, RULES, row_id="r").to_json()
    lines = [(ln["AccountVatCode"], ln["Amount"]) for ln in body["Lines"]]
    assert lines == [("I25", 1250.0), ("none", 1000.0)]
    assert [ln["Id"] for ln in body["Lines"]] == [rules.line_id("r", 0), rules.line_id("r", 1)]
    assert body["Lines"][1]["Description"].endswith("(uden moms)")


def test_vat_that_cannot_be_reconciled_is_a_problem_not_a_guess():
    with pytest.raises(VatProblem) as caught:
        rules.invoice_row(snapshot(vat_amount=Decimal("300.00")), None, RULES, row_id="x")
    assert caught.value.code == "vat_exceeds_rate"


def test_vat_code_comes_from_the_chart_and_unknown_accounts_get_none():
    # "none", never null: null would mean the account's default code (the OpenAPI file)
    assert rules.vat_code("34000", RULES) == "I25"
    assert rules.vat_code("30200", RULES) == "none"
    assert rules.vat_code("12345", RULES) == "none"


def test_line_ids_are_deterministic_and_differ_per_row():
    assert rules.line_id("row-a", 0) == rules.line_id("row-a", 0)
    assert rules.line_id("row-a", 0) != rules.line_id("row-b", 0)
    a = rules.invoice_row(snapshot(), None, RULES, row_id="row-a").to_json()
    other = snapshot(total=Decimal("1.25"), vat_amount=Decimal("0.25"))
    b = rules.invoice_row(other, None, RULES, row_id="row-a").to_json()
    assert a["Lines"][0]["Id"] == b["Lines"][0]["Id"]


def test_credit_note_is_negative():
    credit = snapshot(total=Decimal("-500.00"), vat_amount=Decimal("-100.00"))
    row = rules.invoice_row(credit, None, RULES, row_id="x")
    assert row.amount == Decimal("-500.00") and row.to_json()["Lines"][0]["Amount"] == -500.0


def test_balancing_account_payment_method_then_counter_account():
    assert rules.balancing_account(snapshot(), None, RULES) == "55000"
    planned = snapshot(payment_method_id=2, payment_method_account="58100")
    assert rules.balancing_account(planned, None, RULES) == "58100"
    assert rules.balancing_account(planned, payment("55100"), RULES) == "55100"


def test_paid_unbooked_row_changes_balancing_account():
    row = rules.invoice_row(snapshot(), payment("55100"), RULES, row_id="x")
    assert row.balancing_account == "55100"


def test_payment_row_for_a_booked_row_moves_the_amount():
    pay = rules.payment_row(snapshot(), payment("55100"), RULES,
                            booked_balancing_account="55000", row_id="p")  # fmt: skip
    assert pay is not None
    assert (pay.account, pay.balancing_account, pay.amount) == ("55000", "55100", Decimal("1250"))
    assert pay.voucher_date == dt.date(2026, 11, 10)
    same = rules.payment_row(snapshot(), payment("55000"), RULES,
                             booked_balancing_account="55000", row_id="p")  # fmt: skip
    assert same is None


def test_row_ids_are_stable_and_distinct():
    assert rules.row_id("billbridge-1-5") == rules.row_id("billbridge-1-5")
    assert rules.row_id("billbridge-1-5") != rules.row_id("billbridge-1-6")
    assert rules.row_id("r", generation=1) != rules.row_id("r")
    assert rules.row_id("r", part="payment") != rules.row_id("r")


def test_description_falls_back_and_is_bounded():
    assert rules.description(snapshot(supplier_name="", invoice_number="", text="Husleje")) == (
        "Husleje"
    )
    assert len(rules.description(snapshot(supplier_name="x" * 400))) == rules.DESCRIPTION_MAX


def test_a_eur_bill_becomes_dkk_at_its_rate_with_the_original_in_the_text():
    """Issue 11 item 3: EUR 1.234,56 × 746,04 / 100 = 9.210,31 DKK, the rate written in the text."""
    bill = snapshot(currency="EUR", total=Decimal("1234.56"), vat_amount=Decimal("246.91"),
                    exchange_rate=EUR)  # fmt: skip
    row = rules.invoice_row(bill, None, RULES, row_id="x")
    assert [(ln.vat_code, ln.amount) for ln in row.lines] == [("I25", Decimal("9210.31"))]
    assert row.description.endswith("EUR 1.234,56 kurs 746,04 (ECB 13.03.2026)")


def test_a_foreign_bill_without_a_rate_is_a_problem():
    with pytest.raises(VatProblem) as caught:
        rules.invoice_row(snapshot(currency="EUR"), None, RULES, row_id="x")
    assert (caught.value.code, caught.value.params) == ("rate_needed", {"currency": "EUR"})


def _paid(amount_base: str, account: str = "55100") -> PaymentSnapshot:
    return PaymentSnapshot(dt.date(2026, 3, 20), Decimal("1234.56"), "EUR", 3, account,
                           amount_base=Decimal(amount_base))  # fmt: skip


def test_a_foreign_bill_paid_with_more_dkk_books_the_difference_on_its_account():
    """Issue 11 item 3: the bank pays 9.230,00; 9.210,31 was booked: 19,69 of exchange loss."""
    bill = snapshot(currency="EUR", total=Decimal("1234.56"), vat_amount=Decimal("246.91"),
                    exchange_rate=EUR)  # fmt: skip
    row = rules.invoice_row(bill, _paid("9230.00"), RULES, row_id="x")
    assert [(ln.account, ln.vat_code, ln.amount) for ln in row.lines] == [
        ("34000", "I25", Decimal("9210.31")),
        ("2400", "none", Decimal("19.69")),
    ]
    assert (row.balancing_account, row.amount) == ("55100", Decimal("9230.00"))


def test_a_booked_foreign_row_gets_a_payment_row_with_the_difference():
    bill = snapshot(currency="EUR", total=Decimal("1234.56"), vat_amount=Decimal("246.91"),
                    exchange_rate=EUR)  # fmt: skip
    same_account = rules.payment_row(bill, _paid("9200.00", "55000"), RULES,
                                     booked_balancing_account="55000", row_id="p")  # fmt: skip
    assert same_account is not None
    assert [(ln.account, ln.amount) for ln in same_account.lines] == [("2400", Decimal("-10.31"))]
    moved = rules.payment_row(bill, _paid("9210.31"), RULES,
                              booked_balancing_account="55000", row_id="p")  # fmt: skip
    assert moved is not None
    assert [(ln.account, ln.amount) for ln in moved.lines] == [("55000", Decimal("9210.31"))]
