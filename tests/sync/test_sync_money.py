"""The engine and a bill's exchange rate (issue 11 item 3, R-6): the official rate of the bill's
date is stored on the bill before it is posted; no rate yet → the bill waits or a person types
one, with the reason in plain words. Real HTTP to the rates and Dinero emulators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from billbridge.bills.models import RateSource
from billbridge.sync.models import SyncRecord, SyncState
from tests.integrations.dinero.fixtures import bill, settle

pytestmark = pytest.mark.django_db


def test_a_foreign_bill_gets_the_official_rate_of_its_date_before_posting(
    rates, emu, connected, company
):
    b = bill(company, currency="EUR", issue_date=dt.date(2026, 3, 13))
    settle(connected)
    b.refresh_from_db()
    assert b.exchange_rate == Decimal("747.26")
    assert b.exchange_rate_source == RateSource.OFFICIAL
    assert b.exchange_rate_date == dt.date(2026, 3, 13)
    assert b.sync_records.get().version == 1  # storing the rate asked for no second posting


def test_a_rate_not_published_yet_waits_with_the_reason(rates, emu, connected, company):
    today = timezone.localdate()
    bill(company, currency="EUR", issue_date=today, due_date=today)
    settle(connected, rounds=1)
    record = SyncRecord.objects.get()
    assert record.state == SyncState.WAITING
    assert record.error_code == "rate_not_published"
    assert "EUR" in record.error and today.strftime("%d.%m.%Y") in record.error
    assert record.error_params["currency"] == "EUR"


def test_a_currency_without_an_official_rate_asks_a_person_to_type_it(
    rates, emu, connected, company
):
    bill(company, currency="RUB", issue_date=dt.date(2026, 3, 13))
    settle(connected)
    record = SyncRecord.objects.get()
    assert (record.state, record.error_code) == (SyncState.FAILED, "rate_currency_unknown")
    assert "RUB" in record.error and "Type the rate" in record.error
