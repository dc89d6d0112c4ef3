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


def test_connecting_keeps_the_organisations_name_for_the_pages(client, emu, company, api_headers):
    put(client, company, api_headers, api_key=api_key(emu), organization_id=ORG)
    integration = Integration.objects.get(company=company)
    assert integration.settings["organization_name"] == "Nordlys Design ApS"


def test_wrong_key_is_400_with_code_and_plain_words(client, emu, company, api_headers):
    response = put(client, company, api_headers, api_key="wrong", organization_id=ORG)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_api_key"
    assert "API key" in response.json()["detail"]
    assert not Integration.objects.filter(company=company).exists()


def test_a_wrong_key_names_the_api_key_field(client, emu, company, api_headers):
    response = put(client, company, api_headers, api_key="wrong", organization_id=ORG)
    assert response.json()["field"] == "api_key"


def test_a_wrong_organization_names_the_organization_id_field(client, emu, company, api_headers):
    response = put(client, company, api_headers, api_key=api_key(emu), organization_id=OTHER_ORG)
    assert response.json()["field"] == "organization_id"


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


# ------------------------------------------------------------------ Visma Connect (issue 9 item 3)


def test_the_visma_connect_way_through_the_rest_api(client, emu, company, api_headers, office):
    """Start → the user's browser at Visma Connect → billbridge's callback → organisations
    (only Pro) → connect; then bills post with the token."""
    import re
    from urllib.parse import urlsplit

    import httpx

    from tests.integrations.dinero.fixtures import bill, configure

    configure(emu, connect_redirect_uris=["http://testserver/integrations/dinero/callback/"])
    started = client.post(url(company, "/visma-connect"), headers=api_headers)
    assert started.status_code == 200, started.content
    authorize_url = started.json()["authorize_url"]
    assert "code_challenge_method=S256" in authorize_url
    early = client.get(url(company, "/visma-connect/organizations"), headers=api_headers)
    assert early.status_code == 400 and early.json()["code"] == "connect_not_allowed_yet"

    with httpx.Client(timeout=10.0) as browser:  # the user, in their browser
        page = browser.get(authorize_url).text
        request_id = re.search(r'name="request" value="([^"]*)"', page).group(1)
        consent = browser.post(f"{emu.base_url}/connect/authorize/login", data={
            "request": request_id, "email": "revisor@example.com", "password": "demo"})  # fmt: skip
        request_id = re.search(r'name="request" value="([^"]*)"', consent.text).group(1)
        back = browser.post(f"{emu.base_url}/connect/authorize/consent",
                            data={"request": request_id, "decision": "allow"})  # fmt: skip
    callback = urlsplit(back.headers["Location"])
    landed = client.get(callback.path + "?" + callback.query)  # no billbridge session needed
    assert landed.status_code == 200 and "Dinero is allowed" in landed.content.decode()

    orgs = client.get(url(company, "/visma-connect/organizations"), headers=api_headers).json()
    assert {o["id"]: o["is_pro"] for o in orgs} == {"112233": True, "445566": True,
                                                    "778899": False}  # fmt: skip
    refused = client.put(url(company, "/visma-connect"), {"organization_id": "778899"},
                         content_type="application/json", headers=api_headers)  # fmt: skip
    assert refused.json()["code"] == "dinero_pro_required"
    done = client.put(url(company, "/visma-connect"), {"organization_id": ORG},
                      content_type="application/json", headers=api_headers)  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["way"] == "visma_connect" and done.json()["state"] == "connected"
    assert "refresh_token" not in done.content.decode()
    integration = Integration.objects.get(company=company)
    assert "pending" not in integration.credentials
    assert integration.settings["organization_name"] == "Nordlys Design ApS"
    bill(company, category=office)
    settle(integration)
    assert SyncRecord.objects.get().state == "posted" and len(rows(emu)) == 1


def test_the_import_plan_is_readable_before_importing(client, emu, company, api_headers):
    put(client, company, api_headers, api_key=api_key(emu), organization_id=ORG)
    Category.objects.create(company=company, name="Kaffe", account_number="2800")
    plan = client.get(url(company, "/import-plan"), headers=api_headers).json()
    assert plan["refusal"] == "" and len(plan["added"]) > 50
    assert plan["renamed"][0]["account"] == "2800" and plan["renamed"][0]["old_name"] == "Kaffe"
    assert Category.objects.filter(company=company).count() == 1  # nothing changed


def test_an_import_that_would_empty_the_categories_in_use_is_refused(
    client, emu, company, api_headers
):
    handmade = Category.objects.create(company=company, name="Diverse", account_number="1")
    BillFactory(company=company, category=handmade)
    response = put(client, company, api_headers, api_key=api_key(emu), organization_id=ORG,
                   import_chart_of_accounts=True)  # fmt: skip
    assert response.status_code == 400
    assert response.json()["code"] == "chart_archives_all_in_use"
    assert "Nothing was changed" in response.json()["detail"]


def test_the_money_choices_are_kept_and_reach_the_posting_rules(client, emu, company, api_headers):
    """Issue 11 items 1 and 3: the reverse-charge code and the exchange-difference account."""
    from billbridge.integrations.dinero.provider import DineroProvider

    response = put(client, company, api_headers, api_key=api_key(emu), organization_id=ORG,
                   exchange_difference_account="2400", reverse_charge_vat_code="IVY")  # fmt: skip
    assert response.status_code == 200, response.content
    integration = Integration.objects.get(company=company, provider="dinero")
    assert integration.settings["reverse_charge_vat_code"] == "IVY"
    provider = DineroProvider(integration)
    try:
        assert provider.rules.reverse_charge_code == "IVY"
        assert provider.rules.exchange_difference_account == "2400"
    finally:
        provider.close()


def test_a_reverse_charge_code_dinero_does_not_have_is_refused_with_words(
    client, emu, company, api_headers
):
    response = put(client, company, api_headers, api_key=api_key(emu), organization_id=ORG,
                   reverse_charge_vat_code="I25")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_reverse_charge_code"
    assert "IEUY" in response.json()["detail"]
    assert not Integration.objects.filter(company=company, state="connected").exists()
