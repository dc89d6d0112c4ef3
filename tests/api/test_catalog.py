"""Categories (B-3), payment methods (B-4) and suppliers over the API."""

from __future__ import annotations

import pytest

from billbridge.bills.models import Category, PaymentMethod
from tests.api.conftest import api_url, error_fields
from tests.factories import CategoryFactory, PaymentMethodFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def _send(client, method: str, url: str, data, headers):
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


# --- categories ---------------------------------------------------------------------------------


def test_categories_list_has_the_documented_fields(client, company, api_headers, category):
    response = client.get(api_url(company, "/categories"), headers=api_headers)
    assert response.status_code == 200
    assert response.json() == [
        {"id": category.pk, "name": "Kontorartikler", "account_number": "2800", "archived": False}
    ]


def test_categories_list_never_shows_another_companys(client, company, api_headers):
    CategoryFactory()
    assert client.get(api_url(company, "/categories"), headers=api_headers).json() == []


def test_categories_list_filters_archived(client, company, api_headers, category):
    CategoryFactory(company=company, archived=True)
    body = client.get(api_url(company, "/categories?archived=false"), headers=api_headers).json()
    assert [c["id"] for c in body] == [category.pk]


def test_category_is_created_with_its_account(client, company, api_headers):
    """B-3: a category maps to one account number."""
    response = _send(
        client,
        "post",
        api_url(company, "/categories"),
        {"name": "Husleje", "account_number": "3400"},
        api_headers,
    )
    assert response.status_code == 201
    assert response.json()["account_number"] == "3400"
    assert Category.objects.get(company=company).name == "Husleje"


def test_category_without_name_is_422_naming_name(client, company, api_headers):
    response = _send(client, "post", api_url(company, "/categories"), {"name": " "}, api_headers)
    assert response.status_code == 422
    assert error_fields(response) == ["name"]


def test_category_is_fetched_by_id(client, company, api_headers, category):
    response = client.get(api_url(company, f"/categories/{category.pk}"), headers=api_headers)
    assert response.status_code == 200
    assert response.json()["name"] == "Kontorartikler"


def test_category_is_renamed(client, company, api_headers, category):
    response = _send(
        client,
        "patch",
        api_url(company, f"/categories/{category.pk}"),
        {"name": "Kontorhold"},
        api_headers,
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Kontorhold"
    assert response.json()["account_number"] == "2800"


def test_category_is_archived(client, company, api_headers, category):
    _send(
        client,
        "patch",
        api_url(company, f"/categories/{category.pk}"),
        {"archived": True},
        api_headers,
    )
    category.refresh_from_db()
    assert category.archived


def test_renaming_a_category_to_nothing_is_422(client, company, api_headers, category):
    response = _send(
        client, "patch", api_url(company, f"/categories/{category.pk}"), {"name": ""}, api_headers
    )
    assert response.status_code == 422
    assert error_fields(response) == ["name"]


def test_category_of_another_company_is_404(client, company, api_headers):
    foreign = CategoryFactory()
    response = _send(
        client, "patch", api_url(company, f"/categories/{foreign.pk}"), {"name": "x"}, api_headers
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "x"


# --- payment methods ----------------------------------------------------------------------------


def test_payment_methods_list_has_the_documented_fields(
    client, company, api_headers, payment_method
):
    response = client.get(api_url(company, "/payment-methods"), headers=api_headers)
    assert response.json() == [
        {
            "id": payment_method.pk,
            "name": "Bankkonto",
            "type": "bank_account",
            "account_number": "5810",
            "archived": False,
        }
    ]


@pytest.mark.parametrize("kind", ["debit_card", "bank_account", "credit_card", "overdraft", "cash"])
def test_payment_method_is_created_for_each_type(client, company, api_headers, kind):
    """B-4: debit card, bank account, credit card, overdraft, cash."""
    response = _send(
        client,
        "post",
        api_url(company, "/payment-methods"),
        {"name": "Metode", "type": kind, "account_number": "5820"},
        api_headers,
    )
    assert response.status_code == 201
    assert response.json()["type"] == kind


def test_payment_method_with_unknown_type_is_422_naming_type(client, company, api_headers):
    response = _send(
        client,
        "post",
        api_url(company, "/payment-methods"),
        {"name": "Metode", "type": "bitcoin"},
        api_headers,
    )
    assert response.status_code == 422
    assert error_fields(response) == ["type"]
    assert not PaymentMethod.objects.exists()


def test_payment_method_is_renamed_retyped_and_archived(
    client, company, api_headers, payment_method
):
    response = _send(
        client,
        "patch",
        api_url(company, f"/payment-methods/{payment_method.pk}"),
        {"name": "Firmakort", "type": "credit_card", "account_number": "6710", "archived": True},
        api_headers,
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": payment_method.pk,
        "name": "Firmakort",
        "type": "credit_card",
        "account_number": "6710",
        "archived": True,
    }


def test_payment_method_is_fetched_by_id(client, company, api_headers, payment_method):
    response = client.get(
        api_url(company, f"/payment-methods/{payment_method.pk}"), headers=api_headers
    )
    assert response.status_code == 200


def test_payment_method_of_another_company_is_404(client, company, api_headers):
    foreign = PaymentMethodFactory()
    response = client.get(api_url(company, f"/payment-methods/{foreign.pk}"), headers=api_headers)
    assert response.status_code == 404


# --- suppliers ----------------------------------------------------------------------------------


def test_suppliers_are_listed_with_their_remembered_category(
    client, company, api_headers, supplier, category
):
    """B-5: the supplier memory is visible."""
    supplier.remembered_category = category
    supplier.save()
    body = client.get(api_url(company, "/suppliers"), headers=api_headers).json()
    assert body == [
        {
            "id": supplier.pk,
            "name": "Papirhuset A/S",
            "cvr": "29403473",
            "vat_number": "",
            "address": "",
            "country": "DK",
            "remembered_category_id": category.pk,
        }
    ]


def test_suppliers_are_searched_by_name_or_cvr(client, company, api_headers, supplier):
    SupplierFactory(company=company, name="Kontorland", cvr="11111111")
    for q in ("papir", "2940"):
        body = client.get(api_url(company, f"/suppliers?q={q}"), headers=api_headers).json()
        assert [s["id"] for s in body] == [supplier.pk]


def test_supplier_is_fetched_by_id(client, company, api_headers, supplier):
    response = client.get(api_url(company, f"/suppliers/{supplier.pk}"), headers=api_headers)
    assert response.status_code == 200
    assert response.json()["name"] == "Papirhuset A/S"


def test_supplier_of_another_company_is_404(client, company, api_headers):
    foreign = SupplierFactory()
    response = client.get(api_url(company, f"/suppliers/{foreign.pk}"), headers=api_headers)
    assert response.status_code == 404
