"""A bill dated in a period the bookkeeper has locked (issue 10 item 2, economic.md §10.2):
held with plain words and two choices for a person with the right role; a period known to be
locked is not posted to again for every bill. Real HTTP to the emulator, the real engine."""

from __future__ import annotations

import datetime as dt

import pytest

from billbridge.accounts.models import Role
from billbridge.integrations.economic import periods
from billbridge.sync import choices
from billbridge.sync.models import SyncRecord, SyncState
from tests.factories import MembershipFactory
from tests.integrations.economic.conftest import INVOICE_JOURNAL
from tests.integrations.economic.test_exactly_once import assert_once, bar, drive, make_bills

pytestmark = pytest.mark.django_db


def stats(economic) -> dict[str, int]:
    return economic.client.get("/_emulator/stats").json()["by_route"]


POSTS = "POST /journals/{n}/vouchers"
PERIOD_READS = "GET accountingyearsapi /accountingYears/periods/paged"


def test_a_period_known_to_be_locked_is_not_posted_to_for_every_bill(
    integration, company, economic, settings
):
    settings.ECONOMIC_PERIODS_SECONDS = 3600
    bar(economic, "2026-11-01")
    economic.client.post("/_emulator/stats/reset").raise_for_status()
    bills = make_bills(company, integration, n=5)
    drive(integration, rounds=3)
    records = SyncRecord.objects.filter(bill__in=bills)
    assert {(r.state, r.error_code) for r in records} == {(SyncState.WAITING, "period_locked")}
    assert stats(economic).get(POSTS, 0) == 0
    assert stats(economic)[PERIOD_READS] == 1  # read once, for every bill and every round


def test_a_held_bill_is_sent_once_the_period_is_opened(integration, remote, company, economic):
    bills = make_bills(company, integration, n=2)
    bar(economic, "2026-11-01")
    drive(integration, rounds=2)
    assert remote.entries(INVOICE_JOURNAL) == []
    bar(economic, "2026-11-01", "open")
    drive(integration)
    assert_once(remote, company, bills)
    assert {row["date"] for row in remote.entries(INVOICE_JOURNAL)} == {"2026-11-01"}


def test_posting_on_the_first_open_date_keeps_the_bill_s_own_date_in_the_text(
    integration, remote, company, economic
):
    [bill] = make_bills(company, integration, n=1)
    bar(economic, "2026-11-01")
    drive(integration, rounds=1)
    record = SyncRecord.objects.get(bill=bill)
    assert [value for value, _ in choices.offered(record)] == ["first_open_date", "wait"]
    choices.choose(record, "first_open_date")
    drive(integration)
    [row] = remote.entries(INVOICE_JOURNAL)
    assert row["date"] == "2026-12-01"
    assert "(fakturadato 01.11.2026)" in row["text"]
    assert_once(remote, company, [bill])


def test_first_open_date_with_no_open_period_after_it_keeps_waiting(
    integration, remote, company, economic
):
    [bill] = make_bills(company, integration, n=1)
    bar(economic, "2026-11-01")
    bar(economic, "2026-12-01")
    drive(integration, rounds=1)
    choices.choose(SyncRecord.objects.get(bill=bill), "first_open_date")
    drive(integration, rounds=2)
    record = SyncRecord.objects.get(bill=bill)
    assert (record.state, record.error_code) == (SyncState.WAITING, "period_locked")
    assert choices.chosen(record) == "first_open_date"
    assert remote.entries(INVOICE_JOURNAL) == []


def test_waiting_is_a_choice_kept_while_the_bill_is_rechecked(integration, company, economic):
    [bill] = make_bills(company, integration, n=1)
    bar(economic, "2026-11-01")
    drive(integration, rounds=1)
    choices.choose(SyncRecord.objects.get(bill=bill), "wait", send_now=False)
    drive(integration, rounds=2)
    record = SyncRecord.objects.get(bill=bill)
    assert (record.state, record.error_code, choices.chosen(record)) == (
        SyncState.WAITING, "period_locked", "wait")  # fmt: skip


