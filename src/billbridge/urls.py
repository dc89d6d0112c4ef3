from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("billbridge.api.urls")),
    # Each provider's own set-up pages (namespace = provider key, e.g. "dinero:…").
    path("c/<int:company_id>/integrations/", include("billbridge.integrations.urls")),
    path("", include("billbridge.web.urls")),
]
