from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("billbridge.api.urls")),
    # Each provider's own set-up pages (namespace = provider key, e.g. "dinero:…").
    path("c/<int:company_id>/integrations/", include("billbridge.integrations.urls")),
    # Sync actions: retry, backfill and its progress, the audit log (namespace "sync").
    path("c/<int:company_id>/sync/", include("billbridge.sync.urls")),
    # The bills inbox: received mails, its address, senders, IMAP mailbox (namespace "mailin").
    path("c/<int:company_id>/inbox/", include("billbridge.mailin.urls")),
    path("", include("billbridge.web.urls")),
]
