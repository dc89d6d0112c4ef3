"""Dinero emulator: Visma Connect — authorize (login and consent pages), token with PKCE,
rotating refresh tokens, discovery, and the user's organisations (issue 9 item 3, S-d12)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

REDIRECT = "http://127.0.0.1:9/dinero/callback"
SCOPES = "openid dineropublicapi:read dineropublicapi:write offline_access"


def challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


@pytest.fixture
def browser(dinero):
    """A fresh cookie jar against the emulator, never following redirects."""
    with httpx.Client(base_url=dinero.base_url, timeout=10.0) as client:
        yield client


@pytest.fixture
def app(dinero):
    return dinero.credentials()["connect"]


def authorize_params(app, verifier, **extra):
    params = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": SCOPES,
        "state": "st-42",
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
        "ui_locales": "da-DK",
    }
    params.update(extra)
    return params


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def log_in_and_allow(browser, app, verifier, *, email="revisor@example.com", **extra):
    """Walk the login page and the consent page; → the redirect back to the app."""
    page = browser.get("/connect/authorize", params=authorize_params(app, verifier, **extra))
    assert page.status_code == 200 and "Log in" in page.text
    consent = browser.post(
        "/connect/authorize/login",
        data={"request": hidden(page.text, "request"), "email": email, "password": "demo"},
    )
    assert "Yes, Allow" in consent.text
    return browser.post(
        "/connect/authorize/consent",
        data={"request": hidden(consent.text, "request"), "decision": "allow"},
    )


def code_from(response) -> dict[str, str]:
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def exchange(browser, app, code, verifier, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
    }
    data.update(extra)
    return browser.post("/connect/token", data=data)


def tokens(browser, app, email="revisor@example.com"):
    verifier = secrets.token_urlsafe(48)
    answer = code_from(log_in_and_allow(browser, app, verifier, email=email))
    r = exchange(browser, app, answer["code"], verifier)
    assert r.status_code == 200, r.text
    return r.json()


def refresh(browser, app, token):
    return browser.post(
        "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": token},
        auth=(app["client_id"], app["client_secret"]),
    )


def test_discovery_names_the_authorize_and_token_endpoints(browser):
    r = browser.get("/.well-known/openid-configuration")
    assert r.status_code == 200
    body = r.json()
    assert body["authorization_endpoint"].endswith("/connect/authorize")
    assert body["token_endpoint"].endswith("/connect/token")
    assert body["code_challenge_methods_supported"] == ["S256"]


def test_login_then_yes_allow_sends_the_code_and_state_back(browser, app):
    answer = code_from(log_in_and_allow(browser, app, secrets.token_urlsafe(48)))
    assert answer["code"] and answer["state"] == "st-42"


def test_the_code_with_its_verifier_gives_tokens(browser, app):
    body = tokens(browser, app)
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"] and body["refresh_token"]


def test_the_token_lists_the_users_organisations_with_pro(browser, app):
    access = tokens(browser, app)["access_token"]
    r = browser.get("/v1/organizations", headers={"Authorization": f"Bearer {access}"})
    assert r.status_code == 200
    assert r.json() == [
        {"id": 112233, "name": "Nordlys Design ApS", "isPro": True},
        {"id": 445566, "name": "Havnens Café ApS", "isPro": True},
        {"id": 778899, "name": "Lille Butik IVS", "isPro": False},
    ]


def test_the_token_reaches_the_users_pro_organisation(browser, app):
    access = tokens(browser, app, "nordlys@example.com")["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    assert browser.get("/v1/112233/accounts/entry", headers=headers).status_code == 200
    assert browser.get("/v1/445566/accounts/entry", headers=headers).status_code == 403


def test_the_users_organisation_without_pro_is_403_code_90(browser, app):
    access = tokens(browser, app, "lille@example.com")["access_token"]
    r = browser.get("/v1/778899/accounts/entry", headers={"Authorization": f"Bearer {access}"})
    assert r.status_code == 403
    assert r.json()["code"] == 90


def test_a_wrong_code_verifier_is_invalid_grant(browser, app):
    answer = code_from(log_in_and_allow(browser, app, secrets.token_urlsafe(48)))
    r = exchange(browser, app, answer["code"], secrets.token_urlsafe(48))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")


def test_a_code_is_good_once(browser, app):
    verifier = secrets.token_urlsafe(48)
    answer = code_from(log_in_and_allow(browser, app, verifier))
    assert exchange(browser, app, answer["code"], verifier).status_code == 200
    assert exchange(browser, app, answer["code"], verifier).json()["error"] == "invalid_grant"


def test_another_redirect_uri_at_the_token_endpoint_is_invalid_grant(browser, app):
    verifier = secrets.token_urlsafe(48)
    answer = code_from(log_in_and_allow(browser, app, verifier))
    r = exchange(browser, app, answer["code"], verifier, redirect_uri="http://127.0.0.1:9/x")
    assert r.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(browser, app):
    verifier = secrets.token_urlsafe(48)
    answer = code_from(log_in_and_allow(browser, app, verifier))
    r = exchange(browser, app, answer["code"], verifier, client_secret="nope")
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")


def test_without_pkce_the_app_gets_invalid_request(browser, app):
    params = authorize_params(app, "v")
    del params["code_challenge"]
    answer = code_from(browser.get("/connect/authorize", params=params))
    assert answer["error"] == "invalid_request"


def test_an_unknown_redirect_uri_is_an_error_page_not_a_redirect(browser, app):
    params = authorize_params(app, "v", redirect_uri="https://evil.example/cb")
    assert browser.get("/connect/authorize", params=params).status_code == 400


def test_a_wrong_password_shows_the_login_page_again(browser, app):
    page = browser.get("/connect/authorize", params=authorize_params(app, "v"))
    r = browser.post(
        "/connect/authorize/login",
        data={"request": hidden(page.text, "request"), "email": "revisor@example.com",
              "password": "wrong"},
    )  # fmt: skip
    assert "not right" in r.text and "Yes, Allow" not in r.text


def test_saying_no_sends_access_denied_back(browser, app):
    page = browser.get("/connect/authorize", params=authorize_params(app, "v"))
    consent = browser.post(
        "/connect/authorize/login",
        data={"request": hidden(page.text, "request"), "email": "revisor@example.com",
              "password": "demo"},
    )  # fmt: skip
    r = browser.post(
        "/connect/authorize/consent",
        data={"request": hidden(consent.text, "request"), "decision": "deny"},
    )
    assert code_from(r)["error"] == "access_denied"


def test_a_second_authorize_with_session_and_consent_goes_straight_back(browser, app):
    log_in_and_allow(browser, app, "v1" * 30)
    r = browser.get("/connect/authorize", params=authorize_params(app, "v2" * 30))
    assert code_from(r)["code"]


def test_form_post_answers_with_a_form_to_the_redirect_uri(browser, app):
    r = log_in_and_allow(browser, app, "v" * 50, response_mode="form_post")
    assert r.status_code == 200
    assert f'action="{REDIRECT}"' in r.text
    assert hidden(r.text, "code") and hidden(r.text, "state") == "st-42"


def test_a_refresh_token_rotates(browser, app):
    first = tokens(browser, app)
    second = refresh(browser, app, first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]


def test_a_used_refresh_token_works_within_the_grace_period_only(dinero, browser, app):
    dinero.client.post("/_emulator/config", json={"connect_refresh_grace_seconds": 2.0})
    old = tokens(browser, app)["refresh_token"]
    assert refresh(browser, app, old).status_code == 200
    assert refresh(browser, app, old).status_code == 200
    time.sleep(2.1)
    r = refresh(browser, app, old)
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")


def test_re_usable_refresh_tokens_when_rotation_is_off(dinero, browser, app):
    dinero.client.post("/_emulator/config", json={"connect_refresh_rotation": False})
    old = tokens(browser, app)["refresh_token"]
    assert refresh(browser, app, old).json()["refresh_token"] == old


def test_a_read_only_token_cannot_write(browser, app):
    verifier = secrets.token_urlsafe(48)
    answer = code_from(
        log_in_and_allow(browser, app, verifier, scope="dineropublicapi:read", email=
                         "nordlys@example.com")
    )  # fmt: skip
    access = exchange(browser, app, answer["code"], verifier).json()["access_token"]
    r = browser.post(
        "/v1/112233/ledgeritems/book",
        json=[{"Id": "bf453202-d755-4602-aae0-f79819fb7ef0"}],
        headers={"Authorization": f"Bearer {access}"},
    )
    assert r.status_code == 403
