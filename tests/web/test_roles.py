"""Roles on every page (issue 15 item 6), enumerated like the tenant-isolation test: GET and
POST on each company page, for each role, are refused (403) exactly where the roles table says.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.urls import resolve

from billbridge.accounts.models import Role
from billbridge.accounts.roles import action_for_page, may
from billbridge.bills.models import Category
from tests.factories import MembershipFactory, UserFactory
from tests.web.test_isolation import _fill, company_routes

pytestmark = pytest.mark.django_db
# What a page needs posted to get past its own input checks (an unknown product is refused).
POST_DATA = {"web:products": {"product": "integrate", "action": "add"}}


@pytest.fixture
def offline(monkeypatch):
    def refuse(self: Any, request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "unauthorized"}, request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)


@pytest.fixture
def ids(world) -> dict[str, object]:
    return {
        "company_id": world["company"].pk,
        "bill_id": world["bill"].pk,
        "category_id": world["category"].pk,
        "payment_method_id": world["payment_method"].pk,
        "supplier_id": world["supplier"].pk,
        "integration_id": world["integration"].pk,
        "provider": "dinero",
        "key": "dinero",
        "pk": world["bill"].pk,
    }


@pytest.mark.parametrize("role", Role.values)
def test_every_company_page_answers_as_the_roles_table_says(client, world, ids, offline, role):
    person = UserFactory()
    membership = MembershipFactory(user=person, company=world["company"], role=role)
    client.force_login(person)
    wrong, refused = [], 0
    for route in company_routes():
        url = _fill(route, ids, ids["bill_id"])
        name = resolve(url).view_name
        for method in ("get", "post"):
            allowed = may(membership, action_for_page(name, method))
            data = POST_DATA.get(name, {}) if method == "post" else {}
            status = getattr(client, method)(url, data).status_code
            if allowed and status == 403:
                wrong.append(f"{method.upper()} {name}: {role} refused")
            if not allowed:
                refused += 1
                if status not in (403, 405):  # 405: a POST-only page checks the method first
                    wrong.append(f"{method.upper()} {name}: {role} -> {status}")
    assert wrong == []
    assert (refused > 0) == (role != Role.OWNER)


def test_a_member_may_not_add_a_category_on_the_page(client, world):
    person = UserFactory()
    MembershipFactory(user=person, company=world["company"], role=Role.MEMBER)
    client.force_login(person)
    url = f"/c/{world['company'].pk}/settings/categories/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"new-name": "Husleje", "new-account_number": "1000"})
    assert response.status_code == 403
    assert not Category.objects.filter(name="Husleje").exists()
