"""The table of bills the VAT rule is held to (R-5), for the rule's own tests and for the
providers' posting tests (issue 11 item 5: each case posted to both emulators).

Each case: the bill as the rule sees it (`BillVat`), the options a provider passes to
`vat.decide` (account code, purchase code, reverse-charge code), and the lines expected:
(gross, VAT code or None, VAT booked, reverse charge). Codes and rates are Dinero's standard
VAT types (`RATES`); e-conomic's demo agreement has the same codes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billbridge.integrations.vat import BillVat, VatSubtotal, rate_table

D = Decimal
# Dinero's standard VAT types (dinero.md §3) with the rates its vatTypes answer gives.
RATES = rate_table(
    [("I25", 0.25), ("IEUY", 0.25), ("IEUV", 0.25), ("IVY", 0.25), ("REP", 0.0625), ("U25", 0.25)],
    percent=False,
)


def S(category: str, percent: str | None, taxable: str, vat: str) -> VatSubtotal:  # noqa: N802
    return VatSubtotal(category, None if percent is None else D(percent), D(taxable), D(vat))


TABLE = [
    pytest.param(
        BillVat(D("1250.00"), D("250.00")),
        dict(account_code="I25"),
        [("1250.00", "I25", "250.00", False)],
        id="25% - the whole gross with the account's code",
    ),
    pytest.param(
        BillVat(D("1000.00"), D("0.00")),
        dict(account_code="I25"),
        [("1000.00", None, "0.00", False)],
        id="0% - insurance on an I25 account books no VAT (economic.md §10, June 2026)",
    ),
    pytest.param(
        BillVat(D("2250.00"), D("250.00")),
        dict(account_code="I25"),
        [("1250.00", "I25", "250.00", False), ("1000.00", None, "0.00", False)],
        id="mixed 25%/0% - VAT-bearing part with the code, the rest without",
    ),
    pytest.param(
        BillVat(D("-2250.00"), D("-250.00")),
        dict(account_code="I25"),
        [("-1250.00", "I25", "-250.00", False), ("-1000.00", None, "0.00", False)],
        id="mixed credit note - the same split, negative",
    ),
    pytest.param(
        BillVat(
            D("2250.00"),
            D("250.00"),
            breakdown=(S("S", "25", "1000.00", "250.00"), S("E", "0", "1000.00", "0.00")),
        ),
        dict(account_code="I25"),
        [("1250.00", "I25", "250.00", False), ("1000.00", None, "0.00", False)],
        id="mixed from an e-invoice's VAT subtotals",
    ),
    pytest.param(
        BillVat(D("1000.00"), D("0.00"), breakdown=(S("AE", "0", "1000.00", "0.00"),)),
        dict(account_code="I25", reverse_charge_code="IEUY"),
        [("1000.00", "IEUY", "250.00", True)],
        id="reverse charge - e-invoice category AE",
    ),
    pytest.param(
        BillVat(D("800.00"), D("0.00"), breakdown=(S("K", "0", "800.00", "0.00"),)),
        dict(account_code="I25", reverse_charge_code="IEUV"),
        [("800.00", "IEUV", "200.00", True)],
        id="reverse charge - e-invoice category K (intra-community)",
    ),
    pytest.param(
        BillVat(D("499.00"), D("0.00"), supplier_country="IE"),
        dict(account_code="I25", reverse_charge_code="IEUY"),
        [("499.00", "IEUY", "124.75", True)],
        id="reverse charge - an EU supplier with no VAT (software from Ireland)",
    ),
    pytest.param(
        BillVat(D("499.00"), D("0.00"), supplier_country="US"),
        dict(account_code="I25", reverse_charge_code="IEUY"),
        [("499.00", None, "0.00", False)],
        id="no VAT from outside the EU - not guessed to be reverse charge",
    ),
    pytest.param(
        BillVat(
            D("1125.00"),
            D("25.00"),
            breakdown=(S("AE", "0", "1000.00", "0.00"), S("S", "25", "100.00", "25.00")),
        ),
        dict(account_code="I25", reverse_charge_code="IEUY"),
        [("125.00", "I25", "25.00", False), ("1000.00", "IEUY", "250.00", True)],
        id="reverse charge beside a Danish VAT-bearing part",
    ),
    pytest.param(
        BillVat(D("124.98"), D("24.99"), lines=3),
        dict(account_code="I25"),
        [("124.98", "I25", "25.00", False)],
        id="øre rounding - three lines of 33,33 + 8,33 VAT: one line, the system's rounding",
    ),
    pytest.param(
        BillVat(D("300.00"), D("24.99")),
        dict(account_code="I25"),
        [("124.95", "I25", "24.99", False), ("175.05", None, "0.00", False)],
        id="øre split - 24,99 of VAT is 124,95 VAT-bearing, to the øre",
    ),
    pytest.param(
        BillVat(D("1250.00"), D("250.00")),
        dict(account_code="none", purchase_code="I25"),
        [("1250.00", "I25", "250.00", False)],
        id="an account without VAT code: the bill's VAT takes the purchase code",
    ),
    pytest.param(
        BillVat(D("0.00"), D("0.00")),
        dict(account_code="I25"),
        [("0.00", None, "0.00", False)],
        id="a zero bill",
    ),
]

# Bills whose VAT cannot be booked as they say: the rule's code for each.
PROBLEMS = [
    pytest.param(
        BillVat(D("1250.00"), D("300.00")),
        dict(account_code="I25"),
        "vat_exceeds_rate",
        id="more VAT than 25% allows",
    ),
    pytest.param(
        BillVat(D("1250.00"), D("-250.00")),
        dict(account_code="I25"),
        "vat_sign",
        id="negative VAT on a positive bill",
    ),
    pytest.param(
        BillVat(D("-1250.00"), D("250.00")),
        dict(account_code="I25"),
        "vat_sign",
        id="positive VAT on a credit note",
    ),
    pytest.param(
        BillVat(D("0.00"), D("25.00")),
        dict(account_code="I25"),
        "vat_without_total",
        id="VAT on a zero total",
    ),
    pytest.param(
        BillVat(
            D("1190.00"),
            D("190.00"),
            supplier_country="DE",
            breakdown=(S("S", "19", "1000.00", "190.00"),),
        ),
        dict(account_code="I25"),
        "foreign_vat",
        id="German 19% VAT is not Danish VAT",
    ),
    pytest.param(
        BillVat(D("1190.00"), D("190.00"), supplier_country="DE"),
        dict(account_code="I25"),
        "foreign_vat",
        id="a foreign supplier's VAT that is not 25% is not split as if Danish",
    ),
    pytest.param(
        BillVat(D("1120.00"), D("120.00"), breakdown=(S("S", "12", "1000.00", "120.00"),)),
        dict(account_code="I25"),
        "vat_rate_mismatch",
        id="an e-invoice rate the code does not have",
    ),
    pytest.param(
        BillVat(D("1000.00"), D("0.00"), breakdown=(S("AE", "0", "1000.00", "0.00"),)),
        dict(account_code="I25"),
        "reverse_charge_code_missing",
        id="reverse charge without a code",
    ),
    pytest.param(
        BillVat(D("1250.00"), D("250.00"), breakdown=(S("AE", "25", "1000.00", "250.00"),)),
        dict(account_code="I25", reverse_charge_code="IEUY"),
        "vat_on_reverse_charge",
        id="reverse charge that also charges VAT",
    ),
    pytest.param(
        BillVat(D("500.00"), D("0.00"), breakdown=(S("AE", "0", "1000.00", "0.00"),)),
        dict(account_code="I25", reverse_charge_code="IEUY"),
        "vat_breakdown_mismatch",
        id="a reverse-charge subtotal larger than the bill",
    ),
    pytest.param(
        BillVat(D("1250.00"), D("250.00")),
        dict(account_code=""),
        "vat_code_missing",
        id="VAT on an account without a code, and no purchase code",
    ),
    pytest.param(
        BillVat(D("1250.00"), D("250.00")),
        dict(account_code="X99"),
        "vat_code_unknown",
        id="a code the system does not have",
    ),
]
