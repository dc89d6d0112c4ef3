"""The REST API (django-ninja): OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every route needs `Authorization: Bearer <token>` (from POST /api/v1/auth/token). Each
accounting system in the registry gets the framework's REST lifecycle (connect, state,
disconnect, refresh, backfill; integrations.api_common.router_for, from the `lifecycle` of its
`api` module) and its own `router`'s routes, mounted at
/api/v1/companies/{company_id}/integrations/<key> with the same auth plus the Integrate check,
so the tenant check (404 for a company the caller is not a member of) applies to them as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ninja import NinjaAPI

from billbridge.api.auth import IntegrationAuth, TokenAuth
from billbridge.api.errors import install_error_handlers
from billbridge.api.openapi import BillbridgeOpenAPI
from billbridge.api.routers import auth, bills, catalog, companies, products
from billbridge.integrations.api_common import router_for
from billbridge.integrations.registry import PROVIDERS, ProviderInfo

COMPANY = "/companies/{company_id}"


class BillbridgeAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI lists the errors every route can give (see `api.openapi`)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> BillbridgeOpenAPI:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return BillbridgeOpenAPI(self, path_prefix)


def mount_integration_routers(
    target: NinjaAPI, providers: Mapping[str, ProviderInfo] = PROVIDERS
) -> list[str]:
    """Mount every provider's router that exists; returns the keys mounted."""
    mounted = []
    for info in providers.values():
        router = router_for(info)  # the framework's lifecycle routes and the provider's own
        if router is not None:
            target.add_router(
                f"{COMPANY}/integrations/{info.key}",
                router,
                tags=[info.name],
                auth=IntegrationAuth(),  # the Integrate check, for every provider's route
            )
            mounted.append(info.key)
    return mounted


def build_api(
    urls_namespace: str = "api", providers: Mapping[str, ProviderInfo] = PROVIDERS
) -> NinjaAPI:
    """The whole API; a function so tests can build it with a stand-in provider."""
    api = BillbridgeAPI(
        title="billbridge",
        version="1",
        description="Supplier bills, posted automatically to Dinero and e-conomic.",
        urls_namespace=urls_namespace,
        auth=TokenAuth(),
    )
    install_error_handlers(api)
    api.add_router("/auth", auth.router)
    api.add_router("/tokens", auth.tokens_router)
    api.add_router("/companies", companies.router)
    api.add_router(COMPANY, bills.router)
    api.add_router(COMPANY, catalog.router)
    api.add_router(COMPANY, products.router)
    mount_integration_routers(api, providers)
    return api


api = build_api()
