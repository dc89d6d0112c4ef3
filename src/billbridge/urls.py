from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found

from billbridge.integrations.dinero import views as dinero_views

urlpatterns = [
    path("api/v1/", include("billbridge.api.urls")),
    # Each provider's own set-up pages (namespace = provider key, e.g. "dinero:…").
    path("c/<int:company_id>/integrations/", include("billbridge.integrations.urls")),
    # Visma Connect's one registered redirect URI, for every company (dinero/views.py).
    path("integrations/dinero/callback/", dinero_views.callback, name="dinero_callback"),
    # Sync actions: retry, backfill and its progress, the audit log (namespace "sync").
    path("c/<int:company_id>/sync/", include("billbridge.sync.urls")),
    # The bills inbox: received mails, its address, senders, IMAP mailbox (namespace "mailin").
    path("c/<int:company_id>/inbox/", include("billbridge.mailin.urls")),
    path("", include("billbridge.web.urls")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: under /api/ as the API answers (JSON with `detail`), so a client that mistyped a
    route reads why instead of the web's HTML page; elsewhere the web's page (404.html)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": f"No such API route: {request.path}. The routes are in /api/v1/docs."},
            status=404,
        )
    return page_not_found(request, exception)


handler404 = not_found
