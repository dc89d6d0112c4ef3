"""Dinero takes no work for a while (issue 9 item 2): a full kassekladde, a 480 brownout, an
organisation without Dinero Pro. The integration needs attention in its own words, the bills
wait (never failed), and it resumes by itself when the block clears, or on Check again.

Time passing is stood in for by moving `recheck_at` into the past, as the sweep would find it.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.utils import timezone, translation

from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.dinero import client as dinero_client
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState
from tests.integrations.dinero.fixtures import ORG, bill, configure, rows, settle

pytestmark = pytest.mark.django_db


def _time_passes(integration: Integration) -> None:
    """The recheck is due (and so are the records it held)."""
    past = timezone.now() - dt.timedelta(seconds=1)
    Integration.objects.filter(pk=integration.pk).update(recheck_at=past)
    SyncRecord.objects.filter(company_id=integration.company_id).update(next_attempt_at=past)


def _states() -> list[str]:
    return sorted(SyncRecord.objects.values_list("state", flat=True))


def test_dinero_s_refusals_for_room_pro_and_brownout_are_blocked_not_credentials(emu):
    for status, body, code in (
        (400, {"code": 43}, "kassekladde_full"),
        (480, {"code": 480}, "dinero_brownout"),
        (403, {"code": 90}, "dinero_pro_required"),
    ):
        c = dinero_client.DineroClient(
            api_url="http://x", auth_url="http://x/t", client_id="", client_secret="",
            api_key="k", organization_id=ORG,
        )  # fmt: skip
        with c, pytest.raises(AccountingError) as info:
            c._answer(httpx.Response(status, json=body))
        assert (info.value.kind, info.value.code) == (ErrorKind.BLOCKED, code)
        # Room and brownouts clear by themselves; Pro is bought by a person.
        assert (info.value.retry_after is None) == (code == "dinero_pro_required")


def test_a_kassekladde_with_room_for_some_rows_takes_them_and_holds_the_rest(
    emu, connected, company, office
):
    configure(emu, max_unbooked_items=3)
    for n in range(5):
        bill(company, n, category=office)
    settle(connected)
    assert len(rows(emu)) == 3
    assert _states() == ["posted"] * 3 + ["waiting"] * 2
    connected.refresh_from_db()
    assert connected.attention_code == "kassekladde_full"
    assert connected.recheck_at is not None


def test_a_full_kassekladde_resumes_by_itself_once_the_accountant_books_it(
    emu, connected, company, office
):
    configure(emu, max_unbooked_items=1)
    bill(company, 1, category=office)
    bill(company, 2, category=office)
    settle(connected)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.NEEDS_ATTENTION
    assert engine.process(connected.pk)["handled"] == 0  # not due yet: nothing is sent

    _time_passes(connected)  # still full: blocked again, a new recheck later
    assert connected.pk in engine.due_integration_ids()
    engine.process(connected.pk)
    connected.refresh_from_db()
    assert connected.attention_code == "kassekladde_full"
    assert connected.recheck_at > timezone.now()
    assert _states() == ["posted", "waiting"]

    emu.client.post(f"/_emulator/organizations/{ORG}/book")  # the accountant books
    _time_passes(connected)
    engine.process(connected.pk)
    connected.refresh_from_db()
    assert (connected.state, connected.attention_code, connected.recheck_at) == (
        IntegrationState.CONNECTED, "", None
    )  # fmt: skip
    assert _states() == ["posted", "posted"]


def test_a_brownout_over_resumes_by_itself(emu, connected, company, office):
    configure(emu, brownout=True)
    bill(company, 1, category=office)
    settle(connected)
    connected.refresh_from_db()
    assert connected.attention_code == "dinero_brownout"
    assert SyncRecord.objects.get().state == SyncState.WAITING

    configure(emu, brownout=False)
    _time_passes(connected)
    engine.process(connected.pk)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.CONNECTED
    assert SyncRecord.objects.get().state == SyncState.POSTED


def test_without_pro_the_engine_waits_for_a_person(emu, connected, company, office):
    emu.client.post(f"/_emulator/organizations/{ORG}/pro", json={"is_pro": False})
    bill(company, 1, category=office)
    settle(connected)
    connected.refresh_from_db()
    assert connected.attention_code == "dinero_pro_required"
    assert connected.recheck_at is None  # buying Pro is a person's act
    assert connected.pk not in engine.due_integration_ids()


def test_check_again_after_buying_pro_sends_the_waiting_bills(emu, connected, company, office):
    emu.client.post(f"/_emulator/organizations/{ORG}/pro", json={"is_pro": False})
    bill(company, 1, category=office)
    settle(connected)
    connected.refresh_from_db()
    assert engine.recheck(connected).code == "dinero_pro_required"  # not bought yet

    emu.client.post(f"/_emulator/organizations/{ORG}/pro", json={"is_pro": True})
    assert engine.recheck(connected) is None
    settle(connected)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.CONNECTED
    assert SyncRecord.objects.get().state == SyncState.POSTED


def test_an_outage_during_a_recheck_keeps_the_block_and_looks_again_soon(
    emu, connected, company, office
):
    configure(emu, max_unbooked_items=0)
    bill(company, 1, category=office)
    settle(connected)
    configure(emu, max_unbooked_items=1000)
    emu.faults(fail_next=[{"status": 503, "count": 10}])
    _time_passes(connected)
    engine.process(connected.pk)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.NEEDS_ATTENTION
    assert connected.recheck_at > timezone.now() - dt.timedelta(seconds=1)
    assert SyncRecord.objects.get().state == SyncState.WAITING


@pytest.mark.parametrize(
    ("code", "say", "do"),
    [
        ("kassekladde_full", "1,000", "book the kassekladde"),
        ("dinero_brownout", "480", "tries again by itself"),
        ("dinero_pro_required", "Dinero Pro", "Check again"),
    ],
)
def test_each_block_has_its_own_words_in_english_and_danish(code, say, do):
    with translation.override("en"):
        english = message_for(code, system="Dinero", provider="dinero")
    with translation.override("da"):
        danish = message_for(code, system="Dinero", provider="dinero")
    assert say in english and do in english and "wait" in english
    assert danish != english and "venter" in danish
