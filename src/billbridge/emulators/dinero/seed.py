"""Deterministic seed data for the Dinero emulator (printed by the demo, used by tests).

The chart is modelled on Dinero's Danish standard chart ("standardkontoplan"). What is
confirmed (api/dinero.md, seed guide): five-digit numbers, 55000 = the bank (a deposit account,
the usual counter account for payments), 99999 = the usual fallback for uncategorised bills,
purchase VAT code I25. The other numbers, names and categories are a GUESS at a plausible
standard chart; clients must read the chart from the API and never hard-code these.
"""

from __future__ import annotations

from typing import Any

CLIENT_ID = "billbridge-demo"
CLIENT_SECRET = "demo-secret-7f3c9a51e2b84d06"

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "organization_id": "112233",
        "name": "Nordlys Design ApS",
        "api_key": "nordlys-api-key-5d2e8b41c7a09f36",
        "chart": "standard",
    },
    {
        "organization_id": "445566",
        "name": "Havnens Café ApS",
        "api_key": "havnen-api-key-9b17f4e30c6d2a58",
        "chart": "standard",
    },
    {
        "organization_id": "990001",
        "name": "Benchmark ApS",
        "api_key": "bench-api-key-0e6a3c95d18f7b24",
        "chart": "bench",
    },
]

# VAT types. Codes I25/U25/none appear in client code; the rest and the fields are a GUESS.
VAT_TYPES: list[dict[str, Any]] = [
    {"VatCode": "none", "Name": "Ingen moms", "VatRate": 0.0},
    {"VatCode": "I25", "Name": "Købsmoms 25%", "VatRate": 0.25},
    {"VatCode": "IREP", "Name": "Repræsentation (25% af købsmomsen)", "VatRate": 0.0625},
    {"VatCode": "IEUV", "Name": "Køb af varer i EU (omvendt betalingspligt)", "VatRate": 0.25},
    {"VatCode": "IEUY", "Name": "Køb af ydelser i EU (omvendt betalingspligt)", "VatRate": 0.25},
    {"VatCode": "IVV", "Name": "Køb af varer uden for EU", "VatRate": 0.25},
    {"VatCode": "IVY", "Name": "Køb af ydelser uden for EU", "VatRate": 0.25},
    {"VatCode": "U25", "Name": "Salgsmoms 25%", "VatRate": 0.25},
    {"VatCode": "UEUV", "Name": "Salg af varer til EU", "VatRate": 0.0},
    {"VatCode": "UEUY", "Name": "Salg af ydelser til EU", "VatRate": 0.0},
]

_R, _E, _A, _L, _Q = "Revenue", "Expenses", "Assets", "Liabilities", "Equity"