def test_a_choice_not_offered_is_refused(integration, company, economic):
    [bill] = make_bills(company, integration, n=1)
    drive(integration)
    with pytest.raises(ValueError):
        choices.choose(SyncRecord.objects.get(bill=bill), "first_open_date")


# ------------------------------------------------------------------ the bill page


def held_bill(integration, company, economic):
    [bill] = make_bills(company, integration, n=1)
    bar(economic, "2026-11-01")
    drive(integration, rounds=1)
    return bill, SyncRecord.objects.get(bill=bill)


def page(client, company, bill) -> str:
    return client.get(f"/c/{company.pk}/bills/{bill.pk}/").content.decode()


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNTANT])
def test_the_bill_page_says_why_and_offers_both_choices(
    role, client, user, integration, company, economic
):
    from billbridge.accounts.models import Membership

    Membership.objects.filter(user=user, company=company).update(role=role)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    bill, _ = held_bill(integration, company, economic)
    html = page(client, company, bill)
    assert 'data-testid="sync-held"' in html and "Needs attention" in html
    assert "locked the period of this bill&#x27;s date" in html
    assert 'data-testid="sync-choice-first_open_date"' in html
    assert 'data-testid="sync-choice-wait"' in html


def test_the_bill_page_in_danish(client, user, integration, company, economic):
    client.force_login(user)
    client.cookies["django_language"] = "da"
    bill, _ = held_bill(integration, company, economic)
    html = page(client, company, bill)
    assert "Bogholderen har spærret perioden for denne regnings dato" in html
    assert "Bogfør den på første åbne dato" in html and "Vent, til perioden er åbnet" in html


def test_a_member_sees_the_words_but_not_the_choices_and_cannot_choose(
    client, integration, company, economic
):
    member = MembershipFactory(company=company, role=Role.MEMBER).user
    client.force_login(member)
    client.cookies["django_language"] = "en"
    bill, record = held_bill(integration, company, economic)
    html = page(client, company, bill)
    assert "Needs attention" in html and 'data-testid="sync-choice-wait"' not in html
    assert "owners, admins and accountant choose" in html
    url = f"/c/{company.pk}/sync/records/{record.pk}/choose/"
    assert client.post(url, {"choice": "wait"}).status_code == 403


def test_choosing_on_the_page_posts_on_the_first_open_date(
    client, user, integration, remote, company, economic
):
    client.force_login(user)
    bill, record = held_bill(integration, company, economic)
    url = f"/c/{company.pk}/sync/records/{record.pk}/choose/"
    assert client.post(url, {"choice": "nonsense"}).status_code == 400
    answer = client.post(url, {"choice": "first_open_date"})
    assert answer.status_code == 302
    drive(integration)
    assert [r["date"] for r in remote.entries(INVOICE_JOURNAL)] == ["2026-12-01"]
    html = page(client, company, bill)
    assert 'data-testid="sync-held"' not in html


# ------------------------------------------------------------------ the pure rules


PERIODS = periods.from_api(
    [
        {"dateFrom": "2026-12-01T00:00:00", "dateTo": "2026-12-31T00:00:00"},
        {"dateFrom": "2026-11-01", "dateTo": "2026-11-30", "isBarred": True},
        {"dateFrom": "2026-10-01", "dateTo": "2026-10-31", "isClosed": True, "isBarred": True},
    ]
)


def test_periods_from_the_accounting_years_api_are_sorted_with_one_state_each():
    assert [(p["from"], p["state"]) for p in PERIODS] == [
        ("2026-10-01", "closed"), ("2026-11-01", "barred"), ("2026-12-01", "open")]  # fmt: skip


def test_the_first_open_date_is_the_first_day_of_the_next_open_period():
    assert periods.first_open_date(dt.date(2026, 10, 20), PERIODS) == dt.date(2026, 12, 1)
    assert periods.first_open_date(dt.date(2026, 12, 5), PERIODS) == dt.date(2026, 12, 5)
    assert periods.first_open_date(dt.date(2027, 1, 5), PERIODS) is None


def test_a_date_no_period_holds_is_not_locked():
    assert not periods.is_locked(dt.date(2025, 5, 1), PERIODS)
    assert periods.is_locked(dt.date(2026, 11, 30), PERIODS)
