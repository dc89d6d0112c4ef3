"""`python -m billbridge backfill COMPANY_ID PROVIDER`: send the bills added before (R-4)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billbridge.integrations.models import Integration
from billbridge.sync import engine


class Command(BaseCommand):
    help = "Queue every bill of a company that has not yet been sent to its accounting system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("company_id", type=int)
        parser.add_argument("provider", help="dinero or economic")

    def handle(self, *args, company_id: int, provider: str, **options) -> None:
        integration = Integration.objects.filter(company_id=company_id, provider=provider).first()
        if integration is None or not integration.is_active:
            raise CommandError(f"Company {company_id} has no connected {provider} integration.")
        count = engine.backfill(integration)
        self.stdout.write(f"{count} entries queued; the worker (or `sync`) sends them.")
