"""`python -m billbridge sync`: post everything that is due now, in the foreground.

The same work the worker does; useful after an outage, or where no worker runs.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync import engine


class Command(BaseCommand):
    help = "Post every bill and payment that is due to its accounting system, now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", type=int, help="only this company id")
        parser.add_argument("--provider", help="only this system (dinero, economic)")

    def handle(self, *args, company: int | None, provider: str | None, **options) -> None:
        integrations = Integration.objects.filter(state=IntegrationState.CONNECTED)
        if company:
            integrations = integrations.filter(company_id=company)
        if provider:
            integrations = integrations.filter(provider=provider)
        for integration in integrations.select_related("company"):
            handled = 0
            while True:
                result = engine.process(integration.pk, budget_seconds=60)
                handled += result["handled"]
                if not result["more"]:
                    break
            done = engine.progress(integration)
            self.stdout.write(
                f"{integration.company} → {integration.provider}: {handled} sent now; "
                f"{done['posted']} posted, {done['waiting']} waiting, {done['failed']} failed"
            )
