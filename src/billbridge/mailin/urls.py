"""Mounted at /c/<company_id>/inbox/ (namespace "mailin")."""

from django.urls import path

from billbridge.mailin import views

app_name = "mailin"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.inbox_settings, name="settings"),
    path("settings/address/", views.change_address, name="change_address"),
    path("settings/imap/disconnect/", views.disconnect_imap, name="disconnect_imap"),
]
