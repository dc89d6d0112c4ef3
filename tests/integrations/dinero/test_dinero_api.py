"""The Dinero integration's REST routes, against the emulator over real HTTP."""

from __future__ import annotations

import pytest

from billbridge.accounts.services import add_product
from billbridge.bills.models import Category
from billbridge.integrations.models import Integration
from billbridge.sync.models import SyncRecord
from tests.factories import BillFactory, MembershipFactory, UserFactory
from tests.integrations.dinero.fixtures import ORG, OTHER_ORG, api_key, rows, settle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _integrate(company):
    """Integration routes are for a company with Integrate (P-1, S-e1)."""
    add_product(company, "integrate")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(company, path=""):
    return f"/api/v1/companies/{company.pk}/integrations/dinero{path}"


def put(client, company, headers, **body):
    return client.put(url(company), body, content_type="application/json", headers=headers)


def test_connect_with_good_credentials(client, emu, company, api_headers):
    key = api_key(emu)
    response = put(client, company, api_headers, api_key=key, organization_id=ORG,
                   import_chart_of_accounts=True)  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "connected" and body["organization_id"] == ORG
    assert body["fallback_account"] == "99999" and body["payment_account"] == "55000"
    assert body["imported_categories"] == Category.objects.filter(company=company).count() > 10
    assert key not in response.content.decode()
    got = client.get(url(company), headers=api_headers)
    assert got.status_code == 200 and key not in got.content.decode()
    assert got.json()["accounts"] > 40


def test_wrong_key_is_400_with_code_and_plain_words(client, emu, company, api_headers):
    response = put(client, company, api_headers, api_key="wrong", organization_id=ORG)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_api_key"
    assert "API key" in response.json()["detail"]
    assert not Integration.objects.filter(company=company).exists()


def test_wrong_organization_is_400(client, emu, company, api_headers):
    response = put(client, company, api_headers, api_key=api_key(emu), organization_id=OTHER_ORG)
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_organization"


def test_connect_with_backfill_sends_earlier_bills(client, emu, company, api_headers):
    BillFactory.create_batch(3, company=company)
    BillFactory(company=company, status="ANALYSING")
    response = put(client, company, api_headers, api_key=api_key(emu), organization_id=ORG,
                   backfill=True)  # fmt: skip
    assert response.json()["backfilled"] == 3
    settle(Integration.objects.get(company=company))
    assert len(rows(emu)) == 3
    progress = client.get(url(company), headers=api_headers).json()["progress"]
    assert progress == {"total": 3, "posted": 3, "waiting": 0, "failed": 0, "percent": 100}


def test_backfill_route_and_refresh(client, emu, connected, company, api_headers):
    BillFactory.create_batch(2, company=company)
    response = client.post(url(company, "/backfill"), headers=api_headers)
    assert response.status_code == 200 and response.json()["created"] == 2
    assert client.post(url(company, "/backfill"), headers=api_headers).json()["created"] == 0
    assert SyncRecord.objects.filter(company=company).count() == 2
    refreshed = client.post(url(company, "/refresh"), headers=api_headers)
    assert refreshed.status_code == 200
    assert any(a["number"] == "55000" and a["kind"] == "deposit" for a in refreshed.json())


def test_disconnect(client, emu, connected, company, api_headers):
    assert client.delete(url(company), headers=api_headers).status_code == 204
    assert client.get(url(company), headers=api_headers).json()["state"] == "not_connected"


def test_members_cannot_change_and_outsiders_see_nothing(client, emu, company, outsider):
    from billbridge.accounts.models import ApiToken

    member = UserFactory()
    MembershipFactory(user=member, company=company, role="member")
    _, raw = ApiToken.objects.issue(member, "t")
    headers = {"Authorization": f"Bearer {raw}"}
    assert put(client, company, headers, api_key="x", organization_id=ORG).status_code == 403
    assert client.get(url(company), headers=headers).status_code == 200
    _, raw = ApiToken.objects.issue(outsider, "t")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(url(company), headers=headers).status_code == 404
    assert put(client, company, headers, api_key="x", organization_id=ORG).status_code == 404
