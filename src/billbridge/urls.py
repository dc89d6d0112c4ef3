from django.urls import include, path

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
