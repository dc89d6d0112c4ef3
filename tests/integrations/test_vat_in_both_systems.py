"""Issue 11 item 5 (with items 1-3): one table of bills, each posted through the sync engine to
both emulators over real HTTP. For every bill the VAT the emulator books (its read-back of the
code's rate lifted out of each line, as the real systems do) is the bill's VAT, and the DKK
amount is the bill's converted at the official rate, to the øre.

Bills in EUR and SEK are dated 13 March 2026, a day the rates emulator holds (ECB: 1 EUR =
7,4726 DKK = 10,7545 SEK). Dinero books DKK; e-conomic books the bill's currency with
`exchangeRate` and the DKK as `amountBaseCurrency`.
"""

# ruff: noqa: F811 - the fixtures of both emulators are imported here, then requested by name

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from billbridge.integrations.currency import to_base
from billbridge.integrations.vat import tolerance
from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState
from tests.integrations.dinero.fixtures import (  # noqa: F401
    _dinero_process,
    bill,
    connected,
    emu,
    office,
    rows,
    settle,
)
from tests.integrations.economic.conftest import (  # noqa: F401
    INVOICE_JOURNAL,
    Remote,
    _economic_process,
    economic,
    integration,
)

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2026, 3, 13)
EUR_PER_100 = D("747.26")  # ECB 13.03.2026: 7,4726 DKK per EUR
SEK_PER_100 = D("69.4835")  # 7,4726 / 10,7545 × 100, to four decimals as fx keeps it
AE = [{"category": "AE", "percent": "0", "taxable_amount": "800.00", "vat_amount": "0.00"}]

# (bill fields, the deductible VAT Dinero books in DKK, the reverse-charge VAT it adds). The
# bill's VAT in DKK is each amount converted on its own; the VAT booked is the code's rate lifted
# out of each DKK line. They are the same to the øre except where the invoice's own rounding
# ("EUR with øre rounding": 246,91 is 20 % of 1.234,57 rounded) grows by the rate: 1.845,06
# converted, 1.845,09 lifted out of 9.225,45 - within what `vat.tolerance` allows, said below.
TABLE = [
    pytest.param(dict(total=D("1250.00"), vat_amount=D("250.00")), "250.00", "0.00", id="25%"),
    pytest.param(
        dict(total=D("1000.00"), vat_amount=D("0.00")), "0.00", "0.00", id="0% on an I25 account"
    ),  # fmt: skip
    pytest.param(
        dict(total=D("2250.00"), vat_amount=D("250.00")), "250.00", "0.00", id="mixed 25%/0%"
    ),  # fmt: skip
    pytest.param(
        dict(total=D("-2250.00"), vat_amount=D("-250.00")),
        "-250.00",
        "0.00",
        id="mixed credit note",
    ),  # fmt: skip
    pytest.param(
        dict(total=D("499.00"), vat_amount=D("0.00"), supplier_country="IE"),
        "0.00",
        "124.75",
        id="reverse charge: an EU supplier with no VAT",
    ),  # fmt: skip
    pytest.param(
        dict(total=D("800.00"), vat_amount=D("0.00"), vat_breakdown=AE),
        "0.00",
        "200.00",
        id="reverse charge: e-invoice category AE",
    ),  # fmt: skip
    pytest.param(
        dict(total=D("1000.00"), vat_amount=D("200.00"), currency="EUR", issue_date=DAY),
        "1494.52",
        "0.00",
        id="EUR at 25%",
    ),  # fmt: skip
    pytest.param(
        dict(total=D("1234.57"), vat_amount=D("246.91"), currency="EUR", issue_date=DAY),
        "1845.09",
        "0.00",
        id="EUR with øre rounding",
    ),  # fmt: skip
    pytest.param(
        dict(total=D("1234.03"), vat_amount=D("246.81"), currency="SEK", issue_date=DAY),
        "171.49",
        "0.00",
        id="SEK with øre rounding",
    ),  # fmt: skip
    pytest.param(
        dict(total=D("3400.50"), vat_amount=D("430.10"), currency="SEK", issue_date=DAY),
        "298.85",
        "0.00",
        id="SEK mixed 25%/0%",
    ),  # fmt: skip
]


