"""``GET /_emulator/``: the agreements' kassekladder, periods and ledger, as a bookkeeper sees
them, with the bookkeeper's buttons (bar or open a period, book a kassekladde, move a voucher).

The buttons post HTML forms to the same control endpoints a test calls with JSON
(``control``); a form post is answered with a redirect back here. The page refreshes itself
every 3 s so that entries can be watched landing.
"""

from __future__ import annotations

import html
from typing import Any

from ..common import format_amount_da
from . import ledger, periods, render

_CSS = (
    "body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#1d2b36}"
    "table{border-collapse:collapse;margin:6px 0 18px;font-size:14px}"
    "td,th{border:1px solid #ccd3da;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f4} td.n{text-align:right} .muted{color:#6b7780}"
    "form.inline{display:inline;margin:0} button{font-size:12px;margin:1px}"
    ".state-barred{background:#fff4d6} .state-closed{background:#f1d9dc}"
)
STATE_WORDS = {"open": "åben", "barred": "spærret", "closed": "lukket"}
ACTION_WORDS = {"open": "Åbn", "barred": "Spær", "closed": "Luk"}
BOOKED_SHOWN = 200  # the latest ledger lines per agreement


def _button(action: str, label: str, **fields: Any) -> str:
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(str(v))}'>"
        for k, v in fields.items()
    )
    return (
        f"<form class='inline' method='post' action='{html.escape(action)}'>{hidden}"
        f"<button type='submit'>{html.escape(label)}</button></form>"
    )


def supplier_label(agreement: dict[str, Any], ref: Any) -> str:
    """`1 Office Danmark A/S` for the page: the number alone says nothing to a bookkeeper."""
    if not ref:
        return ""
    n = ref.get("supplierNumber", "") if isinstance(ref, dict) else ref
    name = (agreement["suppliers"].get(str(n)) or {}).get("name", "")
    return f"{n} {name}".strip()


def render_page(state: dict[str, Any], throttle: Any) -> str:
    sections = [_agreement(a, throttle) for a in state["agreements"].values()]
    return (
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
        "<meta http-equiv='refresh' content='3'><title>e-conomic emulator</title>"
        f"<style>{_CSS}</style></head><body><h1>e-conomic emulator — kassekladder</h1>"
        + "".join(sections)
        + "</body></html>"
    )


def _agreement(a: dict[str, Any], throttle: Any) -> str:
    esc = html.escape
    n = a["agreementNumber"]
    flags = f"Indscanning {'til' if a.get('indscanning') else 'fra'}" + (
        ", adgang tilbagekaldt" if a.get("grantRevoked") else ""
    )
    tokens = throttle.tokens(str(n))
    parts = [
        f"<section id='agreement-{n}'><h2>{esc(a['company']['name'])} <span class='muted'>"
        f"(aftale {n}; {esc(flags)}; {tokens:.0f} API-tokens)</span></h2>"
    ]
    for j in a["journals"].values():
        parts.append(_journal(a, j))
    parts.append(_periods(a))
    parts.append(_booked(a))
    parts.append("</section>")
    return "".join(parts)


