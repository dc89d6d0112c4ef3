"""Two-factor log-in through the REST API (issue 15 item 1): POST /api/v1/auth/token wants the
code as `code`; a company that requires two-factor refuses its owners' and admins' tokens
while they have none."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from billbridge.accounts.models import ApiToken, Role
from tests.api.conftest import api_url
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory, enable_two_factor, totp_code

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"


def ask_token(client, user, **extra):
    body = {"email": user.email, "password": PASSWORD, **extra}
    return client.post(TOKEN_URL, body, content_type="application/json")


def test_without_a_code_the_answer_says_a_code_is_needed(client, user):
    enable_two_factor(user)
    response = ask_token(client, user)
    assert response.status_code == 401
    body = response.json()
    assert "two-factor" in body["detail"] and "code" in body["detail"]
    assert body["errors"][0]["field"] == "code"
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_apps_code_gets_a_token(client, user):
    device, _codes = enable_two_factor(user)
    response = ask_token(client, user, code=totp_code(device))
    assert response.status_code == 200
    assert ApiToken.objects.authenticate(response.json()["token"]) == user


def test_a_recovery_code_gets_a_token(client, user):
    _device, codes = enable_two_factor(user)
    assert ask_token(client, user, code=codes[0]).status_code == 200


def test_a_wrong_code_is_401_naming_code(client, user):
    enable_two_factor(user)
    response = ask_token(client, user, code="000000")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Wrong two-factor code.",
        "errors": [{"field": "code", "message": "Wrong two-factor code."}],
    }


def test_codes_locked_out_are_429_with_retry_after(client, user):
    device, _codes = enable_two_factor(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    response = ask_token(client, user, code=totp_code(device))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 60
    assert response.json()["detail"].startswith("Too many wrong codes.")


def test_an_account_without_two_factor_needs_no_code(client, user):
    assert ask_token(client, user).status_code == 200


@pytest.fixture
def requiring(company):
    company.require_two_factor = True
    company.save()
    return company


def headers_for(user) -> dict[str, str]:
    _, raw = ApiToken.objects.issue(user, "test")
    return {"Authorization": f"Bearer {raw}"}


def test_a_company_requiring_it_refuses_an_owner_without_it(client, user, requiring):
    response = client.get(api_url(requiring, "/bills"), headers=headers_for(user))
    assert response.status_code == 403
    assert "requires two-factor log-in" in response.json()["detail"]


def test_a_company_requiring_it_answers_an_owner_with_it(client, user, requiring):
    enable_two_factor(user)
    assert client.get(api_url(requiring, "/bills"), headers=headers_for(user)).status_code == 200


def test_a_company_requiring_it_answers_a_member_without_it(client, requiring):
    member = UserFactory()
    MembershipFactory(user=member, company=requiring, role=Role.MEMBER)
    response = client.get(api_url(requiring, "/bills"), headers=headers_for(member))
    assert response.status_code == 200


def test_the_token_endpoint_documents_the_code(client):
    from billbridge.api.main import api

    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "code" in schema["components"]["schemas"][ref]["properties"]
