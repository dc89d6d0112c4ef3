"""API test helpers: the API alone at /api/v1/, a second company's world, and small builders."""

from __future__ import annotations

from typing import Any

import pytest

from billbridge.accounts.models import ApiToken
from tests.factories import BillFactory, CategoryFactory, PaymentMethodFactory, SupplierFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _api_settings(settings) -> None:
    """The API alone; English unless a test asks otherwise (the product's default is Danish)."""
    settings.ROOT_URLCONF = "tests.api.urls"
    settings.LANGUAGE_CODE = "en"


def api_url(company_or_id: Any, path: str = "") -> str:
    company_id = getattr(company_or_id, "pk", company_or_id)
    return f"/api/v1/companies/{company_id}{path}"


@pytest.fixture
def outsider_headers(outsider) -> dict[str, str]:
    _, raw = ApiToken.objects.issue(outsider, "test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def outsider_company(outsider):
    return outsider.companies().get()


@pytest.fixture
def category(company):
    return CategoryFactory(company=company, name="Kontorartikler", account_number="2800")


@pytest.fixture
def payment_method(company):
    return PaymentMethodFactory(company=company, name="Bankkonto", type="bank_account")


@pytest.fixture
def supplier(company):
    return SupplierFactory(company=company, name="Papirhuset A/S", cvr="29403473")


@pytest.fixture
def bill(company, supplier, category):
    return BillFactory(company=company, supplier=supplier, category=category, invoice_number="F-1")


def bill_json(**overrides: Any) -> dict[str, Any]:
    """A valid new bill as a client sends it."""
    values: dict[str, Any] = {
        "supplier_name": "Papirhuset A/S",
        "supplier_cvr": "29403473",
        "invoice_number": "F-100",
        "issue_date": "2026-11-01",
        "due_date": "2026-11-15",
        "currency": "DKK",
        "total": "1250.00",
        "vat_amount": "250.00",
        "text": "Kontorartikler",
    }
    values.update(overrides)
    return values


def error_fields(response) -> list[str | None]:
    return [e["field"] for e in response.json()["errors"]]
