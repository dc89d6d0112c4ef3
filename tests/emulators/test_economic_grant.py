"""e-conomic emulator: the grant (app installation) flow, walked by HTTP with cookies."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import httpx
import pytest

GRANT = "/secure/api1/requestaccess.aspx"
CALLBACK = "https://billbridge.test/integrations/economic/callback?state=abc123"


@pytest.fixture
def eco(shared_emulator: Any) -> Any:
    return shared_emulator("economic")


@pytest.fixture
def browser(eco: Any) -> httpx.Client:
    with httpx.Client(base_url=eco.base_url, timeout=10.0) as client:
        yield client


def grant_params(eco: Any, **extra: str) -> dict[str, str]:
    params = {
        "appPublicToken": eco.credentials()["app_public_token"],
        "redirectUrl": CALLBACK,
        "locale": "da-DK",
    }
    params.update(extra)
    return params


def login(browser: httpx.Client, params: dict[str, str], user: str) -> httpx.Response:
    r = browser.post(
        GRANT, params=params, data={"action": "login", "username": user, "password": "demo"}
    )
    assert r.status_code == 302
    return browser.get(r.headers["location"])


def redirect_query(r: httpx.Response) -> dict[str, list[str]]:
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith("https://billbridge.test/integrations/economic/callback?")
    return urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)


def test_not_logged_in_shows_the_login_page(eco: Any, browser: httpx.Client) -> None:
    r = browser.get(GRANT, params=grant_params(eco))
    assert r.status_code == 200
    assert "Log ind" in r.text
    assert 'name="username"' in r.text and 'name="password"' in r.text


def test_unknown_app_public_token_shows_an_error_page(eco: Any, browser: httpx.Client) -> None:
    r = browser.get(GRANT, params=grant_params(eco, appPublicToken="unknown"))
    assert r.status_code == 400
    assert "Ukendt app" in r.text


def test_wrong_password_shows_the_login_page_again(eco: Any, browser: httpx.Client) -> None:
    data = {"action": "login", "username": "nordlys@example.com", "password": "wrong"}
    r = browser.post(GRANT, params=grant_params(eco), data=data)
    assert r.status_code == 200
    assert "Forkert brugernavn eller adgangskode" in r.text


def test_single_agreement_user_goes_straight_to_tilfoej_app(
    eco: Any, browser: httpx.Client
) -> None:
    page = login(browser, grant_params(eco), "nordlys@example.com")
    assert "Tilføj app" in page.text and "Annuller" in page.text
    assert "Nordlys Design ApS" in page.text
    assert "SuperUser" in page.text


def test_tilfoej_app_redirects_with_token_and_keeps_state(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    login(browser, params, "nordlys@example.com")
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701001"})
    query = redirect_query(r)
    assert query["state"] == ["abc123"]
    token = query["token"][0]
    nordlys = next(a for a in eco.credentials()["agreements"] if a["agreement_number"] == 701001)
    assert token == nordlys["agreement_grant_token"]


def test_granted_token_works_on_the_api(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    login(browser, params, "havnen@example.com")
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701002"})
    token = redirect_query(r)["token"][0]
    headers = {
        "X-AppSecretToken": eco.credentials()["app_secret_token"],
        "X-AgreementGrantToken": token,
    }
    assert eco.client.get("/self", headers=headers).json()["agreementNumber"] == 701002


def administer(browser: httpx.Client, agreement: int) -> httpx.Response:
    """Click *Administrer* on a client agreement in e-conomic (the administration page)."""
    r = browser.post("/secure/", data={"action": "administer", "agreement": str(agreement)})
    assert r.status_code == 302
    return browser.get(r.headers["location"])


def test_grant_page_has_no_agreement_chooser(eco: Any, browser: httpx.Client) -> None:
    # economic.md §10.3: requestaccess.aspx has no agreement chooser
    page = login(browser, grant_params(eco), "revisor@example.com")
    assert "Vælg aftale" not in page.text and 'name="agreement" value="701002"' not in page.text


def test_administrator_not_administering_is_told_to_administer_first(
    eco: Any, browser: httpx.Client
) -> None:
    # economic.md §1.4: "You must be actively administering an agreement to add apps as an
    # administrator. Please switch to the client agreement …"
    page = login(browser, grant_params(eco), "revisor@example.com")
    assert page.status_code == 403
    assert "You must be actively administering an agreement" in page.text
    assert "Tilføj app" not in page.text
    assert 'href="/secure/?returnUrl=' in page.text


def test_administration_page_lists_the_client_agreements_with_administrer(
    eco: Any, browser: httpx.Client
) -> None:
    login(browser, grant_params(eco), "revisor@example.com")
    page = browser.get("/secure/")
    for name in ("Nordlys Design ApS", "Havnens Café ApS", "Bogholderiet Revision ApS"):
        assert name in page.text
    assert page.text.count(">Administrer</button>") == 3


def test_administrator_administering_a_client_gets_tilfoej_app_for_that_agreement(
    eco: Any, browser: httpx.Client
) -> None:
    params = grant_params(eco)
    login(browser, params, "revisor@example.com")
    assert "Havnens Café ApS" in administer(browser, 701002).text
    page = browser.get(GRANT, params=params)
    assert "Tilføj app" in page.text and "Havnens Café ApS (701002)" in page.text
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701002"})
    havnen = next(a for a in eco.credentials()["agreements"] if a["agreement_number"] == 701002)
    assert redirect_query(r)["token"] == [havnen["agreement_grant_token"]]


def test_administrator_administers_one_agreement_at_a_time(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    login(browser, params, "revisor@example.com")
    administer(browser, 701002)
    page = administer(browser, 701003)
    assert "administrerer nu <strong>Bogholderiet Revision ApS" in page.text
    r = browser.post(GRANT, params=params, data={"action": "approve"})
    revisor = next(a for a in eco.credentials()["agreements"] if a["agreement_number"] == 701003)
    assert redirect_query(r)["token"] == [revisor["agreement_grant_token"]]


def test_tilfoej_app_from_a_page_shown_for_another_agreement_is_refused(
    eco: Any, browser: httpx.Client
) -> None:
    params = grant_params(eco)
    login(browser, params, "revisor@example.com")
    administer(browser, 701002)
    administer(browser, 701001)  # switched in another tab after the page for 701002 was shown
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701002"})
    assert r.status_code == 400


def test_administrator_cannot_administer_an_agreement_that_is_not_a_client(
    eco: Any, browser: httpx.Client
) -> None:
    login(browser, grant_params(eco), "revisor@example.com")
    r = browser.post("/secure/", data={"action": "administer", "agreement": "701004"})
    assert r.status_code == 400


def test_afslut_administration_leaves_the_client_agreement(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    login(browser, params, "revisor@example.com")
    administer(browser, 701002)
    browser.post("/secure/", data={"action": "stop"})
    assert browser.get(GRANT, params=params).status_code == 403


def test_administration_page_links_back_to_the_app_link(eco: Any, browser: httpx.Client) -> None:
    page = login(browser, grant_params(eco), "revisor@example.com")
    back = re.search(r'href="(/secure/\?returnUrl=[^"]+)"', page.text)
    assert back
    admin = browser.get(back.group(1).replace("&amp;", "&"))
    link = re.search(r'<a href="([^"]+)">Følg app-linket igen</a>', admin.text)
    assert link and link.group(1).startswith("/secure/api1/requestaccess.aspx?appPublicToken=")


def test_a_user_who_is_no_administrator_is_in_their_own_agreement(
    eco: Any, browser: httpx.Client
) -> None:
    login(browser, grant_params(eco), "havnen@example.com")
    page = browser.get("/secure/")
    assert "Du er i <strong>Havnens Café ApS" in page.text and "Administrer" not in page.text


def test_logging_in_on_the_administration_page(eco: Any, browser: httpx.Client) -> None:
    assert "Log ind" in browser.get("/secure/").text
    r = browser.post(
        "/secure/", data={"action": "login", "username": "revisor@example.com", "password": "demo"}
    )
    assert r.status_code == 302 and "Kunder" in browser.get(r.headers["location"]).text


def test_user_cannot_grant_an_agreement_that_is_not_theirs(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    login(browser, params, "nordlys@example.com")
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701002"})
    assert r.status_code == 400


def test_annuller_redirects_with_an_error_and_the_state(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    login(browser, params, "nordlys@example.com")
    r = browser.post(GRANT, params=params, data={"action": "cancel", "agreement": "701001"})
    query = redirect_query(r)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["abc123"]
    assert "token" not in query


def test_legacy_app_id_parameter_is_accepted(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    params["appId"] = params.pop("appPublicToken")
    assert "Log ind" in browser.get(GRANT, params=params).text


def test_without_redirect_url_the_token_is_shown(eco: Any, browser: httpx.Client) -> None:
    params = grant_params(eco)
    del params["redirectUrl"]
    login(browser, params, "nordlys@example.com")
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701001"})
    token = re.search(r"<code id='token'>([^<]+)</code>", r.text)
    assert token and len(token.group(1)) == 40


def test_regrant_after_revoke_issues_a_new_working_token(eco: Any, browser: httpx.Client) -> None:
    old = eco.credentials()["agreements"][0]["agreement_grant_token"]
    eco.client.post("/_emulator/agreements/701001/revoke").raise_for_status()
    params = grant_params(eco)
    login(browser, params, "nordlys@example.com")
    r = browser.post(GRANT, params=params, data={"action": "approve", "agreement": "701001"})
    new = redirect_query(r)["token"][0]
    assert new != old
    assert eco.credentials()["agreements"][0]["agreement_grant_token"] == new
    headers = {"X-AppSecretToken": eco.credentials()["app_secret_token"]}
    assert eco.client.get("/self", headers={**headers, "X-AgreementGrantToken": new}).is_success
    assert eco.client.get("/self", headers={**headers, "X-AgreementGrantToken": old}).is_error
