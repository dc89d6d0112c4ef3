"""`python -m billbridge mail_sample_bill ADDRESS`: mail a sample bill (a PDF attached) to a
bills inbox through the SMTP server, as a supplier's mail program would (the demo prints it)."""

from __future__ import annotations

import secrets
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from billbridge.demo_data import bill_pdf


class Command(BaseCommand):
    help = "Mail a sample bill to a bills inbox address (the demo's SMTP server by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("address")
        parser.add_argument("--host", default=settings.BILLBRIDGE_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.BILLBRIDGE_SMTP_PORT)

    def handle(self, *args, address: str, host: str, port: int, **options) -> None:
        number = f"PH-{secrets.randbelow(90000) + 10000}"
        msg = EmailMessage()
        msg["From"] = "Papirhuset A/S <faktura@papirhuset.example>"
        msg["To"] = address
        msg["Subject"] = f"Faktura {number} fra Papirhuset A/S"
        msg["Message-ID"] = make_msgid(domain="papirhuset.example")
        msg.set_content("Hej\n\nHermed faktura for kontorartikler.\n\nVenlig hilsen\nPapirhuset")
        document = bill_pdf(
            "Papirhuset A/S", "29403473", number, "1250.00", "250.00", "Kontorartikler"
        )
        msg.add_attachment(
            document, maintype="application", subtype="pdf", filename=f"faktura-{number}.pdf"
        )
        try:
            with smtplib.SMTP(host, port, timeout=30) as client:
                client.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise CommandError(
                f"The SMTP server at {host}:{port} did not take the mail: {exc}"
            ) from exc
        self.stdout.write(f"Mailed bill {number} to {address}.")
