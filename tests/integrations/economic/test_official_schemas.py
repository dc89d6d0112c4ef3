"""billbridge's e-conomic traffic in a whole posting, held against the official schemas: every
call with a schema is checked (tests/conftest.py's watch), and the calls the files are silent
about are exactly the ones the client says are not in them (README: "the files are the truth;
where they are silent, say so")."""

from __future__ import annotations

import datetime as dt

import pytest

from billbridge.bills.models import Payment
from billbridge.integrations.economic.provider import EconomicProvider
from tests.factories import BillFactory, PaymentMethodFactory, SupplierFactory
from tests.integrations.economic.conftest import PDF, invoice_entry, payment_entry

pytestmark = pytest.mark.django_db

# What billbridge asks e-conomic for which the official JSON schemas do not describe, each said
# so at its place in src/billbridge/integrations/economic/client.py.
SILENT_CALLS = {
    # documented in economic-restdocs.html (economic.md §2.6), multipart: no JSON to validate
    "POST /journals/{n}/vouchers/{n}/attachment/file",
    # documented in economic-restdocs.html (economic.md §2), no body either way (issue 10)
    "DELETE /journals/{n}/entries/{n}",
    # no schema file at all: [GUESS] from production fixtures (economic.md §1, S4)
    "GET /supplier-groups",
}


def test_a_posting_makes_only_calls_the_files_describe_or_the_known_silent_ones(
    economic_traffic_follows_the_official_schemas, integration, company
):
    """A bill with a new supplier and its document, then its payment: every kind of call a
    posting makes."""
    watch = economic_traffic_follows_the_official_schemas
    method = PaymentMethodFactory(company=company, name="Firmakort", type="debit_card")
    integration.settings["payment_method_accounts"] = {str(method.pk): 5830}
    integration.save()
    supplier = SupplierFactory(company=company, name="Ny Leverandør ApS", cvr="")
    bill = BillFactory(
        company=company,
        supplier=supplier,
        payment_method=method,
        document_name="f.pdf",
        document_content_type="application/pdf",
    )
    payment = Payment.objects.create(
        bill=bill, date=dt.date(2026, 11, 10), amount=bill.total, payment_method=method
    )
    EconomicProvider(integration).post(
        [invoice_entry(bill, document=PDF), payment_entry(bill, payment)]
    )
    assert watch.checked >= 5
    assert watch.silent <= SILENT_CALLS, watch.silent - SILENT_CALLS
    assert "POST /journals/{n}/vouchers/{n}/attachment/file" in watch.silent
