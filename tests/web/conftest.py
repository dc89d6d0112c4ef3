"""Web test fixtures: a company with one of everything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def world(company, user):
    """One of each company-scoped object, so every page has something real to show."""
    from billbridge.bills.models import BillStatus
    from billbridge.integrations.models import Integration
    from billbridge.sync.models import SyncRecord
    from tests.factories import (
        BillFactory,
        CategoryFactory,
        PaymentMethodFactory,
        SupplierFactory,
    )

    category = CategoryFactory(company=company, name="Kontorartikler", account_number="2200")
    method = PaymentMethodFactory(company=company, name="Firmakort", type="debit_card")
    supplier = SupplierFactory(company=company, name="Papirhuset A/S", cvr="29403473")
    bill = BillFactory(
        company=company,
        supplier=supplier,
        category=category,
        invoice_number="F-1001",
        issue_date=dt.date(2026, 11, 22),
        total=Decimal("1250.00"),
        vat_amount=Decimal("250.00"),
    )
    bill.document.save("faktura.pdf", ContentFile(MINIMAL_PDF), save=False)
    bill.document_name = "faktura.pdf"
    bill.document_content_type = "application/pdf"
    bill.save()
    duplicate = BillFactory(
        company=company,
        supplier=supplier,
        invoice_number="F-1001",
        status=BillStatus.DUPLICATE,
        duplicate_of=bill,
    )
    SyncRecord.objects.create(
        company=company,
        bill=bill,
        provider="dinero",
        kind="invoice",
        state="posted",
        remote_reference="42",
    )
    integration = Integration.objects.create(company=company, provider="dinero", state="connected")
    return {
        "company": company,
        "user": user,
        "category": category,
        "payment_method": method,
        "supplier": supplier,
        "bill": bill,
        "duplicate": duplicate,
        "integration": integration,
    }
