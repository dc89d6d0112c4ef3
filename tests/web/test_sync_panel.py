"""A bill shows its sync state per integration, and a failed one can be retried (R-3)."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from billbridge.integrations.messages import words_of
from billbridge.integrations.registry import PROVIDERS
from billbridge.sync.models import SyncRecord, SyncState
from tests.factories import BillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_record(company):
    return SyncRecord.objects.create(
        company=company,
        bill=BillFactory(company=company),
        provider="dinero",
        kind="invoice",
        state=SyncState.FAILED,
        error="Account 34000 no longer exists in Dinero.",
    )


def test_a_failed_posting_shows_its_reason_and_a_retry_button(logged_in_client, failed_record):
    page = logged_in_client.get(
        f"/c/{failed_record.company_id}/bills/{failed_record.bill_id}/"
    ).content.decode()
    assert "Account 34000 no longer exists in Dinero." in page
    assert 'data-testid="sync-retry"' in page


def test_retry_puts_the_posting_back_in_line(logged_in_client, failed_record):
    url = f"/c/{failed_record.company_id}/sync/records/{failed_record.pk}/retry/"
    response = logged_in_client.post(url)
    assert response.status_code == 302
    failed_record.refresh_from_db()
    assert failed_record.state == SyncState.WAITING
    assert failed_record.error == ""


def test_a_posted_record_shows_its_voucher_number_and_no_retry(logged_in_client, company):
    record = SyncRecord.objects.create(
        company=company,
        bill=BillFactory(company=company),
        provider="dinero",
        kind="invoice",
        state=SyncState.POSTED,
        remote_reference="1042",
    )
    page = logged_in_client.get(f"/c/{company.pk}/bills/{record.bill_id}/").content.decode()
    assert "1042" in page
    assert 'data-testid="sync-retry"' not in page


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_danish_reader_sees_a_stored_failure_in_danish_without_pressing_retry(
    logged_in_client, company, settings, provider
):
    """Issue 12 item 4: the record keeps the English words it was stored with; the bill page
    words its code from the one catalogue in the reader's language."""
    settings.LANGUAGE_CODE = "da"
    name = PROVIDERS[provider].name
    words = words_of("unknown_account", provider)
    values = {"system": name, "account": "7200"}
    record = SyncRecord.objects.create(
        company=company, bill=BillFactory(company=company), provider=provider, kind="invoice",
        state=SyncState.FAILED, error=words.en % values, error_code="unknown_account",
        error_params={"account": "7200"},
    )  # fmt: skip
    page = logged_in_client.get(
        f"/c/{company.pk}/bills/{record.bill_id}/", HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert escape(words.da % values) in page
    assert escape(words.en % values) not in page


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_danish_reader_sees_why_an_integration_needs_attention_in_danish(
    logged_in_client, company, settings, provider
):
    """Issue 12 item 4: the integration keeps the English words it was held with; the
    Integrations page words its code in the reader's language."""
    from billbridge.accounts.services import add_product
    from billbridge.integrations.models import Integration, IntegrationState

    settings.LANGUAGE_CODE = "da"
    add_product(company, "integrate")
    words = words_of("unavailable", provider)
    values = {"system": PROVIDERS[provider].name}
    Integration.objects.create(company=company, provider=provider,
                               state=IntegrationState.NEEDS_ATTENTION, attention_code="unavailable",
                               attention_message=words.en % values)  # fmt: skip
    page = logged_in_client.get(
        f"/c/{company.pk}/integrations/", HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert escape(words.da % values) in page
    assert escape(words.en % values) not in page
