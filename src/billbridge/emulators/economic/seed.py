"""Deterministic seed data: app tokens, users, agreements and their books.

The chart follows the shape of e-conomic's Danish standard chart (4-digit numbers). Numbers
that rest on the demo agreement (economic.md §3.2): 5820 Bank (contra of every official
journal example), 6800 creditors (account of supplier group 1). 5810/5830 (kasse, debitkort),
6620 Kassekredit and 6710/6720 Kreditkort sit in the 5800 and 6600/6700 groups named in
SPEC S-e8; those exact numbers are this emulator's choice. VAT codes I25/U25 rest on §4.3; the
EU/abroad codes are the usual Danish ones (UNCONFIRMED). Payment terms are the demo's (§4.4),
VAT zones the demo's (§4.3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

APP_SECRET_TOKEN = "econ-emu-app-secret-7f3a9c2e5b1d4086"
APP_PUBLIC_TOKEN = "econ-emu-app-public-2b8e6d4f0a9c1357"
APP_NUMBER = 4711
APP_NAME = "billbridge"
APP_ROLE = {"roleNumber": 2, "name": "SuperUser"}

# (number, name, accountType, debitCredit, vatCode or None, totalFrom or None)
_CHART: list[tuple[int, str, str, str, str | None, int | None]] = [
    (1000, "RESULTATOPGØRELSE", "headingStart", "debit", None, None),
    (1001, "Omsætning", "heading", "debit", None, None),
    (1010, "Salg af varer/ydelser m/moms", "profitAndLoss", "credit", "U25", None),
    (1020, "Salg af varer/ydelser u/moms", "profitAndLoss", "credit", None, None),
    (1030, "Salg af varer til EU", "profitAndLoss", "credit", "UEUV", None),
    (1040, "Salg af ydelser til EU", "profitAndLoss", "credit", "UEUY", None),
    (1099, "Omsætning i alt", "totalFrom", "credit", None, 1001),
    (1300, "Vareforbrug", "heading", "debit", None, None),
    (1310, "Varekøb m/moms", "profitAndLoss", "debit", "I25", None),
    (1320, "Varekøb fra EU", "profitAndLoss", "debit", "IEUV", None),
    (1330, "Varekøb fra udlandet", "profitAndLoss", "debit", "IVV", None),
    (1399, "Vareforbrug i alt", "totalFrom", "debit", None, 1300),
    (1499, "DÆKNINGSBIDRAG", "totalFrom", "debit", None, 1001),
    (2000, "Salgsomkostninger", "heading", "debit", None, None),
    (2010, "Annoncer og reklame", "profitAndLoss", "debit", "I25", None),
    (2020, "Repræsentation", "profitAndLoss", "debit", "REP", None),
    (2030, "Rejseudgifter", "profitAndLoss", "debit", "I25", None),
    (2040, "Gaver og blomster", "profitAndLoss", "debit", "I25", None),
    (2099, "Salgsomkostninger i alt", "totalFrom", "debit", None, 2000),
    (2200, "Lokaleomkostninger", "heading", "debit", None, None),
    (2210, "Husleje", "profitAndLoss", "debit", None, None),
    (2220, "El, vand og varme", "profitAndLoss", "debit", "I25", None),
    (2230, "Rengøring", "profitAndLoss", "debit", "I25", None),
    (2240, "Reparation og vedligeholdelse", "profitAndLoss", "debit", "I25", None),
    (2299, "Lokaleomkostninger i alt", "totalFrom", "debit", None, 2200),
    (2400, "Bilomkostninger", "heading", "debit", None, None),
    (2410, "Brændstof", "profitAndLoss", "debit", "I25", None),
    (2420, "Parkering og bro", "profitAndLoss", "debit", "I25", None),
    (2430, "Bilreparation", "profitAndLoss", "debit", "I25", None),
    (2499, "Bilomkostninger i alt", "totalFrom", "debit", None, 2400),
    (2700, "Administrationsomkostninger", "heading", "debit", None, None),
    (2710, "Telefon og internet", "profitAndLoss", "debit", "I25", None),
    (2720, "Porto og gebyrer", "profitAndLoss", "debit", None, None),
    (2730, "IT-udgifter og software", "profitAndLoss", "debit", "I25", None),
    (2740, "Software og abonnementer fra EU", "profitAndLoss", "debit", "IEUY", None),
    (2750, "Software og abonnementer fra udlandet", "profitAndLoss", "debit", "IVY", None),
    (2760, "Revisor og bogføring", "profitAndLoss", "debit", "I25", None),
    (2770, "Advokat", "profitAndLoss", "debit", "I25", None),
    (2780, "Forsikringer", "profitAndLoss", "debit", None, None),
    (2790, "Småanskaffelser", "profitAndLoss", "debit", "I25", None),
    (2800, "Kontorartikler", "profitAndLoss", "debit", "I25", None),
    (2810, "Faglitteratur og kurser", "profitAndLoss", "debit", "I25", None),
    (2899, "Administrationsomkostninger i alt", "totalFrom", "debit", None, 2700),
    (3600, "Finansielle poster", "heading", "debit", None, None),
    (3610, "Renteindtægter", "profitAndLoss", "credit", None, None),
    (3620, "Renteudgifter", "profitAndLoss", "debit", None, None),
    (3630, "Bankgebyrer", "profitAndLoss", "debit", None, None),
    (3699, "Finansielle poster i alt", "totalFrom", "debit", None, 3600),
    (3999, "ÅRETS RESULTAT", "totalFrom", "debit", None, 1000),
    (5000, "BALANCE", "headingStart", "debit", None, None),
    (5001, "Aktiver", "heading", "debit", None, None),
    (5100, "Inventar", "status", "debit", "I25", None),
    (5600, "Debitorer", "status", "debit", None, None),
    (5700, "Forudbetalte omkostninger", "status", "debit", None, None),
    (5800, "Likvide beholdninger", "heading", "debit", None, None),
    (5810, "Kasse", "status", "debit", None, None),
    (5820, "Bank", "status", "debit", None, None),
    (5830, "Debitkort", "status", "debit", None, None),
    (5840, "MobilePay", "status", "debit", None, None),
    (5899, "Likvide beholdninger i alt", "totalFrom", "debit", None, 5800),
    (5999, "Aktiver i alt", "totalFrom", "debit", None, 5001),
    (6000, "Passiver", "heading", "credit", None, None),
    (6100, "Egenkapital", "heading", "credit", None, None),
    (6110, "Egenkapital primo", "status", "credit", None, None),
    (6120, "Overført resultat", "status", "credit", None, None),
    (6199, "Egenkapital i alt", "totalFrom", "credit", None, 6100),
    (6600, "Kortfristet gæld", "heading", "credit", None, None),
    (6620, "Kassekredit", "status", "credit", None, None),
    (6700, "Kreditkort", "heading", "credit", None, None),
    (6710, "Kreditkort Mastercard", "status", "credit", None, None),
    (6720, "Kreditkort Visa", "status", "credit", None, None),
    (6800, "Leverandørgæld (kreditorer)", "status", "credit", None, None),
    (6900, "Moms", "heading", "credit", None, None),
    (6901, "Salgsmoms", "status", "credit", None, None),
    (6902, "Købsmoms", "status", "debit", None, None),
    (6903, "Moms af varekøb i EU", "status", "credit", None, None),
    (6904, "Moms af ydelseskøb i udlandet", "status", "credit", None, None),
    (6910, "Momsafregning", "status", "credit", None, None),
    (6999, "Passiver i alt", "totalFrom", "credit", None, 6000),
]

# (vatCode, name, ratePercentage, account, contraAccount or None, vatTypeNumber)
_VAT: list[tuple[str, str, float, int, int | None, int]] = [
    ("I25", "Indgående moms 25%", 25.0, 6902, None, 1),
    ("U25", "Udgående moms 25%", 25.0, 6901, None, 2),
    ("IEUV", "Moms af varekøb i EU", 25.0, 6902, 6903, 1),
    ("IEUY", "Moms af ydelseskøb i EU", 25.0, 6902, 6904, 1),
    ("IVV", "Moms af varekøb i udlandet", 25.0, 6902, 6903, 1),
    ("IVY", "Moms af ydelseskøb i udlandet", 25.0, 6902, 6904, 1),
    ("UEUV", "Salg af varer til EU (0%)", 0.0, 6901, None, 2),
    ("UEUY", "Salg af ydelser til EU (0%)", 0.0, 6901, None, 2),
    ("REP", "Repræsentation 25% (25% fradrag)", 6.25, 6902, None, 1),
]
VAT_TYPES = {1: "Købsmoms", 2: "Salgsmoms"}

PAYMENT_TERMS: list[dict[str, Any]] = [
    {"paymentTermsNumber": 1, "name": "Netto 8 dage", "daysOfCredit": 8, "paymentTermsType": "net"},
    {
        "paymentTermsNumber": 2,
        "name": "Netto 14 dage",
        "daysOfCredit": 14,
        "paymentTermsType": "net",
    },
    {
        "paymentTermsNumber": 3,
        "name": "Til omgående betaling",
        "daysOfCredit": 0,
        "paymentTermsType": "net",
    },
    {
        "paymentTermsNumber": 4,
        "name": "Løbende måned 30 dage",
        "daysOfCredit": 30,
        "paymentTermsType": "invoiceMonth",
    },
    {
        "paymentTermsNumber": 5,
        "name": "Netto 30 dage",
        "daysOfCredit": 30,
        "paymentTermsType": "net",
    },
]

VAT_ZONES: list[dict[str, Any]] = [
    {
        "vatZoneNumber": 1,
        "name": "Domestic",
        "enabledForCustomer": True,
        "enabledForSupplier": True,
    },
    {"vatZoneNumber": 2, "name": "EU", "enabledForCustomer": True, "enabledForSupplier": True},
    {"vatZoneNumber": 3, "name": "Abroad", "enabledForCustomer": True, "enabledForSupplier": True},
    {"vatZoneNumber": 4, "name": "Domestic exempt VAT", "enabledForCustomer": True},
]

CURRENCIES: list[dict[str, Any]] = [
    {"code": "DKK", "isoNumber": "208", "name": "Danske kroner"},
    {"code": "EUR", "isoNumber": "978", "name": "Euro"},
    {"code": "USD", "isoNumber": "840", "name": "Amerikanske dollar"},
    {"code": "SEK", "isoNumber": "752", "name": "Svenske kroner"},
    {"code": "NOK", "isoNumber": "578", "name": "Norske kroner"},
    {"code": "GBP", "isoNumber": "826", "name": "Britiske pund"},
]

# Rates per 100 units, as exchangeRate is expressed (§5.4: DKK→DKK = 100).
EXCHANGE_RATES = {"DKK": 100.0, "EUR": 746.0, "USD": 690.0, "SEK": 64.0, "NOK": 62.0, "GBP": 865.0}

MODULES_BASE = [
    {"moduleNumber": 14, "name": "Dimension (afdeling/kvantum)"},
    {"moduleNumber": 57, "name": "Budget"},
]
MODULE_INDSCANNING = {"moduleNumber": 3, "name": "Indscanning"}


def _token(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _accounts(extra: int = 0) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for number, name, kind, dc, vat, total_from in _CHART:
        acc: dict[str, Any] = {
            "accountNumber": number,
            "accountType": kind,
            "balance": 0.0,
            "debitCredit": dc,
            "name": name,
        }
        if kind in ("heading", "headingStart", "totalFrom"):
            acc["blockDirectEntries"] = True
        if vat:
            acc["vatAccount"] = {"vatCode": vat}
        if total_from:
            acc["totalFromAccount"] = {"accountNumber": total_from}
        out[str(number)] = acc
    # Benchmark: pad with operating-expense accounts 4000.. up to the wanted size.
    n = 4000
    while len(out) < extra:
        out[str(n)] = {
            "accountNumber": n,
            "accountType": "profitAndLoss",
            "balance": 0.0,
            "debitCredit": "debit",
            "name": f"Driftsomkostning {n}",
            "vatAccount": {"vatCode": "I25"},
        }
        n += 1
    return out


def _vat_accounts() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for code, name, rate, account, contra, vtype in _VAT:
        va: dict[str, Any] = {
            "vatCode": code,
            "name": name,
            "ratePercentage": rate,
            "account": {"accountNumber": account},
            "vatType": {"vatTypeNumber": vtype, "name": VAT_TYPES[vtype]},
        }
        if contra:
            va["contraAccount"] = {"accountNumber": contra}
        out[code] = va
    return out


def _journals() -> dict[str, dict[str, Any]]:
    """Journal 1 unrestricted; 2 and 3 restricted like the demo's 'Indbetalinger' (§2.2)."""
    return {
        "1": {"journalNumber": 1, "name": "Kassekladde", "minimumVoucherNumber": 1},
        "2": {
            "journalNumber": 2,
            "name": "Leverandørfakturaer",
            "minimumVoucherNumber": 20001,
            "entryTypeRestrictedTo": "supplierInvoice",
        },
        "3": {
            "journalNumber": 3,
            "name": "Leverandørbetalinger",
            "minimumVoucherNumber": 30001,
            "entryTypeRestrictedTo": "supplierPayment",
            "contraAccounts": {"supplierPayments": 5820},
        },
    }


