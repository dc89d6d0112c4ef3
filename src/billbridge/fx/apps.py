from django.apps import AppConfig


class FxConfig(AppConfig):
    name = "billbridge.fx"
    label = "fx"
    verbose_name = "Exchange rates"
