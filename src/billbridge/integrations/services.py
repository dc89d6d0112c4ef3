"""What every provider's set-up does the same way."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billbridge.accounts.models import Company, User
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.models import Integration, IntegrationState

# The error code when the books are another company's already (words in messages.py).
REMOTE_IN_USE = "remote_in_use"


def check_remote_id(company: Company, provider: str, remote_id: str) -> str:
    """One set of books, one company: refuse a Dinero organisation or e-conomic agreement that
    another company account already uses (its bills would land in the same books). The other
    company is not named: the caller may not be one of its members. Returns the clean id."""
    remote_id = str(remote_id or "").strip()
    if remote_id and (
        Integration.objects.filter(provider=provider, remote_id=remote_id)
        .exclude(company=company)
        .exists()
    ):
        raise AccountingError(
            ErrorKind.REJECTED,
            REMOTE_IN_USE,
            f"{provider} books {remote_id} are connected to another company",
            params={"remote_id": remote_id},
        )
    return remote_id


def claim_remote_id(integration: Integration, remote_id: str) -> None:
    """`check_remote_id`, then remember the id on the integration (saved by the caller)."""
    integration.remote_id = check_remote_id(integration.company, integration.provider, remote_id)


def mark_connected(integration: Integration, user: User | None) -> None:
    """Saved as connected now, by `user`: a reconnect clears whatever needed attention.

    Callers hold the row (select_for_update) in their transaction and resume the sync engine
    when their own steps are done.
    """
    integration.state = IntegrationState.CONNECTED
    integration.attention_code = ""
    integration.attention_message = ""
    integration.recheck_at = None
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
        integration.remote_id = ""  # the books are free for another company again
        integration.state = IntegrationState.NOT_CONNECTED
        integration.attention_code = ""
        integration.attention_message = ""
        integration.recheck_at = None
        integration.save()
