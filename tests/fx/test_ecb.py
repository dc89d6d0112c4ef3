"""Reading the ECB's eurofxref files and turning euro rates into DKK for 100 units (R-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billbridge.emulators.rates.seed import load_days
from billbridge.emulators.rates.server import envelope
from billbridge.fx import ecb

D = Decimal


def test_a_eurofxref_file_gives_every_day_and_rate():
    days = load_days()
    parsed = ecb.parse(envelope(days, ["2026-04-13", "2026-04-10"]).encode())
    assert sorted(parsed) == [dt.date(2026, 4, 10), dt.date(2026, 4, 13)]
    assert parsed[dt.date(2026, 4, 13)]["USD"] == "1.1684"
    assert parsed[dt.date(2026, 4, 13)]["DKK"] == "7.4727"


def test_the_daily_files_single_quotes_are_read_too():
    days = load_days()
    parsed = ecb.parse(envelope(days, ["2026-04-13"], quote="'").encode())
    assert parsed[dt.date(2026, 4, 13)]["SEK"] == "10.892"


@pytest.mark.parametrize(
    ("currency", "nationalbanken"),
    [("USD", "636.38"), ("GBP", "854.36"), ("EUR", "747.05"), ("IDR", "0.0376")],
)
def test_dkk_per_100_matches_nationalbankens_own_figures(currency, nationalbanken):
    """Danmarks Nationalbank's rates of 21 January 2026 (its XML feed), to its decimals."""
    rates = load_days()["2026-01-21"]
    per_100 = ecb.per_100_dkk(rates, currency)
    places = D(nationalbanken).as_tuple().exponent
    assert per_100.quantize(D(1).scaleb(places)) == D(nationalbanken)


def test_dkk_is_100_and_an_unpublished_currency_is_none():
    rates = load_days()["2026-01-21"]
    assert ecb.per_100_dkk(rates, "DKK") == D(100)
    assert ecb.per_100_dkk(rates, "RUB") is None


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>Service unavailable</body></html>",
        b"",
        b"<Envelope><Cube><Cube time='2026-13-40'/></Cube></Envelope>",
        b"<Envelope xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'>"
        b"<Cube><Cube time='2026-04-13'><Cube currency='USD' rate='-1'/></Cube></Cube></Envelope>",
        b'<!DOCTYPE x [<!ENTITY a "b">]><Envelope/>',
    ],
)
def test_what_is_not_a_rates_file_is_refused(data):
    with pytest.raises(ecb.FeedError):
        ecb.parse(data)
