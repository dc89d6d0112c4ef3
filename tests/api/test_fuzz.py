"""Schemathesis against the API's own OpenAPI: bad input is never a 5xx (issue 2 item 3).

The schema is the one the app serves at /api/v1/openapi.json, read through Django's own WSGI
handler; every case is sent through that handler in-process, so the handlers run inside the test's
transaction like any other test. For each operation schemathesis sends valid and invalid
(negative) requests, a bounded and derandomized number of them, and checks that:

- no answer is a 5xx;
- the status code, content type and body are the documented ones;
- every error (4xx) is JSON with a `detail`.

Path ids are mostly those of the caller's own company, bills, categories, payment methods and
supplier (so the requests get past the tenant check into the handlers), sometimes what the
generator made (foreign, missing or malformed ids). No request leaves the machine: the
integrations' outgoing HTTP is refused as if their systems were down.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from billbridge.accounts.services import add_product
from billbridge.bills import services
from tests.api.conftest import PDF_BYTES
from tests.factories import BillFactory, CategoryFactory, PaymentMethodFactory, SupplierFactory

EXAMPLES_PER_OPERATION = 20
# Path parameters the fuzz points at the caller's own objects most of the time.
OWNED_PATH_IDS = ("company_id", "bill_id", "category_id", "payment_method_id", "supplier_id")

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261123,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            # Hypothesis' example database would make a run depend on the runs before it.
            "database": "none",
            # The caller's token is sent with every case (below); the auth tests cover its absence.
            "with-security-parameters": False,
        },
        # The coverage phase sends an unbounded number of boundary cases; examples and fuzzing
        # are bounded by max-examples.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "suppress-health-check": ["all"],
    }
)


def _load_schema() -> schemathesis.BaseSchema:
    """The OpenAPI document as the app serves it (the API alone, as in every API test)."""
    with override_settings(ROOT_URLCONF="tests.api.urls"):
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


schema = _load_schema()

# The caller's world, filled in by the `world` fixture before any case is generated.
WORLD: dict[str, list[int]] = {}


def _mostly_owned(name: str, value: Any) -> st.SearchStrategy[Any]:
    """The caller's own ids two times out of three; a generated id otherwise.

    Only a well-typed id is replaced: a negative case's malformed id ("x", 1.5) stays, so the
    case stays negative.
    """
    owned = WORLD.get(name)
    if not owned or not isinstance(value, int) or isinstance(value, bool):
        return st.just(value)
    return st.sampled_from([*owned, *owned, value])


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {name: _mostly_owned(name, value) for name, value in path_parameters.items()}
    )


def error_is_json_with_detail(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx (but a bare 405, which has no body by HTTP's rules) explains itself in JSON."""
    if response.status_code < 400 or response.status_code == 405:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/json"), (
        f"{response.status_code} answered as {content_type!r}: {response.content[:200]!r}"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert isinstance(body.get("detail"), str) and body["detail"], f"no detail: {body!r}"
    return None


def never_5xx(ctx: Any, response: Any, case: Any) -> bool | None:
    assert response.status_code < 500, (
        f"{response.status_code} for {case.method} {case.formatted_path}: "
        f"{response.content[:500]!r}"
    )
    return None


def _accounting_system_refuses(self: Any, request: httpx.Request) -> httpx.Response:
    """Every accounting system answers 401 (a wrong key); nothing leaves the machine."""
    return httpx.Response(401, json={"error": "unauthorized"}, request=request)


@pytest.fixture
def world(db, settings, monkeypatch, user, company, api_token):
    """A company with a few bills, categories, payment methods and a supplier; its ids in WORLD.
    It has Integrate, so the integration routes are walked past the Integrate check (P-1)."""
    add_product(company, "integrate")
    supplier = SupplierFactory(company=company, name="Papirhuset A/S", cvr="29403473")
    categories = [
        CategoryFactory(company=company, name="Kontorartikler", account_number="2800"),
        CategoryFactory(company=company, name="Gammel", archived=True),
    ]
    methods = [
        PaymentMethodFactory(company=company, name="Bankkonto", type="bank_account"),
        PaymentMethodFactory(company=company, name="Kort", type="card", archived=True),
    ]
    bills = [
        BillFactory(
            company=company,
            supplier=supplier,
            category=categories[0],
            invoice_number=f"F-{n}",
            issue_date=dt.date(2026, 11, n),
            total=Decimal("1250.00"),
        )
        for n in (1, 2)
    ]
    with_document = services.add_bill(
        company,
        services.BillInput(
            supplier_name="Papirhuset A/S",
            invoice_number="F-3",
            issue_date=dt.date(2026, 11, 3),
            total=Decimal("99.00"),
        ),
        user=user,
        document=SimpleUploadedFile("faktura.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    WORLD.update(
        company_id=[company.pk],
        bill_id=[b.pk for b in bills] + [with_document.pk],
        category_id=[c.pk for c in categories],
        payment_method_id=[m.pk for m in methods],
        supplier_id=[supplier.pk],
    )
    # Outgoing HTTP (connecting Dinero or e-conomic) gets "wrong key" from a stand-in.
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", _accounting_system_refuses)
    # A real WSGI request closes the database connection when it ends; inside the test's
    # transaction it must not (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WORLD
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        WORLD.clear()


@schema.parametrize()
def test_api_answers_bad_input_without_5xx_and_as_documented(case, world, api_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_token}"},
        additional_checks=[never_5xx, error_is_json_with_detail],
        # A valid request may still break a business rule the schema cannot say (a bill needs
        # its date, an unknown category id, VAT larger than the total): those are 422s by design.
        excluded_checks=[positive_data_acceptance],
    )
