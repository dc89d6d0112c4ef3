"""The demo world: one user in two companies, with categories, payment methods and bills.

Idempotent: running it again leaves an existing demo untouched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from fpdf import FPDF

from billbridge.accounts.models import Company, Membership, User
from billbridge.accounts.services import create_company
from billbridge.bills.catalog import create_category, create_payment_method
from billbridge.bills.models import Bill
from billbridge.bills.services import BillInput, add_bill, pay_bill

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo"

COMPANIES = [
    {
        "name": "Nordlys Design ApS",
        "cvr": "12345678",
        # Account numbers from Dinero's standard chart (this company's demo books are in Dinero).
        "categories": [
            ("Kontorartikler og tryksager", "7200"),
            ("Køb af software", "7320"),
            ("Husleje", "5000"),
        ],
        "payment_methods": [
            ("Bankkonto", "bank_account", "55000"),
            ("Firmakort (debet)", "debit_card", "55000"),
            ("Kreditkort", "credit_card", ""),
        ],
        # Bills in another currency, dated where the rates emulator has the ECB's real
        # rates: (supplier, VAT number, country, number, date, currency, total, VAT, text).
        "foreign_bills": [
            (
                "Rheinische Rösterei GmbH",
                "DE123456789",
                "DE",
                "RR-2026-0311",
                dt.date(2026, 3, 13),
                "EUR",
                "1250.00",
                "250.00",
                "Kaffe til mødelokalet",
            ),  # fmt: skip
        ],
        "bills": [
            ("Papirhuset A/S", "29403473", "F-10231", "1250.00", "250.00", "Printerpapir og toner"),
            ("Cloudware ApS", "31553622", "INV-2026-118", "499.00", "99.80", "Månedsabonnement"),
            ("Ejendomsselskabet Havblik", "20112233", "2026-11", "12500.00", "2500.00", "Husleje"),
        ],
    },
    {
        "name": "Havnens Café ApS",
        "cvr": "87654321",
        # Account numbers from e-conomic's standard chart (this company's books are there).
        "categories": [
            ("Varekøb", "1310"),
            ("Rengøring", "2230"),
            ("Reparation og vedligehold", "2240"),
        ],
        "payment_methods": [
            ("Bankkonto", "bank_account", "5820"),
            ("Kassekredit", "overdraft", "6620"),
            ("Kontant", "cash", "5810"),
        ],
        "bills": [
            ("Kaffegrossisten A/S", "25674433", "88812", "3437.50", "687.50", "Kaffebønner 25 kg"),
            ("Rent & Pænt ApS", "36112299", "R-5521", "1875.00", "375.00", "Rengøring november"),
        ],
    },
]


def bill_pdf(
    supplier: str,
    cvr: str,
    number: str,
    total: str,
    vat: str,
    text: str,
    *,
    currency: str = "DKK",
    issued: dt.date = dt.date(2026, 11, 1),
) -> bytes:
    """A plain Danish bill as a PDF with a text layer, as suppliers send them."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, supplier, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    excl = Decimal(total) - Decimal(vat)
    lines = [
        f"CVR-nr.: {cvr}",
        "",
        f"Fakturanr.: {number}",
        f"Fakturadato: {issued:%d.%m.%Y}",
        f"Forfaldsdato: {issued + dt.timedelta(days=14):%d.%m.%Y}",
        "",
        f"{text}",
        f"Subtotal: {_da(excl)} {currency}",
        f"Moms (25 %): {_da(Decimal(vat))} {currency}",
        f"I alt: {_da(Decimal(total))} {currency}",
    ]
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _da(amount: Decimal) -> str:
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{cents}"


@transaction.atomic
def seed_demo() -> User:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is None:
        user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Bruger")
    for spec in COMPANIES:
        company = Company.objects.filter(name=spec["name"]).first()
        if company is None:
            company = create_company(spec["name"], spec["cvr"], user)
        Membership.objects.get_or_create(user=user, company=company, defaults={"role": "owner"})
        if Bill.objects.filter(company=company).exists():
            continue
        categories = [create_category(company, n, a) for n, a in spec["categories"]]
        methods = [create_payment_method(company, *method) for method in spec["payment_methods"]]
        for i, (supplier, cvr, number, total, vat, text) in enumerate(spec["bills"]):
            document = SimpleUploadedFile(
                f"{number}.pdf",
                bill_pdf(supplier, cvr, number, total, vat, text),
                content_type="application/pdf",
            )
            bill = add_bill(
                company,
                BillInput(
                    supplier_name=supplier,
                    supplier_cvr=cvr,
                    invoice_number=number,
                    issue_date=dt.date(2026, 11, 1),
                    due_date=dt.date(2026, 11, 15),
                    total=Decimal(total),
                    vat_amount=Decimal(vat),
                    text=text,
                    category=categories[i % len(categories)],
                ),
                user=user,
                document=document,
            )
            if i == 0:
                pay_bill(
                    bill,
                    date=dt.date(2026, 11, 10),
                    amount=Decimal(total),
                    payment_method=methods[0],
                )
        for supplier, vat_number, country, number, day, currency, total, vat, text in spec.get(
            "foreign_bills", []
        ):
            add_bill(
                company,
                BillInput(
                    supplier_name=supplier,
                    supplier_vat_number=vat_number,
                    supplier_country=country,
                    invoice_number=number,
                    issue_date=day,
                    due_date=day + dt.timedelta(days=14),
                    currency=currency,
                    total=Decimal(total),
                    vat_amount=Decimal(vat),
                    text=text,
                    category=categories[0],
                ),
                user=user,
                document=SimpleUploadedFile(
                    f"{number}.pdf",
                    bill_pdf(
                        supplier,
                        vat_number,
                        number,
                        total,
                        vat,
                        text,
                        currency=currency,
                        issued=day,
                    ),  # fmt: skip
                    content_type="application/pdf",
                ),
            )
    return user
