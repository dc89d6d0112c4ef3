"""The official rate of a date, over real HTTP to the rates emulator (issue 11 item 3; R-6).

The emulator serves the ECB's real reference rates of 1 October 2025 – 13 April 2026, so the
weekends and TARGET holidays in these tests are the real ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from billbridge.bills.models import RateSource
from billbridge.bills.services import set_exchange_rate
from billbridge.fx.models import PublishedDay
from billbridge.fx.services import RateUnavailable, ensure_bill_rate, official_rate
from tests.factories import BillFactory
from tests.fx.conftest import requests_to

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_weekdays_rate_is_that_days_ecb_rate_in_dkk(rates):
    rate = official_rate("EUR", dt.date(2026, 3, 13))
    assert (rate.per_100, rate.rate_date, rate.official) == (
        D("747.2600"),
        dt.date(2026, 3, 13),
        True,
    )


def test_a_cross_rate_goes_through_the_euro(rates):
    rate = official_rate("USD", dt.date(2026, 1, 21))
    assert rate.per_100 == D("636.3830")  # Danmarks Nationalbank published 636,38 that day


@pytest.mark.parametrize(
    ("day", "published"),
    [
        (dt.date(2026, 3, 14), dt.date(2026, 3, 13)),  # Saturday → Friday
        (dt.date(2026, 3, 15), dt.date(2026, 3, 13)),  # Sunday → Friday
        (dt.date(2026, 4, 3), dt.date(2026, 4, 2)),  # Good Friday (TARGET holiday)
        (dt.date(2026, 4, 6), dt.date(2026, 4, 2)),  # Easter Monday, four days back
        (dt.date(2025, 12, 26), dt.date(2025, 12, 24)),  # Christmas
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31)),  # New Year's Day
    ],
)
def test_a_day_without_a_publication_has_the_last_rate_before_it(rates, day, published):
    assert official_rate("SEK", day).rate_date == published


def test_a_day_is_fetched_once_then_read_from_the_database(rates):
    official_rate("GBP", dt.date(2026, 3, 13))
    official_rate("NOK", dt.date(2026, 3, 12))
    official_rate("GBP", dt.date(2026, 3, 14))
    assert requests_to(rates, "hist-90d") == 1
    assert requests_to(rates, "hist") == 0
    assert PublishedDay.objects.filter(date=dt.date(2026, 3, 13)).exists()


def test_a_day_older_than_90_days_reads_the_whole_history_once(rates):
    assert official_rate("EUR", dt.date(2025, 10, 1)).per_100 == D("746.5900")
    assert official_rate("USD", dt.date(2025, 11, 14)).rate_date == dt.date(2025, 11, 14)
    assert (requests_to(rates, "hist-90d"), requests_to(rates, "hist")) == (1, 1)


def test_a_rate_not_published_yet_waits_and_is_found_once_it_is(rates):
    today = timezone.localdate()
    with pytest.raises(RateUnavailable) as caught:
        official_rate("EUR", today)
    assert (caught.value.code, caught.value.waits) == ("rate_not_published", True)
    rates.client.post(
        "/_emulator/rates", json={"date": today.isoformat(), "rates": {"DKK": "7.4611"}}
    ).raise_for_status()
    assert official_rate("EUR", today).per_100 == D("746.1100")


def test_a_long_silence_is_not_bridged_by_an_old_rate(rates):
    """The emulator has nothing after 13 April 2026: a June bill gets no April rate."""
    with pytest.raises(RateUnavailable) as caught:
        official_rate("EUR", dt.date(2026, 6, 1))
    assert (caught.value.code, caught.value.waits) == ("rate_missing", False)


def test_a_currency_without_an_official_rate_says_so(rates):
    with pytest.raises(RateUnavailable) as caught:
        official_rate("RUB", dt.date(2026, 3, 13))
    assert (caught.value.code, caught.value.waits) == ("rate_currency_unknown", False)
    assert caught.value.params == {"currency": "RUB"}


def test_an_outage_waits_and_stores_nothing(rates):
    rates.faults(error_rate=1.0, error_status=503)
    with pytest.raises(RateUnavailable) as caught:
        official_rate("EUR", dt.date(2026, 3, 13))
    assert (caught.value.code, caught.value.waits) == ("rates_unavailable", True)
    assert not PublishedDay.objects.exists()


def test_dkk_needs_no_rate_and_no_request(rates):
    assert official_rate("DKK", dt.date(2026, 3, 13)).per_100 == D(100)
    assert requests_to(rates, "hist-90d") == 0


def test_a_bills_rate_is_looked_up_and_kept_on_the_bill(rates, company):
    bill = BillFactory(company=company, currency="EUR", issue_date=dt.date(2026, 3, 15))
    rate = ensure_bill_rate(bill)
    bill.refresh_from_db()
    assert (bill.exchange_rate, bill.exchange_rate_date, bill.exchange_rate_source) == (
        D("747.260000"),
        dt.date(2026, 3, 13),
        RateSource.OFFICIAL,
    )
    assert rate.rate_date == dt.date(2026, 3, 13)
    ensure_bill_rate(bill)
    assert requests_to(rates, "hist-90d") == 1


def test_a_rate_a_person_typed_is_the_bills_rate(rates, company, user):
    bill = BillFactory(company=company, currency="EUR", issue_date=dt.date(2026, 3, 13))
    set_exchange_rate(bill, D("745.00"), user=user)
    bill.refresh_from_db()
    rate = ensure_bill_rate(bill)
    assert (rate.per_100, rate.official) == (D("745.000000"), False)
    assert requests_to(rates, "hist-90d") == 0
