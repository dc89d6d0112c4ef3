"""Accounting periods: open, barred (*spærret*) or closed (*lukket*), and what each refuses.

What the sources say (economic.md §2.5, §10.2, and Trustworks' production code, 2026):

- A period is a month of an accounting year [GUESS: twelve monthly periods per 12-month year,
  one per calendar month for the 6-18-month years e-conomic allows; periods are numbered 1…n
  from the year's first month].
- e-conomic's own UI has two columns: *Status* (Åben / Lukket) and *Spærret*. A period can be
  Åben with Spærret ticked — routinely after a VAT return is filed. Both refuse a voucher
  (S5 `EconomicsAccountingPeriod`: "isClosed and isBarred are two DIFFERENT things and both
  block a booking").
- The legacy REST API's ``GET /accounting-years/{year}/periods`` has a single ``closed`` flag
  (schema ``accounting-years.accountingYear.periods.get``) that "corresponds to Status": a
  barred period shows as open there (S5: "Against the 2026-08-27 data it would have answered
  'open' for every barred period"). This emulator does exactly that.
- The newer AccountingYears API (``apis.e-conomic.com/accountingyearsapi/v2.0.1``) lists every
  period of the agreement at ``/accountingYears/periods/paged?pageSize=1..100&skipPages=n`` as a
  bare JSON array of ``{periodNumber, year, dateFrom, dateTo, isClosed, isBarred}`` (S5
  `EconomicsAccountingYearsApiClient`). No schema for it is in the stored files: the field set is
  S5's, the date-time form of ``dateFrom``/``dateTo`` ("documented as date-times") and the rest
  of the shape are [GUESS].
- A voucher dated in a barred period is refused with the verbatim body of §10.2 (see
  ``api._check_entry``); a closed period answers the same [GUESS: S5 also matched older name
  codes such as ``PeriodClosed`` for closed periods, none of them seen in a stored body].

A year is ``closed`` when all its periods are [GUESS].
"""

from __future__ import annotations

from typing import Any

from . import render
from .seed import month_periods

STATES = ("open", "barred", "closed")
NEW_API_MAX_PAGE_SIZE = 100  # S5: "e-conomic caps pageSize at 100"


def ensure_periods(year: dict[str, Any]) -> list[dict[str, Any]]:
    """The year's periods, made on first use (state files written before periods existed)."""
    if not year.get("periods"):
        year["periods"] = month_periods(year["fromDate"], year["toDate"])
    return list(year["periods"])


def year_closed(year: dict[str, Any]) -> bool:
    periods = ensure_periods(year)
    return bool(periods) and all(p["state"] == "closed" for p in periods)


def period_of(year: dict[str, Any], date: str) -> dict[str, Any] | None:
    return next((p for p in ensure_periods(year) if p["fromDate"] <= date <= p["toDate"]), None)


def refuses_postings(year: dict[str, Any], date: str) -> bool:
    """True when a voucher dated `date` is refused: its period is barred or closed."""
    period = period_of(year, date)
    return period is not None and period["state"] != "open"


def legacy_period(base: str, year: dict[str, Any], period: dict[str, Any]) -> dict[str, Any]:
    """A period as ``GET /accounting-years/{year}/periods`` shows it: ``closed`` only for
    *Lukket*; a barred period is indistinguishable from an open one (S5, above)."""
    yid = render.encode_id(year["year"])
    self_link = f"{base}/accounting-years/{yid}/periods/{period['periodNumber']}"
    out: dict[str, Any] = {
        "periodNumber": period["periodNumber"],
        "accountingYear": render.year_ref(base, year["year"]),
        "fromDate": period["fromDate"],
        "toDate": period["toDate"],
    }
    if period["state"] == "closed":
        out["closed"] = True  # restdocs: a false boolean is omitted
    out["entries"] = f"{self_link}/entries"
    out["totals"] = f"{self_link}/totals"
    out["self"] = self_link
    return out


def new_api_period(year: dict[str, Any], period: dict[str, Any]) -> dict[str, Any]:
    """A period as the AccountingYears API lists it (field names from S5; the rest [GUESS])."""
    return {
        "periodNumber": period["periodNumber"],
        "year": year["year"],
        "dateFrom": f"{period['fromDate']}T00:00:00",
        "dateTo": f"{period['toDate']}T00:00:00",
        "isClosed": period["state"] == "closed",
        "isBarred": period["state"] == "barred",
    }


def set_state(year: dict[str, Any], number: int, state: str) -> dict[str, Any] | None:
    """Set one period's state (the bookkeeper's *Spær* / *Åbn* / *Luk*); None if no such one."""
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    ensure_periods(year)
    period = next((p for p in year["periods"] if p["periodNumber"] == number), None)
    if period is not None:
        period["state"] = state
    return period
