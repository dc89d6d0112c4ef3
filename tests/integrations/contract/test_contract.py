"""The provider contract (issue 12 item 5): what every accounting system in the registry does,
each against its own emulator over real HTTP, through the real sync engine and the framework's
REST routes. A provider passes these, or it is not done (docs/adding-a-provider.md)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from billbridge.bills.models import PaymentMethod
from billbridge.bills.services import pay_bill, update_bill
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.integrations.registry import PROVIDERS
from billbridge.sync import engine
from billbridge.sync.models import SyncRecord, SyncState
from tests.factories import added_bill as bill
from tests.integrations.contract.books import Books, Entry, Paid, books_of
from tests.integrations.emulated import settle

pytestmark = pytest.mark.django_db


def url(company, books, tail: str = "") -> str:
    return f"/api/v1/companies/{company.pk}/integrations/{books.key}{tail}"


def put(client, company, books, body, headers):
    return client.put(url(company, books), json.dumps(body), content_type="application/json",
                      headers=headers)  # fmt: skip


@pytest.fixture
def connected(books, client, company, api_headers) -> Integration:
    answer = put(client, company, books, books.connect_body(company), api_headers)
    assert answer.status_code == 200, answer.content
    return Integration.objects.get(company=company, provider=books.key)


def words(books, code: str) -> str:
    return message_for(code, system=PROVIDERS[books.key].name, provider=books.key)


@pytest.mark.parametrize("key", sorted(PROVIDERS))
def test_every_provider_in_the_registry_has_its_books(key):
    """tests/integrations/<key>/contract.py: BOOKS, for the provider's key."""
    kind = books_of(key)
    assert issubclass(kind, Books) and kind.key == key and kind.payment_account


def test_connects_through_the_frameworks_route(books, client, company, api_headers):
    answer = put(client, company, books, books.connect_body(company), api_headers)
    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "connected"
    integration = Integration.objects.get(company=company, provider=books.key)
    assert integration.state == IntegrationState.CONNECTED
    assert integration.remote_id == books.remote_id()  # the books are claimed for this company
    state = client.get(url(company, books), headers=api_headers).json()
    assert state["state"] == "connected" and state["provider"] == books.key


def test_refused_credentials_at_connect_are_a_400_in_plain_words(
    books, client, company, api_headers
):
    answer = put(client, company, books, books.bad_connect_body(company), api_headers)
    assert answer.status_code == 400, answer.content
    problem = answer.json()
    assert problem["code"] and problem["detail"] == words(books, problem["code"])
    assert not Integration.objects.filter(company=company, provider=books.key,
                                          state=IntegrationState.CONNECTED).exists()  # fmt: skip


def test_a_bill_is_posted_once(books, connected, company):
    b = bill(company)
    settle(connected)
    assert books.entries() == [Entry(Decimal("1250.00"))]
    record = SyncRecord.objects.get(bill=b, provider=books.key)
    assert record.state == SyncState.POSTED and not record.in_doubt


def test_a_changed_bill_updates_its_unbooked_entry(books, connected, company):
    b = bill(company)
    settle(connected)
    update_bill(b, {"total": Decimal("2500.00"), "vat_amount": Decimal("500.00")})
    settle(connected)
    assert books.entries() == [Entry(Decimal("2500.00"))]
    assert set(SyncRecord.objects.filter(bill=b).values_list("state", flat=True)) == {
        SyncState.POSTED
    }


def test_a_payment_reaches_the_books(books, connected, company):
    method = PaymentMethod.objects.create(company=company, name="Firmakort", type="credit_card",
                                          account_number=books.payment_account)  # fmt: skip
    books.pays_from(connected, method)
    b = bill(company)
    settle(connected)
    assert books.payments() == []
    pay_bill(b, date=dt.date(2026, 11, 10), amount=Decimal("1250.00"), payment_method=method)
    settle(connected)
    assert books.payments() == [Paid(Decimal("1250.00"), books.payment_account)]
    assert books.entries() == [Entry(Decimal("1250.00"))]


def test_a_dropped_answer_is_looked_up_not_posted_again(books, connected, company):
    b = bill(company)
    books.drop_next_write()
    engine.process(connected.pk)
    record = SyncRecord.objects.get(bill=b, kind="invoice")
    assert record.in_doubt  # we never heard whether it landed…
    assert len(books.entries()) == 1  # …but it did
    settle(connected)
    assert books.entries() == [Entry(Decimal("1250.00"))]
    record.refresh_from_db()
    assert record.state == SyncState.POSTED and not record.in_doubt


def test_refused_credentials_hold_the_bill_and_the_integration_says_why(
    books, connected, company, client, api_headers
):
    books.refuse_credentials()
    b = bill(company)
    settle(connected)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.NEEDS_ATTENTION
    code = connected.attention_code
    assert code and connected.attention_message == words(books, code)
    record = SyncRecord.objects.get(bill=b, kind="invoice")
    assert record.state == SyncState.WAITING  # the bill waits, nothing is wrong with it
    assert books.entries() == []
    state = client.get(url(company, books), headers=api_headers).json()
    assert (state["state"], state["attention_code"]) == ("needs_attention", code)
    assert state["attention_message"] == words(books, code)


def test_books_connected_to_one_company_are_refused_for_another(
    books, connected, client, user, api_headers
):
    """One set of books takes one company's bills (issue 12 item 2): the remote id claims it."""
    from billbridge.accounts.services import add_product
    from tests.factories import CompanyFactory, MembershipFactory

    other = CompanyFactory(name="Andet Firma ApS")
    MembershipFactory(user=user, company=other, role="owner")
    add_product(other, "integrate")
    answer = put(client, other, books, books.connect_body(other), api_headers)
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "remote_in_use"
    assert not Integration.objects.filter(company=other, state=IntegrationState.CONNECTED).exists()