def _journal(a: dict[str, Any], j: dict[str, Any]) -> str:
    esc = html.escape
    n, jn = a["agreementNumber"], j["journalNumber"]
    rows = sorted(
        (e for e in a["entries"].values() if e["journalNumber"] == jn),
        key=lambda x: x["journalEntryNumber"],
    )
    book = (
        _button(f"/_emulator/agreements/{n}/journals/{jn}/book", "Bogfør kassekladden")
        if rows
        else ""
    )
    out = [f"<h3>{jn} {esc(j['name'])} ({len(rows)} poster) {book}</h3>"]
    if not rows:
        return "".join(out)
    head = (
        "<tr><th>Nr.</th><th>Type</th><th>Bilag</th><th>Dato</th><th>Leverandør</th>"
        "<th>Fakturanr.</th><th>Tekst</th><th class='n'>Beløb</th><th>Valuta</th>"
        "<th>Konto</th><th>Modkonto</th><th>Moms</th><th class='n'>Momsbeløb</th>"
        "<th>Bilagsfil</th><th>Flyt bilag</th></tr>"
    )
    body = []
    seen: set[tuple[str, int]] = set()
    others = [o for o in a["journals"].values() if o["journalNumber"] != jn]
    for e in rows:
        year, number = e["voucher"]["year"], e["voucher"]["voucherNumber"]
        att = (a["vouchers"].get(ledger.vkey(jn, year, number)) or {}).get("attachment")
        codes = ", ".join(s["vatCode"] for s in ledger.vat_sides(a, e))
        move = ""
        if (year, number) not in seen:
            seen.add((year, number))
            move = "".join(
                _button(
                    f"/_emulator/agreements/{n}/journals/{jn}/vouchers/"
                    f"{render.encode_id(year)}-{number}/move",
                    f"→ {o['journalNumber']}",
                    journal=o["journalNumber"],
                )
                for o in others
            )
        cells = (
            e["journalEntryNumber"],
            e["entryType"],
            f"{year}-{number}",
            e["date"],
            supplier_label(a, e.get("supplier")),
            e.get("supplierInvoiceNumber", ""),
            e.get("text", ""),
        )
        body.append(
            "<tr>"
            + "".join(f"<td>{esc(str(v))}</td>" for v in cells)
            + f"<td class='n'>{format_amount_da(e['amount'])}</td>"
            + f"<td>{esc(e['currency']['code'])}</td>"
            + f"<td>{(e.get('account') or {}).get('accountNumber', '')}</td>"
            + f"<td>{(e.get('contraAccount') or {}).get('accountNumber', '')}</td>"
            + f"<td>{esc(codes)}</td>"
            + f"<td class='n' data-vat>{format_amount_da(ledger.entry_vat(a, e))}</td>"
            + f"<td>{str(att['pages']) + ' s.' if att else ''}</td>"
            + f"<td>{move}</td></tr>"
        )
    out.append(f"<table>{head}{''.join(body)}</table>")
    return "".join(out)


def _periods(a: dict[str, Any]) -> str:
    esc = html.escape
    n = a["agreementNumber"]
    out = ["<h3>Regnskabsår og perioder</h3>"]
    for y in a["accountingYears"]:
        ps = periods.ensure_periods(y)
        head = "".join(f"<th>{p['periodNumber']}<br>{p['fromDate'][:7]}</th>" for p in ps)
        cells = []
        for p in ps:
            buttons = "".join(
                _button(
                    f"/_emulator/agreements/{n}/periods",
                    ACTION_WORDS[state],
                    year=y["year"],
                    period=p["periodNumber"],
                    state=state,
                )
                for state in periods.STATES
                if state != p["state"]
            )
            cells.append(
                f"<td class='state-{p['state']}' data-period='{esc(y['year'])}-"
                f"{p['periodNumber']}'>{STATE_WORDS[p['state']]}<br>{buttons}</td>"
            )
        out.append(
            f"<table><tr><th>{esc(y['year'])}</th>{head}</tr>"
            f"<tr><td class='muted'>{y['fromDate']} – {y['toDate']}</td>{''.join(cells)}</tr>"
            "</table>"
        )
    return "".join(out)


def _booked(a: dict[str, Any]) -> str:
    esc = html.escape
    lines = a["bookedEntries"][-BOOKED_SHOWN:]
    out = [f"<h3>Bogførte posteringer ({len(a['bookedEntries'])})</h3>"]
    if not lines:
        return "".join(out)
    head = (
        "<tr><th>Løbenr.</th><th>År</th><th>Bilag</th><th>Dato</th><th>Konto</th>"
        "<th>Leverandør</th><th>Tekst</th><th class='n'>Beløb</th><th>Moms</th></tr>"
    )
    body = [
        "<tr>"
        + "".join(
            f"<td>{esc(str(v))}</td>"
            for v in (
                line["entryNumber"],
                line["year"],
                line["voucherNumber"],
                line["date"],
                line.get("account") or "",
                supplier_label(a, line.get("supplier")),
                line.get("text", ""),
            )
        )
        + f"<td class='n'>{format_amount_da(line['amount'])}</td>"
        + f"<td>{esc(line.get('vatCode', ''))}</td></tr>"
        for line in reversed(lines)
    ]
    return "".join(out) + f"<table>{head}{''.join(body)}</table>"
