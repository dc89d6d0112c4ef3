"""Mounted at /c/<company_id>/sync/ (company-scoped; see views.py)."""

from django.urls import path

from billbridge.sync import views

app_name = "sync"
urlpatterns = [
    path("records/<int:record_id>/retry/", views.retry, name="retry"),
    path("records/<int:record_id>/choose/", views.choose, name="choose"),
    path("backfill/<str:provider>/", views.backfill, name="backfill"),
    path("backfill/<str:provider>/progress/", views.progress, name="backfill_progress"),
    path("audit/", views.audit, name="audit"),
]
