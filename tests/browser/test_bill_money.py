"""A bill in EUR gets the official rate of its date from the bill page (issue 11; R-6)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_uses_the_official_rate_then_types_another(login_as, user, company, rates):
    from tests.factories import BillFactory

    bill = BillFactory(
        company=company,
        currency="EUR",
        issue_date=dt.date(2026, 4, 5),  # Easter Sunday: the rate of Thursday 2 April
        total=Decimal("480.00"),
        vat_amount=Decimal("0.00"),
    )
    page = login_as(user)
    page.goto(f"/c/{company.pk}/bills/{bill.pk}/")
    card = page.get_by_test_id("money-card")
    expect(card.get_by_test_id("rate-source")).to_contain_text("slås op, når regningen sendes")
    card.get_by_role("button", name="Brug den officielle kurs").click()
    expect(card.get_by_test_id("rate-source")).to_have_text("Officiel kurs (ECB) for 02.04.2026")
    expect(card.get_by_test_id("rate-value")).to_have_text("747,22")
    expect(card.get_by_test_id("rate-total")).to_contain_text("3.586,66")  # 480 × 7,4722
    if os.environ.get("BILLBRIDGE_SCREENSHOTS"):
        page.screenshot(
            path=os.environ["BILLBRIDGE_SCREENSHOTS"] + "/bill-rate.png", full_page=True
        )
    card.get_by_label("Kroner for 100 enheder").fill("745,00")
    card.get_by_role("button", name="Gem kurs").click()
    expect(card.get_by_test_id("rate-source")).to_contain_text(f"Skrevet af {user.email}")
    expect(card.get_by_test_id("rate-total")).to_contain_text("3.576,00")
