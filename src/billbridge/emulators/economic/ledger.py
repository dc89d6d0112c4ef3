"""VAT as e-conomic books it, booking a kassekladde, and moving a voucher to another one.

VAT (economic.md §10.1, S5 production 2026): the VAT code of an entry side (``contraVatAccount``
on the contra side, ``vatAccount`` on a finance voucher's account side) makes e-conomic treat
that side's amount as the VAT-inclusive gross and lift the code's ``ratePercentage`` (from
``/vat-accounts``) out of it: 1,250.00 with I25 books 250.00 VAT and 1,000.00 on the account.
No VAT code, no VAT. An explicit ``contraVatAmount`` / ``vatAmount`` in the request is booked as
given [GUESS]. Rounding to the øre, half away from zero [GUESS]. A code whose VAT account has a
``contraAccount`` (the reverse-charge codes: EU and abroad purchases) computes the VAT on top of
the amount and books it on both VAT accounts, so the VAT nets to zero [GUESS: Danish practice
for reverse charge; no stored source shows e-conomic's booking of it].

Booking (§10.6, S5 `checkVoucherBooked`): a booked voucher's entries leave
``/journals/{n}/entries`` and appear under ``/accounting-years/{year}/entries`` with the voucher
number kept. There each kassekladde line is double entry [GUESS: the shape of the ledger lines]:
a supplier line on the supplier group's account, the account side net of VAT, and a line on the
VAT code's account, numbered in one sequence per agreement (``entryNumber``). A voucher dated
in a barred or closed period is not booked [GUESS: e-conomic's
Journals API answers E04870 there, S5; the emulator's control API answers 409].

Moving (§10.6, S5 `VoucherText.build`): an unbooked voucher moved to another kassekladde gets the
next number of that kassekladde; its entries and attachment go along [GUESS: entry numbers are
kept; a journal restricted to one entry type refuses other types].
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import periods

BOOKED_ENTRY_TYPES = {"manualCustomerInvoice": "manualDebtorInvoice"}  # [GUESS] ledger enum name


class LedgerError(ValueError):
    """Why a booking or a move cannot happen; `details` names what is in the way."""

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def vat_account(agreement: dict[str, Any], code: Any) -> dict[str, Any] | None:
    return next(
        (v for k, v in agreement["vatAccounts"].items() if k.lower() == str(code).lower()), None
    )


def vat_sides(agreement: dict[str, Any], e: dict[str, Any]) -> list[dict[str, Any]]:
    """The VAT of one kassekladde line, per side that carries a VAT code.

    `gross` is the side's amount as booked on its account (the contra side is the opposite of
    `amount`), `vatAmount` the VAT booked on the VAT code's account, `netAmount` what is left on
    the side's account.
    """
    amount = Decimal(str(e["amount"]))
    sides = [("contra", "contraAccount", "contraVatAccount", "contraVatAmount", -amount)]
    if e["entryType"] == "financeVoucher":
        sides.insert(0, ("account", "account", "vatAccount", "vatAmount", amount))
    out = []
    for side, account_key, vat_key, explicit_key, gross in sides:
        code = (e.get(vat_key) or {}).get("vatCode")
        va = vat_account(agreement, code) if code else None
        if va is None:
            continue
        rate = Decimal(str(va.get("ratePercentage") or 0))
        reverse = "contraAccount" in va
        if explicit_key in e:
            vat = Decimal(str(e[explicit_key]))
        elif reverse:
            vat = gross * rate / 100
        else:
            vat = gross * rate / (100 + rate)
        vat_amount = _money(vat)
        net = float(gross) if reverse else _money(gross - Decimal(str(vat_amount)))
        out.append(
            {
                "side": side,
                "account": (e.get(account_key) or {}).get("accountNumber"),
                "vatCode": va["vatCode"],
                "ratePercentage": float(rate),
                "gross": float(gross),
                "vatAmount": vat_amount,
                "netAmount": net,
                "reverseCharge": reverse,
            }
        )
    return out


def entry_vat(agreement: dict[str, Any], e: dict[str, Any]) -> float:
    """The input (or output) VAT a kassekladde line books, all sides together."""
    return _money(sum((Decimal(str(s["vatAmount"])) for s in vat_sides(agreement, e)), Decimal()))


def _supplier_account(agreement: dict[str, Any], e: dict[str, Any]) -> int | None:
    number = (e.get("supplier") or {}).get("supplierNumber")
    supplier = agreement["suppliers"].get(str(number))
    if supplier is None:
        return None
    group = agreement["supplierGroups"].get(str(supplier["supplierGroup"]["supplierGroupNumber"]))
    return int(group["account"]) if group else None


def ledger_lines(agreement: dict[str, Any], e: dict[str, Any]) -> list[dict[str, Any]]:
    """The booked (double-entry) lines of one kassekladde line [GUESS: the split, see above]."""
    common: dict[str, Any] = {
        "date": e["date"],
        "entryType": BOOKED_ENTRY_TYPES.get(e["entryType"], e["entryType"]),
        "currency": e["currency"]["code"],
        "exchangeRate": e.get("exchangeRate", 100.0),
    }
    for key in ("text", "supplierInvoiceNumber"):
        if key in e:
            common[key] = e[key]
    lines: list[dict[str, Any]] = []
    amount = float(e["amount"])
    supplier = (e.get("supplier") or {}).get("supplierNumber")
    if supplier is not None:
        line = {**common, "account": _supplier_account(agreement, e), "amount": amount}
        line["supplier"] = supplier
        if "dueDate" in e:
            line["dueDate"] = e["dueDate"]
        line["remainder"] = amount  # [GUESS] no open-item matching in the emulator
        lines.append(line)
    sides = {s["side"]: s for s in vat_sides(agreement, e)}
    legs = [("contra", "contraAccount", -amount)]
    if e["entryType"] == "financeVoucher" and "account" in e:
        legs.insert(0, ("account", "account", amount))
    for side, key, gross in legs:
        account = (e.get(key) or {}).get("accountNumber")
        if account is None:
            continue
        vat = sides.get(side)
        if vat is None:
            lines.append({**common, "account": account, "amount": gross})
            continue
        lines.append(
            {**common, "account": account, "amount": vat["netAmount"], "vatCode": vat["vatCode"]}
        )
        va = vat_account(agreement, vat["vatCode"]) or {}
        vat_line = {**common, "vatCode": vat["vatCode"], "vatLine": True}
        lines.append(
            {**vat_line, "account": va["account"]["accountNumber"], "amount": vat["vatAmount"]}
        )
        if vat["reverseCharge"]:
            lines.append(
                {
                    **vat_line,
                    "account": va["contraAccount"]["accountNumber"],
                    "amount": -vat["vatAmount"],
                }
            )
    return lines


# ------------------------------------------------------------------ voucher numbers


def vkey(journal: int, year: str, number: int) -> str:
    return f"{journal}|{year}|{number}"


def next_voucher_number(agreement: dict[str, Any], journal: dict[str, Any], year: str) -> int:
    """The next number of a kassekladde's range in a year: after its drafts and after what was
    booked from it (numbering goes on after a booking)."""
    jn = journal["journalNumber"]
    used = [
        v["voucherNumber"]
        for table in (agreement["vouchers"], agreement["bookedVouchers"])
        for v in table.values()
        if v["journalNumber"] == jn and v["year"] == year
    ]
    return max(used + [journal["minimumVoucherNumber"] - 1]) + 1


def voucher_entries(agreement: dict[str, Any], key: str) -> list[dict[str, Any]]:
    journal, year, number = key.split("|")
    return sorted(
        (
            e
            for e in agreement["entries"].values()
            if e["journalNumber"] == int(journal)
            and e["voucher"]["year"] == year
            and e["voucher"]["voucherNumber"] == int(number)
        ),
        key=lambda e: e["journalEntryNumber"],
    )


# ------------------------------------------------------------------ booking


def _year(agreement: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((y for y in agreement["accountingYears"] if y["year"] == name), None)


def book(
    agreement: dict[str, Any], journal_number: int, numbers: list[int] | None = None
) -> list[dict[str, Any]]:
    """Book a kassekladde (all its vouchers, or those numbered `numbers`); nothing is booked
    when any entry is dated in a barred or closed period."""
    keys = sorted(
        (
            k
            for k, v in agreement["vouchers"].items()
            if v["journalNumber"] == journal_number
            and (numbers is None or v["voucherNumber"] in numbers)
        ),
        key=lambda k: (agreement["vouchers"][k]["year"], agreement["vouchers"][k]["voucherNumber"]),
    )
    if numbers is not None:
        missing = set(numbers) - {agreement["vouchers"][k]["voucherNumber"] for k in keys}
        if missing:
            raise LedgerError(
                "no such draft voucher in this kassekladde",
                [{"voucherNumber": n} for n in sorted(missing)],
            )
    blocked = []
    for key in keys:
        for e in voucher_entries(agreement, key):
            year = _year(agreement, e["voucher"]["year"])
            if year is not None and periods.refuses_postings(year, e["date"]):
                blocked.append(
                    {
                        "voucherNumber": e["voucher"]["voucherNumber"],
                        "journalEntryNumber": e["journalEntryNumber"],
                        "date": e["date"],
                    }
                )
    if blocked:
        raise LedgerError("Perioden er spærret.", blocked)
    done = []
    for key in keys:
        voucher = agreement["vouchers"].pop(key)
        entries = voucher_entries(agreement, key)
        numbers_booked = []
        for e in entries:
            for line in ledger_lines(agreement, e):
                line.update(
                    entryNumber=agreement["nextBookedEntryNumber"],
                    year=voucher["year"],
                    voucherNumber=voucher["voucherNumber"],
                    journalNumber=journal_number,
                    journalEntryNumber=e["journalEntryNumber"],
                )
                agreement["nextBookedEntryNumber"] += 1
                agreement["bookedEntries"].append(line)
                numbers_booked.append(line["entryNumber"])
            del agreement["entries"][str(e["journalEntryNumber"])]
        agreement["bookedVouchers"][key] = {**voucher, "entries": entries}
        done.append(
            {
                "year": voucher["year"],
                "voucherNumber": voucher["voucherNumber"],
                "entryNumbers": numbers_booked,
            }
        )
    return done


# ------------------------------------------------------------------ moving


def move(
    agreement: dict[str, Any],
    journal_number: int,
    year: str,
    number: int,
    to_journal: int,
    new_number: int | None = None,
) -> dict[str, Any]:
    """Move an unbooked voucher to kassekladde `to_journal`, renumbered (the next number of that
    kassekladde unless `new_number` is given)."""
    key = vkey(journal_number, year, number)
    voucher = agreement["vouchers"].get(key)
    if voucher is None:
        raise LedgerError("no such draft voucher")
    target = agreement["journals"].get(str(to_journal))
    if target is None or to_journal == journal_number:
        raise LedgerError("no such other kassekladde")
    entries = voucher_entries(agreement, key)
    restricted = target.get("entryTypeRestrictedTo")
    wrong = [e for e in entries if restricted and e["entryType"] != restricted]
    if wrong:
        raise LedgerError(
            f"kassekladde {to_journal} takes only {restricted} entries",
            [{"journalEntryNumber": e["journalEntryNumber"]} for e in wrong],
        )
    number_to = new_number or next_voucher_number(agreement, target, year)
    if vkey(to_journal, year, number_to) in agreement["vouchers"]:
        raise LedgerError(f"voucher {number_to} exists in kassekladde {to_journal}")
    del agreement["vouchers"][key]
    agreement["vouchers"][vkey(to_journal, year, number_to)] = {
        **voucher,
        "journalNumber": to_journal,
        "voucherNumber": number_to,
    }
    for e in entries:
        e["journalNumber"] = to_journal
        e["voucher"] = {"year": year, "voucherNumber": number_to}
    return {
        "from": {"journalNumber": journal_number, "year": year, "voucherNumber": number},
        "to": {"journalNumber": to_journal, "year": year, "voucherNumber": number_to},
    }


# ------------------------------------------------------------------ the VAT read-back


def vat_report(agreement: dict[str, Any]) -> dict[str, Any]:
    """Every kassekladde line, unbooked and booked, with the VAT e-conomic books for it."""
    rows = []
    drafts = [("draft", e) for e in agreement["entries"].values()]
    booked = [("booked", e) for v in agreement["bookedVouchers"].values() for e in v["entries"]]
    for state, e in sorted(drafts + booked, key=lambda pair: pair[1]["journalEntryNumber"]):
        sides = vat_sides(agreement, e)
        rows.append(
            {
                "state": state,
                "journalNumber": e["journalNumber"],
                "journalEntryNumber": e["journalEntryNumber"],
                "year": e["voucher"]["year"],
                "voucherNumber": e["voucher"]["voucherNumber"],
                "entryType": e["entryType"],
                "date": e["date"],
                "text": e.get("text", ""),
                "supplierInvoiceNumber": e.get("supplierInvoiceNumber", ""),
                "amount": e["amount"],
                "vatAmount": entry_vat(agreement, e),
                "sides": sides,
            }
        )
    total = sum((Decimal(str(r["vatAmount"])) for r in rows), Decimal())
    return {"entries": rows, "vatAmount": _money(total)}
