"""A bill's VAT breakdown and exchange rate, through the one write path (R-5, R-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billbridge.bills.events import bill_saved
from billbridge.bills.models import RateSource
from billbridge.bills.services import (
    BillInput,
    add_bill,
    clean_vat_breakdown,
    set_exchange_rate,
    update_bill,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _eur_bill(company, **overrides):
    values = dict(
        supplier_name="Rheinische Rösterei GmbH",
        invoice_number="R-77",
        issue_date=dt.date(2026, 3, 13),
        currency="EUR",
        total=D("1250.00"),
        vat_amount=D("250.00"),
    )
    values.update(overrides)
    return add_bill(company, BillInput(**values))


@pytest.fixture
def saved_events():
    events = []

    def listen(sender, bill, changed, **kwargs):
        events.append(changed)

    bill_saved.connect(listen, dispatch_uid="test_money_fields")
    yield events
    bill_saved.disconnect(dispatch_uid="test_money_fields")


def test_a_breakdown_is_stored_the_one_way():
    assert clean_vat_breakdown(
        [{"category": "s", "percent": "25.0", "taxable_amount": "1000", "vat_amount": 250}]
    ) == [{"category": "S", "percent": "25", "taxable_amount": "1000.00", "vat_amount": "250.00"}]


@pytest.mark.parametrize(
    "rows",
    [
        "S 25",
        [["S", "25", "1000", "250"]],
        [{"category": "25 %", "percent": "25", "taxable_amount": "1000", "vat_amount": "250"}],
        [{"category": "S", "percent": "125", "taxable_amount": "1000", "vat_amount": "250"}],
        [{"category": "S", "percent": 25.0, "taxable_amount": "1000", "vat_amount": "250"}],
        [{"category": "S", "percent": "25", "taxable_amount": "1000.001", "vat_amount": "250"}],
        [{"category": "S", "percent": "25", "taxable_amount": 1000.5, "vat_amount": "250"}],
        [{"category": "S", "percent": "25", "taxable_amount": "1e3", "vat_amount": "x"}],
        [{"category": "S"}] * 51,
    ],
)
def test_a_bad_breakdown_is_refused_in_words_naming_the_field(rows):
    with pytest.raises(ValidationError) as caught:
        clean_vat_breakdown(rows)
    assert list(caught.value.message_dict) == ["vat_breakdown"]


def test_a_bill_keeps_the_breakdown_it_was_given(company):
    bill = _eur_bill(
        company,
        vat_breakdown=[
            {"category": "S", "percent": "25", "taxable_amount": "1000", "vat_amount": "250"}
        ],
    )
    bill.refresh_from_db()
    assert bill.vat_breakdown[0]["vat_amount"] == "250.00"


def test_a_changed_breakdown_asks_for_posting_again(company, saved_events):
    bill = _eur_bill(company)
    zero = {"category": "Z", "percent": "0", "taxable_amount": "1250", "vat_amount": "0"}
    update_bill(bill, {"vat_breakdown": [zero]})
    assert "vat_breakdown" in saved_events[-1]


def test_a_typed_rate_says_who_typed_it(company, user, saved_events):
    bill = set_exchange_rate(_eur_bill(company), "745.1234", user=user)
    assert (bill.exchange_rate, bill.exchange_rate_source, bill.exchange_rate_set_by) == (
        D("745.123400"),
        RateSource.MANUAL,
        user,
    )
    assert bill.exchange_rate_date is None and bill.exchange_rate_set_at is not None
    assert saved_events[-1] == {"exchange_rate"}


def test_an_official_rate_keeps_its_date_and_asks_for_no_posting_when_told(company, saved_events):
    bill = _eur_bill(company)
    saved_events.clear()
    bill = set_exchange_rate(
        bill, D("747.26"), source=RateSource.OFFICIAL, rate_date=dt.date(2026, 3, 13), notify=False
    )
    assert (bill.exchange_rate_source, bill.exchange_rate_date) == (
        RateSource.OFFICIAL,
        dt.date(2026, 3, 13),
    )
    assert saved_events == []


@pytest.mark.parametrize("rate", ["0", "-1", "abc", "1e9", "746.1234567", 746.04])
def test_a_bad_rate_is_refused_in_words(company, rate):
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(_eur_bill(company), rate)
    assert list(caught.value.message_dict) == ["exchange_rate"]


def test_a_dkk_bill_takes_no_rate(company):
    bill = _eur_bill(company, currency="DKK")
    with pytest.raises(ValidationError) as caught:
        set_exchange_rate(bill, "746.04")
    assert "exchange_rate" in caught.value.message_dict


def test_a_rate_can_be_typed_when_the_bill_is_added(company, user):
    bill = add_bill(
        company,
        BillInput(
            supplier_name="Svenska Kaffe AB",
            issue_date=dt.date(2026, 3, 13),
            currency="SEK",
            total=D("500.00"),
            exchange_rate=D("68.50"),
        ),
        user=user,
    )
    assert (bill.exchange_rate, bill.exchange_rate_source) == (D("68.50"), RateSource.MANUAL)


def test_a_new_currency_forgets_the_rate(company, user):
    bill = set_exchange_rate(_eur_bill(company), "745.00", user=user)
    bill = update_bill(bill, {"currency": "SEK"})
    assert bill.exchange_rate is None and bill.exchange_rate_source == ""


def test_a_new_date_forgets_an_official_rate_but_not_a_typed_one(company, user):
    official = set_exchange_rate(
        _eur_bill(company), "747.26", source=RateSource.OFFICIAL, rate_date=dt.date(2026, 3, 13)
    )
    official = update_bill(official, {"issue_date": dt.date(2026, 3, 20)})
    assert official.exchange_rate is None
    typed = set_exchange_rate(_eur_bill(company, invoice_number="R-78"), "745.00", user=user)
    typed = update_bill(typed, {"issue_date": dt.date(2026, 3, 20)})
    assert typed.exchange_rate == D("745.000000")


def test_none_clears_the_rate(company, user):
    bill = set_exchange_rate(_eur_bill(company), "745.00", user=user)
    bill = set_exchange_rate(bill, None)
    assert (bill.exchange_rate, bill.exchange_rate_set_by, bill.exchange_rate_set_at) == (
        None,
        None,
        None,
    )
