from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("billbridge.api.urls")),
    path("", include("billbridge.web.urls")),
]