# (number, name, VAT code, category, hidden, default sales account)
_STANDARD: list[tuple[int, str, str, str, bool, bool]] = [
    (10000, "Salg af varer/ydelser m/moms", "U25", _R, False, True),
    (10100, "Salg af varer/ydelser u/moms", "none", _R, False, False),
    (10200, "Salg af varer til EU", "UEUV", _R, False, False),
    (10300, "Salg af ydelser til EU", "UEUY", _R, False, False),
    (10400, "Salg til lande uden for EU", "none", _R, False, False),
    (20000, "Varekøb m/moms", "I25", _E, False, False),
    (20100, "Varekøb i EU", "IEUV", _E, False, False),
    (20200, "Ydelseskøb i EU", "IEUY", _E, False, False),
    (20300, "Varekøb uden for EU", "IVV", _E, False, False),
    (20400, "Fremmed arbejde", "I25", _E, False, False),
    (30000, "Annoncer og reklame", "I25", _E, False, False),
    (30100, "Repræsentation", "IREP", _E, False, False),
    (30200, "Rejseudgifter", "none", _E, False, False),
    (30300, "Gaver og blomster", "I25", _E, False, False),
    (32000, "Husleje", "none", _E, False, False),
    (32100, "El, vand og varme", "I25", _E, False, False),
    (32200, "Rengøring", "I25", _E, False, False),
    (32300, "Vedligeholdelse af lokaler", "I25", _E, False, False),
    (33000, "Brændstof", "I25", _E, False, False),
    (33100, "Bilforsikring", "none", _E, False, False),
    (33200, "Parkering og broafgift", "I25", _E, False, False),
    (34000, "Kontorartikler", "I25", _E, False, False),
    (34100, "Telefon og internet", "I25", _E, False, False),
    (34200, "Software og IT", "I25", _E, False, False),
    (34300, "Porto og fragt", "I25", _E, False, False),
    (34400, "Forsikringer", "none", _E, False, False),
    (34500, "Revisor og bogholder", "I25", _E, False, False),
    (34600, "Advokat", "I25", _E, False, False),
    (34700, "Faglitteratur", "I25", _E, False, False),
    (34800, "Kontingenter", "none", _E, False, False),
    (34900, "Småanskaffelser", "I25", _E, False, False),
    (35000, "Bankgebyrer", "none", _E, False, False),
    (35100, "Kurser og uddannelse", "I25", _E, False, False),
    (36000, "Lønninger", "none", _E, False, False),
    (36100, "ATP og sociale bidrag", "none", _E, False, False),
    (36200, "Personaleudgifter", "I25", _E, False, False),
    (38000, "Afskrivninger", "none", _E, False, False),
    (40000, "Renteindtægter", "none", _R, False, False),
    (40100, "Renteudgifter", "none", _E, False, False),
    (50000, "Inventar og udstyr", "none", _A, False, False),
    (51000, "Debitorer", "none", _A, False, False),
    (55000, "Bank", "none", _A, False, False),
    (55100, "Kasse", "none", _A, False, False),
    (55200, "Opsparingskonto", "none", _A, False, False),
    (56000, "Mellemregning med ejer", "none", _A, False, False),
    (58000, "Kreditorer", "none", _L, False, False),
    (61000, "Salgsmoms", "none", _L, True, False),
    (61100, "Købsmoms", "none", _L, True, False),
    (61200, "Moms af varekøb i udlandet", "none", _L, True, False),
    (61300, "Moms af ydelseskøb i udlandet", "none", _L, True, False),
    (61400, "Momsafregning", "none", _L, True, False),
    (63000, "Egenkapital", "none", _Q, False, False),
    (63100, "Overført resultat", "none", _Q, False, False),
    (63200, "Privat hævet", "none", _Q, False, False),
    (99999, "Ikke kategoriseret (mellemregning)", "none", _A, False, False),
]

# Deposit (bank/cash) accounts: 55000 is confirmed as the bank; the others are a GUESS.
_DEPOSIT = {55000, 55100, 55200}

BENCH_CHART_SIZE = 1000


def standard_chart() -> list[dict[str, Any]]:
    """The standard chart as entry-account dicts (API field names)."""
    return [
        {
            "AccountNumber": number,
            "Name": name,
            "VatCode": vat,
            "Category": category,
            "IsHidden": hidden,
            "IsDefaultSalesAccount": default_sales,
            "IsDeposit": number in _DEPOSIT,
        }
        for number, name, vat, category, hidden, default_sales in _STANDARD
    ]


def bench_chart() -> list[dict[str, Any]]:
    """The standard chart padded with generated expense accounts to 1,000 entry accounts."""
    chart = standard_chart()
    number = 70000
    while len(chart) < BENCH_CHART_SIZE:
        chart.append(
            {
                "AccountNumber": number,
                "Name": f"Udgiftskonto {number}",
                "VatCode": "I25" if number % 3 else "none",
                "Category": _E,
                "IsHidden": False,
                "IsDefaultSalesAccount": False,
                "IsDeposit": False,
            }
        )
        number += 10
    return sorted(chart, key=lambda a: a["AccountNumber"])
