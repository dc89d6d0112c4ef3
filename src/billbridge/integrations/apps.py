from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "billbridge.integrations"
    label = "integrations"
