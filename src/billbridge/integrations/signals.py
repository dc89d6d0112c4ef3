"""What the integrations tell the rest of billbridge, and ask of it, without importing it.

Providers and the framework sit below `sync` (which posts through them), so they never import
it (issue 12 item 3). They send these signals instead; the sync app connects its receivers in
`SyncConfig.ready` (sync/receivers.py):

- `integration_connected` (sender = provider key, `integration`): a set-up saved a connection;
  sync resumes sending whatever waited (R-4).
- `backfill_requested` (sender = provider key, `integration`): a person asked to send the bills
  added before the connection; the receiver answers how many sync records it made.
- `progress_requested` (sender = provider key, `integration`): how far sending has come; the
  receiver answers {"total", "posted", "waiting", "failed", "percent"}.
- `recheck_requested` (sender = provider key, `integration`): a person pressed Check again on
  an integration that needs attention; the receiver answers the AccountingError that still
  stands, or None when the integration is connected again.
- `accounting_call` (sender = provider key, `company_id`, `call`): one HTTP call to an
  accounting system was made; sync writes it into the audit trail (SPEC §7).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from django.dispatch import Signal

if TYPE_CHECKING:
    from billbridge.integrations.models import Integration

log = logging.getLogger(__name__)

integration_connected = Signal()
backfill_requested = Signal()
progress_requested = Signal()
recheck_requested = Signal()
accounting_call = Signal()

# The progress of an integration that nothing sends for (yet): nothing to send, all of it sent.
NO_PROGRESS: dict[str, int] = {"total": 0, "posted": 0, "waiting": 0, "failed": 0, "percent": 100}


def connected(integration: Integration) -> None:
    """Announce a (re)connect, in the caller's transaction: waiting bills are sent again."""
    integration_connected.send(sender=integration.provider, integration=integration)


def backfill(integration: Integration) -> int:
    """R-4: send the bills added before the connection → how many sync records were made."""
    answers = backfill_requested.send(sender=integration.provider, integration=integration)
    return sum(int(made) for _receiver, made in answers if made is not None)


def progress(integration: Integration) -> dict[str, int]:
    """How far sending has come for this integration (NO_PROGRESS when nothing sends)."""
    for _receiver, answer in progress_requested.send(
        sender=integration.provider, integration=integration
    ):
        if answer is not None:
            return dict(cast(dict[str, int], answer))
    return dict(NO_PROGRESS)


def recheck(integration: Integration) -> Any:
    """Check again now (say after Dinero Pro was bought) → the error that still stands, or
    None when the integration is connected again and its waiting bills are being sent."""
    for _receiver, answer in recheck_requested.send(
        sender=integration.provider, integration=integration
    ):
        return answer
    return None


def call_made(provider: str, company_id: int, call: Any) -> None:
    """One call to an accounting system, for the audit trail; a failing receiver is logged,
    never raised (the trail must never break a posting)."""
    for _receiver, answer in accounting_call.send_robust(
        sender=provider, company_id=company_id, call=call
    ):
        if isinstance(answer, Exception):
            log.error("could not write an audit entry", exc_info=answer)
