"""The demo world the README promises (issue 2, item 5)."""

from __future__ import annotations

import pytest

from billbridge.accounts.models import User
from billbridge.bills.models import Bill, BillStatus
from billbridge.demo_data import DEMO_EMAIL, DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.django_db


def test_demo_user_logs_in_with_the_printed_password():
    seed_demo()
    assert User.objects.get(email=DEMO_EMAIL).check_password(DEMO_PASSWORD)


def test_demo_user_belongs_to_two_companies_with_categories_and_payment_methods():
    companies = list(seed_demo().companies())
    assert len(companies) == 2
    for company in companies:
        assert company.categories.exists()
        assert company.payment_methods.exists()


def test_each_demo_company_has_bills_with_documents_and_one_is_paid():
    user = seed_demo()
    for company in user.companies():
        bills = Bill.objects.filter(company=company)
        assert bills.count() >= 2
        assert all(bill.document for bill in bills)
    assert Bill.objects.filter(status=BillStatus.PAID).exists()


def test_seeding_twice_changes_nothing():
    seed_demo()
    count = Bill.objects.count()
    seed_demo()
    assert Bill.objects.count() == count
