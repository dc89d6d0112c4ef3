"""The sync pages: retry, backfill + progress fragment, the audit log; tenant-isolated."""

from __future__ import annotations

import pytest

from billbridge.integrations.models import Integration, IntegrationState
from billbridge.sync.models import AuditEntry, SyncRecord, SyncState
from tests.factories import BillFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = "tests.sync.urls"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def integration(company):
    return Integration.objects.create(
        company=company, provider="dinero", state=IntegrationState.CONNECTED
    )


def failed_record(company):
    bill = BillFactory(company=company)
    return SyncRecord.objects.create(
        company=company, bill=bill, provider="dinero", kind="invoice", state=SyncState.FAILED,
        error_code="unknown_account", error="Account 34000 no longer exists in Dinero.",
        error_params={"account": "34000", "system": "Dinero"},
    )  # fmt: skip


def test_retry_makes_a_failed_record_wait(logged_in_client, company, integration):
    record = failed_record(company)
    response = logged_in_client.post(f"/c/{company.pk}/sync/records/{record.pk}/retry/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == SyncState.WAITING and record.error_code == ""


def test_retry_htmx_answers_the_record_fragment(logged_in_client, company, integration):
    record = failed_record(company)
    response = logged_in_client.post(
        f"/c/{company.pk}/sync/records/{record.pk}/retry/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b'data-testid="sync-record"' in response.content


def test_failed_record_fragment_says_why_in_danish(company):
    from django.template.loader import render_to_string
    from django.utils import translation

    from billbridge.sync import engine

    record = failed_record(company)
    with translation.override("da"):
        record = engine.describe(record)
        html = render_to_string("sync/_record.html", {"record": record})
    assert "34000" in html and "Dinero" in html
    assert "findes ikke længere" in html


def test_outsider_cannot_retry_or_see_the_audit_log(client, outsider, company, integration):
    record = failed_record(company)
    client.force_login(outsider)
    assert client.post(f"/c/{company.pk}/sync/records/{record.pk}/retry/").status_code == 404
    assert client.get(f"/c/{company.pk}/sync/audit/").status_code == 404
    record.refresh_from_db()
    assert record.state == SyncState.FAILED


def test_backfill_and_progress(logged_in_client, company, integration):
    BillFactory.create_batch(3, company=company)
    response = logged_in_client.post(
        f"/c/{company.pk}/sync/backfill/dinero/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert SyncRecord.objects.filter(company=company).count() == 3
    progress = logged_in_client.get(f"/c/{company.pk}/sync/backfill/dinero/progress/")
    assert progress.status_code == 200
    assert b"0 of 3 entries sent to Dinero" in progress.content
    assert b'hx-trigger="every 2s"' in progress.content


def test_members_cannot_backfill_or_read_the_audit_log(client, company, integration):
    member = UserFactory()
    MembershipFactory(user=member, company=company, role="member")
    client.force_login(member)
    assert client.post(f"/c/{company.pk}/sync/backfill/dinero/").status_code == 403
    assert client.get(f"/c/{company.pk}/sync/audit/").status_code == 403


def test_audit_log_page(logged_in_client, company, integration):
    AuditEntry.objects.create(
        company=company,
        provider="dinero",
        method="POST",
        path="/v1.2/112233/ledgeritems",
        status=200,
        duration_ms=12,
    )
    response = logged_in_client.get(f"/c/{company.pk}/sync/audit/")
    assert response.status_code == 200
    assert b"/v1.2/112233/ledgeritems" in response.content


def test_progress_counts_entries_not_bills_where_a_payment_is_its_own(logged_in_client, company):
    """e-conomic posts a paid bill's payment as an entry of its own: the demo's two bills
    (one paid) sent in one go read '3 af 3 regninger sendt' — three of two bills."""
    from billbridge.bills.models import BillStatus

    Integration.objects.create(
        company=company, provider="economic", state=IntegrationState.CONNECTED
    )
    BillFactory(company=company)
    BillFactory(company=company, status=BillStatus.PAID)
    logged_in_client.post(f"/c/{company.pk}/sync/backfill/economic/")
    progress = logged_in_client.get(f"/c/{company.pk}/sync/backfill/economic/progress/")
    assert b"0 of 3 entries sent to e-conomic" in progress.content


@pytest.mark.parametrize(
    ("outcome", "words"),
    [("ok", "OK"), ("http_400", "Afvist (400)"), ("http_429", "Bedt om at vente (429)"),
     ("http_503", "Fejl hos systemet (503)"), ("connection_lost", "Forbindelsen blev afbrudt")],
)  # fmt: skip
def test_the_audit_log_says_each_calls_outcome_in_words(
    logged_in_client, company, integration, outcome, words
):
    """The Danish audit log's Udfald column showed codes: ok, http_400."""
    AuditEntry.objects.create(
        company=company, provider="dinero", method="POST", path="/v1.2/112233/ledgeritems",
        status=200, outcome=outcome,
    )  # fmt: skip
    page = logged_in_client.get(f"/c/{company.pk}/sync/audit/", HTTP_ACCEPT_LANGUAGE="da")
    assert f'data-outcome="{outcome}">{words}</td>' in page.content.decode()
