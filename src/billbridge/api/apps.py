from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "billbridge.api"
    label = "api"
