"""One set of books, one company: a Dinero organisation or e-conomic agreement already
connected to another company account is refused, in Danish and English (issue 12 item 3)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from billbridge.integrations import services
from billbridge.integrations.base import Account, AccountingError
from billbridge.integrations.dinero import setup as dinero_setup
from billbridge.integrations.economic import setup as economic_setup
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Integration
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

CHART = [Account("55000", "Bank"), Account("99999", "Fallback")]


def _dinero(company, org: str = "4711") -> Integration:
    return dinero_setup.connect(
        company, None, api_key="k" * 32, organization_id=org,
        import_chart_of_accounts=False, accounts=CHART,
    )  # fmt: skip


def _economic(company, agreement: int = 701001) -> Integration:
    data = {"agreement": {"number": agreement, "company_name": "Nordlys"}}
    return economic_setup.store_grant(company, "grant-token", None, data)


def test_a_dinero_organisation_connected_to_another_company_is_refused(company):
    _dinero(company)
    other = CompanyFactory(name="Havnens Café ApS")
    with pytest.raises(AccountingError) as caught:
        _dinero(other)
    assert caught.value.code == services.REMOTE_IN_USE
    assert not Integration.objects.filter(company=other).exclude(remote_id="").exists()


def test_an_e_conomic_agreement_connected_to_another_company_is_refused(company):
    _economic(company)
    with pytest.raises(AccountingError) as caught:
        _economic(CompanyFactory(name="Havnens Café ApS"))
    assert caught.value.code == services.REMOTE_IN_USE


def test_the_same_company_may_connect_its_books_again(company):
    _dinero(company)
    assert _dinero(company).remote_id == "4711"


def test_other_books_of_the_same_system_are_fine(company):
    _dinero(company)
    assert _dinero(CompanyFactory(), org="4712").remote_id == "4712"


def test_disconnected_books_are_free_for_another_company(company):
    _dinero(company)
    services.disconnect(company, "dinero")
    assert _dinero(CompanyFactory()).remote_id == "4711"


def test_the_database_refuses_two_companies_on_one_set_of_books(company):
    """A race past the check still cannot make two rows with the same books."""
    _dinero(company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Integration.objects.create(company=CompanyFactory(), provider="dinero", remote_id="4711")


def test_the_refusal_is_in_danish_and_english_without_naming_the_other_company(company):
    _dinero(company)
    with pytest.raises(AccountingError) as caught:
        _dinero(CompanyFactory())
    exc = caught.value
    with translation.override("en"):
        english = message_for(exc.code, system="Dinero", **exc.params)
    with translation.override("da"):
        danish = message_for(exc.code, system="Dinero", **exc.params)
    assert "already connected to another company account" in english
    assert "allerede forbundet med en anden virksomhedskonto" in danish
    assert company.name not in english + danish
    assert "4711" in english
