"""The company's reverse-charge code, chosen in the e-conomic set-up (issue 11 item 1): the
agreement's own VAT codes to choose from, its standard code by default, and the choice used
when a reverse-charge bill is posted. Real HTTP to the e-conomic emulator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billbridge.integrations.base import PostedEntry
from billbridge.integrations.economic import setup
from billbridge.integrations.economic.forms import SetupForm
from billbridge.integrations.economic.provider import EconomicProvider
from tests.factories import BillFactory, SupplierFactory
from tests.integrations.economic.conftest import INVOICE_JOURNAL, invoice_entry

pytestmark = pytest.mark.django_db

MAPPING = {"creditor_invoice_journal": 2, "creditor_payment_journal": 3, "default_account": 2800}


def test_the_form_offers_the_agreements_codes_with_the_standard_one_first_chosen(integration):
    field = SetupForm(integration=integration)["reverse_charge_vat_code"]
    assert field.initial == "IEUY"
    assert {"I25", "IEUY", "IEUV"} <= {code for code, _ in field.field.choices}


def test_a_code_the_agreement_does_not_have_is_refused(integration):
    errors = setup.validate_mapping(integration, {**MAPPING, "reverse_charge_vat_code": "XX9"})
    assert errors == {"reverse_charge_vat_code": "unknown_reverse_charge_code"}


def test_the_chosen_code_is_used_for_a_reverse_charge_bill(integration, remote, company):
    setup.save(integration, {**MAPPING, "reverse_charge_vat_code": "IVY"}, None)
    assert integration.settings["reverse_charge_vat_code"] == "IVY"
    supplier = SupplierFactory(company=company, name="Cloud Ltd", cvr="", country="IE")
    bill = BillFactory(company=company, supplier=supplier, total=Decimal("499.00"),
                       vat_amount=Decimal("0.00"))  # fmt: skip
    [result] = EconomicProvider(integration).post([invoice_entry(bill)])
    assert isinstance(result, PostedEntry), result
    [row] = remote.entries(INVOICE_JOURNAL)
    assert row["contraVatAccount"]["vatCode"] == "IVY"
