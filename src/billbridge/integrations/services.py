"""What every provider's set-up does the same way."""

from __future__ import annotations

from django.db import transaction

from billbridge.accounts.models import Company
from billbridge.integrations.models import Integration, IntegrationState


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
