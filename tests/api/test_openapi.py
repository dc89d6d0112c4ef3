"""The OpenAPI description (SPEC §7: a REST API with an OpenAPI description)."""

from __future__ import annotations

import pytest
from django.urls import resolve

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/companies"),
    ("get", "/api/v1/companies/{company_id}/bills"),
    ("post", "/api/v1/companies/{company_id}/bills"),
    ("get", "/api/v1/companies/{company_id}/bills/{bill_id}"),
    ("patch", "/api/v1/companies/{company_id}/bills/{bill_id}"),
    ("get", "/api/v1/companies/{company_id}/bills/{bill_id}/document"),
    ("post", "/api/v1/companies/{company_id}/bills/{bill_id}/payments"),
    ("post", "/api/v1/companies/{company_id}/bills/{bill_id}/not-a-duplicate"),
    ("get", "/api/v1/companies/{company_id}/suppliers"),
    ("get", "/api/v1/companies/{company_id}/suppliers/{supplier_id}"),
    ("get", "/api/v1/companies/{company_id}/categories"),
    ("post", "/api/v1/companies/{company_id}/categories"),
    ("get", "/api/v1/companies/{company_id}/categories/{category_id}"),
    ("patch", "/api/v1/companies/{company_id}/categories/{category_id}"),
    ("get", "/api/v1/companies/{company_id}/payment-methods"),
    ("post", "/api/v1/companies/{company_id}/payment-methods"),
    ("get", "/api/v1/companies/{company_id}/payment-methods/{payment_method_id}"),
    ("patch", "/api/v1/companies/{company_id}/payment-methods/{payment_method_id}"),
    ("get", "/api/v1/companies/{company_id}/products"),
    ("post", "/api/v1/companies/{company_id}/products"),
    ("delete", "/api/v1/companies/{company_id}/products/{code}"),
}


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_openapi_lists_every_route(openapi):
    operations = {(method, path) for path, item in openapi["paths"].items() for method in item}
    assert operations >= EXPECTED_OPERATIONS


def test_openapi_is_version_3(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "billbridge"


def test_openapi_declares_bearer_auth(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_openapi_describes_money_as_strings(openapi):
    """§7 money: amounts are decimal strings, never JSON numbers."""
    schemas = openapi["components"]["schemas"]
    assert schemas["BillOut"]["properties"]["total"]["anyOf"][0]["type"] == "string"
    assert schemas["BillOut"]["properties"]["vat_amount"]["type"] == "string"
    assert schemas["PaymentOut"]["properties"]["amount"]["type"] == "string"
    money_in = {s.get("type") for s in schemas["PaymentIn"]["properties"]["amount"]["anyOf"]}
    assert money_in == {"string", "integer"}


def test_bill_create_accepts_json_and_multipart(openapi):
    body = openapi["paths"]["/api/v1/companies/{company_id}/bills"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    form = body["content"]["multipart/form-data"]["schema"]["properties"]
    assert form["document"] == {
        "type": "string",
        "format": "binary",
        "description": "The bill's document: PDF, image or e-invoice XML.",
    }


def test_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_project_urls_mount_the_api_at_api_v1(settings):
    """The tests run the API alone; the product's own URLconf must serve it at /api/v1/."""
    settings.ROOT_URLCONF = "billbridge.urls"
    assert resolve("/api/v1/openapi.json").url_name == "openapi-json"


def _body_schema(openapi: dict, path: str, method: str) -> dict:
    ref = openapi["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return openapi["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_each_provider_documents_its_own_connect_body(openapi):
    """Issue 12 item 3 / issue 15 item 4: both providers named their body ConnectIn, so
    openapi.json documented Dinero's connect with e-conomic's body."""
    base = "/api/v1/companies/{company_id}/integrations"
    dinero = _body_schema(openapi, f"{base}/dinero", "put")
    economic = _body_schema(openapi, f"{base}/economic", "put")
    assert {"api_key", "organization_id"} <= set(dinero["properties"])
    assert "agreement_grant_token" in economic["properties"]
    assert "api_key" not in economic["properties"]


def test_no_two_providers_name_a_schema_alike():
    """ninja keeps one schema per name: a name shared by two providers documents one of them
    wrongly. A provider prefixes its schemas with its name."""
    from ninja import Schema

    from billbridge.integrations.registry import PROVIDERS

    owners: dict[str, list[str]] = {}
    for info in PROVIDERS.values():
        module = info.optional(info.api)
        for name, value in vars(module).items() if module else ():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                owners.setdefault(name, []).append(info.key)
    assert {name: keys for name, keys in owners.items() if len(keys) > 1} == {}


def test_every_provider_gets_the_frameworks_lifecycle_routes(openapi):
    """Issue 12 item 2: connect, state, disconnect, refresh and backfill are built by the
    integrations core for every provider in the registry, each with its own body schema."""
    from billbridge.integrations.registry import PROVIDERS

    for key in PROVIDERS:
        base = f"/api/v1/companies/{{company_id}}/integrations/{key}"
        paths = openapi["paths"]
        assert set(paths[base]) == {"put", "get", "delete"}
        assert "post" in paths[f"{base}/refresh"] and "post" in paths[f"{base}/backfill"]
        refused = paths[base]["put"]["responses"]["400"]["content"]["application/json"]
        assert {"$ref": "#/components/schemas/ProblemOut"} in refused["schema"]["anyOf"]
    bodies = {_body_schema(openapi, f"/api/v1/companies/{{company_id}}/integrations/{k}", "put")
              ["title"] for k in PROVIDERS}  # fmt: skip
    assert len(bodies) == len(PROVIDERS)


def test_every_company_route_documents_the_403_of_a_company_requiring_two_factor(openapi):
    """Issue 15 item 1: an owner or admin without two-factor is refused every company route of
    a company that requires it (tests/api/test_two_factor.py), so each one documents it."""
    missing = [
        f"{method.upper()} {path}"
        for path, methods in openapi["paths"].items()
        if "{company_id}" in path
        for method, details in methods.items()
        if "two-factor" not in details["responses"].get("403", {}).get("description", "")
    ]
    assert missing == []
