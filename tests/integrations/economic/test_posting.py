"""R-2 end to end: bills and payments posted by the provider into the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from billbridge.bills.models import Payment
from billbridge.integrations.base import AccountingError, ErrorKind, PostedEntry
from billbridge.integrations.economic.provider import EconomicProvider
from tests.factories import (
    BillFactory,
    CategoryFactory,
    PaymentMethodFactory,
    SupplierFactory,
)
from tests.integrations.economic.conftest import (
    INVOICE_JOURNAL,
    PAYMENT_JOURNAL,
    PDF,
    invoice_entry,
    payment_entry,
)
from tests.integrations.emulated import InFlight

pytestmark = pytest.mark.django_db


def test_invoice_matched_by_cvr_with_category_account_and_document(integration, remote, company):
    supplier = SupplierFactory(company=company, name="Office Danmark", cvr="26150004")
    category = CategoryFactory(company=company, name="Telefon")
    integration.settings["category_accounts"] = {str(category.pk): 2710}
    integration.save()
    bill = BillFactory(
        company=company,
        supplier=supplier,
        category=category,
        document_name="f.pdf",
        document_content_type="application/pdf",
    )
    provider = EconomicProvider(integration)
    [result] = provider.post([invoice_entry(bill, document=PDF)])
    assert isinstance(result, PostedEntry), result
    assert result.remote_reference == "20001"
    assert result.remote_data["attachment"] == "attached"
    [row] = remote.entries(INVOICE_JOURNAL)
    assert row["supplier"]["supplierNumber"] == 1  # matched by CVR, not created
    assert row["amount"] == -1250.0  # a purchase credits the creditor
    assert row["contraAccount"]["accountNumber"] == 2710
    assert row["contraVatAccount"]["vatCode"] == "I25"
    assert row["supplierInvoiceNumber"] == bill.invoice_number
    assert row["dueDate"] == "2026-11-15" and row["date"] == "2026-11-01"
    assert f"[bb-{bill.pk}-i]" in row["text"]
    assert remote.attachment(INVOICE_JOURNAL, "2026", 20001).status_code == 200
    assert len(remote.suppliers()) == 4


def test_supplier_matched_by_name_else_created_with_zone(integration, remote, company):
    by_name = SupplierFactory(company=company, name="tdc  ERHVERV", cvr="")
    new_dk = SupplierFactory(company=company, name="Ny Leverandør ApS", cvr="39990001")
    new_de = SupplierFactory(
        company=company, name="Berlin GmbH", cvr="", vat_number="DE123", country="DE"
    )
    new_us = SupplierFactory(company=company, name="Cloud Inc", cvr="", country="US")
    bills = [BillFactory(company=company, supplier=s) for s in (by_name, new_dk, new_de, new_us)]
    results = EconomicProvider(integration).post([invoice_entry(b) for b in bills])
    assert all(isinstance(r, PostedEntry) for r in results), results
    numbers = [r.remote_data["supplier_number"] for r in results]
    assert numbers[0] == 2
    suppliers = {s["supplierNumber"]: s for s in remote.suppliers()}
    assert len(suppliers) == 7
    assert suppliers[numbers[1]]["corporateIdentificationNumber"] == "39990001"
    assert [suppliers[n]["vatZone"]["vatZoneNumber"] for n in numbers[1:]] == [1, 2, 3]
    # one POST for all four vouchers
    assert len(remote.entries(INVOICE_JOURNAL)) == 4


def test_same_new_supplier_in_one_batch_is_created_once(integration, remote, company):
    supplier = SupplierFactory(company=company, name="Samme ApS", cvr="39990002")
    bills = [BillFactory(company=company, supplier=supplier) for _ in range(3)]
    EconomicProvider(integration).post([invoice_entry(b) for b in bills])
    assert sum(s["name"] == "Samme ApS" for s in remote.suppliers()) == 1


def test_payment_posted_with_payment_method_account(integration, remote, company):
    method = PaymentMethodFactory(company=company, name="Firmakort", type="debit_card")
    integration.settings["payment_method_accounts"] = {str(method.pk): 5830}
    integration.save()
    bill = BillFactory(company=company, payment_method=method)
    payment = Payment.objects.create(
        bill=bill, date=dt.date(2026, 11, 10), amount=bill.total, payment_method=method
    )
    provider = EconomicProvider(integration)
    results = provider.post([invoice_entry(bill), payment_entry(bill, payment)])
    assert all(isinstance(r, PostedEntry) for r in results), results
    [row] = remote.entries(PAYMENT_JOURNAL)
    assert row["entryType"] == "supplierPayment"
    assert row["amount"] == 1250.0  # debits the creditor: the debt is paid
    assert row["contraAccount"]["accountNumber"] == 5830
    assert row["supplierInvoiceNumber"] == bill.invoice_number
    assert row["date"] == "2026-11-10"


def test_a_eur_invoice_and_payment_carry_their_rates_and_dkk(rates, integration, remote, company):
    """Issue 11 item 3: the entry in EUR with the bill's rate (13.03.2026, 747,26) and its DKK;
    the payment at the payment date's rate (20.03.2026, 747,12) with the DKK it cost."""
    method = PaymentMethodFactory(company=company, name="Bank", type="bank_account")
    integration.settings["payment_method_accounts"] = {str(method.pk): 5830}
    integration.save()
    bill = BillFactory(company=company, currency="EUR", issue_date=dt.date(2026, 3, 13),
                       total=Decimal("1000.00"), vat_amount=Decimal("200.00"),
                       exchange_rate=Decimal("747.26"), exchange_rate_source="official",
                       exchange_rate_date=dt.date(2026, 3, 13))  # fmt: skip
    payment = Payment.objects.create(bill=bill, date=dt.date(2026, 3, 20), currency="EUR",
                                     amount=bill.total, payment_method=method)  # fmt: skip
    results = EconomicProvider(integration).post(
        [invoice_entry(bill), payment_entry(bill, payment)]
    )
    assert all(isinstance(r, PostedEntry) for r in results), results
    [invoice] = remote.entries(INVOICE_JOURNAL)
    assert (invoice["currency"]["code"], invoice["exchangeRate"]) == ("EUR", 747.26)
    assert invoice["amountDefaultCurrency"] == -7472.6
    [paid] = remote.entries(PAYMENT_JOURNAL)
    assert (paid["exchangeRate"], paid["amountDefaultCurrency"]) == (747.12, 7471.2)


