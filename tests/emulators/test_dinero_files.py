"""Dinero emulator: file upload (multipart) and FileGuid on ledger items."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.contracts.dinero_openapi import validate_response

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(api, data, name="bilag.pdf", ctype="application/pdf"):
    return api.request("POST", "/v1/{org}/files", files={"file": (name, data, ctype)})


def test_upload_pdf_returns_a_file_guid(dinero_api):
    r = upload(dinero_api, PDF)
    assert r.status_code == 200
    assert set(r.json()) == {"FileGuid"}
    guid = r.json()["FileGuid"]
    assert len(guid) == 32 and guid.isalnum()  # opaque, like the file's example


def test_upload_png_is_accepted(dinero_api):
    assert upload(dinero_api, PNG, "scan.png", "image/png").status_code == 200


def test_upload_jpeg_is_accepted(dinero_api):
    assert upload(dinero_api, JPEG, "foto.jpg", "image/jpeg").status_code == 200


def test_upload_of_other_file_types_is_400_with_a_string_body_as_the_file_says(dinero_api):
    r = upload(dinero_api, b"just text", "notes.txt", "text/plain")
    assert r.status_code == 400
    assert "PDF" in r.json()


def test_upload_larger_than_6_mb_is_400_with_a_string_body_as_the_file_says(dinero_api):
    r = upload(dinero_api, PDF + b"0" * (6 * 1024 * 1024))
    assert r.status_code == 400
    assert isinstance(r.json(), str)


def test_upload_accepts_any_part_name_and_file_name_query(dinero_api):
    r = dinero_api.request(
        "POST",
        "/v1/{org}/files",
        params={"fileName": "faktura.jpg"},
        files={"image": ("x.jpg", JPEG, "image/jpeg")},
    )
    assert r.status_code == 200


def test_upload_without_multipart_body_is_400(dinero_api):
    r = dinero_api.request("POST", "/v1/{org}/files", content=PDF)
    assert r.status_code == 400


@pytest.mark.parametrize(
    "files",
    [
        {"file": ("bilag.pdf", PDF, "application/pdf")},
        {"file": ("notes.txt", b"just text", "text/plain")},
        {"file": ("stor.pdf", PDF + b"0" * (6 * 1024 * 1024), "application/pdf")},
        {"note": (None, b"no file here")},
    ],
    ids=["accepted", "wrong type", "too large", "no file part"],
)
def test_every_upload_answer_matches_the_file(dinero_api, files):
    """The file documents the upload's 200 (FileSavedReadModel) and its 400 (a string);
    schemathesis found the emulator answering 400 with its usual error object."""
    r = dinero_api.request("POST", "/v1/{org}/files", files=files)
    assert r.status_code in (200, 400)
    validate_response(r.request, r)


def _item(guid):
    line = {"AccountNumber": 7200, "AccountVatCode": "I25", "Amount": 100.0,
            "BalancingAccountNumber": 55000, "Description": "med bilag"}  # fmt: skip
    return {"Id": str(uuid.uuid4()), "VoucherDate": "2026-11-02", "FileGuid": guid,
            "Lines": [line]}  # fmt: skip


def files_ready_at_once(api):
    api.emulator.client.post("/_emulator/config", json={"file_ready_seconds": 0})


def test_ledger_item_can_reference_an_uploaded_file(dinero_api):
    files_ready_at_once(dinero_api)
    guid = upload(dinero_api, PDF).json()["FileGuid"]
    item = _item(guid)
    assert dinero_api.request("POST", "/v1.2/{org}/ledgeritems", json=[item]).status_code == 200
    listed = dinero_api.request(
        "POST", "/v1/{org}/ledgeritems/ledgers", json=[{"Id": item["Id"]}]
    ).json()
    assert listed[0]["FileGuid"] == guid


def test_a_file_is_not_usable_until_a_moment_after_upload(dinero_api):
    dinero_api.emulator.client.post("/_emulator/config", json={"file_ready_seconds": 1.5})
    guid = upload(dinero_api, PDF).json()["FileGuid"]
    early = dinero_api.request("POST", "/v1.2/{org}/ledgeritems", json=[_item(guid)])
    assert early.status_code == 400
    assert "[0].FileGuid" in early.json()["validationErrors"]
    time.sleep(1.6)
    later = dinero_api.request("POST", "/v1.2/{org}/ledgeritems", json=[_item(guid)])
    assert later.status_code == 200


def test_a_file_can_be_refused_a_set_number_of_times_before_it_is_usable(dinero_api):
    dinero_api.emulator.client.post(
        "/_emulator/config", json={"file_ready_seconds": 0, "file_refusals": 2}
    )
    guid = upload(dinero_api, PDF).json()["FileGuid"]
    codes = [
        dinero_api.request("POST", "/v1.2/{org}/ledgeritems", json=[_item(guid)]).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 200]


def test_file_of_one_organisation_cannot_be_used_by_another(dinero_api, dinero_api_for):
    files_ready_at_once(dinero_api)
    guid = upload(dinero_api, PDF).json()["FileGuid"]
    other = dinero_api_for("445566")
    r = other.request("POST", "/v1.2/{org}/ledgeritems", json=[_item(guid)])
    assert r.status_code == 400
    assert "[0].FileGuid" in r.json()["validationErrors"]
