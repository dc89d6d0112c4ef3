"""Emulated ECB euro reference rates: the three eurofxref files, in the ECB's own XML format.

The ECB publishes its daily reference rates (units of a currency per 1 EUR; DKK among them)
around 16:00 CET on TARGET days, at `https://www.ecb.europa.eu/stats/eurofxref/`:

- `eurofxref-daily.xml`: the newest day;
- `eurofxref-hist-90d.xml`: the last 90 days, newest first;
- `eurofxref-hist.xml`: every day since 4 January 1999, newest first.

This server answers the same paths with real published figures (`seed.py`), so the product's
rate look-ups, its cache and its weekend and holiday rules are exercised over real HTTP. The
90 days are counted back from the newest day it holds. `POST /_emulator/rates` publishes one
more day (`{"date": "YYYY-MM-DD", "rates": {"USD": "1.1684", …}}`), for tests of a rate that
appears later. Stdlib only, like the other emulators.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from billbridge.emulators.common import (
    EmulatorApp,
    Request,
    Response,
    html_response,
    json_response,
    serve_app,
)
from billbridge.emulators.rates.seed import Days, load_days

BASE_PATH = "/stats/eurofxref"
HISTORY_DAYS = 90
_RATE = re.compile(r"^\d{1,9}(\.\d{1,6})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
    'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">\n'
    "\t<gesmes:subject>Reference rates</gesmes:subject>\n"
    "\t<gesmes:Sender>\n"
    "\t\t<gesmes:name>European Central Bank</gesmes:name>\n"
    "\t</gesmes:Sender>\n"
    "\t<Cube>\n"
)
_TAIL = "\t</Cube>\n</gesmes:Envelope>"


def envelope(days: Days, dates: list[str], quote: str = '"') -> str:
    """The ECB's XML for `dates`, newest first (the daily file quotes with ', the others with ")."""
    q = quote
    parts = [_HEAD]
    for day in dates:
        parts.append(f"\t\t<Cube time={q}{day}{q}>\n")
        for currency, rate in days[day].items():
            parts.append(f"\t\t\t<Cube currency={q}{currency}{q} rate={q}{rate}{q}/>\n")
        parts.append("\t\t</Cube>\n")
    parts.append(_TAIL)
    return "".join(parts)


class RatesApp(EmulatorApp):
    """State: `days`, date → currency → rate text, guarded by `self.lock`."""

    def __init__(self, state_file: str | None = None) -> None:
        super().__init__(state_file)
        self.days: Days = {}
        for name, pattern in (
            ("daily", r"/eurofxref-daily\.xml"),
            ("90d", r"/eurofxref-hist-90d\.xml"),
            ("hist", r"/eurofxref-hist\.xml"),
        ):
            self.router.add(
                "GET",
                BASE_PATH + pattern,
                lambda request, feed=name: self.feed(feed),
                name=f"GET {BASE_PATH}{pattern.replace(chr(92), '')}",
            )
        self.router.add("POST", r"/_emulator/rates", self.publish, api=False)

    # ---- EmulatorApp
    def reset_state(self) -> None:
        self.days = load_days()

    def dump_state(self) -> dict[str, Any]:
        return {"days": self.days}

    def load_state(self, state: dict[str, Any]) -> None:
        self.days = state["days"]

    def credentials(self) -> dict[str, Any]:
        """No credentials: the ECB's files are public. Tells where they are and what they span."""
        with self.lock:
            dates = sorted(self.days)
        return {
            "base_path": BASE_PATH + "/",
            "first_date": dates[0] if dates else None,
            "last_date": dates[-1] if dates else None,
        }

    def tenant_of(self, request: Request) -> str | None:
        return None

    # ---- the files
    def _dates(self, feed: str) -> list[str]:
        newest_first = sorted(self.days, reverse=True)
        if feed == "daily":
            return newest_first[:1]
        if feed == "90d" and newest_first:
            newest = dt.date.fromisoformat(newest_first[0])
            start = (newest - dt.timedelta(days=HISTORY_DAYS - 1)).isoformat()
            return [d for d in newest_first if d >= start]
        return newest_first

    def feed(self, feed: str) -> Response:
        with self.lock:
            body = envelope(self.days, self._dates(feed), "'" if feed == "daily" else '"')
        return Response(
            status=200,
            body=body.encode("utf-8"),
            headers={"Content-Type": "text/xml"},
        )

    # ---- control
    def publish(self, request: Request) -> Response:
        """Add (or replace) one day's rates, as the ECB does at 16:00."""
        try:
            payload = request.json()
            day = dt.date.fromisoformat(str(payload["date"])).isoformat()
            rates = payload["rates"]
            if not isinstance(rates, dict) or not rates:
                raise ValueError("rates must be a non-empty object")
            clean = {}
            for currency, rate in rates.items():
                if not _CURRENCY.match(str(currency)) or not _RATE.match(str(rate)):
                    raise ValueError(f"bad rate {currency}={rate}")
                clean[str(currency)] = str(rate)
        except (ValueError, KeyError, TypeError) as exc:
            return json_response(400, {"error": str(exc)})
        with self.lock:
            self.days[day] = clean
            self.persist()
        return json_response(200, {"date": day, "rates": clean})

    def index_page(self, request: Request) -> Response:
        """The newest days for the currencies a Danish bookkeeper meets most, per 100 DKK."""
        shown = ("EUR", "USD", "GBP", "SEK", "NOK")
        with self.lock:
            dates = sorted(self.days, reverse=True)[:15]
            rows = []
            for day in dates:
                rates = self.days[day]
                cells = []
                for currency in shown:
                    cells.append(_per_100_dkk(rates, currency))
                rows.append(
                    f"<tr><td>{html.escape(day)}</td>"
                    + "".join(f"<td class='n'>{c}</td>" for c in cells)
                    + "</tr>"
                )
        head = "".join(f"<th>{c}</th>" for c in shown)
        doc = (
            "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
            "<title>Valutakurser (ECB emulator)</title><style>"
            "body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#1d2b36}"
            "table{border-collapse:collapse;font-size:14px}td,th{padding:4px 10px;"
            "border-bottom:1px solid #ddd;text-align:left}.n{text-align:right}</style></head>"
            "<body><h1>ECB euro reference rates (emulated)</h1>"
            f"<p>Files under <code>{BASE_PATH}/</code>: eurofxref-daily.xml, "
            "eurofxref-hist-90d.xml, eurofxref-hist.xml. Below: DKK for 100 units, derived "
            "from the euro rates as Danmarks Nationalbank does.</p>"
            f"<table><thead><tr><th>Dato</th>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table></body></html>"
        )
        return html_response(200, doc)


def _per_100_dkk(rates: dict[str, str], currency: str) -> str:
    try:
        dkk = float(rates["DKK"])
        per_eur = 1.0 if currency == "EUR" else float(rates[currency])
    except (KeyError, ValueError, ZeroDivisionError):
        return "–"
    return f"{100 * dkk / per_eur:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def serve(host: str, port: int, state_file: str | None = None) -> None:
    """Entry point used by ``python -m billbridge emulate rates``."""
    serve_app(RatesApp(state_file), host, port)