def test_credit_note_and_eur_bill(integration, remote, company):
    credit = BillFactory(company=company, total=Decimal("-500.00"), vat_amount=Decimal("-100"))
    eur = BillFactory(company=company, currency="EUR", total=Decimal("99.99"),
                      vat_amount=Decimal("20.00"))  # fmt: skip
    results = EconomicProvider(integration).post([invoice_entry(credit), invoice_entry(eur)])
    assert all(isinstance(r, PostedEntry) for r in results), results
    rows = {r["supplierInvoiceNumber"]: r for r in remote.entries(INVOICE_JOURNAL)}
    assert rows[credit.invoice_number]["amount"] == 500.0  # a credit note debits the creditor
    assert rows[eur.invoice_number]["amount"] == -99.99
    assert rows[eur.invoice_number]["currency"]["code"] == "EUR"


def test_rejected_voucher_does_not_block_the_rest(integration, remote, company):
    ok = BillFactory(company=company)
    outside = BillFactory(company=company, issue_date=dt.date(2031, 1, 1))
    bad_account = CategoryFactory(company=company)
    integration.settings["category_accounts"] = {str(bad_account.pk): 1000}  # a heading
    integration.save()
    bad = BillFactory(company=company, category=bad_account)
    results = EconomicProvider(integration).post(
        [invoice_entry(ok), invoice_entry(outside), invoice_entry(bad)]
    )
    assert isinstance(results[0], PostedEntry)
    assert isinstance(results[1], AccountingError) and results[1].code == "no_accounting_year"
    assert isinstance(results[2], AccountingError) and results[2].kind == ErrorKind.REJECTED
    assert len(remote.entries(INVOICE_JOURNAL)) == 1


