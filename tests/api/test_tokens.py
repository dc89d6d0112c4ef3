"""API tokens a user can trust (issue 15 item 3): named, expiring, listed, revoked; logging out
of the web leaves them alone; the last use is kept, written at most once a minute (issue 16
item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billbridge.accounts.models import ApiToken, SecurityEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def login(client, user, **extra):
    return client.post(
        TOKEN_URL, {"email": user.email, "password": PASSWORD, **extra},
        content_type="application/json",
    )  # fmt: skip


def test_a_token_from_a_login_is_named_and_expires(client, user, company):
    body = login(client, user, name="Regnskabsscript", expires_in_days=30).json()
    assert body["name"] == "Regnskabsscript"
    assert body["token"].startswith(body["prefix"])
    token = ApiToken.objects.get(pk=body["id"])
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)


def test_a_login_token_lasts_90_days_unless_asked(client, user, company):
    token = ApiToken.objects.get(pk=login(client, user).json()["id"])
    assert token.name == "api"
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)


@pytest.mark.parametrize("days", [0, 366, -1])
def test_a_life_outside_one_day_to_a_year_is_refused(client, user, days):
    response = login(client, user, expires_in_days=days)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_in_days"


def test_an_expired_token_is_401(client, user, company):
    token, raw = ApiToken.objects.issue(user, "old", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/companies", headers=bearer(raw)).status_code == 401


def test_the_caller_lists_its_own_tokens_without_their_values(client, user, company, outsider):
    _, raw = ApiToken.objects.issue(user, "cli")
    ApiToken.objects.issue(user, "backup")
    ApiToken.objects.issue(outsider, "theirs")
    body = client.get("/api/v1/tokens", headers=bearer(raw)).json()
    assert [t["name"] for t in body] == ["backup", "cli"]
    assert all("token" not in t and t["usable"] for t in body)


def test_a_new_token_is_made_through_the_api(client, user, company, api_headers):
    response = client.post(
        "/api/v1/tokens", {"name": "nightly export", "expires_in_days": 365},
        content_type="application/json", headers=api_headers,
    )  # fmt: skip
    assert response.status_code == 201
    opened = client.get("/api/v1/companies", headers=bearer(response.json()["token"]))
    assert opened.status_code == 200


def test_a_blank_name_is_refused(client, user, company, api_headers):
    response = client.post(
        "/api/v1/tokens", {"name": "  "}, content_type="application/json", headers=api_headers
    )
    assert response.status_code == 422


def test_a_revoked_token_stops_working_at_once(client, user, company):
    token, raw = ApiToken.objects.issue(user, "cli")
    response = client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(raw))
    assert response.status_code == 204
    assert client.get("/api/v1/companies", headers=bearer(raw)).status_code == 401
    listed = ApiToken.objects.get(pk=token.pk)
    assert listed.revoked_at is not None and not listed.is_usable


def test_another_users_token_cannot_be_revoked(client, user, company, outsider, api_headers):
    theirs, raw = ApiToken.objects.issue(outsider, "theirs")
    assert client.delete(f"/api/v1/tokens/{theirs.pk}", headers=api_headers).status_code == 404
    assert client.get("/api/v1/companies", headers=bearer(raw)).status_code == 200


def test_a_token_id_beyond_64_bits_is_404(client, user, company, api_headers):
    assert client.delete(f"/api/v1/tokens/{2**63}", headers=api_headers).status_code == 404


def test_logging_out_of_the_web_leaves_tokens_working(client, user, company):
    _, raw = ApiToken.objects.issue(user, "cli")
    client.force_login(user)
    client.post("/logout/")
    assert client.get("/api/v1/companies", headers=bearer(raw)).status_code == 200


def test_making_and_revoking_tokens_is_in_the_security_log(client, user, company):
    token, raw = ApiToken.objects.issue(user, "cli")
    client.post(
        "/api/v1/tokens", {"name": "second"}, content_type="application/json", headers=bearer(raw)
    )
    client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(raw))
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", "detail"))
    assert [k for k, _ in kinds] == ["token_created", "token_revoked"]
    assert kinds[1][1].startswith("cli (bb_")


def test_the_last_use_is_written_once_a_minute_at_most(client, user, company):
    token, raw = ApiToken.objects.issue(user, "cli")
    client.get("/api/v1/companies", headers=bearer(raw))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/api/v1/companies", headers=bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/companies", headers=bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first
