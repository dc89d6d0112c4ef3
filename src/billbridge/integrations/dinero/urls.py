"""The Dinero set-up pages, mounted at /c/<company_id>/integrations/dinero/ (namespace dinero)."""

from django.urls import path

from billbridge.integrations.dinero import views

urlpatterns = [
    path("", views.page, name="page"),
    path("connect/", views.connect, name="connect"),
    path("personal/", views.personal, name="personal"),
    path("organization/", views.organization, name="organization"),
    path("consent/", views.consent, name="consent"),
    path("company/", views.company, name="company"),
    path("credentials/", views.credentials, name="credentials"),
    path("accounts/", views.accounts, name="accounts"),
    path("import/", views.import_chart, name="import"),
    path("done/", views.done, name="done"),
    path("recheck/", views.recheck, name="recheck"),
    path("disconnect/", views.disconnect, name="disconnect"),
]
