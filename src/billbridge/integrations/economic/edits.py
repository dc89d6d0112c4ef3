"""A bill changed after it was posted to e-conomic (issue 10 item 5). Pure: no I/O.

e-conomic's REST API cannot change a draft voucher; while the supplier invoice is an unbooked
draft billbridge replaces it (deletes the draft entry, posts the new one). Each voucher billbridge
posts carries its reference in the text, and a replacement also its number, `[ref/2]`, so the
old and the new are told apart after a lost answer or a crash between the delete and the post.
Once booked, a correction is the accountant's: the bill lists what changed since.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from billbridge.integrations.base import BillSnapshot

# What a bill's supplier invoice in e-conomic is made of, as billbridge compares it.
FIELDS = (
    "amount", "vat", "currency", "date", "due_date", "supplier", "invoice_number", "account",
    "text", "document",
)  # fmt: skip


def marker(reference: str, number: int) -> str:
    """The mark in the entry text: `[ref]` for the first voucher, `[ref/n]` for replacement n."""
    return f"[{reference}]" if number == 0 else f"[{reference}/{number}]"


def numbers_in(text: str, reference: str) -> list[int]:
    """The replacement numbers of `reference` marked in an entry text (0: the first voucher)."""
    pattern = re.compile(r"\[" + re.escape(reference) + r"(?:/(\d+))?\]")
    return [int(m.group(1) or 0) for m in pattern.finditer(text or "")]


def fingerprint(bill: BillSnapshot, account: int | None, document: bytes | None) -> dict[str, str]:
    """What was posted for the bill, field by field (kept with the posted entry)."""
    supplier = "|".join((bill.supplier_name, bill.supplier_cvr, bill.supplier_vat_number))
    return {
        "amount": str(bill.total),
        # the VAT lines and the rate are posted too: a change in them is a change
        "vat": f"{bill.vat_amount}|{bill.vat_breakdown!r}",
        "currency": f"{bill.currency.upper()}|{bill.exchange_rate!r}",
        "date": bill.issue_date.isoformat(),
        "due_date": bill.due_date.isoformat() if bill.due_date else "",
        "supplier": supplier,
        "invoice_number": bill.invoice_number,
        "account": str(account or ""),
        "text": bill.text,
        "document": hashlib.sha256(document).hexdigest()[:16] if document else "",
    }


def changed(before: dict[str, Any] | None, now: dict[str, str]) -> list[str] | None:
    """The fields that differ, in FIELDS order; None when what was posted is not known."""
    if not before:
        return None
    return [name for name in FIELDS if str(before.get(name, "")) != now.get(name, "")]
