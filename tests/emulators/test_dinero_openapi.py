"""Every operation of dinero-openapi.json that billbridge uses, walked against the emulator:
each request and each answer validated against the file with openapi-core (issue 9 item 1).

The read models mark properties `required` that the file's own default `fields` leave out
(see emulators/dinero/accounts.py), so the walk asks for every required property; the
defaults are tested in test_dinero_accounts.py.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.contracts.dinero_openapi import spec, validate_request, validate_response

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


USED = {
    ("get", "/v1/{organizationId}/accounts/entry"),
    ("get", "/v1/{organizationId}/accounts/purchase"),
    ("get", "/v1/{organizationId}/accounts/deposit"),
    ("get", "/v1/{organizationId}/vatTypes"),
    ("get", "/v1/organizations"),
    ("post", "/v1/{organizationId}/files"),
    ("post", "/v1.2/{organizationId}/ledgeritems"),
    ("put", "/v1/{organizationId}/ledgeritems"),
    ("post", "/v1/{organizationId}/ledgeritems/ledgers"),
    ("post", "/v1/{organizationId}/ledgeritems/status"),
    ("post", "/v1/{organizationId}/ledgeritems/book"),
    ("delete", "/v1/{organizationId}/ledgeritems/delete"),
}


@pytest.fixture
def walk(dinero_api):
    """Send a request through the emulator; validate it and its answer against the file."""
    dinero_api.emulator.client.post(
        "/_emulator/config", json={"file_ready_seconds": 0, "booking_delay_seconds": 0}
    )
    seen: list[str] = []

    def send(method: str, path: str, **kwargs) -> httpx.Response:
        request = dinero_api.emulator.client.build_request(
            method, path.replace("{org}", dinero_api.org), headers=dinero_api.headers, **kwargs
        )
        validate_request(request)
        response = dinero_api.emulator.client.send(request)
        response.read()
        assert response.status_code == 200, response.text
        validate_response(request, response)
        seen.append((method.lower(), path.replace("{org}", "{organizationId}")))
        return response

    send.seen = seen  # type: ignore[attr-defined]
    return send


def _item(guid=None):
    line = {"Id": str(uuid.uuid4()), "Description": "Papirhuset 4711", "Amount": 1250.0,
            "AccountNumber": 7200, "AccountVatCode": None, "BalancingAccountNumber": 55000,
            "BalancingAccountVatCode": None}  # fmt: skip
    return {"Id": str(uuid.uuid4()), "VoucherDate": "2026-11-02", "FileGuid": guid,
            "Lines": [line]}  # fmt: skip


def test_every_operation_billbridge_uses_answers_as_the_file_says(walk):
    walk("GET", "/v1/{org}/accounts/entry", params={
        "fields": "AccountNumber,Name,VatCode,Category,CategoryName,IsHidden,"
                  "IsDefaultSalesAccount"})  # fmt: skip
    walk("GET", "/v1/{org}/accounts/purchase", params={
        "fields": "AccountNumber,Name,VatCode,Category,CategoryName,IsHidden,"
                  "IsDefaultSalesAccount"})  # fmt: skip
    walk("GET", "/v1/{org}/accounts/deposit", params={
        "fields": "AccountNumber,Name,IsDefault,IsHidden"})  # fmt: skip
    walk("GET", "/v1/{org}/vatTypes")
    walk("GET", "/v1/organizations", params={"fields": "Id,Name,IsPro,IsVatFree,IsTaxFreeUnion"})

    guid = walk("POST", "/v1/{org}/files", files={"file": ("bilag.pdf", PDF, "application/pdf")}
                ).json()["FileGuid"]  # fmt: skip
    item = _item(guid)
    created = walk("POST", "/v1.2/{org}/ledgeritems", json=[item]).json()
    walk("POST", "/v1/{org}/ledgeritems/ledgers", json=[{"Id": item["Id"]}])
    changed = {**item, "Version": created["Version"],
               "Lines": [{**item["Lines"][0], "Amount": 999.0}]}  # fmt: skip
    walk("PUT", "/v1/{org}/ledgeritems", json=[changed])
    walk("POST", "/v1/{org}/ledgeritems/status", json=[{"Id": item["Id"]}])
    walk("POST", "/v1/{org}/ledgeritems/book", json=[{"Id": item["Id"]}])
    other = _item()
    walk("POST", "/v1.2/{org}/ledgeritems", json=[other])
    walk("DELETE", "/v1/{org}/ledgeritems/delete", json=[{"Id": other["Id"]}])
    assert set(walk.seen) == USED


def test_every_operation_billbridge_uses_is_in_the_file():
    in_file = {(m, p) for p, item in spec()["paths"].items() for m in item}
    assert in_file >= USED
