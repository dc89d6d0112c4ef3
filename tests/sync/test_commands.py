"""Maintenance as commands as well as buttons: backfill, sync, sync_status (R-4, STYLE.md)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billbridge.integrations.dinero import setup
from billbridge.sync.models import SyncRecord
from tests.integrations.dinero.fixtures import ORG, api_key, bill, rows

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _connect(emu, company, user):
    return setup.connect(
        company,
        user,
        api_key=api_key(emu),
        organization_id=ORG,
        import_chart_of_accounts=False,
    )


def test_backfill_command_sends_the_bills_added_before_connecting(emu, company, user):
    before = [bill(company, n) for n in range(3)]
    _connect(emu, company, user)
    assert "3 entries queued" in _run("backfill", company.pk, "dinero")
    _run("sync", "--company", company.pk)
    texts = " ".join(r["Description"] for r in rows(emu))
    assert all(b.invoice_number in texts for b in before)
    assert SyncRecord.objects.filter(company=company, state="posted").count() == 3


def test_backfill_command_refuses_a_company_without_the_integration(company):
    with pytest.raises(CommandError):
        _run("backfill", company.pk, "dinero")


def test_sync_status_reports_posted_entries(emu, company, user):
    _connect(emu, company, user)
    bill(company, 1)
    _run("sync")
    assert "1 posted, 0 waiting, 0 failed" in _run("sync_status")
