from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "billbridge.accounts"
    label = "accounts"
