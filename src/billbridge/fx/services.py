"""The official rate of a currency on a date, and a bill's rate (R-6).

`official_rate(currency, day)`: DKK for 100 units on `day` from the ECB's reference rates
(`ecb.py`), read from the database when the day is settled there, else fetched from
`settings.BILLBRIDGE_FX_URL` first (the 90-day file, the full history for older days) and kept per
day. A day without a publication (weekend, TARGET or bank holiday) has the last rate published
before it, at most `MAX_GAP_DAYS` back. What cannot be answered raises `RateUnavailable`, whose
`code` keys plain words in `integrations.messages`; `waits` says whether time will mend it (a
rate not published yet, the source not answering) or a person must type the rate.

`ensure_bill_rate(bill)`: the rate a bill in another currency is posted at — the one stored
on the bill (official, or typed by a person), else the official rate of its date, stored on
the bill through `bills.services.set_exchange_rate`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from billbridge.bills.models import Bill, RateSource
from billbridge.bills.services import set_exchange_rate
from billbridge.fx import ecb
from billbridge.fx.models import FeedRead, PublishedDay
from billbridge.integrations.currency import BASE_CURRENCY, HUNDRED, Rate

log = logging.getLogger(__name__)

#: How far back a day without a publication may look for the last one. The ECB's longest
#: pause is four days (Good Friday to Easter Monday; 24–27 December over a weekend); ten
#: covers any such, and beyond it a rate is not "the rate of that day" any more.
MAX_GAP_DAYS = 10


class RateUnavailable(Exception):
    """No official rate to give; `code` + `params` are the words, `waits` the remedy."""

    def __init__(self, code: str, *, waits: bool, detail: str = "", **params: Any) -> None:
        super().__init__(f"{code}: {detail or params}")
        self.code = code
        self.waits = waits
        self.detail = detail
        self.params = {k: str(v) for k, v in params.items()}


def _danish_date(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def official_rate(currency: str, day: dt.date) -> Rate:
    """DKK for 100 units of `currency` as officially published for `day` (see the module)."""
    currency = (currency or "").strip().upper()
    if currency == BASE_CURRENCY:
        return Rate(BASE_CURRENCY, HUNDRED, day)
    if len(currency) != 3 or not currency.isalpha():
        raise RateUnavailable("rate_currency_unknown", waits=False, currency=currency[:10])
    if not _settled(day):
        read = read_feed("90d")
        if day < read.first_date:
            read = read_feed("hist")
        if not _settled(day):
            if day < read.first_date:  # before the history begins (1999)
                raise _missing(currency, day)
            raise RateUnavailable(
                "rate_not_published", waits=True, currency=currency, date=_danish_date(day)
            )
    return _lookup(currency, day)


def _settled(day: dt.date) -> bool:
    """Whether the database already holds the final answer for `day` (see `FeedRead`)."""
    return (
        FeedRead.objects.filter(source=ecb.SOURCE, first_date__lte=day)
        .filter(Q(last_date__gte=day) | Q(read_on__gt=day))
        .exists()
    )


def _lookup(currency: str, day: dt.date) -> Rate:
    earliest = day - dt.timedelta(days=MAX_GAP_DAYS)
    candidates = PublishedDay.objects.filter(
        source=ecb.SOURCE, date__lte=day, date__gte=earliest
    ).order_by("-date")
    for published in candidates:
        per_100 = ecb.per_100_dkk(published.rates, currency)
        if per_100 is not None:
            return Rate(currency, per_100, published.date)
    known = (
        currency == "EUR"
        or PublishedDay.objects.filter(source=ecb.SOURCE, rates__has_key=currency).exists()
    )
    if not known:
        raise RateUnavailable("rate_currency_unknown", waits=False, currency=currency)
    raise _missing(currency, day)


def _missing(currency: str, day: dt.date) -> RateUnavailable:
    """No rate published within `MAX_GAP_DAYS` up to `day`: a person types one."""
    return RateUnavailable(
        "rate_missing", waits=False, currency=currency, date=_danish_date(day), days=MAX_GAP_DAYS
    )


def read_feed(feed: str) -> FeedRead:
    """Fetch one eurofxref file, keep its days, and record what it spans."""
    url = urljoin(settings.BILLBRIDGE_FX_URL, ecb.FEEDS[feed])
    try:
        response = httpx.get(url, timeout=settings.FX_HTTP_TIMEOUT, follow_redirects=True)
        response.raise_for_status()
        days = ecb.parse(response.content)
    except (httpx.HTTPError, ecb.FeedError) as exc:
        log.warning("exchange rates: %s failed: %s", url, exc)
        raise RateUnavailable("rates_unavailable", waits=True, detail=str(exc)[:200]) from exc
    PublishedDay.objects.bulk_create(
        [PublishedDay(source=ecb.SOURCE, date=day, rates=rates) for day, rates in days.items()],
        ignore_conflicts=True,
        batch_size=500,
    )
    return FeedRead.objects.create(
        source=ecb.SOURCE,
        feed=feed,
        first_date=min(days),
        last_date=max(days),
        read_on=timezone.localdate(),
    )


def bill_rate(bill: Bill) -> Rate | None:
    """The rate stored on the bill, if any (None for a bill in DKK or without one yet)."""
    if bill.exchange_rate is None:
        return None
    official = bill.exchange_rate_source == RateSource.OFFICIAL
    return Rate(
        bill.currency,
        bill.exchange_rate,
        bill.exchange_rate_date if official else None,
        official=official,
    )


def ensure_bill_rate(bill: Bill, *, notify: bool = False) -> Rate:
    """The rate `bill` is posted at; an official one is looked up and stored when missing.

    `notify=False` (the sync engine, as it posts): storing the rate does not ask for another
    posting. A person's "use the official rate" passes True, so a posted row follows.
    """
    if bill.currency.upper() == BASE_CURRENCY:
        return Rate(BASE_CURRENCY, HUNDRED, bill.issue_date)
    stored = bill_rate(bill)
    if stored is not None:
        return stored
    if bill.issue_date is None:  # not postable yet; nothing to look up
        raise RateUnavailable("rate_missing", waits=False, currency=bill.currency, date="–", days=0)
    rate = official_rate(bill.currency, bill.issue_date)
    set_exchange_rate(
        bill,
        rate.per_100,
        source=RateSource.OFFICIAL,
        rate_date=rate.rate_date,
        notify=notify,
    )
    bill.refresh_from_db()
    return rate


def refresh_official_rate(bill: Bill) -> Rate:
    """A person asks for the official rate, replacing whatever the bill has (a typed one)."""
    if bill.currency.upper() == BASE_CURRENCY or bill.issue_date is None:
        return ensure_bill_rate(bill, notify=True)
    rate = official_rate(bill.currency, bill.issue_date)
    set_exchange_rate(
        bill, rate.per_100, source=RateSource.OFFICIAL, rate_date=rate.rate_date, notify=True
    )
    bill.refresh_from_db()
    return rate
