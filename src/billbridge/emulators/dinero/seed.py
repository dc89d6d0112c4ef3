"""Deterministic seed data for the Dinero emulator (printed by the demo, used by tests).

The chart is Dinero's Danish standard chart ("standardkontoplan") as extracted in
digi-tal-regnskab/dinero-skills `standardkontoplan.md` (dinero.md §3): numbers, names and VAT
codes are Dinero's. Each account's `Category` is one of the exact category strings of the
OpenAPI file (`EntryAccountReadModel.Category`); which range gets which category, and the
Danish `CategoryName`s, are a [GUESS] from the account names (the extract lists only
income/expense/asset/liability). Clients must read the chart from the API, never hard-code it.
"""

from __future__ import annotations

from typing import Any

# ---------------------------------------------------------------- the personal integration
# The legacy API-key grant (dinero.md §1.2): a client id and secret issued by Dinero by e-mail.
CLIENT_ID = "billbridge-demo"
CLIENT_SECRET = "demo-secret-7f3c9a51e2b84d06"

# ---------------------------------------------------------------- Visma Connect
# A Visma Connect "Web application" (client ids start with `isv_`, dinero.md §1.1).
CONNECT_CLIENT_ID = "isv_billbridge_demo"
CONNECT_CLIENT_SECRET = "connect-secret-3b9e61d0a7c54f28"
CONNECT_SCOPES = ("openid", "profile", "email", "dineropublicapi:read", "dineropublicapi:write",
                  "offline_access")  # fmt: skip

# Visma Connect users and the Dinero organisations they can reach.
USERS: list[dict[str, Any]] = [
    {
        "email": "nordlys@example.com",
        "password": "demo",
        "name": "Nanna Nordlys",
        "organizations": ["112233"],
    },
    {
        "email": "lille@example.com",
        "password": "demo",
        "name": "Lars Lille",
        "organizations": ["778899"],  # a company without Dinero Pro
    },
    {
        "email": "revisor@example.com",
        "password": "demo",
        "name": "Rikke Revisor",
        "organizations": ["112233", "445566", "778899"],
    },
]

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "organization_id": "112233",
        "name": "Nordlys Design ApS",
        "api_key": "nordlys-api-key-5d2e8b41c7a09f36",
        "chart": "standard",
        "is_pro": True,
    },
    {
        "organization_id": "445566",
        "name": "Havnens Café ApS",
        "api_key": "havnen-api-key-9b17f4e30c6d2a58",
        "chart": "standard",
        "is_pro": True,
    },
    {
        "organization_id": "778899",
        "name": "Lille Butik IVS",
        "api_key": "lille-api-key-2c84e7f915b03d6a",
        "chart": "standard",
        "is_pro": False,
    },
    {
        "organization_id": "990001",
        "name": "Benchmark ApS",
        "api_key": "bench-api-key-0e6a3c95d18f7b24",
        "chart": "bench",
        "is_pro": True,
    },
]

