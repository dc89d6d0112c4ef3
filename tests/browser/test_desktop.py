"""The bill list on a laptop (B-8): at 1280 × 800 the table fits its column — no sideways
scrolling, the Status badge inside the table's box, not cut off at its edge."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAPTOP = {"width": 1280, "height": 800}


def test_the_bill_list_fits_a_1280_px_screen(page, login_as, user, company):
    from billbridge.bills.models import BillStatus
    from tests.factories import BillFactory, CategoryFactory

    category = CategoryFactory(company=company, name="Husleje og ejendomsomkostninger")
    for status in (BillStatus.ANALYSING, BillStatus.UPCOMING, BillStatus.DUPLICATE):
        BillFactory(
            company=company,
            supplier__name="Nordisk Energi- og Forsyningsselskab Danmark A/S",
            invoice_number="INV-2026-000123456",
            category=category,
            total=Decimal("1234567.89"),
            currency="EUR",
            status=status,
        )
    page.set_viewport_size(LAPTOP)
    login_as(user).goto(f"/c/{company.pk}/bills/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"the page is {width} px wide"
    table = page.locator("table.bills")
    box = table.evaluate("t => t.parentElement.getBoundingClientRect().toJSON()")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    for badge in page.locator("table.bills .badge").all():
        edge = badge.bounding_box()
        assert edge["x"] + edge["width"] <= box["right"], f"a badge sticks out of {box}"
