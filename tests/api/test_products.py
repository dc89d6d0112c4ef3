"""Business products (SPEC P-1, S-e1): members see them, owners and admins change them."""

from __future__ import annotations

import pytest

from billbridge.accounts.models import ApiToken
from billbridge.accounts.services import add_product
from tests.api.conftest import api_url, error_fields
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _headers_for_role(company, role: str) -> dict[str, str]:
    member = UserFactory()
    MembershipFactory(user=member, company=company, role=role)
    _, raw = ApiToken.objects.issue(member)
    return {"Authorization": f"Bearer {raw}"}


def test_products_list_every_product_with_added_flag(client, company, api_headers):
    response = client.get(api_url(company, "/products"), headers=api_headers)
    assert response.status_code == 200
    [product] = response.json()
    assert product["code"] == "integrate"
    assert product["added"] is False
    assert product["name"]
    assert product["description"]


def test_owner_adds_integrate(client, company, api_headers):
    """P-1: a company admin adds Integrate in Business Products."""
    response = client.post(
        api_url(company, "/products"),
        {"code": "integrate"},
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 201
    assert response.json()["added"] is True
    assert company.has_product("integrate")


def test_adding_a_product_twice_is_harmless(client, company, api_headers):
    add_product(company, "integrate")
    response = client.post(
        api_url(company, "/products"),
        {"code": "integrate"},
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 201
    assert company.products.count() == 1


def test_admin_adds_integrate(client, company):
    response = client.post(
        api_url(company, "/products"),
        {"code": "integrate"},
        content_type="application/json",
        headers=_headers_for_role(company, "admin"),
    )
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["member", "accountant"])
def test_member_without_role_cannot_add_a_product(client, company, role):
    response = client.post(
        api_url(company, "/products"),
        {"code": "integrate"},
        content_type="application/json",
        headers=_headers_for_role(company, role),
    )
    assert response.status_code == 403
    assert "owners and admins" in response.json()["detail"]  # the roles table (issue 15 item 6)
    assert not company.has_product("integrate")


def test_member_sees_the_products(client, company):
    response = client.get(
        api_url(company, "/products"), headers=_headers_for_role(company, "member")
    )
    assert response.status_code == 200


def test_unknown_product_is_422_naming_code(client, company, api_headers):
    response = client.post(
        api_url(company, "/products"),
        {"code": "payroll"},
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 422
    assert error_fields(response) == ["code"]


def test_owner_removes_integrate(client, company, api_headers):
    add_product(company, "integrate")
    response = client.delete(api_url(company, "/products/integrate"), headers=api_headers)
    assert response.status_code == 204
    assert not company.has_product("integrate")


def test_member_cannot_remove_a_product(client, company):
    add_product(company, "integrate")
    response = client.delete(
        api_url(company, "/products/integrate"), headers=_headers_for_role(company, "member")
    )
    assert response.status_code == 403
    assert company.has_product("integrate")


def test_removing_an_unknown_product_is_404(client, company, api_headers):
    response = client.delete(api_url(company, "/products/payroll"), headers=api_headers)
    assert response.status_code == 404