# ---------------------------------------------------------------- VAT types
# Codes of the standard set (dinero.md §3). `VatRate` as `VatTypeReadModel` has it; names are
# Dinero's Danish descriptions as far as known [GUESS wording]. How each code books VAT is the
# emulator's model of Danish VAT (see ledger.vat_of):
#   "purchase"/"sale": the rate's VAT lifted out of the gross amount;
#   "reverse": reverse charge - the rate's VAT computed on top, booked as input and output VAT
#              (net zero) [GUESS at Dinero's booking];
#   "none": no VAT (export/EU sales at 0 %).
# REP: representation, 25 % of the VAT deductible [GUESS: Dinero's VatRate for REP is not
# published; 0.25 with a deductible share of 25 %].
VAT_TYPES: list[dict[str, Any]] = [
    {"VatCode": "I25", "Name": "Købsmoms (25%)", "VatRate": 0.25, "kind": "purchase"},
    {"VatCode": "IEUV", "Name": "Køb af varer i EU (25%)", "VatRate": 0.25, "kind": "reverse"},
    {
        "VatCode": "IEUY",
        "Name": "Køb af ydelser i EU (25%)",
        "VatRate": 0.25,
        "kind": "reverse",
    },  # fmt: skip
    {
        "VatCode": "IVV",
        "Name": "Køb af varer uden for EU (25%)",
        "VatRate": 0.25,
        "kind": "reverse",
    },  # fmt: skip
    {
        "VatCode": "IVY",
        "Name": "Køb af ydelser uden for EU (25%)",
        "VatRate": 0.25,
        "kind": "reverse",
    },  # fmt: skip
    {
        "VatCode": "REP",
        "Name": "Repræsentation (25% fradrag)",
        "VatRate": 0.25,
        "kind": "purchase",
        "deductible": 0.25,
    },  # fmt: skip
    {
        "VatCode": "OBPK",
        "Name": "Omvendt betalingspligt, køb (25%)",
        "VatRate": 0.25,
        "kind": "reverse",
    },  # fmt: skip
    {"VatCode": "U25", "Name": "Salgsmoms (25%)", "VatRate": 0.25, "kind": "sale"},
    {"VatCode": "UEUV", "Name": "Salg af varer til EU (0%)", "VatRate": 0.0, "kind": "none"},
    {
        "VatCode": "UEUV2",
        "Name": "Salg af varer til EU, indberettes ikke (0%)",
        "VatRate": 0.0,
        "kind": "none",
    },  # fmt: skip
    {"VatCode": "UEUY", "Name": "Salg af ydelser til EU (0%)", "VatRate": 0.0, "kind": "none"},
    {"VatCode": "UVV", "Name": "Salg af varer uden for EU (0%)", "VatRate": 0.0, "kind": "none"},
    {
        "VatCode": "UVY",
        "Name": "Salg af ydelser uden for EU (0%)",
        "VatRate": 0.0,
        "kind": "none",
    },  # fmt: skip
]

# ---------------------------------------------------------------- categories
# (first number, last number, Category, CategoryName) - Category strings are the file's.
_CATEGORIES: list[tuple[int, int, str, str]] = [
    (1000, 1999, "Turnover", "Omsætning"),
    (2000, 2999, "Variable Expenses", "Variable omkostninger"),
    (3000, 3999, "Salary", "Lønninger"),
    (4000, 4270, "Sales Expenses", "Salgsomkostninger"),
    (4280, 4999, "Travel Expenses", "Rejseomkostninger"),
    (5000, 5999, "Property Expenses", "Lokaleomkostninger"),
    (6000, 6999, "Travel Expenses", "Transportomkostninger"),
    (7000, 7999, "Administration Expenses", "Administrationsomkostninger"),
    (8000, 8999, "Depreciation", "Afskrivninger"),
    (9000, 9199, "Interest Income", "Renteindtægter"),
    (9200, 9399, "Interest Expenses", "Renteudgifter"),
    (9400, 9999, "Tax", "Skat"),
    (50000, 50999, "IntangibleProperty", "Immaterielle anlægsaktiver"),
    (51000, 51499, "Property", "Materielle anlægsaktiver"),
    (51500, 51999, "Financial Assets", "Finansielle anlægsaktiver"),
    (52000, 52999, "Turnover Assets", "Varebeholdninger"),
    (53000, 54999, "Receivables", "Tilgodehavender"),
    (55000, 59999, "Liquid Assets", "Likvide beholdninger"),
    (60000, 60999, "Equity", "Egenkapital"),
    (61000, 62999, "Long Term Debt", "Langfristet gæld"),
    (63000, 63999, "Short Term Debt", "Kortfristet gæld"),
    (64000, 64999, "Vat Due", "Skyldig moms"),
    (65000, 65999, "Salary Due", "Skyldig løn"),
    (99999, 99999, "Analysis", "Analyse"),
]

