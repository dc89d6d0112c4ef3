"""Schemathesis drives the Dinero emulator from outside with Dinero's official OpenAPI file:
whatever it sends — valid requests and invalid ones — the emulator answers without a 5xx, and
every answer the file documents (a 200's read model, the upload's string 400) has the file's
shape. The emulator is a witness for the real Dinero; where it and the file disagree, it is
wrong (issue 9).

Two things are left out, said out loud:
- status codes the file does not list (it documents only 200 for most operations, while
  Dinero answers 400/401/403/404/409/429 by its own pages, dinero.md §5) are not failures;
- the GETs with `?fields=` cannot match the file whatever answers them: their default
  `fields` leave out properties the read models mark `required`, and a field comes back
  named as asked (lower-case) where `additionalProperties: false` allows only the schema's
  casing (see emulators/dinero/accounts.py). Their answers are checked for 5xx only.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.contracts.dinero_openapi import spec
from tests.emulators.conftest import dinero_token

ORGANIZATION = "112233"
FIELDS_OPERATIONS = {
    "/v1/{organizationId}/accounts/entry",
    "/v1/{organizationId}/accounts/purchase",
    "/v1/{organizationId}/accounts/deposit",
    "/v1/organizations",
    "/v1.1/organizations",
}

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261202,
        "generation": {
            "mode": "all",
            "max-examples": 12,
            "deterministic": True,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "suppress-health-check": ["all"],
    }
)

schema = schemathesis.openapi.from_dict(spec(), config=CONFIG)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """The seeded organisation most of the time, so the cases reach the handlers."""
    if not isinstance(path_parameters, dict) or "organizationId" not in path_parameters:
        return st.just(path_parameters)
    own = {**path_parameters, "organizationId": ORGANIZATION}
    return st.sampled_from([own, own, path_parameters])


def never_5xx(ctx: Any, response: Any, case: Any) -> bool | None:
    assert response.status_code < 500, (
        f"{response.status_code} for {case.method} {case.formatted_path}: "
        f"{response.content[:500]!r}"
    )
    return None


@pytest.fixture
def emulator_for_fuzzing(dinero):
    """The emulator without its 100-a-minute limit (the limit has its own tests) and with
    files usable at once, and a token of the seeded organisation."""
    dinero.client.post("/_emulator/config", json={"requests_per_minute": 0}).raise_for_status()
    org = next(
        o for o in dinero.credentials()["organizations"] if o["organization_id"] == ORGANIZATION
    )
    return dinero, dinero_token(dinero, org["api_key"])


@schema.parametrize()
def test_the_emulator_answers_as_the_official_file_says(case, emulator_for_fuzzing):
    emulator, token = emulator_for_fuzzing
    excluded = [status_code_conformance, positive_data_acceptance, negative_data_rejection]
    if case.operation.path in FIELDS_OPERATIONS:
        excluded += [response_schema_conformance, content_type_conformance]
    case.call_and_validate(
        base_url=emulator.base_url,
        headers={"Authorization": f"Bearer {token}"},
        additional_checks=[never_5xx],
        excluded_checks=excluded,
    )
