"""The caller's companies: only those they are a member of, with their role and products."""

from __future__ import annotations

import pytest

from billbridge.accounts.services import add_product
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_companies_lists_the_callers_companies_with_role_and_products(
    client, user, company, api_headers
):
    add_product(company, "integrate")
    response = client.get("/api/v1/companies", headers=api_headers)
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": company.pk,
            "name": "Nordlys Design ApS",
            "cvr": "12345678",
            "role": "owner",
            "products": ["integrate"],
        }
    ]


def test_companies_include_every_membership_of_an_accountant(client, user, company, api_headers):
    other = CompanyFactory(name="Aarhus Bageri ApS")
    MembershipFactory(user=user, company=other, role="accountant")
    response = client.get("/api/v1/companies", headers=api_headers)
    assert [(c["name"], c["role"]) for c in response.json()] == [
        ("Aarhus Bageri ApS", "accountant"),
        ("Nordlys Design ApS", "owner"),
    ]


def test_companies_never_list_a_foreign_company(client, company, outsider, api_headers):
    names = [c["name"] for c in client.get("/api/v1/companies", headers=api_headers).json()]
    assert "Andet Firma ApS" not in names
