"""A person's choice for a bill an accounting system holds back (issue 10 item 2).

Some refusals are nobody's mistake and have more than one right answer: e-conomic refuses a bill
dated in a period the bookkeeper has locked, and the bill may either be posted on the first open
date or wait until the period is opened. The provider's registry entry says which codes offer
which choices (`hold_choices`), its messages the words; the choice is kept in the sync
record's `remote_data["choices"]`, where the provider reads it when it posts the record next.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billbridge.accounts.models import Membership
from billbridge.accounts.roles import Action, may
from billbridge.integrations import registry
from billbridge.integrations.messages import message_for
from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState


def offered(record: SyncRecord) -> tuple[tuple[str, Any], ...]:
    """The choices a person has for this record now, as (value, words) pairs: none unless it
    is held for a code whose provider offers some."""
    if record.state != SyncState.WAITING or not record.error_code:
        return ()
    info = registry.get(record.provider)
    code = record.error_code
    return tuple(
        (value, message_for(f"{code}:{value}", provider=record.provider, system=info.name))
        for value in info.hold_choices.get(code, ())
    )


def chosen(record: SyncRecord) -> str:
    """What a person chose for the record's current hold, or ""."""
    return str(((record.remote_data or {}).get("choices") or {}).get(record.error_code, ""))


def may_choose(membership: Membership) -> bool:
    """Owners, admins and the company's accountant decide how a held bill is booked."""
    return may(membership, Action.CHOOSE_HELD_POSTING)


def choose(record: SyncRecord, choice: str, *, send_now: bool = True) -> None:
    """Keep the choice on the record; with `send_now` it is sent again at once (else at its
    next recheck, which the engine schedules by itself)."""
    if choice not in {value for value, _ in offered(record)}:
        raise ValueError(f"{choice!r} is not offered for {record.error_code!r}")
    with transaction.atomic():
        locked = SyncRecord.objects.select_for_update().get(pk=record.pk)
        data = dict(locked.remote_data or {})
        data["choices"] = {**(data.get("choices") or {}), record.error_code: choice}
        SyncRecord.objects.filter(pk=record.pk).update(remote_data=data)
        if send_now:
            engine.retry(locked)
