"""What every provider's set-up does the same way."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billbridge.accounts.models import Company, User
from billbridge.integrations.models import Integration, IntegrationState


def mark_connected(integration: Integration, user: User | None) -> None:
    """Saved as connected now, by `user`: a reconnect clears whatever needed attention.

    Callers hold the row (select_for_update) in their transaction and resume the sync engine
    when their own steps are done.
    """
    integration.state = IntegrationState.CONNECTED
    integration.attention_code = ""
    integration.attention_message = ""
    integration.connected_at = timezone.now()
    integration.connected_by = user if user is not None and user.pk else None
    integration.save()


def disconnect(company: Company, provider: str) -> None:
    """Stop sending bills: credentials are erased; what was posted stays in the system.

    Sync records stay as they are, so a later connect resumes where this left off.
    """
    with transaction.atomic():
        integration = (
            Integration.objects.select_for_update()
            .filter(company=company, provider=provider)
            .first()
        )
        if integration is None:
            return
        integration.credentials = {}
        integration.state = IntegrationState.NOT_CONNECTED
        integration.attention_code = ""
        integration.attention_message = ""
        integration.save()
