"""Dinero emulator: the OAuth token endpoint and Bearer auth on the API (plain HTTP)."""

from __future__ import annotations

import base64

TOKEN = "/dineroapi/oauth/token"


def _form(key: str, grant: str = "password") -> dict[str, str]:
    return {"grant_type": grant, "scope": "read write", "username": key, "password": key}


def _creds(dinero):
    creds = dinero.credentials()
    org = next(o for o in creds["organizations"] if o["organization_id"] == "112233")
    return creds, org["api_key"]


def test_credentials_lists_the_seeded_client_and_organisations(dinero):
    creds = dinero.credentials()
    assert creds["client_id"] == "billbridge-demo"
    assert creds["client_secret"]
    orgs = {o["organization_id"]: o for o in creds["organizations"]}
    assert orgs["112233"]["name"] == "Nordlys Design ApS"
    assert orgs["445566"]["name"] == "Havnens Café ApS"
    assert orgs["990001"]["name"] == "Benchmark ApS"
    assert orgs["778899"]["is_pro"] is False
    assert len({o["api_key"] for o in creds["organizations"]}) == 4


def test_token_with_basic_client_auth_and_api_key_returns_bearer_token(dinero):
    creds, key = _creds(dinero)
    r = dinero.client.post(
        TOKEN, auth=(creds["client_id"], creds["client_secret"]), data=_form(key)
    )
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"] and body["refresh_token"]


def test_token_with_wrong_client_secret_is_401_invalid_client(dinero):
    creds, key = _creds(dinero)
    r = dinero.client.post(TOKEN, auth=(creds["client_id"], "wrong"), data=_form(key))
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"


def test_token_without_basic_auth_is_401_invalid_client(dinero):
    _, key = _creds(dinero)
    r = dinero.client.post(TOKEN, data=_form(key))
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"


def test_token_with_garbage_basic_header_is_401_invalid_client(dinero):
    _, key = _creds(dinero)
    r = dinero.client.post(TOKEN, headers={"Authorization": "Basic %%%"}, data=_form(key))
    assert r.status_code == 401


def test_token_with_wrong_api_key_is_400_invalid_grant(dinero):
    creds, _ = _creds(dinero)
    auth = (creds["client_id"], creds["client_secret"])
    r = dinero.client.post(TOKEN, auth=auth, data=_form("not-a-key"))
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    assert "error_description" in r.json()


def test_token_with_username_and_password_differing_is_400_invalid_grant(dinero):
    creds, key = _creds(dinero)
    auth = (creds["client_id"], creds["client_secret"])
    data = {**_form(key), "password": "other"}
    r = dinero.client.post(TOKEN, auth=auth, data=data)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


def test_token_with_unknown_grant_type_is_400_unsupported_grant_type(dinero):
    creds, key = _creds(dinero)
    auth = (creds["client_id"], creds["client_secret"])
    r = dinero.client.post(TOKEN, auth=auth, data=_form(key, grant="client_credentials"))
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported_grant_type"


def test_refresh_token_grant_issues_a_working_token(dinero):
    creds, key = _creds(dinero)
    auth = (creds["client_id"], creds["client_secret"])
    first = dinero.client.post(TOKEN, auth=auth, data=_form(key)).json()
    r = dinero.client.post(
        TOKEN,
        auth=auth,
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert r.status_code == 200
    token = r.json()["access_token"]
    api = dinero.client.get(
        "/v1/112233/accounts/deposit", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200


def test_basic_header_built_by_hand_is_accepted(dinero):
    creds, key = _creds(dinero)
    raw = f"{creds['client_id']}:{creds['client_secret']}".encode()
    header = {"Authorization": "Basic " + base64.b64encode(raw).decode()}
    r = dinero.client.post(TOKEN, headers=header, data=_form(key))
    assert r.status_code == 200


def test_api_without_bearer_token_is_401_with_json_body(dinero):
    r = dinero.client.get("/v1/112233/accounts/entry")
    assert r.status_code == 401
    body = r.json()
    assert body["message"]
    assert "code" in body


def test_api_with_unknown_token_is_401(dinero):
    r = dinero.client.get("/v1/112233/accounts/entry", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401
    assert r.json()["message"] == "Invalid token"


def test_api_with_token_for_another_organisation_is_403(dinero_api):
    r = dinero_api.request("GET", "/v1/445566/accounts/entry")
    assert r.status_code == 403
    assert "445566" in r.json()["message"]


def test_api_with_nonexistent_organisation_is_403(dinero_api):
    r = dinero_api.request("GET", "/v1/999999/accounts/entry")
    assert r.status_code == 403


def test_each_organisation_key_reaches_its_own_organisation(dinero_api_for):
    api = dinero_api_for("445566")
    assert api.request("GET", "/v1/{org}/accounts/entry").status_code == 200


def test_expired_token_is_401_token_expired(dinero):
    import time

    dinero.faults(token_ttl_seconds=0.2)
    creds, key = _creds(dinero)
    auth = (creds["client_id"], creds["client_secret"])
    token = dinero.client.post(TOKEN, auth=auth, data=_form(key)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert dinero.client.get("/v1/112233/accounts/deposit", headers=headers).status_code == 200
    time.sleep(0.3)
    r = dinero.client.get("/v1/112233/accounts/deposit", headers=headers)
    assert r.status_code == 401
    assert r.json()["message"] == "Token expired"


def test_revoked_api_key_stops_its_tokens_and_token_requests(dinero_api):
    dinero = dinero_api.emulator
    r = dinero.client.post(f"/_emulator/organizations/112233/api-keys/{dinero_api.api_key}/revoke")
    assert r.status_code == 200
    assert dinero_api.request("GET", "/v1/{org}/accounts/entry").status_code == 401
    creds = dinero.credentials()
    auth = (creds["client_id"], creds["client_secret"])
    token = dinero.client.post(TOKEN, auth=auth, data=_form(dinero_api.api_key))
    assert token.status_code == 400
    assert token.json()["error"] == "invalid_grant"


def test_revoking_unknown_api_key_is_404(dinero):
    r = dinero.client.post("/_emulator/organizations/112233/api-keys/nope/revoke")
    assert r.status_code == 404


def test_an_organisation_without_dinero_pro_is_403_with_error_code_90(dinero_api_for):
    r = dinero_api_for("778899").request("GET", "/v1/{org}/accounts/entry")
    assert r.status_code == 403
    assert r.json()["code"] == 90


def test_an_organisation_that_loses_pro_is_refused_from_then_on(dinero_api):
    dinero_api.emulator.client.post("/_emulator/organizations/112233/pro", json={"is_pro": False})
    assert dinero_api.request("GET", "/v1/{org}/accounts/entry").status_code == 403


def test_organizations_tell_whether_an_organisation_has_pro(dinero_api_for):
    r = dinero_api_for("778899").request("GET", "/v1/organizations")
    assert r.status_code == 200
    assert r.json() == [{"id": 778899, "name": "Lille Butik IVS", "isPro": False}]
