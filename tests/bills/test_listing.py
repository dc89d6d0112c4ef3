"""Pages of the bill list by number and by cursor (issue 16 item 3): the same bills in the
same order as the plain ordered query, bills without an issue date included."""

from __future__ import annotations

import datetime as dt

import pytest

from billbridge.bills import listing
from billbridge.bills.models import Bill, BillStatus
from tests.factories import BillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bills(company) -> list[int]:
    """Eleven bills: same dates, different dates and two still being read (no date)."""
    days = [1, 1, 1, 3, 3, 5, 8, 8, 9, None, None]
    for day in days:
        BillFactory(
            company=company,
            issue_date=dt.date(2026, 5, day) if day else None,
            status=BillStatus.UPCOMING if day else BillStatus.ANALYSING,
        )
    return list(Bill.objects.filter(company=company).order_by("-issue_date", "-id")
                .values_list("pk", flat=True))  # fmt: skip


def test_pages_by_number_follow_the_list_order(company, bills):
    qs = Bill.objects.filter(company=company).select_related("supplier")
    pages = [[b.pk for b in listing.page_by_number(qs, n, 4)] for n in (1, 2, 3, 4)]
    assert pages == [bills[0:4], bills[4:8], bills[8:11], []]


def test_pages_by_cursor_walk_the_same_order_as_pages_by_number(company, bills):
    qs = Bill.objects.filter(company=company)
    walked: list[int] = []
    page = listing.page_by_number(qs, 1, 3)
    while page:
        walked += [b.pk for b in page]
        cursor = listing.encode_cursor(page[-1].issue_date, page[-1].pk)
        page = list(listing.after(qs, cursor).order_by("-issue_date", "-id")[:3])
    assert walked == bills


def test_a_cursor_not_made_here_is_refused():
    for bad in ("", "not base64!", "MjAyNi0xMy0wMToy", "OjA", "OmFiYw"):
        with pytest.raises(listing.BadCursor):
            listing.decode_cursor(bad)


def test_a_cursor_carries_the_date_and_id():
    assert listing.decode_cursor(listing.encode_cursor(dt.date(2026, 5, 1), 42)) == (
        dt.date(2026, 5, 1),
        42,
    )
    assert listing.decode_cursor(listing.encode_cursor(None, 7)) == (None, 7)
