from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "billbridge.integrations"
    label = "integrations"

    def ready(self) -> None:
        """A wrong registry entry stops start-up with a clear message (issue 12 item 1)."""
        from billbridge.integrations import registry

        registry.install_settings()
        registry.validate()
