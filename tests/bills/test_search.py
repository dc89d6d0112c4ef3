"""The one bill search of the web list and the API (issue 16 item 3): the database's text index
(SQLite FTS5 trigram, PostgreSQL pg_trgm) finds what a substring search over supplier name,
CVR number, invoice number and text finds, and stays right as bills and suppliers change."""

from __future__ import annotations

import pytest
from django.db import connection

from billbridge.bills.models import Bill
from billbridge.bills.search import ensure_search_index, search_bills
from tests.factories import BillFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def _found(company, q: str) -> set[int]:
    return set(search_bills(Bill.objects.filter(company=company), q).values_list("pk", flat=True))


def test_any_part_of_any_of_the_four_fields_matches_whatever_the_case(company):
    supplier = SupplierFactory(company=company, name="Kaffekompagniet ApS", cvr="19283746")
    coffee = BillFactory(company=company, supplier=supplier, invoice_number="X-1", text="")
    numbered = BillFactory(company=company, invoice_number="INV-2026-77", text="")
    texted = BillFactory(company=company, invoice_number="Y-2", text="Service af espressomaskine")
    assert _found(company, "kompagni") == {coffee.pk}
    assert _found(company, "928374") == {coffee.pk}  # the CVR number
    assert _found(company, "inv-2026") == {numbered.pk}
    assert _found(company, "ESPRESSO") == {texted.pk}
    assert _found(company, "nothing like it") == set()


def test_a_danish_letter_matches_in_either_case(company):
    bill = BillFactory(company=company, text="Rengøring af kontoret", invoice_number="Z")
    assert _found(company, "RENGØRING") == {bill.pk}


def test_one_or_two_letters_still_search(company):
    bill = BillFactory(company=company, invoice_number="Q7", text="")
    BillFactory(company=company, invoice_number="A-1", text="")
    assert bill.pk in _found(company, "q7")


def test_search_words_are_not_query_syntax(company):
    bill = BillFactory(company=company, text='Møbler "kontor" OR NOT * (stole)')
    assert _found(company, '"kontor" OR') == {bill.pk}
    assert _found(company, "NOT * (") == {bill.pk}


def test_another_companys_bills_are_not_found(company):
    BillFactory(text="Kontorartikler")
    mine = BillFactory(company=company, text="Kontorartikler")
    assert _found(company, "kontorart") == {mine.pk}


def test_a_changed_bill_is_found_by_its_new_words_only(company):
    bill = BillFactory(company=company, text="Blomster")
    bill.text = "Vinduespudsning"
    bill.save()
    assert _found(company, "blomster") == set()
    assert _found(company, "vinduespuds") == {bill.pk}


def test_a_renamed_supplier_finds_its_bills_by_the_new_name(company):
    supplier = SupplierFactory(company=company, name="Gammelt Navn ApS")
    bill = BillFactory(company=company, supplier=supplier)
    supplier.name = "Nyt Firmanavn A/S"
    supplier.save()
    assert _found(company, "firmanavn") == {bill.pk}
    assert _found(company, "gammelt") == set()


def test_a_deleted_bill_is_not_found(company):
    bill = BillFactory(company=company, text="Slettes snart")
    bill.delete()
    assert _found(company, "slettes") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_the_index_is_rebuilt_when_a_table_rebuild_dropped_its_triggers(company):
    """SQLite alters a table by making a new one, which drops the triggers on the old one;
    after every migrate the index is made whole again."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER bills_bill_search_ai")
    missed = BillFactory(company=company, text="Uden trigger")
    assert _found(company, "uden trigger") == set()
    ensure_search_index(connection)
    assert _found(company, "uden trigger") == {missed.pk}
    after = BillFactory(company=company, text="Med trigger igen")
    assert _found(company, "trigger igen") == {after.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")
def test_postgresql_has_trigram_indexes_for_the_search():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"bills_bill_number_trgm", "bills_bill_text_trgm", "bills_supplier_name_trgm",
            "bills_supplier_cvr_trgm"} <= names  # fmt: skip


def test_a_companys_search_finds_its_bills_by_supplier_alone(company):
    other = SupplierFactory(name="Blomsterhandel ApS")
    BillFactory(supplier=other, company=other.company)
    mine = BillFactory(
        company=company, supplier=SupplierFactory(company=company, name="Blomsterhandel ApS")
    )
    found = search_bills(
        Bill.objects.filter(company=company), "blomsterhandel", company_id=company.pk
    )
    assert set(found.values_list("pk", flat=True)) == {mine.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")
def test_postgresql_searches_by_plain_conditions_its_indexes_can_or(company):
    """The bills' search is an OR of conditions on the bill row alone (the suppliers found
    first, by id): each has its index, which PostgreSQL ORs in one bitmap (EXPLAIN at 100,000
    bills, the page bench). A sub-query inside the OR made it filter every bill instead."""
    supplier = SupplierFactory(company=company, name="Kontorartikler Engros")
    bill = BillFactory(company=company, supplier=supplier, text="")
    found = search_bills(Bill.objects.filter(company=company), "kontorart", company_id=company.pk)
    sql = str(found.query)
    assert sql.count("SELECT") == 1
    assert f'supplier_id" IN ({supplier.pk})' in sql
    assert list(found) == [bill]
