"""Roles on every REST route (issue 15 item 6), enumerated like the tenant-isolation test: for
each role, a route its role may not use is 403 in the documented error shape, and one it may
use is never 403. Routes added later are covered without touching this file."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from billbridge.accounts.models import ApiToken, Role
from billbridge.accounts.roles import Action, action_for_route, may
from billbridge.accounts.services import add_product
from billbridge.bills.models import Category
from tests.api.test_tenant_isolation import (
    PREFIX,
    UNSCOPED,
    URLCONFS,
    call,
    fill,
    operations,
)
from tests.api.test_tenant_isolation import victim as victim_world
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
victim = victim_world  # the tenant-isolation test's world, one of everything a route reaches


@pytest.fixture(params=URLCONFS)
def urlconf(request, settings) -> str:
    settings.ROOT_URLCONF = request.param
    return request.param


@pytest.fixture
def offline(monkeypatch):
    """No route reaches an accounting system: every one answers 'wrong key'."""

    def refuse(self: Any, request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "unauthorized"}, request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)


def headers_for(company, role: str) -> tuple[Any, dict[str, str]]:
    person = UserFactory()
    membership = MembershipFactory(user=person, company=company, role=role)
    _, raw = ApiToken.objects.issue(person, "roles")
    return membership, {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", Role.values)
def test_every_company_route_answers_as_the_roles_table_says(
    client,
    urlconf,
    victim,
    company,
    offline,
    role,
):
    membership, headers = headers_for(company, role)
    document = client.get(f"{PREFIX}/openapi.json").json()
    components = document.get("components", {}).get("schemas", {})
    wrong, refused = [], 0
    for method, template, operation in operations(client):
        if (method, template) in UNSCOPED:
            continue
        allowed = may(membership, action_for_route(template, method))
        # Integration routes need Integrate (P-1), which DELETE /products/{code} may have removed.
        add_product(company, "integrate")
        response = call(client, method, fill(template, victim), operation, headers, components)
        if allowed and response.status_code == 403:
            wrong.append(f"{method.upper()} {template}: {role} refused")
        if not allowed:
            refused += 1
            if response.status_code != 403 or not response.json().get("detail"):
                wrong.append(f"{method.upper()} {template}: {role} -> {response.status_code}")
            elif "403" not in operation["responses"]:
                wrong.append(f"{method.upper()} {template}: its 403 is not documented")
    assert wrong == []
    assert (refused > 0) == (role in (Role.ACCOUNTANT, Role.MEMBER))


def test_a_member_may_not_create_a_category_with_an_account_number(client, company):
    _, headers = headers_for(company, Role.MEMBER)
    response = client.post(
        f"{PREFIX}/companies/{company.pk}/categories",
        {"name": "Husleje", "account_number": "1000"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 403
    assert "accountant" in response.json()["detail"]
    assert not Category.objects.filter(company=company).exists()


def test_the_accountant_may_change_categories(client, company):
    _, headers = headers_for(company, Role.ACCOUNTANT)
    response = client.post(
        f"{PREFIX}/companies/{company.pk}/categories",
        {"name": "Husleje", "account_number": "1000"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 201


def test_reading_the_catalog_is_for_every_member(client, company):
    _, headers = headers_for(company, Role.MEMBER)
    response = client.get(f"{PREFIX}/companies/{company.pk}/categories", headers=headers)
    assert response.status_code == 200


def test_the_table_names_writes_to_integrations_as_managing():
    path = "/api/v1/companies/{company_id}/integrations/dinero/backfill"
    assert action_for_route(path, "post") is Action.MANAGE_COMPANY
    assert action_for_route(path.removesuffix("/backfill"), "get") is Action.WORK_WITH_BILLS
