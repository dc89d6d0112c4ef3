"""The read-only kassekladde page at `/_emulator/`, for people trying the demo: every row's
lines with the VAT each booked, in Danish amounts; refreshes every 3 s."""

from __future__ import annotations

import html
from typing import Any

from billbridge.emulators.common import Response, format_amount_da, html_response

PAGE_MAX_ROWS = 200  # rows per organisation: a benchmark run must not make the page huge
STATUS_DA = {"Draft": "Kladde", "PendingBooking": "Afventer bogføring", "Booked": "Bogført"}
HEADINGS = ("Bilag", "Dato", "Konto", "Momskode", "Moms", "Beløb", "Modkonto", "Tekst", "Fil",
            "Status")  # fmt: skip


def _vat_cells(line: dict[str, Any]) -> tuple[str, str]:
    vat = line.get("Vat") or {}
    codes = [c for c in (vat.get("AccountVatCode"), vat.get("BalancingAccountVatCode")) if c]
    amount = float(vat.get("AccountVatAmount") or 0) + float(
        vat.get("BalancingAccountVatAmount") or 0
    )
    return " / ".join(codes) or "ingen", format_amount_da(amount)


def kassekladde(organizations: dict[str, Any]) -> Response:
    sections = []
    for org_id, org in organizations.items():
        rows = []
        items = list(org["items"].values())
        shown = items[-PAGE_MAX_ROWS:]
        if len(items) > len(shown):
            rows.append(
                f'<tr><td colspan="{len(HEADINGS)}"><em>… {len(items) - len(shown)} ældre '
                "rækker ikke vist</em></td></tr>"
            )
        for item in shown:
            file_meta = org["files"].get(item["FileGuid"] or "")
            for line in item["Lines"]:
                vat_code, vat_amount = _vat_cells(line)
                cells = [
                    item["VoucherNumber"] or "",
                    item["VoucherDate"],
                    line.get("AccountNumber") or "",
                    vat_code,
                    vat_amount,
                    format_amount_da(line.get("Amount", 0)),
                    line.get("BalancingAccountNumber") or "",
                    line.get("Description") or "",
                    file_meta["FileName"] if file_meta else "",
                    STATUS_DA.get(item["Status"], item["Status"]),
                ]
                rows.append(
                    "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"
                )
        body = "".join(rows) or (
            f'<tr><td colspan="{len(HEADINGS)}"><em>Ingen posteringer</em></td></tr>'
        )
        pro = "" if org.get("is_pro", True) else " — uden Dinero Pro"
        head = "".join(f"<th>{h}</th>" for h in HEADINGS)
        sections.append(
            f"<h2>{html.escape(org['name'])} <small>(Firma ID {org_id}{pro})</small></h2>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    page = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="3"><title>Dinero-emulator: kassekladde</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        "td:nth-child(5),td:nth-child(6){text-align:right}</style></head><body>"
        "<h1>Dinero-emulator — kassekladde</h1>" + "".join(sections) + "</body></html>"
    )
    return html_response(200, page)
