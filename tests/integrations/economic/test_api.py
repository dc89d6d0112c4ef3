"""/api/v1/companies/{id}/integrations/economic over the test client, e-conomic emulated."""

from __future__ import annotations

import json

import pytest

from billbridge.accounts.services import add_product
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync.models import SyncRecord
from tests.factories import BillFactory, CategoryFactory, PaymentMethodFactory
from tests.integrations.economic.conftest import grant_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _integrate(company):
    """Integration routes are for a company with Integrate (P-1, S-e1)."""
    add_product(company, "integrate")


def url(company, tail: str = "") -> str:
    return f"/api/v1/companies/{company.pk}/integrations/economic{tail}"


def body(economic, company, **changes):
    method = PaymentMethodFactory(company=company)
    category = CategoryFactory(company=company)
    data = {
        "agreement_grant_token": grant_token(economic),
        "creditor_invoice_journal": 2,
        "creditor_payment_journal": 3,
        "default_account": 2800,
        "payment_method_accounts": {str(method.pk): 5820},
        "category_accounts": {str(category.pk): 2710},
    }
    data.update(changes)
    return data


def put(client, company, data, headers):
    return client.put(url(company), json.dumps(data), content_type="application/json",
                      headers=headers)  # fmt: skip


def test_put_get_refresh_delete(client, company, api_headers, economic):
    answer = put(client, company, body(economic, company), api_headers)
    assert answer.status_code == 200, answer.content
    state = answer.json()
    assert state["state"] == "connected" and state["agreement"]["number"] == 701001
    assert state["journals"] == 3 and state["accounts"] > 50
    assert {p["key"]: p["met"] for p in state["prerequisites"]} == {
        "indscanning": True, "api_access": True}  # fmt: skip
    got = client.get(url(company), headers=api_headers)
    assert got.status_code == 200
    assert grant_token(economic) not in got.content.decode()
    assert got.json()["default_account"] == 2800
    assert client.post(url(company, "/refresh"), headers=api_headers).status_code == 200
    assert client.delete(url(company), headers=api_headers).status_code == 204
    integ = Integration.objects.get(company=company)
    assert integ.state == IntegrationState.NOT_CONNECTED and not integ.credentials


def test_bad_token_is_400_with_reason(client, company, api_headers, economic):
    answer = put(client, company, body(economic, company, agreement_grant_token="nope"),
                 api_headers)  # fmt: skip
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["code"] == "not_connected" and problem["field"] == "agreement_grant_token"
    assert "grant token" in problem["detail"] or "adgangstoken" in problem["detail"]
    assert not Integration.objects.filter(company=company).exists()


@pytest.mark.parametrize("token", ["tøken-æøå", "line\nbreak", "\u20ac"])
def test_a_token_no_header_can_carry_is_400_not_500(client, company, api_headers, economic, token):
    """issue 15 item 4: schemathesis found a non-ASCII grant token answered 500."""
    answer = put(client, company, body(economic, company, agreement_grant_token=token),
                 api_headers)  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["code"] == "not_connected"
    assert not Integration.objects.filter(company=company).exists()


def test_unknown_journal_or_account_is_400(client, company, api_headers, economic):
    answer = put(client, company, body(economic, company, creditor_invoice_journal=99),
                 api_headers)  # fmt: skip
    assert answer.status_code == 400 and answer.json()["field"] == "creditor_invoice_journal"
    answer = put(client, company, body(economic, company, default_account=1000), api_headers)
    assert answer.status_code == 400 and answer.json()["code"] == "unknown_account"
    assert not Integration.objects.filter(company=company).exists()


def test_backfill(client, company, api_headers, economic):
    BillFactory.create_batch(3, company=company)
    put(client, company, body(economic, company), api_headers)
    answer = client.post(url(company, "/backfill"), headers=api_headers)
    assert answer.status_code == 200 and answer.json()["created"] == 3
    assert SyncRecord.objects.filter(company=company, provider="economic").count() == 3


def test_outsider_sees_nothing(client, company, outsider, economic):
    from billbridge.accounts.models import ApiToken

    _, raw = ApiToken.objects.issue(outsider, "x")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(url(company), headers=headers).status_code == 404
    assert put(client, company, body(economic, company), headers).status_code == 404