def _rate(fields: dict[str, Any]) -> D:
    return {"EUR": EUR_PER_100, "SEK": SEK_PER_100}.get(fields.get("currency", "DKK"), D(100))


def _dinero_vat(row: dict[str, Any]) -> tuple[D, D]:
    """(deductible VAT, reverse-charge VAT) the emulated Dinero booked for one row."""
    deductible = reverse = D("0.00")
    for line in row["Lines"]:
        booked = D(str(line["Vat"]["AccountVatAmount"])).quantize(D("0.01"))
        if line["Vat"]["AccountReverseCharge"]:
            reverse += booked
        else:
            deductible += booked
    return deductible, reverse


def _economic_vat(emulator: Any) -> tuple[list[dict[str, Any]], D, D]:
    """(the invoice journal's lines, deductible VAT, reverse-charge VAT) e-conomic booked."""
    report = emulator.client.get("/_emulator/agreements/701001/vat").json()
    entries = [e for e in report["entries"] if e["journalNumber"] == INVOICE_JOURNAL]
    deductible = reverse = D("0.00")
    for e in entries:
        for side in e["sides"]:
            if side["reverseCharge"]:
                reverse += D(str(side["vatAmount"]))
            else:
                deductible += D(str(side["vatAmount"]))
    return entries, deductible, reverse


@pytest.mark.parametrize(("fields", "deductible", "reverse"), TABLE)
def test_the_vat_booked_is_the_bills_and_the_dkk_right_to_the_ore(
    fields,
    deductible,
    reverse,
    rates,
    emu,
    connected,
    economic,
    integration,
    company,
    office,
):
    b = bill(company, category=office, **fields)
    assert engine.backfill(integration) == 0  # the bill's records were made as it was added
    settle(connected)
    settle(integration)
    assert set(SyncRecord.objects.values_list("state", flat=True)) == {SyncState.POSTED}
    rate = _rate(fields)
    b.refresh_from_db()
    assert (b.exchange_rate, b.exchange_rate_date) == (
        (rate, DAY) if rate != 100 else (None, None)
    )  # the official rate of the bill's date, kept on the bill
    dkk_total = to_base(b.total, rate)

    [row] = rows(emu)  # Dinero: one ledger item, one line per VAT part, in DKK
    assert sum(D(str(ln["Amount"])) for ln in row["Lines"]) == dkk_total
    assert _dinero_vat(row) == (D(deductible), D(reverse))
    bill_vat_dkk = to_base(b.vat_amount, rate)
    allowed = tolerance(unit=rate / 100) if rate != 100 else D("0.00")
    assert abs(D(deductible) - bill_vat_dkk) <= allowed

    entries, booked, added = _economic_vat(economic)  # e-conomic: the bill's currency
    assert len({e["voucherNumber"] for e in entries}) == 1  # one voucher, one line per part
    assert {e["supplierInvoiceNumber"] for e in entries} == {b.invoice_number}
    assert sum(-D(str(e["amount"])) for e in entries) == b.total
    assert booked == b.vat_amount  # exactly the invoice's VAT, in its currency
    assert added == (D(reverse) if rate == 100 else D("0.00"))
    assert len(entries) == len(row["Lines"])  # the same decision in both systems
    listed = Remote(economic).entries(INVOICE_JOURNAL)
    assert sum(-D(str(e["amountDefaultCurrency"])) for e in listed) == dkk_total


def test_both_kassekladde_pages_show_the_vat_of_each_line_of_a_mixed_bill(
    emu, connected, economic, integration, company, office
):
    """Issue 11 item 2: what a person trying the demo sees - one line with 250,00 of VAT, one
    without - in Dinero's and e-conomic's kassekladde pages."""
    bill(company, category=office, total=D("2250.00"), vat_amount=D("250.00"))
    settle(connected)
    settle(integration)
    dinero_page = emu.client.get("/_emulator/").text
    assert "<td>I25</td><td>250,00</td><td>1.250,00</td>" in dinero_page
    assert "<td>ingen</td><td>0,00</td><td>1.000,00</td>" in dinero_page
    economic_page = economic.client.get("/_emulator/").text
    assert "<td>I25</td><td class='n' data-vat>250,00</td>" in economic_page
    assert "<td></td><td class='n' data-vat>0,00</td>" in economic_page
