from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "billbridge.accounts"
    label = "accounts"

    def ready(self) -> None:
        from billbridge.accounts import signals  # noqa: F401  (connects the security log)
