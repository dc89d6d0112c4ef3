"""Login throttling per account and per IP address, web form and API alike (issue 15 item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"
LIMIT = settings.AXES_FAILURE_LIMIT


def web_login(client: Client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/login/", {"username": email, "password": password}, REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip


def api_login(client: Client, email: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        TOKEN_URL, {"email": email, "password": password}, content_type="application/json",
        REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip


def test_web_login_is_locked_after_the_limit_and_then_refuses_the_right_password(client, user):
    answers = [web_login(client, user.email, "wrong").status_code for _ in range(LIMIT)]
    assert answers == [200] * (LIMIT - 1) + [429]
    response = web_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "Too many failed log-ins. Try again in 15 minutes" in body
    assert int(response["Retry-After"]) > 14 * 60


def test_api_token_is_locked_after_the_limit_with_the_wait_in_the_error_shape(client, user):
    answers = [api_login(client, user.email, "wrong").status_code for _ in range(LIMIT)]
    assert answers == [401] * (LIMIT - 1) + [429]
    response = api_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed log-ins. Try again in 15 minutes, or reset your password.",
        "errors": [],
    }
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_web_and_api_failures_count_together(client, user):
    for _ in range(LIMIT - 1):
        web_login(client, user.email, "wrong")
    assert api_login(client, user.email, "wrong").status_code == 429


def test_an_account_is_locked_whatever_address_the_guesses_come_from(client, user):
    for n in range(LIMIT):
        api_login(client, user.email, "wrong", ip=f"10.0.1.{n}")
    assert api_login(client, user.email, PASSWORD, ip="10.9.9.9").status_code == 429


def test_an_address_is_locked_whatever_accounts_it_guesses(client, user):
    others = [UserFactory() for _ in range(LIMIT)]
    for other in others:
        api_login(client, other.email, "wrong", ip="10.0.2.1")
    assert api_login(client, user.email, PASSWORD, ip="10.0.2.1").status_code == 429
    assert api_login(client, user.email, PASSWORD, ip="10.0.2.2").status_code == 200


def test_the_lockout_ends_after_the_cool_off(client, user):
    for _ in range(LIMIT):
        api_login(client, user.email, "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert api_login(client, user.email, PASSWORD).status_code == 200


def test_a_successful_login_forgets_earlier_failures(client, user):
    for _ in range(LIMIT - 1):
        api_login(client, user.email, "wrong")
    assert api_login(client, user.email, PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        assert api_login(client, user.email, "wrong").status_code == 401


def test_the_lockout_is_said_in_danish(client, user):
    for _ in range(LIMIT):
        response = client.post(
            "/login/", {"username": user.email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="da"
        )
    assert response.status_code == 429
    assert "For mange forkerte log-ind. Prøv igen om 15 minutter" in response.content.decode()


def test_the_email_is_compared_as_the_login_does(client, user):
    for _ in range(LIMIT):
        api_login(client, user.email.upper(), "wrong", ip=f"10.0.3.{_}")
    assert api_login(client, user.email, PASSWORD, ip="10.0.4.1").status_code == 429


def test_behind_a_proxy_the_address_it_saw_counts_not_one_the_client_sent(settings, rf):
    from billbridge.accounts.lockout import client_ip

    settings.BILLBRIDGE_TRUSTED_PROXIES = 1
    spoofed = rf.post("/login/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.5.5.5", REMOTE_ADDR="10.0.0.9")
    assert client_ip(spoofed) == "10.5.5.5"
    settings.BILLBRIDGE_TRUSTED_PROXIES = 0
    assert client_ip(spoofed) == "10.0.0.9"
