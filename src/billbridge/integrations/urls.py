"""Each provider's set-up pages, mounted under /c/<company_id>/integrations/<key>/, every one
behind the Integrate check (integrations.pages.gated, P-1, S-e1)."""

from django.urls import include, path

from billbridge.integrations.pages import gated
from billbridge.integrations.registry import PROVIDERS

urlpatterns = [
    path(f"{info.key}/", include((gated(urls_module.urlpatterns), info.key)))
    for info in PROVIDERS.values()
    if (urls_module := info.optional(info.urls)) is not None
]