def month_periods(from_date: str, to_date: str) -> list[dict[str, Any]]:
    """One period per calendar month of the year, all open [GUESS: monthly periods, numbered
    from 1, as a new Danish agreement gets them]."""
    start, end = dt.date.fromisoformat(from_date), dt.date.fromisoformat(to_date)
    out: list[dict[str, Any]] = []
    first = start
    while first <= end:
        nxt = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last = min(nxt - dt.timedelta(days=1), end)
        out.append(
            {
                "periodNumber": len(out) + 1,
                "fromDate": first.isoformat(),
                "toDate": last.isoformat(),
                "state": "open",
            }
        )
        first = nxt
    return out


def _years(split: bool) -> list[dict[str, Any]]:
    """Two accounting years, every period open (see ``periods``)."""
    spans = (
        [("2025/2026", "2025-07-01", "2026-06-30"), ("2026/2027", "2026-07-01", "2027-06-30")]
        if split
        else [("2025", "2025-01-01", "2025-12-31"), ("2026", "2026-01-01", "2026-12-31")]
    )
    return [
        {"year": y, "fromDate": f, "toDate": t, "periods": month_periods(f, t)} for y, f, t in spans
    ]


def _suppliers(kind: str) -> dict[str, dict[str, Any]]:
    rows: list[tuple[int, str, str, str, str, int, int, str]] = [
        (1, "Office Danmark A/S", "26150004", "2605", "Brøndby", 5, 1, "DKK"),
        (2, "TDC Erhverv", "14773908", "0900", "København C", 2, 1, "DKK"),
        (3, "Ørsted Salg & Service A/S", "27446469", "2820", "Gentofte", 1, 1, "DKK"),
        (4, "Adobe Systems Software Ireland Ltd", "IE6364992H", "D24", "Dublin", 3, 2, "EUR"),
    ]
    if kind == "cafe":
        rows.append((5, "Hørkram Foodservice A/S", "43233112", "4180", "Sorø", 2, 1, "DKK"))
        rows.append((6, "Carlsberg Danmark A/S", "25508343", "1799", "København V", 5, 1, "DKK"))
    out: dict[str, dict[str, Any]] = {}
    for number, name, cvr, zipc, city, terms, group, cur in rows:
        out[str(number)] = {
            "supplierNumber": number,
            "name": name,
            "corporateIdentificationNumber": cvr,
            "zip": zipc,
            "city": city,
            "country": "Danmark" if group == 1 else "Irland",
            "currency": cur,
            "paymentTerms": {"paymentTermsNumber": terms},
            "supplierGroup": {"supplierGroupNumber": group},
            "vatZone": {"vatZoneNumber": 1 if group == 1 else 2},
        }
    return out


