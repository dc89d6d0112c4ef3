"""Token authentication (SPEC §7: a REST API with token authentication)."""

from __future__ import annotations

import pytest

from billbridge.accounts.models import ApiToken

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"


def test_token_is_issued_for_a_correct_login(client, user):
    response = client.post(
        TOKEN_URL,
        {"email": "owner@example.com", "password": "secret-password"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.authenticate(token) == user


def test_token_login_ignores_email_case(client, user):
    response = client.post(
        TOKEN_URL,
        {"email": "Owner@Example.com", "password": "secret-password"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_wrong_password_is_401_with_a_readable_message(client, user):
    response = client.post(
        TOKEN_URL,
        {"email": "owner@example.com", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong e-mail address or password."


def test_unknown_email_is_401(client, db):
    response = client.post(
        TOKEN_URL,
        {"email": "nobody@example.com", "password": "secret-password"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_token_request_without_password_is_422_naming_the_field(client, db):
    response = client.post(TOKEN_URL, {"email": "x@example.com"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_issued_token_opens_the_api(client, user, company):
    token = client.post(
        TOKEN_URL,
        {"email": "owner@example.com", "password": "secret-password"},
        content_type="application/json",
    ).json()["token"]
    response = client.get("/api/v1/companies", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_missing_token_is_401_json(client, company):
    response = client.get("/api/v1/companies")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_wrong_token_is_401(client, company):
    response = client.get("/api/v1/companies", headers={"Authorization": "Bearer bb_nope"})
    assert response.status_code == 401


def test_token_of_inactive_user_is_401(client, user, api_headers):
    user.is_active = False
    user.save()
    assert client.get("/api/v1/companies", headers=api_headers).status_code == 401


def test_session_login_alone_does_not_open_the_api(logged_in_client):
    """Browsers use the web pages; the API takes tokens only (no CSRF surface)."""
    assert logged_in_client.get("/api/v1/companies").status_code == 401
