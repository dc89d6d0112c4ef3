from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "billbridge.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from billbridge.accounts import signals  # noqa: F401  (connects the security log)
        from billbridge.accounts.file_modes import on_post_migrate

        # Files written before they were owner-only are narrowed at every migrate (issue 15).
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="billbridge.file_modes")
