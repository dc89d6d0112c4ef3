"""S-d5…S-d10 against the emulator: credentials checked at once, chart import, disconnect."""

from __future__ import annotations

import pytest

from billbridge.bills.models import Category, Supplier
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.dinero import setup
from billbridge.integrations.models import Integration, IntegrationState
from tests.factories import BillFactory, SupplierFactory
from tests.integrations.dinero.fixtures import BENCH_ORG, ORG, OTHER_ORG, api_key, stats

pytestmark = pytest.mark.django_db


def test_good_credentials_give_the_chart_in_three_requests(emu):
    accounts = setup.validate_credentials(api_key(emu), ORG)
    numbers = {a.number: a for a in accounts}
    assert numbers["7200"].kind == "expense" and numbers["7200"].vat_code == "I25"
    assert numbers["55000"].kind == "deposit"
    assert "99999" in numbers
    assert setup.default_accounts(accounts) == ("99999", "55000")
    assert stats(emu)["requests"] == 3  # token, entry accounts, deposit accounts


def test_wrong_key_is_invalid_api_key(emu):
    with pytest.raises(AccountingError) as info:
        setup.validate_credentials("not-a-key", ORG)
    assert (info.value.kind, info.value.code) == (ErrorKind.CREDENTIALS, "invalid_api_key")


def test_key_of_another_organisation_is_unknown_organization(emu):
    with pytest.raises(AccountingError) as info:
        setup.validate_credentials(api_key(emu, ORG), OTHER_ORG)
    assert (info.value.kind, info.value.code) == (ErrorKind.CREDENTIALS, "unknown_organization")


def test_unreachable_dinero_is_unavailable(emu, settings):
    settings.DINERO_AUTH_URL = "http://127.0.0.1:9/dineroapi/oauth/token"
    with pytest.raises(AccountingError) as info:
        setup.validate_credentials(api_key(emu), ORG)
    assert info.value.kind == ErrorKind.UNAVAILABLE


def test_slow_dinero_is_a_timeout(emu, settings):
    settings.ACCOUNTING_HTTP_TIMEOUT = 0.3
    emu.faults(latency_ms=800)
    with pytest.raises(AccountingError) as info:
        setup.validate_credentials(api_key(emu), ORG)
    assert (info.value.kind, info.value.code) == (ErrorKind.UNAVAILABLE, "timeout")


def test_connect_stores_encrypted_credentials_settings_and_chart(emu, company, user):
    key = api_key(emu)
    integration = setup.connect(
        company,
        user,
        api_key=key,
        organization_id=ORG,
        fallback_account="99999",
        payment_account="55000",
        import_chart_of_accounts=False,
    )
    integration.refresh_from_db()
    assert integration.state == IntegrationState.CONNECTED
    assert key not in integration.encrypted_credentials
    assert integration.credentials == {"way": "api_key", "api_key": key, "organization_id": ORG}
    assert integration.settings["fallback_account"] == "99999"
    assert len(integration.remote_data["accounts"]) > 40
    assert integration.connected_by == user
    assert not Category.objects.filter(company=company).exists()


def test_connect_refuses_an_account_not_in_the_chart(emu, company, user):
    with pytest.raises(AccountingError) as info:
        setup.connect(
            company,
            user,
            api_key=api_key(emu),
            organization_id=ORG,
            fallback_account="12345",
            import_chart_of_accounts=False,
        )
    assert (info.value.code, info.value.field) == ("unknown_account", "fallback_account")
    assert not Integration.objects.filter(company=company).exists()


def test_import_makes_expense_accounts_categories(emu, company, user):
    setup.connect(
        company, user, api_key=api_key(emu), organization_id=ORG, import_chart_of_accounts=True
    )
    categories = Category.objects.filter(company=company, archived=False)
    assert categories.filter(account_number="7200", name="Kontorartikler og tryksager").exists()
    assert not categories.filter(account_number="55000").exists()  # a bank is no category
    assert set(categories.values_list("imported_from", flat=True)) == {"dinero"}
    assert categories.get(account_number="7200").vat_code == "I25"


def test_reimport_overwrites_categories_in_use_and_forgets_supplier_memory(emu, company, user):
    mine = Category.objects.create(company=company, name="Kaffe", account_number="7200")
    handmade = Category.objects.create(company=company, name="Diverse", account_number="1")
    supplier = SupplierFactory(company=company, remembered_category=mine)
    b = BillFactory(company=company, supplier=supplier, category=handmade)
    accounts = setup.validate_credentials(api_key(emu), ORG)
    assert setup.plan_import(company, accounts).overwritten == 2
    result = setup.import_chart(company, accounts)
    mine.refresh_from_db()
    handmade.refresh_from_db()
    assert (mine.name, mine.imported_from, mine.archived) == (
        "Kontorartikler og tryksager",
        "dinero",
        False,
    )
    assert handmade.archived
    b.refresh_from_db()
    assert b.category == handmade  # bills keep their category
    assert Supplier.objects.get(pk=supplier.pk).remembered_category is None
    assert result.updated == 1 and result.archived == 1 and result.suppliers_forgotten == 1
    again = setup.import_chart(company, accounts)
    assert again.created == 0 and again.archived == 0
    assert Category.objects.filter(company=company, account_number="7200").count() == 1


QUERIES_FOR_ANY_CHART = 20  # 10 today, whatever the chart's size


