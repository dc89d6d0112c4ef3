"""Posting rules R-2 alone (pure functions), and the voucher bodies against e-conomic's own
JSON schema (journals.journalNumber.vouchers.post.schema.json, draft-03)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from billbridge.integrations.base import BillSnapshot, PaymentSnapshot
from billbridge.integrations.currency import Rate
from billbridge.integrations.economic import rules
from billbridge.integrations.economic.client import filter_value, url_id
from billbridge.integrations.vat import VatProblem
from tests.emulators.economic_schemas import load_schema


def bill(**changes: Any) -> BillSnapshot:
    values: dict[str, Any] = dict(
        bill_id=1, supplier_name="Office Danmark A/S", supplier_cvr="26150004",
        supplier_vat_number="", supplier_country="DK", supplier_address="Park Allé 1",
        invoice_number="F-10023", issue_date=dt.date(2026, 9, 5), due_date=dt.date(2026, 10, 5),
        currency="DKK", total=Decimal("1250.00"), vat_amount=Decimal("250.00"),
        text="Kontorartikler", category_id=7, category_account="2800", payment_method_id=3,
        payment_method_account="5820",
    )  # fmt: skip
    values.update(changes)
    return BillSnapshot(**values)


def payment(**changes: Any) -> PaymentSnapshot:
    values: dict[str, Any] = dict(date=dt.date(2026, 9, 20), amount=Decimal("1250.00"),
                                  currency="DKK", payment_method_id=3,
                                  payment_method_account="5820")  # fmt: skip
    values.update(changes)
    return PaymentSnapshot(**values)


def validator() -> jsonschema.Draft3Validator:
    return jsonschema.Draft3Validator(
        load_schema("journals.journalNumber.vouchers.post.schema.json")
    )


def assert_valid(voucher: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(voucher), key=str)
    assert not errors, [e.message for e in errors]
    entries = voucher["entries"]
    for rows in entries.values():
        for row in rows:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"])
            assert round(row["amount"], 2) == row["amount"]  # maxDecimal 2


# The demo agreement's /vat-accounts as stored at set-up (percent, like ratePercentage).
RATES = rules.vat_rates([{"code": "I25", "rate": 25.0}, {"code": "IEUY", "rate": 25.0},
                         {"code": "REP", "rate": 6.25}])  # fmt: skip

SETTINGS = {"default_account": 2800, "category_accounts": {"7": 2710},
            "payment_method_accounts": {"3": 5830}}  # fmt: skip


def test_invoice_voucher_sign_accounts_and_schema():
    v = rules.invoice_voucher(bill(), journal=2, year="2026", supplier_number=1, contra=2710,
                              vat_code="I25", reference="billbridge-1-9", rates=RATES)  # fmt: skip
    entry = v["entries"]["supplierInvoices"][0]
    assert entry["amount"] == -1250.0
    assert entry["contraAccount"] == {"accountNumber": 2710}
    assert entry["contraVatAccount"] == {"vatCode": "I25"}
    assert entry["supplierInvoiceNumber"] == "F-10023"
    assert entry["dueDate"] == "2026-10-05" and entry["date"] == "2026-09-05"
    assert entry["text"].endswith("[billbridge-1-9]")
    assert v["accountingYear"] == {"year": "2026"}
    assert_valid(v)


def test_credit_note_is_positive_and_valid():
    credit = bill(total=Decimal("-99.995"), vat_amount=Decimal("0.00"))
    v = rules.invoice_voucher(credit, journal=2, year="2025/2026",
                              supplier_number=1, contra=2800, vat_code="",
                              reference="r", rates=RATES)  # fmt: skip
    entry = v["entries"]["supplierInvoices"][0]
    assert entry["amount"] == 100.0 and "contraVatAccount" not in entry
    assert_valid(v)


def test_foreign_currency_and_long_fields_stay_valid():
    b = bill(currency="eur", invoice_number="X" * 60, text="Y" * 400, due_date=None,
             exchange_rate=Rate("EUR", Decimal("746.04"), dt.date(2026, 3, 13)))  # fmt: skip
    v = rules.invoice_voucher(b, journal=2, year="2026", supplier_number=4, contra=2740,
                              vat_code="I25", reference="billbridge-1-2", rates=RATES)  # fmt: skip
    entry = v["entries"]["supplierInvoices"][0]
    assert entry["currency"] == {"code": "EUR"} and "dueDate" not in entry
    assert (entry["exchangeRate"], entry["amountBaseCurrency"]) == (746.04, -9325.5)
    assert len(entry["supplierInvoiceNumber"]) == 30 and len(entry["text"]) <= 250
    assert entry["text"].endswith("[billbridge-1-2]")
    assert_valid(v)


def _lines(voucher: dict[str, Any]) -> list[tuple[float, str | None]]:
    return [(e["amount"], (e.get("contraVatAccount") or {}).get("vatCode"))
            for e in voucher["entries"]["supplierInvoices"]]  # fmt: skip


def _voucher(b: BillSnapshot, vat_code: str = "I25") -> dict[str, Any]:
    return rules.invoice_voucher(b, journal=2, year="2026", supplier_number=1, contra=2800,
                                 vat_code=vat_code, reference="r", rates=RATES)  # fmt: skip


def test_a_bill_without_vat_on_an_i25_account_has_no_contra_vat_account():
    """Issue 11 item 1, economic.md §10.1 (the June 2026 mis-posting)."""
    v = _voucher(bill(total=Decimal("1000.00"), vat_amount=Decimal("0.00")))
    assert _lines(v) == [(-1000.0, None)]
    assert_valid(v)


def test_mixed_vat_is_two_entries_of_one_voucher_with_the_same_invoice_number():
    """Issue 11 item 1: 1.250,00 with I25 (250,00 VAT) and 1.000,00 without."""
    v = _voucher(bill(total=Decimal("2250.00"), vat_amount=Decimal("250.00")))
    assert _lines(v) == [(-1250.0, "I25"), (-1000.0, None)]
    numbers = {e["supplierInvoiceNumber"] for e in v["entries"]["supplierInvoices"]}
    assert numbers == {"F-10023"}
    assert_valid(v)


def test_reverse_charge_takes_the_chosen_code():
    b = bill(total=Decimal("499.00"), vat_amount=Decimal("0.00"), supplier_country="IE")
    v = rules.invoice_voucher(b, journal=2, year="2026", supplier_number=1, contra=2800,
                              vat_code="I25", reference="r", rates=RATES,
                              reverse_charge_code="IEUY")  # fmt: skip
    assert _lines(v) == [(-499.0, "IEUY")]


def test_the_lines_dkk_add_up_to_the_bills_dkk_to_the_ore():
    """Issue 11 item 3: SEK 2.250,00 at 68,41 → 1.539,23 DKK, split 855,13 + 684,10."""
    b = bill(currency="SEK", total=Decimal("2250.00"), vat_amount=Decimal("250.00"),
             exchange_rate=Rate("SEK", Decimal("68.41"), dt.date(2026, 3, 13)))  # fmt: skip
    entries = _voucher(b)["entries"]["supplierInvoices"]
    assert [e["amountBaseCurrency"] for e in entries] == [-855.13, -684.1]
    assert sum(Decimal(str(e["amountBaseCurrency"])) for e in entries) == Decimal("-1539.23")


def test_vat_that_cannot_be_reconciled_is_refused_with_its_code():
    with pytest.raises(VatProblem) as caught:
        _voucher(bill(vat_amount=Decimal("-250.00")))
    assert caught.value.code == "vat_sign"


def test_payment_voucher_sign_and_schema():
    v = rules.payment_voucher(bill(), payment(), journal=3, year="2026", supplier_number=1,
                              account=5830, reference="billbridge-1-10")  # fmt: skip
    entry = v["entries"]["supplierPayments"][0]
    assert entry["amount"] == 1250.0 and entry["contraAccount"] == {"accountNumber": 5830}
    assert entry["supplierInvoiceNumber"] == "F-10023" and entry["date"] == "2026-09-20"
    assert_valid(v)
    refund = rules.payment_voucher(bill(total=Decimal("-10")), payment(amount=Decimal("-10")),
                                   journal=3, year="2026", supplier_number=1, account=5830,
                                   reference="r")  # fmt: skip
    assert refund["entries"]["supplierPayments"][0]["amount"] == -10.0


def test_a_bulk_array_is_valid_item_by_item():
    vs = [rules.invoice_voucher(bill(invoice_number=f"F-{i}"), journal=2, year="2026",
                                supplier_number=1, contra=2800, vat_code="I25", reference=str(i),
                                rates=RATES)
          for i in range(3)]  # fmt: skip
    for v in vs:
        assert_valid(v)


@pytest.mark.parametrize(("country", "zone"), [("DK", 1), ("", 1), ("de", 2), ("SE", 2),
                                               ("NO", 3), ("US", 3), ("GB", 3)])  # fmt: skip
def test_vat_zone(country, zone):
    assert rules.vat_zone(country) == zone


def test_match_supplier_by_cvr_then_name():
    suppliers = [
        {"supplierNumber": 1, "name": "Office Danmark A/S", "corporateIdentificationNumber": "1"},
        {"supplierNumber": 2, "name": "Andet", "corporateIdentificationNumber": "DK 26150004"},
        {"supplierNumber": 3, "name": "Barred", "corporateIdentificationNumber": "55555555",
         "barred": True},
    ]  # fmt: skip
    assert rules.match_supplier(bill(), suppliers) == 2  # CVR beats name
    assert rules.match_supplier(bill(supplier_cvr=""), suppliers) == 1
    assert rules.match_supplier(bill(supplier_cvr="", supplier_name=" office  DANMARK a/s"),
                                suppliers) == 1  # fmt: skip
    assert rules.match_supplier(bill(supplier_cvr="55555555", supplier_name="x"), suppliers) is None


def test_new_supplier_body():
    body = rules.new_supplier(bill(supplier_country="DE", supplier_cvr="", currency="EUR",
                                   supplier_vat_number="DE811"), supplier_group=1,
                              payment_terms=5)  # fmt: skip
    assert body["vatZone"] == {"vatZoneNumber": 2} and body["currency"] == "EUR"
    assert body["corporateIdentificationNumber"] == "DE811"
    assert body["paymentTerms"] == {"paymentTermsNumber": 5}
    schema = load_schema("suppliers.post.schema.json")
    assert not list(jsonschema.Draft3Validator(schema).iter_errors(body))


def test_payment_terms_closest_net_days():
    terms = [
        {"paymentTermsNumber": 1, "daysOfCredit": 8, "paymentTermsType": "net"},
        {"paymentTermsNumber": 5, "daysOfCredit": 30, "paymentTermsType": "net"},
        {"paymentTermsNumber": 4, "daysOfCredit": 30, "paymentTermsType": "invoiceMonth"},
    ]
    assert rules.payment_terms_for(bill(), terms) == 5
    assert rules.payment_terms_for(bill(due_date=None), terms) == 1


def test_mapping_lookups():
    assert rules.contra_account(bill(), SETTINGS) == 2710
    assert rules.contra_account(bill(category_id=None), SETTINGS) == 2800
    assert rules.contra_account(bill(category_id=None), {}) is None
    assert rules.payment_account(payment(), SETTINGS) == 5830
    assert rules.payment_account(payment(payment_method_id=9), SETTINGS) is None


def test_accounting_year_and_helpers():
    years = [
        {"year": "2025/2026", "fromDate": "2025-07-01", "toDate": "2026-06-30"},
        {"year": "2026/2027", "fromDate": "2026-07-01", "toDate": "2027-06-30"},
    ]
    assert rules.accounting_year(dt.date(2026, 6, 30), years) == "2025/2026"
    assert rules.accounting_year(dt.date(2026, 7, 1), years) == "2026/2027"
    assert rules.accounting_year(dt.date(2030, 1, 1), years) is None
    assert url_id("2025/2026") == "2025_6_2026"
    assert filter_value("[a$b]") == "$[a$$b$]"
    assert rules.indscanning_enabled([{"moduleNumber": 3, "name": "x"}])
    assert not rules.indscanning_enabled([{"moduleNumber": 14, "name": "Dimension"}])


def test_the_schema_check_has_teeth():
    bad = {"entries": {"supplierInvoices": [{"amount": "1", "date": "2026-01-01"}]}}
    messages = [e.message for e in validator().iter_errors(bad)]
    assert any("accountingYear" in m for m in messages)
    assert any("'1'" in m for m in messages)
