"""Each provider's set-up pages, mounted under /c/<company_id>/integrations/<key>/."""

from django.urls import include, path

from billbridge.integrations.registry import PROVIDERS

urlpatterns = [
    path(f"{info.key}/", include((urls_module.urlpatterns, info.key)))
    for info in PROVIDERS.values()
    if (urls_module := info.optional(info.urls)) is not None
]
