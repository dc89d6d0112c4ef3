"""The payment methods page's hint on where payment accounts sit is the connected system's
(B-4, S-d*/S-e*): Dinero's 55000 for a Dinero company, e-conomic's groups 5800 / 6700 (6600)
for an e-conomic one, and neutral words when no system is connected."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _hint(client, user, company, language="da") -> str:
    client.force_login(user)
    page = client.get(
        reverse("web:payment_methods", args=[company.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    found = re.search(r'data-testid="payment-hint">(.*?)</p>', page.content.decode(), re.S)
    assert found, "the page has no payment hint"
    return " ".join(found.group(1).split())


def _connect(company, provider: str) -> None:
    from billbridge.integrations.models import Integration

    Integration.objects.create(company=company, provider=provider, state="connected")


def test_a_dinero_company_reads_dineros_bank_account(client, user, company):
    _connect(company, "dinero")
    hint = _hint(client, user, company)
    assert "I Dinero ligger bank- og kassekonti som regel i balancen på 55000-55999" in hint
    assert "5800" not in hint.replace("55000", "")


def test_an_economic_company_reads_economics_account_groups(client, user, company):
    _connect(company, "economic")
    hint = _hint(client, user, company, language="en")
    assert "In e-conomic, debit cards and bank accounts are usually" in hint
    assert "group 6700 (6600)" in hint
    assert "Dinero" not in hint


def test_a_company_with_no_system_connected_reads_a_neutral_hint(client, user, company):
    from billbridge.integrations.models import Integration

    Integration.objects.create(company=company, provider="economic", state="not_connected")
    hint = _hint(client, user, company)
    assert "dit regnskabsprograms kontoplan" in hint
    assert "5800" not in hint and "55000" not in hint
