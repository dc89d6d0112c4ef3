"""`python -m billbridge smtpd`: the bills inboxes' SMTP server, in the foreground."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from billbridge.mailin.smtpd import make_controller


class Command(BaseCommand):
    help = "Receive mail for the companies' bills inboxes (SMTP, aiosmtpd)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.BILLBRIDGE_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.BILLBRIDGE_SMTP_PORT)

    def handle(self, *args, host: str, port: int, **options) -> None:
        controller = make_controller(host, port)
        controller.start()
        self.stdout.write(
            f"SMTP server for *@{settings.BILLBRIDGE_MAIL_DOMAIN} on {host}:{port}", ending="\n"
        )
        self.stdout.flush()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        controller.stop()
