"""Renaming and archiving categories (B-3) and payment methods (B-4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from billbridge.bills.catalog import update_category, update_payment_method
from tests.factories import CategoryFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db


def test_update_category_changes_only_what_is_given():
    category = CategoryFactory(name="Husleje", account_number="3400")
    update_category(category, archived=True)
    category.refresh_from_db()
    assert (category.name, category.account_number, category.archived) == ("Husleje", "3400", True)


def test_update_category_refuses_an_empty_name():
    with pytest.raises(ValidationError) as exc:
        update_category(CategoryFactory(), name="  ")
    assert "name" in exc.value.message_dict


def test_update_payment_method_changes_type_and_account():
    method = PaymentMethodFactory(type="bank_account", account_number="5810")
    update_payment_method(method, type="credit_card", account_number=" 6710 ")
    method.refresh_from_db()
    assert (method.type, method.account_number) == ("credit_card", "6710")


def test_update_payment_method_refuses_an_unknown_type():
    with pytest.raises(ValidationError) as exc:
        update_payment_method(PaymentMethodFactory(), type="bitcoin")
    assert "type" in exc.value.message_dict
