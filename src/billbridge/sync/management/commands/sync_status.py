"""`python -m billbridge sync_status`: what has reached each accounting system."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync import engine


class Command(BaseCommand):
    help = "Show each connected integration's state and its posted, waiting and failed entries."

    def handle(self, *args, **options) -> None:
        integrations = Integration.objects.exclude(state=IntegrationState.NOT_CONNECTED)
        for integration in integrations.select_related("company").order_by("company__name"):
            done = engine.progress(integration)
            attention = (
                f" — {integration.attention_message}" if integration.attention_message else ""
            )
            self.stdout.write(
                f"{integration.company} → {integration.provider} [{integration.state}]: "
                f"{done['posted']} posted, {done['waiting']} waiting, {done['failed']} failed"
                f"{attention}"
            )
