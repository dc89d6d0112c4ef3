"""A bill shows its sync state per integration, and a failed one can be retried (R-3)."""

from __future__ import annotations

import pytest

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
