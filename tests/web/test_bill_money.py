"""The bill page shows and takes the VAT breakdown and the exchange rate (issue 11; R-5, R-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billbridge.bills.models import RateSource
from billbridge.bills.services import set_exchange_rate
from tests.factories import BillFactory

pytestmark = pytest.mark.django_db
D = Decimal
MIXED = [
    {"category": "S", "percent": "25", "taxable_amount": "756.00", "vat_amount": "189.00"},
    {"category": "Z", "percent": "0", "taxable_amount": "300.00", "vat_amount": "0.00"},
]


@pytest.fixture
def eur_bill(company):
    return BillFactory(
        company=company,
        currency="EUR",
        issue_date=dt.date(2026, 3, 15),  # a Sunday: Friday's rate
        total=D("1250.00"),
        vat_amount=D("250.00"),
    )


def _detail(client, bill):
    return client.get(reverse("web:bill_detail", args=[bill.company_id, bill.pk]))


def _rate_url(bill):
    return reverse("web:bill_exchange_rate", args=[bill.company_id, bill.pk])


def test_a_dkk_bill_without_breakdown_shows_no_money_card(logged_in_client, company):
    bill = BillFactory(company=company)
    assert 'data-testid="money-card"' not in _detail(logged_in_client, bill).content.decode()


def test_the_breakdown_is_shown_with_its_categories_in_words(logged_in_client, company):
    bill = BillFactory(company=company, total=D("1245.00"), vat_amount=D("189.00"))
    bill.vat_breakdown = MIXED
    bill.save()
    html = _detail(logged_in_client, bill).content.decode()
    assert 'data-testid="vat-breakdown"' in html
    assert "Normal sats" in html and "Nulsats" in html
    assert "756,00" in html


def test_a_foreign_bill_without_a_rate_says_when_it_gets_one(logged_in_client, eur_bill):
    html = _detail(logged_in_client, eur_bill).content.decode()
    assert "slås op, når regningen sendes" in html
    assert 'data-testid="rate-form"' in html


def test_the_official_rate_is_fetched_and_shown_with_its_date(logged_in_client, eur_bill, rates):
    response = logged_in_client.post(_rate_url(eur_bill), {"official": "1"}, follow=True)
    html = response.content.decode()
    eur_bill.refresh_from_db()
    assert (eur_bill.exchange_rate, eur_bill.exchange_rate_source) == (
        D("747.260000"),
        RateSource.OFFICIAL,
    )
    assert "Officiel kurs (ECB) for 13.03.2026" in html
    assert "747,26" in html
    assert "9.340,75" in html  # 1250 × 7,4726 = 9340,75 DKK


def test_no_official_rate_is_said_in_danish_and_changes_nothing(logged_in_client, company, rates):
    bill = BillFactory(company=company, currency="EUR", issue_date=dt.date(2026, 6, 1))
    html = logged_in_client.post(_rate_url(bill), {"official": "1"}, follow=True).content.decode()
    assert "Der blev ikke offentliggjort en officiel EUR-kurs" in html
    bill.refresh_from_db()
    assert bill.exchange_rate is None


def test_a_person_types_a_rate_the_danish_way(logged_in_client, eur_bill, user):
    html = logged_in_client.post(_rate_url(eur_bill), {"rate": "745,50"}, follow=True)
    eur_bill.refresh_from_db()
    assert (eur_bill.exchange_rate, eur_bill.exchange_rate_set_by) == (D("745.500000"), user)
    assert "Skrevet af owner@example.com" in html.content.decode()


def test_a_bad_rate_is_refused_in_words(logged_in_client, eur_bill):
    html = logged_in_client.post(_rate_url(eur_bill), {"rate": "-3"}, follow=True)
    assert "Kursen er kroner for 100 enheder" in html.content.decode()
    eur_bill.refresh_from_db()
    assert eur_bill.exchange_rate is None


def test_clearing_the_rate_leaves_it_to_posting(logged_in_client, eur_bill, user):
    set_exchange_rate(eur_bill, "745.00", user=user)
    logged_in_client.post(_rate_url(eur_bill), {"clear": "1"})
    eur_bill.refresh_from_db()
    assert eur_bill.exchange_rate is None


def _edit_data(bill, rows):
    data = {
        "supplier_name": bill.supplier.name,
        "supplier_cvr": bill.supplier.cvr,
        "invoice_number": bill.invoice_number,
        "issue_date": bill.issue_date.isoformat(),
        "currency": bill.currency,
        "total": "1245,00",
        "vat_amount": "189,00",
        "vat-TOTAL_FORMS": str(len(rows)),
        "vat-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        data.update({f"vat-{i}-{k}": v for k, v in row.items()})
    return data


def test_the_breakdown_is_edited_on_the_edit_page(logged_in_client, company):
    bill = BillFactory(company=company)
    url = reverse("web:bill_edit", args=[company.pk, bill.pk])
    assert 'data-testid="vat-breakdown-form"' in logged_in_client.get(url).content.decode()
    rows = [
        {"category": "S", "percent": "25", "taxable_amount": "756,00", "vat_amount": "189,00"},
        {"category": "Z", "percent": "0", "taxable_amount": "300,00", "vat_amount": ""},
        {"category": "", "percent": "", "taxable_amount": "", "vat_amount": ""},
    ]
    response = logged_in_client.post(url, _edit_data(bill, rows))
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.vat_breakdown == MIXED


def test_a_row_without_a_category_is_refused(logged_in_client, company):
    bill = BillFactory(company=company)
    url = reverse("web:bill_edit", args=[company.pk, bill.pk])
    rows = [{"category": "", "percent": "25", "taxable_amount": "100", "vat_amount": "25"}]
    response = logged_in_client.post(url, _edit_data(bill, rows))
    assert response.status_code == 200
    assert "Vælg rækkens momskategori." in response.content.decode()
    bill.refresh_from_db()
    assert bill.vat_breakdown == []
