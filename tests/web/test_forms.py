"""Forms: the happy paths go through the services; errors sit next to the field, input kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billbridge.bills.models import Bill, BillStatus, Category, PaymentMethod
from billbridge.web.forms import parse_amount
from tests.factories import PaymentMethodFactory
from tests.web.conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def _new_url(company) -> str:
    return reverse("web:bill_new", args=[company.pk])


def _typed(**overrides) -> dict[str, str]:
    values = {
        "supplier_name": "Kaffekompagniet ApS",
        "supplier_cvr": "12 34 56 78",
        "invoice_number": "K-77",
        "issue_date": "2026-11-20",
        "due_date": "2026-12-04",
        "currency": "DKK",
        "total": "1.250,00",
        "vat_amount": "250,00",
        "text": "Kaffe til kontoret",
    }
    values.update(overrides)
    return values


def _errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("1.250,00", "1250.00"),
        ("1250,5", "1250.5"),
        ("1,250.00", "1250.00"),
        ("1250.50", "1250.50"),
        ("1.250", "1250"),
        ("-312,50", "-312.50"),
        ("2 500,00 kr.", "2500.00"),
        ("1.234.567,89", "1234567.89"),
    ],
)
def test_amounts_are_read_the_danish_way_too(raw, amount):
    assert parse_amount(raw) == Decimal(amount)


def test_typed_bill_is_added_upcoming_with_a_new_supplier(logged_in_client, company):
    response = logged_in_client.post(_new_url(company), _typed())
    bill = Bill.objects.get(company=company)
    assert response.url == reverse("web:bill_detail", args=[company.pk, bill.pk])
    assert bill.status == BillStatus.UPCOMING
    assert bill.total == Decimal("1250.00") and bill.vat_amount == Decimal("250.00")
    assert bill.supplier.name == "Kaffekompagniet ApS" and bill.supplier.cvr == "12345678"
    assert bill.issue_date == dt.date(2026, 11, 20)


def test_typed_bill_with_a_document_keeps_the_document(logged_in_client, company):
    document = SimpleUploadedFile("faktura.pdf", MINIMAL_PDF, content_type="application/pdf")
    logged_in_client.post(_new_url(company), {**_typed(), "document": document})
    bill = Bill.objects.get(company=company)
    assert bill.status == BillStatus.UPCOMING
    assert bill.document_name == "faktura.pdf" and bill.document_sha256


def test_a_document_alone_waits_to_be_read(logged_in_client, company):
    document = SimpleUploadedFile("scan.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = logged_in_client.post(_new_url(company), {"currency": "DKK", "document": document})
    assert response.status_code == 302
    bill = Bill.objects.get(company=company)
    assert bill.status == BillStatus.ANALYSING
    detail = logged_in_client.get(response.url).content.decode()
    assert "Udfyld felterne" in detail


def test_missing_fields_are_shown_next_to_the_field_and_input_is_kept(logged_in_client, company):
    response = logged_in_client.post(
        _new_url(company), _typed(supplier_name="", supplier_cvr="", total="")
    )
    assert response.status_code == 200
    assert _errors(response, "supplier_name") and _errors(response, "total")
    html = response.content.decode()
    assert 'value="K-77"' in html and 'value="Kaffe til kontoret"' in html
    assert 'id="id_supplier_name_errors"' in html
    assert not Bill.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("supplier_cvr", "1234"),
        ("total", "mange penge"),
        ("total", "12,345"),  # three decimals
        ("currency", "kroner"),
        ("issue_date", "2026-13-40"),
    ],
)
def test_invalid_values_are_refused_with_the_value_kept(logged_in_client, company, field, value):
    response = logged_in_client.post(_new_url(company), _typed(**{field: value}))
    assert response.status_code == 200
    assert _errors(response, field)
    assert value in response.content.decode()
    assert not Bill.objects.exists()


def test_service_rules_appear_on_the_right_field(logged_in_client, company):
    response = logged_in_client.post(_new_url(company), _typed(due_date="2026-01-01"))
    assert _errors(response, "due_date")
    response = logged_in_client.post(_new_url(company), _typed(vat_amount="9999"))
    assert _errors(response, "vat_amount")


def test_an_upload_that_is_not_a_bill_document_is_refused(logged_in_client, company):
    document = SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", content_type="text/plain")
    response = logged_in_client.post(_new_url(company), {**_typed(), "document": document})
    assert _errors(response, "document")
    assert not Bill.objects.exists()


def test_another_companys_category_cannot_be_chosen(logged_in_client, company):
    from tests.factories import CategoryFactory

    foreign = CategoryFactory()  # belongs to another company
    response = logged_in_client.post(_new_url(company), _typed(category=str(foreign.pk)))
    assert _errors(response, "category")
    assert not Bill.objects.exists()


def test_edit_changes_fields_and_supplier(logged_in_client, world):
    bill = world["bill"]
    url = reverse("web:bill_edit", args=[world["company"].pk, bill.pk])
    form = logged_in_client.get(url).content.decode()
    assert 'value="F-1001"' in form and 'value="1250,00"' in form
    response = logged_in_client.post(
        url,
        _typed(supplier_name="Nyt Papir ApS", supplier_cvr="", invoice_number="F-1001-B"),
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.invoice_number == "F-1001-B"
    assert bill.supplier.name == "Nyt Papir ApS"


def test_edit_requires_the_core_fields(logged_in_client, world):
    url = reverse("web:bill_edit", args=[world["company"].pk, world["bill"].pk])
    response = logged_in_client.post(url, _typed(total=""))
    assert _errors(response, "total")


def test_editing_an_analysing_bill_completes_it(logged_in_client, company):
    from billbridge.bills.services import BillInput, add_bill

    bill = add_bill(company, BillInput(), status=BillStatus.ANALYSING)
    url = reverse("web:bill_edit", args=[company.pk, bill.pk])
    assert logged_in_client.post(url, _typed()).status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.UPCOMING and bill.total == Decimal("1250.00")


def test_pay_defaults_to_the_total_and_marks_paid(logged_in_client, world):
    bill = world["bill"]
    url = reverse("web:bill_pay", args=[world["company"].pk, bill.pk])
    form = logged_in_client.get(url).context["form"]
    assert form["amount"].value() == "1250,00"  # the Danish page writes amounts the Danish way
    response = logged_in_client.post(
        url,
        {
            "date": "2026-11-25",
            "amount": "1.250,00",
            "payment_method": world["payment_method"].pk,
        },
    )
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    assert bill.payment.date == dt.date(2026, 11, 25)
    detail = logged_in_client.get(response.url).content.decode()
    assert "Betalt" in detail and "25.11.2026" in detail


def test_pay_errors(logged_in_client, world):
    url = reverse("web:bill_pay", args=[world["company"].pk, world["bill"].pk])
    response = logged_in_client.post(url, {"date": "", "amount": "0", "payment_method": ""})
    assert _errors(response, "date") and _errors(response, "payment_method")
    response = logged_in_client.post(
        url, {"date": "2026-11-25", "amount": "0", "payment_method": world["payment_method"].pk}
    )
    assert _errors(response, "amount")
    assert response.context["form"]["amount"].value() == "0"
    world["bill"].refresh_from_db()
    assert world["bill"].status == BillStatus.UPCOMING


def test_archived_payment_methods_are_not_offered(logged_in_client, world):
    archived = PaymentMethodFactory(company=world["company"], name="Gammelt kort", archived=True)
    url = reverse("web:bill_pay", args=[world["company"].pk, world["bill"].pk])
    response = logged_in_client.post(
        url, {"date": "2026-11-25", "amount": "1250", "payment_method": archived.pk}
    )
    assert _errors(response, "payment_method")


def test_a_paid_bill_cannot_be_paid_again(logged_in_client, world):
    from billbridge.bills.services import pay_bill

    bill = world["bill"]
    pay_bill(
        bill, date=dt.date(2026, 11, 25), amount=bill.total, payment_method=world["payment_method"]
    )
    url = reverse("web:bill_pay", args=[world["company"].pk, bill.pk])
    assert not logged_in_client.get(url).context["payable"]
    response = logged_in_client.post(
        url, {"date": "2026-11-26", "amount": "1250", "payment_method": world["payment_method"].pk}
    )
    assert response.context["form"].non_field_errors()


def test_not_a_duplicate(logged_in_client, world):
    duplicate = world["duplicate"]
    url = reverse("web:bill_not_duplicate", args=[world["company"].pk, duplicate.pk])
    assert logged_in_client.get(url).status_code == 405
    assert logged_in_client.post(url).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == BillStatus.UPCOMING and duplicate.duplicate_overridden


def test_categories_create_rename_archive_unarchive(logged_in_client, company):
    url = reverse("web:categories", args=[company.pk])
    response = logged_in_client.post(url, {"new-name": "Husleje", "new-account_number": "1300"})
    assert response.status_code == 302
    category = Category.objects.get(company=company)
    update = reverse("web:category_update", args=[company.pk, category.pk])
    prefix = f"item{category.pk}"
    logged_in_client.post(update, {f"{prefix}-name": "Leje", f"{prefix}-account_number": "1310"})
    category.refresh_from_db()
    assert (category.name, category.account_number) == ("Leje", "1310")
    assert logged_in_client.post(update, {"archived": "1"}).url == url
    category.refresh_from_db()
    assert category.archived
    assert "Genskab" in logged_in_client.get(url).content.decode()
    logged_in_client.post(update, {"archived": "0"})
    category.refresh_from_db()
    assert not category.archived


def test_category_errors_are_shown_with_input_kept(logged_in_client, company):
    url = reverse("web:categories", args=[company.pk])
    response = logged_in_client.post(url, {"new-name": "", "new-account_number": "4242"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert 'value="4242"' in response.content.decode()
    category = Category.objects.create(company=company, name="Husleje")
    update = reverse("web:category_update", args=[company.pk, category.pk])
    prefix = f"item{category.pk}"
    response = logged_in_client.post(
        update, {f"{prefix}-name": "", f"{prefix}-account_number": "999"}
    )
    assert response.status_code == 400
    assert 'value="999"' in response.content.decode()
    category.refresh_from_db()
    assert category.name == "Husleje"


def test_payment_methods_create_with_type_rename_archive(logged_in_client, company):
    url = reverse("web:payment_methods", args=[company.pk])
    html = logged_in_client.get(url).content.decode()
    for label in ("Debetkort", "Bankkonto", "Kreditkort", "Kassekredit", "Kontant"):
        assert label in html
    logged_in_client.post(
        url, {"new-name": "Kassekredit", "new-type": "overdraft", "new-account_number": "6710"}
    )
    method = PaymentMethod.objects.get(company=company)
    assert method.type == "overdraft"
    update = reverse("web:payment_method_update", args=[company.pk, method.pk])
    prefix = f"item{method.pk}"
    logged_in_client.post(
        update,
        {
            f"{prefix}-name": "Firmakort",
            f"{prefix}-type": "credit_card",
            f"{prefix}-account_number": "",
        },
    )
    method.refresh_from_db()
    assert (method.name, method.type) == ("Firmakort", "credit_card")
    logged_in_client.post(update, {"archived": "1"})
    method.refresh_from_db()
    assert method.archived


def test_payment_method_type_must_be_known(logged_in_client, company):
    url = reverse("web:payment_methods", args=[company.pk])
    response = logged_in_client.post(url, {"new-name": "Bitcoin", "new-type": "crypto"})
    assert response.context["form"].errors["type"]
    assert not PaymentMethod.objects.exists()


def test_the_many_options_select_writes_what_djangos_select_writes():
    from django import forms
    from django.test.html import parse_html

    from billbridge.web.forms import ManyOptionsSelect

    choices = [("", "All suppliers"), (7, "Smith & Søn <ApS>"), (9, 'Kaffe "K"')]
    attrs = {"id": "id_supplier", "aria-describedby": "help"}
    ours = ManyOptionsSelect(choices=choices).render("supplier", 7, attrs)
    theirs = forms.Select(choices=choices).render("supplier", 7, attrs)
    assert parse_html(ours) == parse_html(theirs)
    assert "&amp; Søn &lt;ApS&gt;" in ours


def test_the_bill_lists_templates_do_not_grow_with_the_suppliers(logged_in_client, company):
    from billbridge.bills.models import Supplier

    url = reverse("web:bill_list", args=[company.pk])
    before = len(logged_in_client.get(url).templates)
    Supplier.objects.bulk_create(
        Supplier(company=company, name=f"Leverandør {n}") for n in range(30)
    )
    response = logged_in_client.get(url)
    assert "Leverandør 29" in response.content.decode()
    assert len(response.templates) == before


@pytest.mark.parametrize(
    ("language", "shown"), [("da", 'value="1000,00"'), ("en", 'value="1000.00"')]
)
def test_the_pay_form_shows_the_amount_as_the_language_writes_it(
    client, user, company, language, shown
):
    """The pay form's amount (the total by default) read 1000.00 on the Danish page."""
    bill = Bill.objects.create(
        company=company,
        supplier=company.suppliers.create(name="Kontorland ApS"),
        invoice_number="KL-1",
        issue_date=dt.date(2026, 11, 20),
        total=Decimal("1000.00"),
        vat_amount=Decimal("200.00"),
        status=BillStatus.UPCOMING,
    )
    client.force_login(user)
    page = client.get(
        reverse("web:bill_pay", args=[company.pk, bill.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert shown in page
