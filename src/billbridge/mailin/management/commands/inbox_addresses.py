"""`python -m billbridge inbox_addresses`: every company's bills address, one per line."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from billbridge.accounts.models import Company
from billbridge.mailin.services import inbox_for


class Command(BaseCommand):
    help = "List each company's bills inbox address (name, a tab, the address)."

    def handle(self, *args, **options) -> None:
        for company in Company.objects.order_by("name"):
            self.stdout.write(f"{company.name}\t{inbox_for(company).address}")
