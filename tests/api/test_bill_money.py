"""The VAT breakdown and the exchange rate over the REST API (issue 11; R-5, R-6)."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import api_url, bill_json, error_fields
from tests.factories import BillFactory

pytestmark = pytest.mark.django_db

MIXED = [
    {"category": "S", "percent": "25", "taxable_amount": "756.00", "vat_amount": "189.00"},
    {"category": "Z", "percent": "0", "taxable_amount": "300.00", "vat_amount": "0.00"},
]


def _post(client, company, headers, **overrides):
    return client.post(
        api_url(company, "/bills"),
        bill_json(**overrides),
        content_type="application/json",
        headers=headers,
    )


def _patch(client, bill, headers, body):
    return client.patch(
        api_url(bill.company, f"/bills/{bill.pk}"),
        body,
        content_type="application/json",
        headers=headers,
    )


def test_a_bill_is_added_with_its_vat_breakdown(client, company, api_headers):
    response = _post(
        client, company, api_headers, total="1245.00", vat_amount="189.00", vat_breakdown=MIXED
    )
    assert response.status_code == 201
    assert response.json()["vat_breakdown"] == MIXED


def test_a_multipart_bill_sends_its_breakdown_as_json(client, company, api_headers):
    response = client.post(
        api_url(company, "/bills"),
        {**bill_json(total="1245.00", vat_amount="189.00"), "vat_breakdown": json.dumps(MIXED)},
        headers=api_headers,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["vat_breakdown"] == MIXED


@pytest.mark.parametrize(
    "rows",
    [
        [{"category": "S 25", "taxable_amount": "100.00"}],
        [{"category": "S", "percent": "250", "taxable_amount": "100.00"}],
        [{"category": "S", "percent": 25.0, "taxable_amount": "100.00"}],
        [{"category": "S", "taxable_amount": 100.5}],
        [{"category": "S"}],
        "S",
    ],
)
def test_a_bad_breakdown_is_a_422_naming_the_field(client, company, api_headers, rows):
    response = _post(client, company, api_headers, vat_breakdown=rows)
    assert response.status_code == 422
    assert all(field and field.startswith("vat_breakdown") for field in error_fields(response))


def test_a_rate_is_typed_read_back_with_who_typed_it(client, company, api_headers, user):
    response = _post(client, company, api_headers, currency="EUR", exchange_rate="746.5")
    assert response.status_code == 201
    body = response.json()
    assert (body["exchange_rate"], body["exchange_rate_source"], body["exchange_rate_set_by"]) == (
        "746.5",
        "manual",
        user.email,
    )


def test_a_patch_changes_the_rate_and_null_clears_it(client, company, api_headers):
    bill = BillFactory(company=company, currency="EUR")
    assert (
        _patch(client, bill, api_headers, {"exchange_rate": "745.10"}).json()["exchange_rate"]
        == "745.1"
    )
    cleared = _patch(client, bill, api_headers, {"exchange_rate": None}).json()
    assert (cleared["exchange_rate"], cleared["exchange_rate_source"]) == (None, None)


@pytest.mark.parametrize("rate", ["0", "-746.04", "746,04", "1e3", "746.1234567", 746.04, "٧٤٦"])
def test_a_bad_rate_is_a_422_naming_the_field(client, company, api_headers, rate):
    bill = BillFactory(company=company, currency="EUR")
    response = _patch(client, bill, api_headers, {"exchange_rate": rate})
    assert response.status_code == 422
    assert error_fields(response) == ["exchange_rate"]


def test_a_dkk_bill_refuses_a_rate(client, company, api_headers):
    response = _post(client, company, api_headers, exchange_rate="746.04")
    assert response.status_code == 422
    assert error_fields(response) == ["exchange_rate"]


def test_the_official_rate_is_fetched_on_request(client, company, api_headers, rates):
    bill = BillFactory(company=company, currency="SEK", issue_date="2026-04-06")  # Easter Monday
    response = client.post(api_url(company, f"/bills/{bill.pk}/official-rate"), headers=api_headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["exchange_rate"], body["exchange_rate_source"], body["exchange_rate_date"]) == (
        "68.2517",  # 100 × 7,4722 / 10,948 on 2 April 2026, the last day published
        "official",
        "2026-04-02",
    )


def test_no_official_rate_is_a_422_in_words(client, company, api_headers, rates):
    bill = BillFactory(company=company, currency="XAU", issue_date="2026-03-13")
    response = client.post(api_url(company, f"/bills/{bill.pk}/official-rate"), headers=api_headers)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "There is no official daily rate for XAU. Type the rate on the bill."
    )


def test_a_rates_outage_is_a_503(client, company, api_headers, rates):
    rates.faults(error_rate=1.0)
    bill = BillFactory(company=company, currency="EUR", issue_date="2026-03-13")
    response = client.post(api_url(company, f"/bills/{bill.pk}/official-rate"), headers=api_headers)
    assert response.status_code == 503
