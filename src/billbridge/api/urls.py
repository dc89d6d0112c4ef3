from django.urls import path

from billbridge.api.main import api

urlpatterns = [path("", api.urls)]
