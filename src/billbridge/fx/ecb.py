"""The ECB's euro reference rates (eurofxref): the files, reading them, DKK for 100 units.

The ECB publishes, on every TARGET day around 16:00 CET, how many units of some 30
currencies one euro buys — DKK among them. Danmarks Nationalbank's daily rates in kroner are
these same rates converted through the euro ("Danmarks Nationalbank mirrors the ECB … sets an
indicative exchange rate, converted into Danish kroner, for all currencies for which the ECB
determines a daily euro exchange rate", nationalbanken.dk FAQ), so DKK per 100 units of X is
100 × DKK-per-EUR / X-per-EUR. Checked against Nationalbanken's own figures of 21 January 2026
(USD 636,38, GBP 854,36, EUR 747,05, IDR 0,0376): the ECB-derived numbers round to exactly
those. Nationalbanken shows two decimals for most currencies; four are kept here (never less
precise than its figure, and the row's text states the rate used).

Files (at `settings.BILLBRIDGE_FX_URL`, by default the ECB's own address):
`eurofxref-daily.xml` (the newest day), `eurofxref-hist-90d.xml` (90 days),
`eurofxref-hist.xml` (every day since 1999). All three have one format:
`<Cube><Cube time="2026-04-13"><Cube currency="USD" rate="1.1684"/>…</Cube>…</Cube>`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from billbridge.ingest.errors import IngestError
from billbridge.ingest.xmlsafe import parse_xml

SOURCE = "ecb"
FEEDS = {
    "daily": "eurofxref-daily.xml",
    "90d": "eurofxref-hist-90d.xml",
    "hist": "eurofxref-hist.xml",
}
NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
CUBE = f"{{{NS}}}Cube"
#: DKK per 100 units is kept with four decimals (see the module docstring).
PER_100_DECIMALS = Decimal("0.0001")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

Days = dict[dt.date, dict[str, str]]


class FeedError(ValueError):
    """The file is not a eurofxref file (an error page, a truncated download…)."""


def parse(data: bytes) -> Days:
    """Every day in a eurofxref file: date → {currency: units per 1 EUR, as published}."""
    try:
        root = parse_xml(data)
    except IngestError as exc:
        raise FeedError(exc.detail or exc.code) from exc
    days: Days = {}
    for cube in root.iter(CUBE):
        time = cube.get("time")
        if time is None:
            continue
        try:
            day = dt.date.fromisoformat(time.strip())
        except ValueError:
            raise FeedError(f"not a date: {time[:20]!r}") from None
        rates: dict[str, str] = {}
        for item in cube.iter(CUBE):
            currency, rate = item.get("currency"), item.get("rate")
            if currency is None or rate is None:
                continue
            currency = currency.strip().upper()
            if not _CURRENCY.match(currency) or _positive(rate) is None:
                raise FeedError(f"bad rate {currency[:10]!r}={rate[:20]!r}")
            rates[currency] = rate.strip()
        days[day] = rates
    if not days:
        raise FeedError("no days in the file")
    return days


def _positive(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def per_100_dkk(rates: Mapping[str, str], currency: str) -> Decimal | None:
    """DKK for 100 units of `currency` from one day's euro rates; None when not published."""
    currency = currency.upper()
    dkk = _positive(rates.get("DKK"))
    if dkk is None:
        return None
    if currency == "DKK":
        return Decimal(100)
    per_eur = Decimal(1) if currency == "EUR" else _positive(rates.get(currency))
    if per_eur is None:
        return None
    return (100 * dkk / per_eur).quantize(PER_100_DECIMALS, rounding=ROUND_HALF_UP)