def test_import_of_1000_accounts_is_done_in_a_bounded_number_of_queries(
    emu, company, user, django_assert_max_num_queries
):
    """A large chart costs a constant number of statements, not one per account (its time is
    measured by tests/bench/bench_dinero.py, not here: nothing in the suite times anything)."""
    key = api_key(emu, BENCH_ORG)
    accounts = setup.validate_credentials(key, BENCH_ORG)
    assert len(accounts) == 1000
    with django_assert_max_num_queries(QUERIES_FOR_ANY_CHART):
        result = setup.import_chart(company, accounts)
    assert result.created == Category.objects.filter(company=company).count() > 900
    with django_assert_max_num_queries(QUERIES_FOR_ANY_CHART):
        again = setup.import_chart(company, accounts)
    assert again.created == 0


def test_disconnect_erases_credentials(emu, connected, company):
    setup.disconnect(company)
    connected.refresh_from_db()
    assert connected.state == IntegrationState.NOT_CONNECTED
    assert connected.credentials == {}


def test_refresh_fetches_the_chart_again(emu, connected, company):
    connected.remote_data = {"accounts": []}
    connected.save()
    accounts = setup.refresh(company)
    connected.refresh_from_db()
    assert len(connected.remote_data["accounts"]) == len(accounts) > 40


# ------------------------------------------------------------------ S-d7 / S-d13: the plan


def test_dinero_s_standard_chart_gives_its_expense_accounts_with_vat_codes(emu, company):
    """Issue 9 item 4: categories from the accounts that hold expenses, with their VAT codes."""
    accounts = setup.validate_credentials(api_key(emu), ORG)
    with setup.make_client(api_key=api_key(emu), organization_id=ORG) as client:
        purchase = {str(a["AccountNumber"]) for a in client.purchase_accounts()}
    setup.import_chart(company, accounts)
    categories = Category.objects.filter(company=company, archived=False)
    numbers = {c.account_number for c in categories}
    assert len(numbers) > 50
    assert all(len(n) == 4 and 2000 <= int(n) <= 9420 for n in numbers)
    # The same accounts Dinero's accounts/purchase names as the expense-before-tax range.
    assert numbers == {n for n in purchase if not n.startswith("9") or int(n) >= 9200}
    assert categories.get(account_number="7200").vat_code == "I25"
    assert categories.exclude(vat_code="").count() > len(numbers) / 2
    assert not numbers & {"1000", "55000", "63000", "99999"}


def test_the_plan_says_what_an_import_will_do_and_changes_nothing(emu, company):
    kept = Category.objects.create(company=company, name="Kontorartikler og tryksager",
                                   account_number="7200", vat_code="I25",
                                   imported_from="dinero")  # fmt: skip
    coffee = Category.objects.create(company=company, name="Kaffe", account_number="2800")
    gone = Category.objects.create(company=company, name="Diverse", account_number="1")
    SupplierFactory(company=company, remembered_category=kept)
    SupplierFactory(company=company, remembered_category=coffee)
    SupplierFactory(company=company, remembered_category=gone)
    accounts = setup.validate_credentials(api_key(emu), ORG)
    plan = setup.plan_import(company, accounts)
    assert plan.refusal == ""
    assert ("1", "Diverse") in plan.archived and len(plan.archived) == 1
    assert [r[:2] for r in plan.renamed] == [("2800", "Kaffe")]
    assert len(plan.added) == len(setup.expense_accounts(accounts)) - 2
    assert plan.suppliers_forgotten == 2  # the archived and the renamed; 7200 is unchanged
    assert Category.objects.filter(company=company, archived=False).count() == 3  # untouched

    result = setup.import_chart(company, accounts)
    assert (result.created, result.archived, result.suppliers_forgotten) == (
        len(plan.added), 1, 2
    )  # fmt: skip
    assert Supplier.objects.filter(remembered_category=kept).count() == 1


def test_an_import_that_would_archive_every_category_in_use_is_refused(emu, company):
    handmade = Category.objects.create(company=company, name="Diverse", account_number="1")
    BillFactory(company=company, category=handmade)
    accounts = setup.validate_credentials(api_key(emu), ORG)
    assert setup.plan_import(company, accounts).refusal == "chart_archives_all_in_use"
    with pytest.raises(AccountingError) as info:
        setup.import_chart(company, accounts)
    assert info.value.code == "chart_archives_all_in_use"
    handmade.refresh_from_db()
    assert not handmade.archived
    assert Category.objects.filter(company=company).count() == 1


def test_a_chart_without_expense_accounts_is_refused_and_nothing_is_saved(emu, company, user):
    """The issue's case: accounts/entry without ?fields= has no categories, so no account
    counts as an expense; the import must not archive what the company has."""
    from billbridge.integrations.dinero.client import accounts_from

    Category.objects.create(company=company, name="Kaffe", account_number="2800")
    with setup.make_client(api_key=api_key(emu), organization_id=ORG) as client:
        full = client.entry_accounts()
    keep = ("AccountNumber", "Name", "IsHidden")  # what Dinero answers without ?fields=
    bare = [{k: row[k] for k in keep} for row in full]
    accounts = accounts_from(bare, [{"AccountNumber": 55000, "Name": "Bank"}])
    assert setup.plan_import(company, accounts).refusal == "chart_no_expense_accounts"
    with pytest.raises(AccountingError) as info:
        setup.connect(company, user, api_key=api_key(emu), organization_id=ORG,
                      import_chart_of_accounts=True, accounts=accounts)  # fmt: skip
    assert info.value.code == "chart_no_expense_accounts"
    assert not Integration.objects.filter(company=company, state="connected").exists()
    assert Category.objects.get(company=company).archived is False