# (number, name, VAT code or None) - Dinero's standard chart (dinero-skills extract).
_STANDARD: list[tuple[int, str, str | None]] = [
    (1000, "Salg af varer/ydelser m/moms", "U25"),
    (1050, "Salg af varer/ydelser u/moms", None),
    (1100, "EU-leverancer varer - Indberettes (rubrik B-varer)", "UEUV"),
    (1150, "EU-leverancer varer - Indberettes ikke (rubrik B-varer)", "UEUV2"),
    (1200, "EU-leverancer ydelser (rubrik B-ydelser)", "UEUY"),
    (1255, "Salg af varer til udlandet (rubrik C)", "UVV"),
    (1260, "Salg af ydelser til udlandet (rubrik C)", "UVY"),
    (1300, "Salg af fragt - momsfrie", None),
    (1350, "Salg af fragt - momspligtig", "U25"),
    (1400, "Rykkergebyrer, administrationsgebyr mv.", None),
    (1445, "Valutakursdifferencer, eksport", None),
    (1500, "Gevinst ved salg af materielle anlægsaktiver", None),
    (1550, "Gevinst ved salg af immaterielle anlægsaktiver", None),
    (2000, "Vareforbrug", "I25"),
    (2050, "EU-erhvervelser varer (rubrik A-varer)", "IEUV"),
    (2100, "EU-erhvervelser ydelser (rubrik A-ydelser)", "IEUY"),
    (2150, "Varekøb verden", "IVV"),
    (2200, "Ydelseskøb verden", "IVY"),
    (2250, "Fragt med moms", "I25"),
    (2300, "Fragt uden moms", None),
    (2350, "Fragt - EU", "IEUV"),
    (2400, "Valutakursdifferencer, import", None),
    (2450, "Varelagerregulering", None),
    (2800, "Fremmed arbejde", "I25"),
    (3000, "AM-indkomst", None),
    (3020, "Arbejdsgiver ATP", None),
    (3040, "Medarbejder ATP", None),
    (3060, "Sygepenge mv.", None),
    (3070, "Personalegoder, herunder fri telefon", None),
    (3080, "B-honorar", None),
    (3090, "Barsel", None),
    (3100, "Feriepenge og SH", None),
    (3120, "Pension", None),
    (3140, "Diæter/rejsegodtgørelse", None),
    (3160, "Kørsel i egen bil (kilometergodtgørelse)", None),
    (3180, "AER/AES/ATP-finansieringsbidrag", None),
    (3200, "Arbejdstøj", "I25"),
    (3220, "Personaleforsikringer", None),
    (3240, "Mad under kursus/møder mv., fuldt fradrag", "I25"),
    (3260, "Gaver til personalet, fuldt fradrag", None),
    (3280, "Uddannelsesudgifter", "I25"),
    (3300, "Diverse vedr. ansatte med moms", "I25"),
    (3320, "Diverse vedr. ansatte uden moms", None),
    (3340, "Regulering feriepenge", None),
    (3355, "Frokostordning til ansatte", None),
    (4000, "Annoncer og reklame", "I25"),
    (4020, "Udsmykning i forbindelse med arrangementer/events", "I25"),
    (4040, "Hotel, personale, fuldt fradrag", "I25"),
    (4060, "Hotel, forretningsforbindelser, delvis fradrag", "I25"),
    (4080, "Konferencer", None),
    (4100, "Messer", "I25"),
    (4120, "Repræsentation, restaurant, personale, fuldt fradrag", "REP"),
    (4140, "Repræsentation, restaurant, forretningsforbindelser, delvis fradrag", "REP"),
    (4160, "Mad i virksomheden til forretningsforbindelser, delvis fradrag", "I25"),
    (4180, "Repræsentation, gaver og blomster, delvis fradrag", None),
    (4200, "Anden fradragsberettiget repræsentation med moms", "I25"),
    (4220, "Repræsentation, diverse", None),
    (4240, "Øvrige personaleomkostninger", "I25"),
    (4260, "Ej fradragsberettiget andel", None),
    (4280, "Rejseomkostninger", None),
    (5000, "Husleje", "I25"),
    (5010, "Husleje uden moms", None),
    (5025, "El", "I25"),
    (5030, "Vand", "I25"),
    (5035, "Varme", "I25"),
    (5040, "Elafgift", None),
    (5045, "Naturgas- og bygasafgift", None),
    (5050, "Vandafgift", None),
    (5060, "Rengøring og affaldshåndtering", "I25"),
    (5080, "Reparation og vedligeholdelse", "I25"),
    (5100, "Ejendomsskat", None),
    (5120, "Ejendomsforsikring", None),
    (5140, "Mødelokaler", "I25"),
    (5160, "Dekoration", "I25"),
    (6000, "Billeje (gulplade)", "I25"),
    (6020, "Brændstof (gulplade)", "I25"),
    (6040, "Vedligeholdelse af bil (gulplade)", "I25"),
    (6060, "Vægtafgift og forsikringer", None),
    (6080, "Parkering (gulplade)", "I25"),
    (6085, "Parkering uden moms", None),
    (6100, "Broafgift", "I25"),
    (6120, "Taxa", None),
    (6140, "Tog", None),
    (6160, "Fly", None),
    (6180, "Bus", None),
    (6200, "Færge", "I25"),
    (6400, "Diverse transportomkostninger uden moms", None),
    (7005, "Revision og regnskabsmæssig assistance", "I25"),
    (7010, "Advokat", "I25"),
    (7020, "Bogføringsassistance", "I25"),
    (7040, "Konsulentbistand", "I25"),
    (7060, "Kontingenter inkl. moms", "I25"),
    (7080, "Kontingenter ekskl. moms", None),
    (7100, "Aviser", None),
    (7120, "Faglitteratur", "I25"),
    (7140, "Anden litteratur", "I25"),
    (7160, "Erhvervsforsikringer", None),
    (7180, "Fragt og kørsel", "I25"),
    (7200, "Kontorartikler og tryksager", "I25"),
    (7220, "Porto og gebyrer", None),
    (7240, "Telefoni", "I25"),
    (7260, "Beskatning af fri telefoni", None),
    (7280, "Regnskabsprogram", "I25"),
    (7300, "Internet og webhotel", "I25"),
    (7320, "Køb af software", "I25"),
    (7340, "Konstateret tab på debitorer", "U25"),
    (7360, "Offentlige bøder og gebyrer", None),
    (7380, "Registrerede kassedifferencer", None),
    (7400, "Betalingsløsning", "I25"),
    (7420, "Indløsere", None),
    (7440, "Licens", None),
    (7460, "Diverse inkl. moms", "I25"),
    (7480, "Diverse ekskl. moms", None),
    (7500, "Generalforsamling, bestyrelsesmøder ude i byen, fuld fradrag", "REP"),
    (7520, "Generalforsamling i virksomhedens lokaler", None),
    (7540, "Bestyrelsesmøder i virksomhedens lokaler", "I25"),
    (7560, "Bestyrelsesmøder ude i byen", "REP"),
    (8000, "Immaterielle anlægsaktiver, afskrivninger", None),
    (8020, "Materielle anlægsaktiver, afskrivninger", None),
    (8040, "Småanskaffelser (straksafskrivning)", "I25"),
    (8050, "Småanskaffelser med omvendt betalingspligt", "OBPK"),
    (8065, "Tab ved salg af materielle anlægsaktiver", None),
    (8070, "Tab ved salg af immaterielle anlægsaktiver", None),
    (9000, "Bankrenter", None),
    (9010, "Renteindtægter diverse", None),
    (9200, "Bankrenter", None),
    (9210, "Leverandører mv.", None),
    (9220, "Ikke-fradragsberettigede renter", None),
    (9400, "Skat af årets resultat", None),
    (9410, "Skat af tidligere år", None),
    (9420, "Regulering af udskudt skat", None),
    (50000, "Immaterielle anlægsaktiver primo", None),
    (50020, "Immaterielle, tilgang i året", "I25"),
    (50040, "Immaterielle, afgang i året", None),
    (50060, "Immaterielle, årets afskrivninger", None),
    (51000, "Driftsmiddel saldo primo", None),
    (51020, "Driftsmiddel, tilgang i året", "I25"),
    (51040, "Driftsmiddel, afgang i året", None),
    (51060, "Driftsmiddel, årets afskrivninger", None),
    (51500, "Værdipapirer og kapitalandele", None),
    (52000, "Varebeholdning", None),
    (52020, "Nedskrivning", None),
    (53000, "Debitorer, ubetalte fakturaer", None),
    (53020, "Hensat til tab på debitorer", None),
    (54000, "Deposita", None),
    (54020, "Igangværende arbejder", None),
    (54040, "Øvrige tilgodehavender", None),
    (54060, "Periodeafgrænsningsposter", None),
    (55000, "Bank", None),
    (55040, "Kontanter (kasse)", None),
    (60000, "Registreret kapital mv.", None),
    (60020, "Overført resultat fra tidligere år", None),
    (60040, "Udbytte", None),
    (61000, "Hensat til erstatninger", None),
    (61020, "Hensat til udskudt skat", None),
    (61040, "Hensat feriepengeforpligtelse", None),
    (62000, "Banklån", None),
    (63000, "Kreditorer, ubetalte regninger", None),
    (63010, "Øvrige skyldige omkostninger", None),
    (63020, "Kreditorer, efterposteringer", None),
    (63040, "Afsat revisor", None),
    (63060, "Skyldig selskabsskat", None),
    (63080, "Gavekort", None),
    (63100, "Udlæg ansatte og ejer", None),
    (63300, "Skattekonto", None),
    (64000, "Salgsmoms (udgående moms)", None),
    (64020, "Moms af varer fra udlandet", None),
    (64040, "Moms af ydelser fra udlandet", None),
    (64060, "Købsmoms (indgående moms)", None),
    (64080, "Elafgift", None),
    (64085, "Vandafgift", None),
    (64090, "Naturgas- og bygasafgift", None),
    (64100, "Momsafregning", None),
    (65000, "Skyldig AM-bidrag", None),
    (65020, "Skyldig A-skat", None),
    (65040, "Skyldig ATP", None),
    (65060, "Skyldige feriepenge", None),
    (65080, "Skyldig pension", None),
    (65100, "Skyldig løn", None),
    (65120, "Andre skyldige lønposter", None),
    (99999, "Analysekonto", None),
]

