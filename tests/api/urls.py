"""Only the API, at its real prefix: API tests do not depend on the web pages being built."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("billbridge.api.urls"))]
