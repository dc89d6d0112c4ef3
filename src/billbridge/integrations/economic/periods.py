"""Accounting periods and what they allow (issue 10 item 2, economic.md §10.2). Pure: no I/O.

A period is open, barred (*spærret*, routinely after the VAT return) or closed; a voucher dated
in a barred or closed period is refused (`period_locked`). billbridge reads the periods before
posting (the AccountingYears API, the only one that shows *spærret*), so a period known to be
locked is not hit again for every bill; and a person may choose to post a bill of a locked
period on the first open date, its own date kept in the entry text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from billbridge.integrations.base import BillSnapshot

OPEN, BARRED, CLOSED = "open", "barred", "closed"
# A person's choice for a bill whose period is locked (the registry's hold_choices; kept in
# the sync record's remote_data["choices"]["period_locked"]); "wait" needs nothing of posting.
FIRST_OPEN_DATE = "first_open_date"


def from_api(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The AccountingYears API's periods (`isClosed`, `isBarred`, `dateFrom`/`dateTo` as dates
    or date-times) → `{"from", "to", "state"}` sorted by date."""
    out = []
    for row in rows:
        start, end = str(row.get("dateFrom") or "")[:10], str(row.get("dateTo") or "")[:10]
        if not start or not end:
            continue
        state = CLOSED if row.get("isClosed") else BARRED if row.get("isBarred") else OPEN
        out.append({"from": start, "to": end, "state": state})
    return sorted(out, key=lambda p: p["from"])


def state_on(date: dt.date, periods: Iterable[Mapping[str, str]]) -> str | None:
    """The state of the period holding `date`, or None when no period is known to hold it."""
    iso = date.isoformat()
    return next((p["state"] for p in periods if p["from"] <= iso <= p["to"]), None)


def is_locked(date: dt.date, periods: Iterable[Mapping[str, str]]) -> bool:
    return state_on(date, periods) in (BARRED, CLOSED)


def first_open_date(date: dt.date, periods: Iterable[Mapping[str, str]]) -> dt.date | None:
    """The first day after `date`'s locked period that is in an open period, or None."""
    for period in periods:
        if period["state"] == OPEN and period["to"] >= date.isoformat():
            start = dt.date.fromisoformat(period["from"])
            return max(start, date)
    return None


def noted(bill: BillSnapshot, own_date: dt.date, label: str) -> BillSnapshot:
    """The bill with its own date in its text, e.g. "(fakturadato 20.08.2026)", for an entry
    posted on another date (in Danish: the bookkeeper reads the entry text in e-conomic)."""
    note = f"({label} {own_date.strftime('%d.%m.%Y')})"
    return dataclasses.replace(bill, text=f"{bill.text} {note}" if bill.text else note)
