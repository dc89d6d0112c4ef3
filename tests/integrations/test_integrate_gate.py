"""The Integrate check (P-1, S-e1) is the framework's: every set-up page and every REST route
of every provider is closed to a company without Integrate (issue 12 item 3)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from billbridge.accounts.services import add_product
from billbridge.integrations.registry import PROVIDERS

pytestmark = pytest.mark.django_db

PAGES = [
    (info.key, pattern.name)
    for info in PROVIDERS.values()
    for pattern in info.module("urls").urlpatterns
    if isinstance(pattern, URLPattern)
]
ROUTES = [
    ("get", ""),
    ("put", ""),
    ("delete", ""),
    ("post", "/refresh"),
    ("post", "/backfill"),
]


@pytest.mark.parametrize(("provider", "name"), PAGES)
def test_every_set_up_page_sends_a_company_without_integrate_to_the_integrations_page(
    logged_in_client, company, provider, name
):
    response = logged_in_client.get(
        f"/c/{company.pk}/integrations/{provider}/{_path(provider, name)}"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{company.pk}/integrations/"


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_set_up_page_opens_once_the_company_has_integrate(logged_in_client, company, provider):
    add_product(company, "integrate")
    assert logged_in_client.get(f"/c/{company.pk}/integrations/{provider}/").status_code == 200


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_foreign_company_is_still_404_not_a_redirect(client, outsider, company, provider):
    client.force_login(outsider)
    assert client.get(f"/c/{company.pk}/integrations/{provider}/").status_code == 404


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_rest_route_is_403_without_integrate(
    client, company, api_headers, provider, method, path
):
    url = f"/api/v1/companies/{company.pk}/integrations/{provider}{path}"
    response = getattr(client, method)(
        url, {}, content_type="application/json", headers=api_headers
    )
    assert response.status_code == 403
    assert "Integrate" in response.json()["detail"]


def test_the_refusal_is_said_in_danish(client, company, api_headers):
    response = client.get(
        f"/api/v1/companies/{company.pk}/integrations/dinero",
        headers={**api_headers, "Accept-Language": "da"},
    )
    assert response.status_code == 403
    assert "Integrationer er en del af produktet Integrate" in response.json()["detail"]


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_rest_route_answers_once_the_company_has_integrate(
    client, company, api_headers, provider
):
    add_product(company, "integrate")
    url = f"/api/v1/companies/{company.pk}/integrations/{provider}"
    assert client.get(url, headers=api_headers).status_code == 200


def _path(provider: str, name: str) -> str:
    from django.urls import reverse

    full = reverse(f"{provider}:{name}", kwargs={"company_id": 1})
    return full.split(f"/integrations/{provider}/", 1)[1]
