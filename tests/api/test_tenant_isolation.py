"""Tenant isolation, for every route the API serves, including routes added later.

The routes are enumerated from the API itself (its OpenAPI document, checked complete against
the URL patterns ninja serves), so a new router is covered without touching this file. A
caller gets 404 for any company they do not belong to, and for any object of another company
(SPEC §1: a company account is the tenant; accounts.services.membership_or_404).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billbridge.accounts.services import add_product
from billbridge.bills.models import Bill, Category, PaymentMethod
from billbridge.bills.services import BillInput, add_bill
from tests.api.conftest import PDF_BYTES
from tests.factories import CategoryFactory, PaymentMethodFactory, SupplierFactory

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
# Not scoped to a company: anyone may try to log in; the list shows only one's own companies;
# tokens are the caller's own (another user's token is a 404: tests/api/test_tokens.py).
UNSCOPED = {
    ("post", "/auth/token"),
    ("get", "/companies"),
    ("get", "/tokens"),
    ("post", "/tokens"),
    ("delete", "/tokens/{token_id}"),
}
PUBLIC = {("post", "/auth/token")}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
PARAM = re.compile(r"{(\w+)}")

# Run against the product's API, and against it with a provider router mounted as a provider
# package will add one: proof that later routes are enumerated and isolated too.
URLCONFS = ["tests.api.urls", "tests.api.urls_with_provider"]


@pytest.fixture(params=URLCONFS)
def urlconf(request, settings) -> str:
    settings.ROOT_URLCONF = request.param
    return request.param


@pytest.fixture
def victim(company, user) -> dict[str, Any]:
    """The company the outsider attacks, with one of everything a route could reach."""
    category = CategoryFactory(company=company, name="Husleje")
    method = PaymentMethodFactory(company=company)
    supplier = SupplierFactory(company=company)
    document = SimpleUploadedFile("faktura.pdf", PDF_BYTES, content_type="application/pdf")
    bill = add_bill(
        company,
        BillInput(
            supplier_name=supplier.name,
            invoice_number="F-1",
            issue_date=dt.date(2026, 11, 1),
            total=Decimal("100.00"),
            category=category,
        ),
        user=user,
        document=document,
    )
    add_product(company, "integrate")
    return {
        "company_id": company.pk,
        "bill_id": bill.pk,
        "category_id": category.pk,
        "payment_method_id": method.pk,
        "supplier_id": supplier.pk,
        "code": "integrate",
    }


def operations(client) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template below /api/v1, operation) for every operation the API serves."""
    document = client.get(f"{PREFIX}/openapi.json").json()
    found = [
        (method, path.removeprefix(PREFIX), operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
    _check_openapi_is_complete(document)
    return found


def _check_openapi_is_complete(document: dict[str, Any]) -> None:
    """A route hidden from the OpenAPI document would escape this test: refuse that."""
    from django.urls import get_resolver

    documented = {re.sub(PARAM, r"<\1>", p.removeprefix(PREFIX + "/")) for p in document["paths"]}
    served: set[str] = set()

    def walk(patterns: Any, prefix: str = "") -> None:
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                served.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    api_routes = {r.removeprefix("api/v1/") for r in served if r.startswith("api/v1/")}
    api_routes -= {"openapi.json", "docs", ""}
    assert api_routes <= documented, f"routes missing from OpenAPI: {api_routes - documented}"


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A value of the schema's shape, so body validation passes and the route itself answers."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(options[0], components)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: example(v, components) for k, v in schema.get("properties", {}).items()}
    if kind == "string":
        return {"date": "2026-11-01", "date-time": "2026-11-01T12:00:00Z"}.get(
            schema.get("format", ""), "x" * max(1, schema.get("minLength", 1))
        )
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def call(client, method: str, path: str, operation: dict, headers: dict, components: dict):
    body = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {"headers": headers}
    if "application/json" in body:
        kwargs["data"] = example(body["application/json"]["schema"], components)
        kwargs["content_type"] = "application/json"
    elif "multipart/form-data" in body:
        data = example(body["multipart/form-data"]["schema"], components)
        kwargs["data"] = {k: v for k, v in data.items() if v is not None}
    return getattr(client, method)(PREFIX + path, **kwargs)


def fill(template: str, ids: dict[str, Any]) -> str:
    return PARAM.sub(lambda m: str(ids.get(m.group(1), 1)), template)


def test_every_route_is_enumerated(client, urlconf, api_headers):
    """Guards the enumeration itself: it must see the known routes (and the stand-in's)."""
    found = {(m, p) for m, p, _ in operations(client)}
    assert ("post", "/companies/{company_id}/bills/{bill_id}/payments") in found
    assert len(found) >= 22
    if urlconf.endswith("with_provider"):
        assert ("post", "/companies/{company_id}/integrations/standin/connect") in found


def test_every_company_route_is_404_for_an_outsider(
    client, urlconf, victim, outsider_headers, company
):
    """Every route, with the victim's real ids and the outsider's token: always 404."""
    document = client.get(f"{PREFIX}/openapi.json").json()
    components = document.get("components", {}).get("schemas", {})
    wrong = []
    for method, template, operation in operations(client):
        if (method, template) in UNSCOPED:
            continue
        path = fill(template, victim)
        response = call(client, method, path, operation, outsider_headers, components)
        if response.status_code != 404 or response.json()["detail"] != "Not found.":
            wrong.append(f"{method.upper()} {path} -> {response.status_code}")
    assert wrong == []
    # ... and nothing of the victim's changed.
    assert Bill.objects.filter(company=company).count() == 1
    assert Category.objects.get(pk=victim["category_id"]).name == "Husleje"
    assert company.has_product("integrate")


def test_every_object_route_is_404_for_another_companys_object(
    client, urlconf, victim, outsider_headers, outsider_company
):
    """The outsider's own company in the path, the victim's bill/category/... ids: 404."""
    document = client.get(f"{PREFIX}/openapi.json").json()
    components = document.get("components", {}).get("schemas", {})
    object_ids = {k: v for k, v in victim.items() if k.endswith("_id") and k != "company_id"}
    ids = {**victim, "company_id": outsider_company.pk}
    wrong, checked = [], 0
    for method, template, operation in operations(client):
        names = set(PARAM.findall(template))
        if not names & object_ids.keys() or names - object_ids.keys() - {"company_id"}:
            continue  # no object id, or an id this test cannot fill with a real one
        checked += 1
        path = fill(template, ids)
        response = call(client, method, path, operation, outsider_headers, components)
        if response.status_code != 404:
            wrong.append(f"{method.upper()} {path} -> {response.status_code}")
    assert wrong == []
    assert checked >= 10
    assert PaymentMethod.objects.get(pk=victim["payment_method_id"]).company_id != ids["company_id"]


def test_every_route_but_login_needs_a_token(client, urlconf, victim):
    """No token: 401 everywhere except POST /auth/token."""
    document = client.get(f"{PREFIX}/openapi.json").json()
    components = document.get("components", {}).get("schemas", {})
    wrong = []
    for method, template, operation in operations(client):
        if (method, template) in PUBLIC:
            continue
        response = call(client, method, fill(template, victim), operation, {}, components)
        if response.status_code != 401:
            wrong.append(f"{method.upper()} {template} -> {response.status_code}")
    assert wrong == []


def test_company_id_that_is_not_a_number_is_404_not_500(client, api_headers, company):
    response = client.get(f"{PREFIX}/companies/abc/bills", headers=api_headers)
    assert response.status_code == 404


def test_member_reaches_the_stand_in_provider_route(client, settings, company, api_headers):
    """A provider router mounted from the registry answers its company's members."""
    settings.ROOT_URLCONF = "tests.api.urls_with_provider"
    add_product(company, "integrate")
    response = client.get(
        f"{PREFIX}/companies/{company.pk}/integrations/standin/status", headers=api_headers
    )
    assert response.status_code == 200
    assert response.json() == {"company": "Nordlys Design ApS", "connected": False}


def test_stand_in_provider_route_uses_the_api_error_shape(client, settings, company, api_headers):
    settings.ROOT_URLCONF = "tests.api.urls_with_provider"
    add_product(company, "integrate")
    response = client.post(
        f"{PREFIX}/companies/{company.pk}/integrations/standin/connect",
        {"api_key": "k"},
        content_type="application/json",
        headers=api_headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "organization_id", "message": "Field required"}]
