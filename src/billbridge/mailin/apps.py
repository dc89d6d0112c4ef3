from django.apps import AppConfig


class MailinConfig(AppConfig):
    """Bills by e-mail (B-7): the inbox address, the SMTP server, IMAP polling, the inbox page."""

    name = "billbridge.mailin"
    label = "mailin"

    def ready(self) -> None:
        from billbridge.mailin import tasks  # noqa: F401  (registers the Huey tasks)