def _agreement(
    number: int, name: str, cvr: str, address: str, zipc: str, city: str, *, kind: str = "std"
) -> dict[str, Any]:
    return {
        "agreementNumber": number,
        "company": {
            "name": name,
            "companyIdentificationNumber": cvr,
            "vatNumber": cvr,
            "addressLine1": address,
            "zip": zipc,
            "city": city,
            "country": "Danmark",
        },
        "grantToken": _token("grant", str(number), "0"),
        "grantGeneration": 0,
        "grantRevoked": False,
        "indscanning": True,
        "accounts": _accounts(1000 if kind == "bench" else 0),
        "vatAccounts": _vat_accounts(),
        "journals": _journals(),
        "accountingYears": _years(split=kind == "cafe"),
        "suppliers": _suppliers(kind),
        "supplierGroups": {
            "1": {"supplierGroupNumber": 1, "name": "Leverandører, indland", "account": 6800},
            "2": {"supplierGroupNumber": 2, "name": "Leverandører, udland", "account": 6800},
        },
        "entries": {},  # draft entries (the kassekladder), by journalEntryNumber
        "vouchers": {},  # draft vouchers, by "journal|year|number"
        "nextEntryNumber": 1,
        "bookedEntries": [],  # the ledger, see ``ledger``
        "bookedVouchers": {},  # by "year|number": origin journal, attachment
        "nextBookedEntryNumber": 1,
    }


