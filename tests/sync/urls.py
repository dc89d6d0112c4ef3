"""The product's URLs plus sync's, mounted where the lead mounts them (/c/<id>/sync/)."""

from django.urls import include, path

from billbridge.urls import urlpatterns as product

urlpatterns = [path("c/<int:company_id>/sync/", include("billbridge.sync.urls")), *product]
