"""The accountant's overview of sync health across companies (SPEC §7)."""

from __future__ import annotations

import pytest

from billbridge.integrations.models import Integration
from billbridge.sync.models import SyncRecord
from tests.factories import BillFactory, CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountant_client(client, user, company):
    other = CompanyFactory(name="Havnens Café ApS")
    MembershipFactory(user=user, company=other, role="accountant")
    client.force_login(user)
    return client, other


def test_overview_lists_every_company_of_the_user(accountant_client, company):
    client, other = accountant_client
    page = client.get("/overview/").content.decode()
    assert company.name in page
    assert other.name in page


def test_overview_never_lists_a_company_the_user_is_not_in(accountant_client, outsider):
    client, _ = accountant_client
    assert "Andet Firma ApS" not in client.get("/overview/").content.decode()


def test_overview_counts_failed_and_waiting_postings(accountant_client, company):
    client, _ = accountant_client
    Integration.objects.create(
        company=company,
        provider="dinero",
        state="needs_attention",
        attention_message="The API key no longer works.",
    )
    for state in ("failed", "waiting", "waiting"):
        SyncRecord.objects.create(
            company=company,
            bill=BillFactory(company=company),
            provider="dinero",
            kind="invoice",
            state=state,
        )
    page = client.get("/overview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = page[page.index(f'data-company="{company.pk}"') :]
    assert "The API key no longer works." in row
    assert '<td class="num">2</td>' in row


def test_overview_needs_a_login(client):
    assert client.get("/overview/").status_code == 302


def test_menu_offers_the_overview_to_a_user_with_several_companies(accountant_client, company):
    client, _ = accountant_client
    page = client.get(f"/c/{company.pk}/bills/").content.decode()
    assert 'href="/overview/"' in page


def test_overview_counts_from_the_index_not_the_records_rows(company):
    """Issue 16 item 3: at 100,000 records the counts come from sync_record_counts alone (an
    index-only walk; PostgreSQL chooses it by its statistics, so the plan is read on SQLite,
    which has none and takes a covering index where there is one)."""
    from django.db import connection

    from billbridge.web.views.overview import record_counts

    SyncRecord.objects.create(company=company, bill=BillFactory(company=company), provider="dinero",
                              kind="invoice", state="posted")  # fmt: skip
    counts = record_counts([company.pk])
    assert list(counts) == [
        {"company_id": company.pk, "provider": "dinero", "state": "posted", "n": 1}
    ]
    if connection.vendor == "sqlite":
        assert "COVERING INDEX sync_record_counts" in counts.explain()