# Deposit (bank and cash) accounts, `accounts/deposit` (dinero.md §3: usually 55000-55999).
DEPOSIT_ACCOUNTS = {55000, 55040}
DEFAULT_DEPOSIT = 55000  # `IsDefault` in DepositAccountReadModel
DEFAULT_SALES_ACCOUNT = 1000
# VAT accounts are not for postings by hand [GUESS: hidden in Dinero's lists].
HIDDEN_ACCOUNTS = {64000, 64020, 64040, 64060, 64100}
# Where the emulator books the VAT it lifts out (64060 Købsmoms, 64000 Salgsmoms).
PURCHASE_VAT_ACCOUNT = 64060
SALES_VAT_ACCOUNT = 64000

BENCH_CHART_SIZE = 1000


def category_of(number: int) -> tuple[str, str]:
    """(Category, CategoryName) for an account number; "Not Set" outside the known ranges."""
    for first, last, category, name in _CATEGORIES:
        if first <= number <= last:
            return category, name
    return "Not Set", "Ikke angivet"


def _account(number: int, name: str, vat: str | None) -> dict[str, Any]:
    category, category_name = category_of(number)
    return {
        "AccountNumber": number,
        "Name": name,
        "VatCode": vat,
        "Category": category,
        "CategoryName": category_name,
        "IsHidden": number in HIDDEN_ACCOUNTS,
        "IsDefaultSalesAccount": number == DEFAULT_SALES_ACCOUNT,
        "IsDeposit": number in DEPOSIT_ACCOUNTS,
    }


def standard_chart() -> list[dict[str, Any]]:
    """Dinero's standard chart as entry-account dicts (the file's field names)."""
    return [_account(number, name, vat) for number, name, vat in _STANDARD]


def bench_chart() -> list[dict[str, Any]]:
    """The standard chart padded with four-digit expense accounts to 1,000 entry accounts."""
    chart = standard_chart()
    taken = {a["AccountNumber"] for a in chart}
    number = 2001
    while len(chart) < BENCH_CHART_SIZE:
        if number not in taken and not 2800 <= number < 3000:
            vat = "I25" if number % 3 else None
            chart.append(_account(number, f"Udgiftskonto {number}", vat))
        number += 1
    return sorted(chart, key=lambda a: a["AccountNumber"])
