"""The e-conomic set-up pages, mounted at /c/<company_id>/integrations/economic/ (namespace
economic)."""

from django.urls import path

from billbridge.integrations.economic import views

urlpatterns = [
    path("", views.page, name="page"),
    path("connect/", views.connect, name="connect"),
    path("authenticate/", views.authenticate, name="authenticate"),
    path("callback/", views.callback, name="callback"),
    path("agreements/", views.agreements, name="agreements"),
    path("loading/", views.loading, name="loading"),
    path("fetch/", views.fetch, name="fetch"),
    path("setup/", views.setup_form, name="setup"),
    path("refresh/", views.refresh, name="refresh"),
    path("disconnect/", views.disconnect, name="disconnect"),
]
