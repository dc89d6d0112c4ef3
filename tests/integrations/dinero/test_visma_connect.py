"""Visma Connect as the recommended way into Dinero (issue 9 item 3, S-d12, S-d2…S-d11):
CONNECT DINERO → the emulated Visma Connect login and consent ("Yes, Allow") → callback with a
code, exchanged with PKCE → the user's organisations, only Pro ones selectable → accounts →
import → Save; tokens encrypted, renewed (rotated) by the sync engine, a refused refresh
needs attention with Reconnect. Django's test client for billbridge, httpx for the emulator's
pages, real HTTP throughout.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client

from billbridge.accounts.services import add_product
from billbridge.integrations.models import Consent, Integration
from billbridge.sync.models import SyncRecord, SyncState
from tests.integrations.dinero.fixtures import ORG, bill, configure, rows, settle

pytestmark = pytest.mark.django_db


CALLBACK = "http://testserver/integrations/dinero/callback/"


@pytest.fixture
def web(client: Client, user, company, emu) -> Client:
    """The owner, logged in; billbridge's callback registered with the emulated app (the
    test server is not a loopback address)."""
    configure(emu, connect_redirect_uris=[CALLBACK])
    add_product(company, "integrate")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(company, step: str = "") -> str:
    return f"/c/{company.pk}/integrations/dinero/{step + '/' if step else ''}"


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def visma_log_in_and_allow(authorize_url: str, email: str = "revisor@example.com") -> str:
    """A person at Visma Connect: the login page, then "Yes, Allow" → the callback URL."""
    with httpx.Client(timeout=10.0) as browser:
        page = browser.get(authorize_url)
        assert "Log in" in page.text
        base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
        form = {"request": hidden(page.text, "request"), "email": email, "password": "demo"}
        consent = browser.post(f"{base}/connect/authorize/login", data=form)
        if consent.status_code == 302:  # allowed before: Visma Connect asks only once
            return consent.headers["Location"]
        assert "Yes, Allow" in consent.text
        back = browser.post(f"{base}/connect/authorize/consent", data={
            "request": hidden(consent.text, "request"), "decision": "allow"})  # fmt: skip
        assert back.status_code == 302
        return back.headers["Location"]


def to_organizations(web: Client, company) -> str:
    """CONNECT DINERO through Visma Connect and the company step → the organisation page."""
    response = web.get(url(company, "connect"))
    assert response.status_code == 302
    callback = visma_log_in_and_allow(response["Location"])
    split = urlsplit(callback)
    response = web.get(split.path + "?" + split.query)
    assert response["Location"] == url(company, "company")
    response = web.post(url(company, "company"), {"company": company.pk})
    assert response["Location"] == url(company, "organization")
    return web.get(url(company, "organization")).content.decode()


def save(web: Client, company, org: str = ORG) -> Integration:
    response = web.post(url(company, "organization"), {"organization": org})
    assert response["Location"] == url(company, "accounts"), response.content.decode()[:3000]
    web.post(url(company, "accounts"), {"fallback_account": "99999", "payment_account": "55000"})
    response = web.post(url(company, "import"), {"import_chart": "no"})
    assert response["Location"] == url(company, "done")
    return Integration.objects.get(company=company, provider="dinero")


def test_connect_dinero_sends_the_browser_to_visma_connect_with_pkce(emu, web, company):
    response = web.get(url(company, "connect"))
    target = urlsplit(response["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}" == emu.base_url
    assert target.path == "/connect/authorize"
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["scope"] == ["dineropublicapi:read dineropublicapi:write offline_access"]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["state"][0].startswith(f"{company.pk}.")


def test_the_organisations_of_the_visma_login_are_offered_only_pro_ones_selectable(
    emu, web, company
):
    html = to_organizations(web, company)
    assert "Nordlys Design ApS" in html and "Havnens Café ApS" in html
    no_pro = re.search(r'<input[^>]*value="778899"[^>]*>', html).group(0)
    assert "disabled" in no_pro and "needs Dinero Pro" in html
    assert "disabled" not in re.search(r'<input[^>]*value="112233"[^>]*>', html).group(0)
    # Posting the one without Pro anyway is refused with the reason.
    refused = web.post(url(company, "organization"), {"organization": "778899"})
    assert "Pro or Total" in refused.content.decode()


def test_the_whole_visma_connect_way_saves_tokens_encrypted_and_posts_bills(
    emu, web, user, company, office
):
    to_organizations(web, company)
    integration = save(web, company)
    assert integration.state == "connected"
    assert integration.settings["way"] == "visma_connect"
    creds = integration.credentials
    assert creds["refresh_token"] and creds["access_token"] and "api_key" not in creds
    assert creds["refresh_token"] not in integration.encrypted_credentials
    assert Consent.objects.filter(user=user, company=company, provider="dinero").exists()
    page = web.get(url(company)).content.decode()
    assert "Visma Connect" in page

    bill(company, category=office)
    settle(integration)
    assert SyncRecord.objects.get().state == SyncState.POSTED
    assert len(rows(emu)) == 1


def test_an_expired_access_token_is_renewed_and_the_refresh_token_rotated(
    emu, web, company, office
):
    to_organizations(web, company)
    integration = save(web, company)
    creds = integration.credentials
    old_refresh = creds["refresh_token"]
    integration.credentials = {**creds, "expires_at": 0}  # an hour has passed
    integration.save()
    bill(company, category=office)
    settle(integration)
    integration.refresh_from_db()
    assert SyncRecord.objects.get().state == SyncState.POSTED
    assert integration.credentials["refresh_token"] != old_refresh
    assert integration.credentials["expires_at"] > 0


def test_a_refused_refresh_needs_attention_with_reconnect(emu, web, company, office):
    to_organizations(web, company)
    integration = save(web, company)
    integration.credentials = {**integration.credentials, "expires_at": 0,
                               "refresh_token": "withdrawn"}  # fmt: skip
    integration.save()
    bill(company, category=office)
    settle(integration)
    integration.refresh_from_db()
    assert (integration.state, integration.attention_code) == ("needs_attention",
                                                               "connect_refused")  # fmt: skip
    assert SyncRecord.objects.get().state == SyncState.WAITING
    html = web.get(url(company)).content.decode()
    assert "Visma Connect no longer lets billbridge" in html
    assert 'data-testid="dinero-reconnect"' in html and url(company, "connect") in html

    # Reconnect: the same way in again; the held bill is sent.
    to_organizations(web, company)
    integration = save(web, company)
    settle(integration)
    assert integration.state == "connected"
    assert SyncRecord.objects.get().state == SyncState.POSTED


def test_saying_no_at_visma_connect_connects_nothing(emu, web, company):
    response = web.get(url(company, "connect"))
    with httpx.Client(timeout=10.0) as browser:
        page = browser.get(response["Location"])
        consent = browser.post(f"{emu.base_url}/connect/authorize/login", data={
            "request": hidden(page.text, "request"), "email": "nordlys@example.com",
            "password": "demo"})  # fmt: skip
        back = browser.post(f"{emu.base_url}/connect/authorize/consent", data={
            "request": hidden(consent.text, "request"), "decision": "deny"})  # fmt: skip
    split = urlsplit(back.headers["Location"])
    response = web.get(split.path + "?" + split.query, follow=True)
    assert "You did not allow billbridge" in response.content.decode()
    assert not Integration.objects.filter(company=company, state="connected").exists()


def test_a_callback_with_a_foreign_state_is_refused(emu, web, company):
    web.get(url(company, "connect"))
    response = web.get("/integrations/dinero/callback/", {"code": "x", "state": "1.forged"})
    assert response.status_code == 400


def test_the_personal_integration_is_the_api_key_way(emu, web, user, company):
    Consent.objects.create(user=user, company=company, provider="dinero")
    response = web.get(url(company, "personal"))
    assert response["Location"] == url(company, "company")
    response = web.post(url(company, "company"), {"company": company.pk})
    assert response["Location"] == url(company, "credentials")
    page = web.get(url(company)).content.decode()
    assert "Personal integration (for your own company)" in page


def test_a_token_that_dies_early_is_renewed_on_dinero_s_401(emu, web, company, office):
    to_organizations(web, company)
    integration = save(web, company)
    configure(emu, connect_access_token_seconds=1)
    integration.credentials = {**integration.credentials, "expires_at": 0}
    integration.save()
    bill(company, 1, category=office)
    settle(integration)  # renewed: the new token lives a second
    integration.refresh_from_db()
    integration.credentials = {**integration.credentials, "expires_at": 9e9}  # believed fresh
    integration.save()
    time.sleep(1.2)  # it has died in Visma Connect
    configure(emu, connect_access_token_seconds=3600)
    bill(company, 2, category=office)
    settle(integration)
    assert sorted(SyncRecord.objects.values_list("state", flat=True)) == ["posted", "posted"]


def test_the_done_page_names_the_chosen_organisation_with_its_id(emu, web, company):
    """S-d9 the Visma Connect way: the organisation's name from Dinero's list, and its id."""
    to_organizations(web, company)
    integration = save(web, company)
    assert integration.settings["organization_name"] == "Nordlys Design ApS"
    done = web.get(url(company, "done")).content.decode()
    assert "connected to Dinero company Nordlys Design ApS (112233)." in done


def test_reloading_the_done_page_keeps_the_visma_connect_ways_steps(emu, web, company):
    """S-d10 the Visma Connect way: the reload goes to the company step showing that way's
    steps (not the API key's), and a company picked goes on through Visma Connect."""
    to_organizations(web, company)
    save(web, company)
    web.get(url(company, "done"))
    reloaded = web.get(url(company, "done"))
    assert reloaded["Location"] == url(company, "company")
    steps = web.get(url(company, "company")).content.decode().split('class="steps"')[1]
    steps = steps.split("</ol>")[0]
    assert "Allow in Visma Connect" in steps and "Dinero organisation" in steps
    assert "API key" not in steps
    picked = web.post(url(company, "company"), {"company": company.pk})
    assert picked["Location"] == url(company, "connect")
