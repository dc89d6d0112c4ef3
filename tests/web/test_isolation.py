"""Tenant isolation: every page under /c/<company_id>/… is a 404 for someone outside it.

The URL list comes from the resolver, so pages added later (a provider's set-up steps, the
audit page) are covered without touching this file.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix: str = "") -> list[str]:
    routes = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.extend(_walk(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


def company_routes() -> list[str]:
    """Every route under c/<int:company_id>/, as written in the URLconf."""
    routes = sorted(set(_walk(get_resolver().url_patterns)))
    return [r for r in routes if r.startswith("c/<int:company_id>/")]


def _fill(route: str, ids: dict[str, object], default: object) -> str:
    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name in ids:
            return str(ids[name])
        if match["converter"] in (None, "str", "slug"):
            return "x"
        return str(default)

    return "/" + PARAM.sub(value, route)


@pytest.fixture
def foreign_ids(world) -> dict[str, object]:
    """Real ids of `company`'s objects, under the names URL patterns give them."""
    ids = {
        "company_id": world["company"].pk,
        "bill_id": world["bill"].pk,
        "category_id": world["category"].pk,
        "payment_method_id": world["payment_method"].pk,
        "supplier_id": world["supplier"].pk,
        "integration_id": world["integration"].pk,
        "key": "dinero",
        "provider": "dinero",
        "pk": world["bill"].pk,
    }
    return ids


def test_the_enumeration_finds_the_pages():
    routes = company_routes()
    assert "c/<int:company_id>/bills/<int:bill_id>/document/" in routes
    assert "c/<int:company_id>/integrations/" in routes
    assert len(routes) >= 13


def _assert_hidden(client, url: str) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code == 405:  # the view does not take this method: nothing served
            assert method.upper() not in response["Allow"]
            continue
        assert response.status_code == 404, f"{method.upper()} {url} → {response.status_code}"


def test_an_outsider_gets_404_on_every_company_page(client, outsider, foreign_ids):
    client.force_login(outsider)
    for route in company_routes():
        url = _fill(route, foreign_ids, foreign_ids["bill_id"])
        _assert_hidden(client, url)


def test_foreign_object_ids_under_ones_own_company_are_404(client, outsider, foreign_ids):
    """The outsider's own company in the URL, `company`'s object ids after it."""
    own_company = outsider.companies().get()
    ids = {**foreign_ids, "company_id": own_company.pk}
    client.force_login(outsider)
    for route in company_routes():
        names = {m["name"] for m in PARAM.finditer(route)} - {"company_id"}
        if not names & {"bill_id", "category_id", "payment_method_id", "supplier_id", "pk"}:
            continue  # nothing foreign in this URL
        _assert_hidden(client, _fill(route, ids, foreign_ids["bill_id"]))


def test_anonymous_users_are_sent_to_log_in(client, foreign_ids):
    for route in company_routes():
        url = _fill(route, foreign_ids, foreign_ids["bill_id"])
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), url
