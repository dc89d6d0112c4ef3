"""The e-conomic client's HTTP side against the emulator over real HTTP (issue 10 items 1, 4, 6):
periods, the locked-period refusal as its own code, finding entries again by reference across
kassekladder and booked entries, and 429 + Retry-After from the token bucket."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.economic.client import EconomicClient, rejected_indexes
from tests.emulators.conftest import RunningEmulator
from tests.emulators.test_economic_vouchers import INVOICE, invoice
from tests.integrations.economic.conftest import NORDLYS, grant_token

CONTROL = f"/_emulator/agreements/{NORDLYS}"


@pytest.fixture
def client(economic: RunningEmulator) -> EconomicClient:
    creds = economic.credentials()
    with EconomicClient(
        creds["app_secret_token"],
        grant_token(economic),
        base_url=economic.base_url,
        openapi_url=economic.base_url,
    ) as c:
        yield c


def control(economic: RunningEmulator, path: str, **body: Any) -> Any:
    r = economic.client.post(CONTROL + path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def voucher(reference: str, **changes: Any) -> dict[str, Any]:
    body = invoice(text=f"Office Danmark F-1 [{reference}]", **changes)
    return copy.deepcopy(body)


# ------------------------------------------------------------------------------ periods


def test_reads_the_periods_of_an_accounting_year(economic, client):
    control(economic, "/periods", date="2026-03-01", state="closed")
    periods = client.accounting_periods("2026")
    assert len(periods) == 12 and periods[2]["closed"] is True
    assert "closed" not in periods[3]


def test_reads_barred_periods_from_the_accounting_years_api(economic, client):
    control(economic, "/periods", date="2026-08-10", state="barred")
    states = client.period_states()
    august = next(p for p in states if p["year"] == "2026" and p["periodNumber"] == 8)
    assert august["isBarred"] is True and august["isClosed"] is False
    assert len(states) == 24


# ------------------------------------------------------------------------------ locked period


def test_a_voucher_in_a_barred_period_is_period_locked_and_waits(economic, client):
    control(economic, "/periods", date="2026-09-05", state="barred")
    with pytest.raises(AccountingError) as caught:
        client.post_vouchers(2, [INVOICE], "key-1")
    error = caught.value
    assert (error.kind, error.code) == (ErrorKind.UNAVAILABLE, "period_locked")
    assert error.kind != ErrorKind.REJECTED
    assert "Perioden er spærret." in error.detail


def test_in_a_bulk_only_the_voucher_in_the_barred_period_is_period_locked(economic, client):
    control(economic, "/periods", date="2026-08-15", state="barred")
    bad_account = invoice(contraAccount={"accountNumber": 3562})
    with pytest.raises(AccountingError) as caught:
        client.post_vouchers(2, [INVOICE, invoice(date="2026-08-15"), bad_account], "key-2")
    refused = rejected_indexes(caught.value.response)  # type: ignore[attr-defined]
    assert sorted(refused) == [1, 2]
    assert (refused[1].kind, refused[1].code) == (ErrorKind.UNAVAILABLE, "period_locked")
    # E04041 alone is no locked period: under `account` it is a missing account (§10.2)
    assert (refused[2].kind, refused[2].code) == (ErrorKind.REJECTED, "unknown_account")


def test_the_period_locked_words_are_plain_danish_and_english():
    from django.utils import translation

    from billbridge.integrations.messages import message_for

    with translation.override("en"):
        english = message_for("period_locked", provider="economic")
    with translation.override("da"):
        danish = message_for("period_locked", provider="economic")
    assert "bookkeeper has locked the period of this bill's date" in english
    assert "Bogholderen har spærret perioden for denne regnings dato" in danish


# ------------------------------------------------------------------------------ finding again


def test_finds_a_draft_entry_in_whichever_kassekladde_it_was_moved_to(economic, client):
    client.post_vouchers(2, [voucher("bb-7-i")], "key-3")
    moved = control(economic, "/journals/2/vouchers/2026-20001/move", journal=1)
    [row] = client.find_draft_entries("[bb-7-i]")
    assert row["journal"]["journalNumber"] == 1
    assert row["voucher"]["voucherNumber"] == moved["to"]["voucherNumber"]


def test_draft_search_does_not_match_a_longer_reference(economic, client):
    client.post_vouchers(2, [voucher("bb-17-i")], "key-4")
    assert client.find_draft_entries("[bb-1-i]") == []
    assert len(client.find_draft_entries("[bb-17-i]", journals=[2])) == 1


def test_finds_booked_entries_of_the_year_by_reference_with_their_voucher_number(economic, client):
    client.post_vouchers(2, [voucher("bb-8-i"), voucher("bb-9-i")], "key-5")
    control(economic, "/journals/2/book")
    assert client.find_draft_entries("[bb-8-i]") == []
    rows = client.find_booked_entries("2026", "[bb-8-i]")
    assert rows and {r["voucherNumber"] for r in rows} == {20001}
    assert client.booked_entries("2026", filter="voucherNumber$eq:20002")


# ------------------------------------------------------------------------------ 429


def test_a_short_retry_after_is_waited_out_once(economic, client):
    economic.client.post(
        "/_emulator/throttle",
        json={"capacity": 2, "refill_per_second": 2, "costs": {"GET /self": 2}},
    ).raise_for_status()
    assert client.self_info()["agreementNumber"] == NORDLYS
    assert client.self_info()["agreementNumber"] == NORDLYS  # 429, Retry-After: 1, then 200
    fair_use = economic.client.get("/_emulator/stats").json()["fair_use"][str(NORDLYS)]
    assert fair_use["throttled"] == 1


def test_a_long_retry_after_becomes_rate_limited_with_the_seconds(economic, client):
    economic.client.post(
        "/_emulator/throttle",
        json={"capacity": 2, "refill_per_second": 0.1, "costs": {"GET /self": 2}},
    ).raise_for_status()
    client.self_info()
    with pytest.raises(AccountingError) as caught:
        client.self_info()
    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 20.0
