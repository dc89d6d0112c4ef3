"""The product's API plus a stand-in provider router, at /api/v1/, as a later provider adds one."""

from django.urls import path

from billbridge.api.main import build_api
from billbridge.integrations.registry import PROVIDERS, ProviderInfo
from tests.api.urls import BROWSER_RETURNS

STAND_IN = ProviderInfo("standin", "Stand-in", "tests.api.stand_in_provider", "")
api = build_api("api_with_provider", {**PROVIDERS, "standin": STAND_IN})

urlpatterns = [path("api/v1/", api.urls), *BROWSER_RETURNS]
