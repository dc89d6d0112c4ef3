"""Bills domain rules (SPEC B-1…B-5, duplicates from §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billbridge.bills.models import BillStatus, Supplier
from billbridge.bills.services import (
    BillInput,
    add_bill,
    not_a_duplicate,
    pay_bill,
    to_money,
    update_bill,
)
from tests.factories import CategoryFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db


def _bill_input(**overrides) -> BillInput:
    values = {
        "supplier_name": "Papirhuset A/S",
        "supplier_cvr": "29403473",
        "invoice_number": "F-1",
        "issue_date": dt.date(2026, 11, 1),
        "due_date": dt.date(2026, 11, 15),
        "total": Decimal("1250.00"),
        "vat_amount": Decimal("250.00"),
    }
    values.update(overrides)
    return BillInput(**values)


def test_new_bill_is_upcoming(company):
    bill = add_bill(company, _bill_input())
    assert bill.status == BillStatus.UPCOMING


def test_supplier_is_created_on_the_fly(company):
    bill = add_bill(company, _bill_input())
    assert bill.supplier.name == "Papirhuset A/S"
    assert bill.supplier.cvr == "29403473"


def test_supplier_is_matched_by_cvr_before_name(company):
    first = add_bill(company, _bill_input())
    second = add_bill(company, _bill_input(supplier_name="Papirhuset", invoice_number="F-2"))
    assert second.supplier_id == first.supplier_id


def test_supplier_is_matched_by_name_without_cvr(company):
    first = add_bill(company, _bill_input(supplier_cvr=""))
    second = add_bill(
        company, _bill_input(supplier_name="papirhuset a/s", supplier_cvr="", invoice_number="F-2")
    )
    assert second.supplier_id == first.supplier_id
    assert Supplier.objects.filter(company=company).count() == 1


def test_supplier_memory_gives_next_bill_the_category(company):
    category = CategoryFactory(company=company)
    add_bill(company, _bill_input(category=category))
    later = add_bill(company, _bill_input(invoice_number="F-2"))
    assert later.category == category


def test_recategorising_a_bill_updates_supplier_memory(company):
    first, second = CategoryFactory(company=company), CategoryFactory(company=company)
    bill = add_bill(company, _bill_input(category=first))
    update_bill(bill, {"category": second})
    assert add_bill(company, _bill_input(invoice_number="F-2")).category == second


def test_category_of_another_company_is_refused(company):
    foreign = CategoryFactory()
    with pytest.raises(ValidationError) as exc:
        add_bill(company, _bill_input(category=foreign))
    assert "category" in exc.value.message_dict


def test_credit_note_is_a_bill_with_negative_total(company):
    bill = add_bill(company, _bill_input(total=Decimal("-500.00"), vat_amount=Decimal("-100.00")))
    assert bill.is_credit_note


def test_paying_a_bill_makes_it_paid(company):
    method = PaymentMethodFactory(company=company)
    bill = add_bill(company, _bill_input())
    pay_bill(bill, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=method)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert bill.payment.amount == Decimal("1250.00")


def test_a_bill_cannot_be_paid_twice(company):
    method = PaymentMethodFactory(company=company)
    bill = add_bill(company, _bill_input())
    pay_bill(bill, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=method)
    with pytest.raises(ValidationError):
        pay_bill(bill, date=dt.date(2026, 11, 11), amount=Decimal("1250.00"), payment_method=method)


def test_same_supplier_and_invoice_number_is_a_duplicate(company):
    original = add_bill(company, _bill_input())
    copy = add_bill(company, _bill_input())
    assert copy.status == BillStatus.DUPLICATE
    assert copy.duplicate_of == original


def test_overriding_a_duplicate_makes_it_upcoming(company):
    add_bill(company, _bill_input())
    copy = not_a_duplicate(add_bill(company, _bill_input()))
    assert copy.status == BillStatus.UPCOMING
    assert copy.duplicate_of is None


def test_missing_required_fields_name_the_field(company):
    with pytest.raises(ValidationError) as exc:
        add_bill(company, _bill_input(total=None, issue_date=None))
    assert {"total", "issue_date"} <= set(exc.value.message_dict)


def test_floats_are_refused_as_money():
    with pytest.raises(ValidationError):
        to_money(12.5, "total")


def test_money_with_more_than_two_decimals_is_refused():
    with pytest.raises(ValidationError):
        to_money("1.005", "total")


def test_a_paid_bill_keeps_its_amount(company):
    method = PaymentMethodFactory(company=company)
    bill = add_bill(company, _bill_input())
    pay_bill(bill, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=method)
    with pytest.raises(ValidationError):
        update_bill(bill, {"total": Decimal("999.00")})


def test_a_paid_bill_can_still_be_recategorised(company):
    method = PaymentMethodFactory(company=company)
    category = CategoryFactory(company=company)
    bill = add_bill(company, _bill_input())
    pay_bill(bill, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=method)
    assert update_bill(bill, {"category": category}).category == category


def test_postable_is_one_rule_for_one_bill_and_for_a_query(company):
    """Issue 12 item 4: the engine, the backfill and the set-up pages ask Bill.objects.postable()
    and Bill.is_postable, which agree: finished, no duplicate, with a total and a date."""
    from billbridge.bills.models import Bill
    from tests.factories import BillFactory

    ready = BillFactory(company=company, status="UPCOMING")
    paid = BillFactory(company=company, status="PAID")
    duplicate = BillFactory(company=company, status="DUPLICATE")
    analysing = BillFactory(company=company, status="ANALYSING")
    no_total = BillFactory(company=company, status="UPCOMING", total=None)
    no_date = BillFactory(company=company, status="UPCOMING", issue_date=None)
    postable = set(Bill.objects.filter(company=company).postable())
    assert postable == {ready, paid}
    for bill in (ready, paid, duplicate, analysing, no_total, no_date):
        assert bill.is_postable == (bill in postable)


def test_fields_a_person_saved_are_no_longer_asked_to_be_checked(company):
    """Read with low confidence, a field is asked to be checked until a person has saved it;
    the others stay asked, even when the save changes nothing."""
    bill = add_bill(company, _bill_input())
    bill.extraction = {"low_confidence": ["supplier_name", "total", "vat_amount"]}
    bill.save()
    bill = update_bill(bill, {"total": bill.total}, checked={"total", "supplier_name"})
    bill.refresh_from_db()
    assert bill.extraction["low_confidence"] == ["vat_amount"]
