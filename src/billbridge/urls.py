from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("billbridge.api.urls")),
    # Each provider's own set-up pages (namespace = provider key, e.g. "dinero:…").
    path("c/<int:company_id>/integrations/", include("billbridge.integrations.urls")),
    # Sync actions: retry, backfill and its progress, the audit log (namespace "sync").
    path("c/<int:company_id>/sync/", include("billbridge.sync.urls")),
    path("", include("billbridge.web.urls")),
]