def test_unconfigured_mapping_is_a_per_entry_rejection(integration, company):
    integration.settings.pop("default_account")
    integration.save()
    bill = BillFactory(company=company)
    [result] = EconomicProvider(integration).post([invoice_entry(bill)])
    assert isinstance(result, AccountingError) and result.code == "no_account"


def test_find_after_lost_answer(integration, remote, company):
    bill = BillFactory(company=company)
    provider = EconomicProvider(integration)
    entry = invoice_entry(bill)
    assert provider.find(entry) is None
    [posted] = provider.post([entry])
    found = EconomicProvider(integration).find(entry)
    assert found is not None and found.remote_reference == posted.remote_reference


def test_fetch_accounts(integration):
    accounts = EconomicProvider(integration).fetch_accounts()
    by_number = {a.number: a for a in accounts}
    assert by_number["2800"].vat_code == "I25" and by_number["2800"].kind == "expense"


def test_xml_document_is_not_sent_and_a_changed_bill_is_not_posted_twice(
    integration, remote, company
):
    bill = BillFactory(company=company, document_name="bill.xml",
                       document_content_type="application/xml")  # fmt: skip
    provider = EconomicProvider(integration)
    entry = invoice_entry(bill, document=b"<Invoice/>")
    [posted] = provider.post([entry])
    assert isinstance(posted, PostedEntry) and "attachment" not in posted.remote_data
    changed = invoice_entry(bill, version=2)
    changed = type(changed)(**{**changed.__dict__, "remote_data": posted.remote_data})
    [again] = EconomicProvider(integration).post([changed])
    assert isinstance(again, PostedEntry) and again.remote_reference == posted.remote_reference
    assert len(remote.entries(INVOICE_JOURNAL)) == 1


def test_audit_trail_without_secrets(integration, company, economic):
    from billbridge.sync.models import AuditEntry

    EconomicProvider(integration).post([invoice_entry(BillFactory(company=company))])
    rows = list(AuditEntry.objects.filter(company=company, provider="economic"))
    assert {(r.method, r.path) for r in rows} >= {("GET", "/suppliers"),
                                                  ("POST", "/journals/2/vouchers")}  # fmt: skip
    token = integration.credentials["agreement_grant_token"]
    assert all(token not in r.path and "?" not in r.path for r in rows)


def _new_supplier_bills(company, n):
    suppliers = [SupplierFactory(company=company, name=f"Ny {i} ApS", cvr=f"3999{i:04d}")
                 for i in range(n)]  # fmt: skip
    return [BillFactory(company=company, supplier=s) for s in suppliers]


def test_new_suppliers_are_created_at_the_same_time(integration, remote, company, economic):
    # issue 16 item 1: 22 new suppliers one after the other were half of a 1,000-bill posting
    economic.faults(latency_ms=150)  # every creation takes long enough to overlap the next
    transport = InFlight(lambda r: r.method == "POST" and r.url.path == "/suppliers")
    bills = _new_supplier_bills(company, 4)
    with httpx.Client(transport=transport) as http:
        results = EconomicProvider(integration, http=http).post([invoice_entry(b) for b in bills])
    assert all(isinstance(r, PostedEntry) for r in results), results
    assert transport.most > 1
    assert len({r.remote_data["supplier_number"] for r in results}) == 4


def test_a_refused_new_supplier_fails_only_its_own_bills(integration, remote, company, economic):
    good, bad = _new_supplier_bills(company, 2)
    # a currency e-conomic does not know: the new supplier (in the bill's currency) is refused
    bad.currency, bad.exchange_rate, bad.exchange_rate_source = "XXX", Decimal("100"), "manual"
    bad.save()
    results = EconomicProvider(integration).post([invoice_entry(b) for b in (good, bad)])
    assert isinstance(results[0], PostedEntry)
    assert isinstance(results[1], AccountingError) and results[1].kind == ErrorKind.REJECTED
    assert "currency" in results[1].detail
