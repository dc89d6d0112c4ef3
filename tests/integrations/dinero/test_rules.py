"""R-1 as pure functions: no database, no HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billbridge.integrations.base import BillSnapshot, PaymentSnapshot
from billbridge.integrations.dinero import rules

RULES = rules.DineroRules(
    fallback_account="99999",
    payment_account="55000",
    vat_codes={"34000": "I25", "99999": "none", "55000": "none", "30200": "none"},
)


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


def test_uncategorised_bill_goes_to_the_fallback_account_without_vat():
    row = rules.invoice_row(snapshot(category_account="", category_id=None), None, RULES,
                            row_id="x")  # fmt: skip
    assert (row.account, row.account_vat_code) == ("99999", "none")


def test_vat_code_comes_from_the_chart_and_unknown_accounts_get_none():
    # "none", never null: null would mean the account's default code (the OpenAPI file)
    assert rules.vat_code("34000", RULES) == "I25"
    assert rules.vat_code("30200", RULES) == "none"
    assert rules.vat_code("12345", RULES) == "none"


def test_line_ids_are_deterministic_and_differ_per_row():
    assert rules.line_id("row-a", 0) == rules.line_id("row-a", 0)
    assert rules.line_id("row-a", 0) != rules.line_id("row-b", 0)
    a = rules.invoice_row(snapshot(), None, RULES, row_id="row-a").to_json()
    b = rules.invoice_row(snapshot(total=Decimal("1.00")), None, RULES, row_id="row-a").to_json()
    assert a["Lines"][0]["Id"] == b["Lines"][0]["Id"]


def test_credit_note_is_negative():
    row = rules.invoice_row(snapshot(total=Decimal("-500.00")), None, RULES, row_id="x")
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


def test_foreign_currency_is_a_problem_until_rates_exist():
    assert rules.problem(snapshot()) is None
    assert rules.problem(snapshot(currency="EUR")) == "currency_not_supported"