def seed_state() -> dict[str, Any]:
    """The full initial state; plain JSON so it can be persisted as is."""
    agreements = [
        _agreement(
            701001, "Nordlys Design ApS", "41234567", "Nørrebrogade 12", "2200", "København N"
        ),
        _agreement(
            701002, "Havnens Café ApS", "42345678", "Havnegade 3", "5000", "Odense C", kind="cafe"
        ),
        _agreement(
            701003, "Bogholderiet Revision ApS", "43456789", "Vestergade 40", "8000", "Aarhus C"
        ),
        _agreement(
            701004, "Benchmark ApS", "44567890", "Testvej 1", "2100", "København Ø", kind="bench"
        ),
    ]
    return {
        "app": {
            "appSecretToken": APP_SECRET_TOKEN,
            "appPublicToken": APP_PUBLIC_TOKEN,
            "appNumber": APP_NUMBER,
            "name": APP_NAME,
        },
        "users": [
            {
                "username": "nordlys@example.com",
                "password": "demo",
                "name": "Nora Lys",
                "agreementNumbers": [701001],
            },
            {
                "username": "havnen@example.com",
                "password": "demo",
                "name": "Hans Havn",
                "agreementNumbers": [701002],
            },
            {
                "username": "revisor@example.com",
                "password": "demo",
                "name": "Rikke Revisor",
                # An administrator: logs in to no agreement of her own and clicks *Administrer*
                # on one client agreement at a time (economic.md §1.4, §10.3). The firm's own
                # books (701003) are administered like any client's [GUESS].
                "administrator": True,
                "agreementNumbers": [701001, 701002, 701003],
            },
            {
                "username": "bench@example.com",
                "password": "demo",
                "name": "Bent Bench",
                "agreementNumbers": [701004],
            },
        ],
        "agreements": {str(a["agreementNumber"]): a for a in agreements},
    }


def upgrade_state(state: dict[str, Any]) -> dict[str, Any]:
    """A state file written by an older emulator, brought up to today's keys (the demo keeps
    its state between runs)."""
    for agreement in state.get("agreements", {}).values():
        agreement.pop("apiEnabled", None)  # there is no such switch (economic.md §10.4)
        agreement.setdefault("bookedEntries", [])
        agreement.setdefault("bookedVouchers", {})
        agreement.setdefault("nextBookedEntryNumber", 1)
        for year in agreement.get("accountingYears", []):
            if not year.get("periods"):
                year["periods"] = month_periods(year["fromDate"], year["toDate"])
            if year.pop("closed", False):
                for period in year["periods"]:
                    period["state"] = "closed"
    for user in state.get("users", []):
        user.setdefault("administrator", len(user.get("agreementNumbers", [])) > 1)
    return state


def new_grant_token(agreement_number: int, generation: int) -> str:
    """Deterministic token for the n-th grant of an agreement (after a revoke)."""
    return _token("grant", str(agreement_number), str(generation))
