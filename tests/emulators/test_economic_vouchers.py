"""e-conomic emulator: POST vouchers, entries, vouchers, attachments, idempotency.

Bodies follow economic.md §2.3 (supplier invoice: negative amount = normal invoice; supplier
payment: positive amount with the bank as contra account).
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

NORDLYS, HAVNEN = 701001, 701002


class Eco:
    """Authenticated plain-HTTP access to one agreement of the emulator."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.client: httpx.Client = emulator.client
        self.creds = emulator.credentials()
        self.tokens = {
            a["agreement_number"]: a["agreement_grant_token"] for a in self.creds["agreements"]
        }

    def headers(self, agreement: int = NORDLYS) -> dict[str, str]:
        return {
            "X-AppSecretToken": self.creds["app_secret_token"],
            "X-AgreementGrantToken": self.tokens[agreement],
        }

    def request(
        self, method: str, path: str, agreement: int = NORDLYS, **kw: Any
    ) -> httpx.Response:
        headers = {**self.headers(agreement), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, agreement: int = NORDLYS, **kw: Any) -> httpx.Response:
        return self.request("GET", path, agreement, **kw)

    def post(self, path: str, agreement: int = NORDLYS, **kw: Any) -> httpx.Response:
        return self.request("POST", path, agreement, **kw)


@pytest.fixture
def eco(shared_emulator: Any) -> Eco:
    return Eco(shared_emulator("economic"))


INVOICE: dict[str, Any] = {
    "accountingYear": {"year": "2026"},
    "journal": {"journalNumber": 2},
    "entries": {
        "supplierInvoices": [
            {
                "supplier": {"supplierNumber": 1},
                "supplierInvoiceNumber": "F-10023",
                "text": "Office Danmark F-10023 [bb:42]",
                "amount": -1250.00,
                "contraAccount": {"accountNumber": 2800},
                "contraVatAccount": {"vatCode": "I25"},
                "currency": {"code": "DKK"},
                "date": "2026-09-05",
                "dueDate": "2026-10-05",
            }
        ]
    },
}

PAYMENT: dict[str, Any] = {
    "accountingYear": {"year": "2026"},
    "entries": {
        "supplierPayments": [
            {
                "supplier": {"supplierNumber": 1},
                "supplierInvoiceNumber": "F-10023",
                "text": "Betaling F-10023",
                "amount": 1250.00,
                "contraAccount": {"accountNumber": 5830},
                "date": "2026-09-20",
            }
        ]
    },
}

FINANCE: dict[str, Any] = {
    "accountingYear": {"year": "2026"},
    "entries": {
        "financeVouchers": [
            {
                "account": {"accountNumber": 2800},
                "contraAccount": {"accountNumber": 5820},
                "vatAccount": {"vatCode": "I25"},
                "amount": 100.0,
                "text": "Frimærker",
                "date": "2026-03-01",
            }
        ]
    },
}


def invoice(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(INVOICE)
    body["entries"]["supplierInvoices"][0].update(changes)
    return body


def errors_of(r: httpx.Response) -> list[dict[str, Any]]:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["errorCode"] == "E04300"
    return body["errors"]


def entry_errors(r: httpx.Response) -> dict[str, Any]:
    return errors_of(r)[0]["entries"]["items"][0]


# ------------------------------------------------------------------------------ POST vouchers


def test_supplier_invoice_post_returns_201_and_an_array(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=INVOICE)
    assert r.status_code == 201
    body = r.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0]["voucherNumber"] == 20001


def test_supplier_invoice_response_shape(eco: Eco) -> None:
    voucher = eco.post("/journals/2/vouchers", json=INVOICE).json()[0]
    entry = voucher["entries"]["supplierInvoices"][0]
    assert entry["amount"] == -1250.0
    assert entry["supplier"]["supplierNumber"] == 1
    assert entry["contraAccount"]["accountNumber"] == 2800
    assert entry["contraVatAccount"]["vatCode"] == "I25"
    assert entry["supplierInvoiceNumber"] == "F-10023"
    assert entry["exchangeRate"] == 100.0
    assert entry["entryType"] == "supplierInvoice"
    assert entry["voucher"]["voucherNumber"] == 20001
    assert entry["journalEntryNumber"] == 1
    assert entry["metaData"]["delete"]["httpMethod"] == "delete"
    assert voucher["self"].endswith("/journals/2/vouchers/2026-20001")
    assert voucher["attachment"].endswith("/journals/2/vouchers/2026-20001/attachment")


def test_supplier_invoice_account_property_is_ignored(eco: Eco) -> None:
    voucher = eco.post("/journals/2/vouchers", json=invoice(account={"accountNumber": 1010}))
    assert "account" not in voucher.json()[0]["entries"]["supplierInvoices"][0]


def test_supplier_invoice_due_date_defaults_from_payment_terms(eco: Eco) -> None:
    body = invoice()
    del body["entries"]["supplierInvoices"][0]["dueDate"]
    entry = eco.post("/journals/2/vouchers", json=body).json()[0]["entries"]["supplierInvoices"][0]
    assert entry["dueDate"] == "2026-10-05"  # supplier 1: Netto 30 dage


def test_supplier_payment_post_in_payment_journal(eco: Eco) -> None:
    r = eco.post("/journals/3/vouchers", json=PAYMENT)
    assert r.status_code == 201
    entry = r.json()[0]["entries"]["supplierPayments"][0]
    assert entry["amount"] == 1250.0
    assert entry["contraAccount"]["accountNumber"] == 5830
    assert r.json()[0]["voucherNumber"] == 30001


def test_finance_voucher_post_in_kassekladde(eco: Eco) -> None:
    r = eco.post("/journals/1/vouchers", json=FINANCE)
    assert r.status_code == 201
    entry = r.json()[0]["entries"]["financeVouchers"][0]
    assert entry["account"]["accountNumber"] == 2800
    assert entry["vatAccount"]["vatCode"] == "I25"


def test_array_post_creates_one_voucher_per_element_with_consecutive_numbers(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=[invoice(), invoice(supplierInvoiceNumber="F-2")])
    assert r.status_code == 201
    assert [v["voucherNumber"] for v in r.json()] == [20001, 20002]


def test_explicit_voucher_number_is_used(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json={**invoice(), "voucherNumber": 20500})
    assert r.json()[0]["voucherNumber"] == 20500


def test_self_links_are_accepted_as_references(eco: Eco) -> None:
    base = str(eco.client.base_url)
    body = invoice(supplier={"self": f"{base}/suppliers/2"})
    r = eco.post("/journals/2/vouchers", json=body)
    assert r.json()[0]["entries"]["supplierInvoices"][0]["supplier"]["supplierNumber"] == 2


def test_split_year_voucher_path_uses_encoded_year(eco: Eco) -> None:
    body = invoice(date="2026-11-20")
    body["accountingYear"] = {"year": "2026/2027"}
    voucher = eco.post("/journals/2/vouchers", HAVNEN, json=body).json()[0]
    assert voucher["self"].endswith("/journals/2/vouchers/2026_6_2027-20001")
    assert eco.get("/journals/2/vouchers/2026_6_2027-20001", HAVNEN).status_code == 200


# ------------------------------------------------------------------------------ rejections


def test_amount_with_three_decimals_is_rejected_e04740(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(amount=-1250.001))
    assert entry_errors(r)["amount"]["errors"][0]["errorCode"] == "E04740"


def test_missing_date_is_rejected(eco: Eco) -> None:
    body = invoice()
    del body["entries"]["supplierInvoices"][0]["date"]
    assert "date" in entry_errors(eco.post("/journals/2/vouchers", json=body))


def test_bad_date_format_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(date="05-09-2026"))
    assert "date" in entry_errors(r)


def test_missing_accounting_year_is_rejected(eco: Eco) -> None:
    body = invoice()
    del body["accountingYear"]
    assert "accountingYear" in errors_of(eco.post("/journals/2/vouchers", json=body))[0]


def test_unknown_accounting_year_is_rejected(eco: Eco) -> None:
    body = invoice()
    body["accountingYear"] = {"year": "2019"}
    assert "accountingYear" in errors_of(eco.post("/journals/2/vouchers", json=body))[0]


def test_text_longer_than_250_is_rejected(eco: Eco) -> None:
    assert "text" in entry_errors(eco.post("/journals/2/vouchers", json=invoice(text="x" * 251)))


def test_null_value_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(text=None))
    assert "text" in entry_errors(r)


def test_unknown_contra_account_gives_e04041_and_e07150(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(contraAccount={"accountNumber": 3562}))
    voucher_errors = errors_of(r)[0]
    assert voucher_errors["account"]["errors"][0]["errorCode"] == "E04041"
    leaf = voucher_errors["entries"]["items"][0]["contraAccount"]["errors"][0]
    assert leaf["errorCode"] == "E07150"
    assert leaf["inputValue"] == 3562


def test_entry_errors_of_one_entry_array_have_the_production_keys_only(eco: Eco) -> None:
    """economic.md §5.2 b: items carry `arrayIndex` and the failing properties, nothing else."""
    r = eco.post("/journals/2/vouchers", json=invoice(contraAccount={"accountNumber": 3562}))
    assert set(entry_errors(r)) == {"arrayIndex", "contraAccount"}


def test_heading_account_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(contraAccount={"accountNumber": 5800}))
    assert "contraAccount" in entry_errors(r)


def test_unknown_supplier_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(supplier={"supplierNumber": 999}))
    assert "supplier" in entry_errors(r)


def test_unknown_vat_code_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(contraVatAccount={"vatCode": "X99"}))
    assert "contraVatAccount" in entry_errors(r)


def test_unknown_currency_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(currency={"code": "ZUL"}))
    assert entry_errors(r)["currency"]["errors"][0]["errorCode"] == "E06000"


def test_supplier_invoice_without_supplier_or_contra_account_is_rejected(eco: Eco) -> None:
    body = invoice()
    entry = body["entries"]["supplierInvoices"][0]
    del entry["supplier"], entry["contraAccount"]
    assert "supplier" in entry_errors(eco.post("/journals/2/vouchers", json=body))


def test_date_outside_the_accounting_year_is_rejected(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=invoice(date="2025-12-31"))
    leaf = entry_errors(r)["date"]["errors"][0]
    assert leaf["errorCode"] == "E04041"
    assert leaf["inputValue"] == {"voucherAccountingYear": "2026", "entryDate": "2025-12-31"}


def test_entry_type_not_allowed_by_journal_is_rejected(eco: Eco) -> None:
    assert "entryType" in entry_errors(eco.post("/journals/2/vouchers", json=PAYMENT))


def test_unknown_journal_is_404(eco: Eco) -> None:
    assert eco.post("/journals/9/vouchers", json=INVOICE).status_code == 404


def test_non_json_voucher_post_is_415(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", content=b"x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_invalid_json_is_400(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_array_with_one_bad_voucher_creates_nothing(eco: Eco) -> None:
    r = eco.post("/journals/2/vouchers", json=[invoice(), invoice(amount="x")])
    assert errors_of(r)[0]["arrayIndex"] == 1
    assert eco.get("/journals/2/entries").json()["collection"] == []


def test_bulk_switch_partial_writes_the_valid_vouchers_of_a_refused_array(eco: Eco) -> None:
    # economic.md §10.7: all-or-nothing is not documented; the switch plays the other case
    assert eco.client.post("/_emulator/bulk", json={"mode": "partial"}).json()["mode"] == "partial"
    r = eco.post("/journals/2/vouchers", json=[invoice(), invoice(amount="x"), invoice()])
    assert [e["arrayIndex"] for e in errors_of(r)] == [1]
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 2


def test_bulk_switch_refuses_an_unknown_mode_and_reset_restores_all_or_nothing(
    eco: Eco, shared_emulator: Any
) -> None:
    assert eco.client.post("/_emulator/bulk", json={"mode": "some"}).status_code == 400
    eco.client.post("/_emulator/bulk", json={"mode": "partial"})
    shared_emulator("economic")
    assert eco.client.get("/_emulator/bulk").json() == {"mode": "all_or_nothing"}


def test_error_count_matches_leaf_errors(eco: Eco) -> None:
    r = eco.post(
        "/journals/2/vouchers",
        json=invoice(supplier={"supplierNumber": 999}, contraVatAccount={"vatCode": "X99"}),
    )
    assert r.json()["errorCount"] == 2
    assert r.json()["message"] == "Validation failed. 2 errors found."


# ------------------------------------------------------------------------------ reading back


def test_posted_entry_appears_in_journal_entries(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    entries = eco.get("/journals/2/entries").json()["collection"]
    assert [(e["supplierInvoiceNumber"], e["amount"]) for e in entries] == [("F-10023", -1250.0)]


def test_entries_can_be_found_by_text_filter(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=[invoice(), invoice(text="Andet [bb:43]")])
    r = eco.get("/journals/2/entries", params={"filter": "text$like:$[bb:42$]"})
    assert r.status_code == 200
    assert [e["text"] for e in r.json()["collection"]] == ["Office Danmark F-10023 [bb:42]"]


def test_entries_can_be_filtered_by_supplier_and_voucher_number(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=[invoice(), invoice(supplier={"supplierNumber": 2})])
    flt = "supplier.supplierNumber$eq:2$and:voucher.voucherNumber$eq:20002"
    r = eco.get("/journals/2/entries", params={"filter": flt})
    assert len(r.json()["collection"]) == 1


def test_entries_cannot_be_filtered_by_supplier_invoice_number(eco: Eco) -> None:
    r = eco.get("/journals/2/entries", params={"filter": "supplierInvoiceNumber$eq:F-1"})
    assert r.status_code == 400


def test_voucher_can_be_read_back(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    body = eco.get("/journals/2/vouchers/2026-20001").json()
    assert body["voucherNumber"] == 20001
    assert body["entries"]["supplierInvoices"][0]["text"] == "Office Danmark F-10023 [bb:42]"


def test_unknown_voucher_is_404(eco: Eco) -> None:
    assert eco.get("/journals/2/vouchers/2026-99999").status_code == 404


def test_journal_vouchers_collection_lists_posted_vouchers(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=[invoice(), invoice()])
    body = eco.get("/journals/2/vouchers").json()
    assert [v["voucherNumber"] for v in body["collection"]] == [20001, 20002]


def test_entry_can_be_read_and_deleted(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    assert eco.get("/journals/2/entries/1").json()["journalEntryNumber"] == 1
    assert eco.request("DELETE", "/journals/2/entries/1").status_code == 204
    assert eco.get("/journals/2/entries/1").status_code == 404


def test_delete_voucher_is_405(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE)
    assert eco.request("DELETE", "/journals/2/vouchers/2026-20001").status_code == 405


# ------------------------------------------------------------------------------ attachments

PDF = b"%PDF-1.4\n1 0 obj<</Type /Page>>endobj\n2 0 obj<</Type /Page>>endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ATT = "/journals/2/vouchers/2026-20001/attachment"


def upload(eco: Eco, method: str, data: bytes, name: str = "bill.pdf") -> httpx.Response:
    return eco.request(method, ATT + "/file", files={"file": (name, data, "application/pdf")})


@pytest.fixture
def voucher(eco: Eco) -> None:
    assert eco.post("/journals/2/vouchers", json=INVOICE).status_code == 201


@pytest.mark.usefixtures("voucher")
def test_attachment_post_returns_201_with_metadata(eco: Eco) -> None:
    r = upload(eco, "POST", PDF)
    assert r.status_code == 201
    assert r.json()["pages"] == 2
    assert r.json()["file"].endswith(ATT + "/file")


@pytest.mark.usefixtures("voucher")
def test_attachment_metadata_after_upload(eco: Eco) -> None:
    upload(eco, "POST", PDF)
    body = eco.get(ATT).json()
    assert body["pages"] == 2
    assert "createdAt" in body


@pytest.mark.usefixtures("voucher")
def test_attachment_metadata_without_file_is_200_with_zero_pages(eco: Eco) -> None:
    # economic.md §10.8: "GET …/attachment on a voucher with no file answers 200 with pages: 0"
    r = eco.get(ATT)
    assert r.status_code == 200
    assert r.json()["pages"] == 0 and r.json()["self"].endswith(ATT)


@pytest.mark.usefixtures("voucher")
def test_attachment_file_without_file_is_404(eco: Eco) -> None:
    assert eco.get(ATT + "/file").status_code == 404


@pytest.mark.usefixtures("voucher")
def test_attachment_file_is_returned_as_pdf(eco: Eco) -> None:
    upload(eco, "POST", PDF)
    r = eco.get(ATT + "/file")
    assert r.headers["content-type"] == "application/pdf"
    assert r.content == PDF


@pytest.mark.usefixtures("voucher")
def test_second_attachment_post_is_refused(eco: Eco) -> None:
    upload(eco, "POST", PDF)
    r = upload(eco, "POST", PDF)
    assert r.status_code == 400
    assert "Voucher already has attachment" in r.json()["message"]


@pytest.mark.usefixtures("voucher")
def test_attachment_patch_appends_pages(eco: Eco) -> None:
    upload(eco, "POST", PDF)
    r = upload(eco, "PATCH", PNG, "page.png")
    assert r.status_code == 200
    assert eco.get(ATT).json()["pages"] == 3


@pytest.mark.usefixtures("voucher")
def test_attachment_patch_creates_file_when_none(eco: Eco) -> None:
    assert upload(eco, "PATCH", PDF).status_code == 201


@pytest.mark.usefixtures("voucher")
def test_attachment_larger_than_9_mb_is_refused(eco: Eco) -> None:
    r = upload(eco, "POST", b"%PDF" + b"0" * (9 * 1024 * 1024))
    assert r.status_code == 400
    assert "9.0 MB" in r.json()["message"]


@pytest.mark.usefixtures("voucher")
def test_attachment_as_json_is_415(eco: Eco) -> None:
    assert eco.post(ATT + "/file", json={"file": "x"}).status_code == 415


@pytest.mark.usefixtures("voucher")
def test_attachment_of_unsupported_format_is_refused(eco: Eco) -> None:
    assert upload(eco, "POST", b"hello", "a.txt").status_code == 400


@pytest.mark.usefixtures("voucher")
def test_attachment_without_indscanning_is_accepted(eco: Eco) -> None:
    # economic.md §10.8: uploads need no Indscanning module check of their own
    eco.client.post(f"/_emulator/agreements/{NORDLYS}", json={"indscanning": False})
    assert upload(eco, "POST", PDF).status_code == 201


@pytest.mark.usefixtures("voucher")
def test_multipart_upload_without_boundary_in_the_header_is_accepted(eco: Eco) -> None:
    # economic.md §10.8: "A multipart body whose header has no boundary is accepted (e-conomic
    # finds it in the body)"
    body = (
        b'--xyzBOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--xyzBOUNDARY--\r\n"
    )
    r = eco.request(
        "POST", ATT + "/file", content=body, headers={"Content-Type": "multipart/form-data"}
    )
    assert r.status_code == 201, r.text
    assert eco.get(ATT).json()["pages"] == 2


@pytest.mark.usefixtures("voucher")
def test_multipart_upload_with_an_empty_boundary_parameter_is_accepted(eco: Eco) -> None:
    # restdocs: "define 'multipart/form-data; boundary= ;'" for clients that set none
    body = (
        b'--b1\r\nContent-Disposition: form-data; name=""; filename="b.pdf"\r\n\r\n'
        + PDF
        + b"\r\n--b1--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary= ;"}
    assert eco.request("POST", ATT + "/file", content=body, headers=headers).status_code == 201


@pytest.mark.usefixtures("voucher")
def test_attachment_file_can_be_deleted(eco: Eco) -> None:
    upload(eco, "POST", PDF)
    assert eco.request("DELETE", ATT + "/file").status_code == 204
    assert eco.get(ATT).json()["pages"] == 0


def test_attachment_on_unknown_voucher_is_404(eco: Eco) -> None:
    assert upload(eco, "POST", PDF).status_code == 404


# ------------------------------------------------------------------------------ idempotency


def test_same_idempotency_key_replays_the_response_from_cache(eco: Eco) -> None:
    key = {"Idempotency-Key": "bill-42-invoice"}
    first = eco.post("/journals/2/vouchers", json=INVOICE, headers=key)
    second = eco.post("/journals/2/vouchers", json=INVOICE, headers=key)
    assert second.status_code == 201
    assert second.headers["X-ResultFromCache"] == "true"
    assert "X-ResultFromCache" not in first.headers
    assert second.json() == first.json()
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 1


def test_same_idempotency_key_with_a_different_body_replays_the_first_response(eco: Eco) -> None:
    key = {"Idempotency-Key": "k1"}
    first = eco.post("/journals/2/vouchers", json=INVOICE, headers=key)
    second = eco.post("/journals/2/vouchers", json=invoice(text="changed"), headers=key)
    assert second.json() == first.json()
    assert second.headers["X-ResultFromCache"] == "true"


def test_same_idempotency_key_on_another_url_is_400_url_changed(eco: Eco) -> None:
    key = {"Idempotency-Key": "k2"}
    eco.post("/journals/2/vouchers", json=INVOICE, headers=key)
    r = eco.post("/journals/1/vouchers", json=FINANCE, headers=key)
    assert r.status_code == 400
    assert r.json()["errorCode"] == "URLChanged"


def test_different_idempotency_keys_create_two_vouchers(eco: Eco) -> None:
    eco.post("/journals/2/vouchers", json=INVOICE, headers={"Idempotency-Key": "a"})
    eco.post("/journals/2/vouchers", json=INVOICE, headers={"Idempotency-Key": "b"})
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 2


def test_idempotency_keys_are_per_agreement(eco: Eco) -> None:
    key = {"Idempotency-Key": "shared"}
    eco.post("/journals/1/vouchers", json=FINANCE, headers=key)
    r = eco.post("/journals/1/vouchers", HAVNEN, json=_finance_2026_2027(), headers=key)
    assert r.status_code == 201
    assert "X-ResultFromCache" not in r.headers


def _finance_2026_2027() -> dict[str, Any]:
    body = copy.deepcopy(FINANCE)
    body["accountingYear"] = {"year": "2026/2027"}
    body["entries"]["financeVouchers"][0]["date"] = "2026-08-01"
    return body


def test_a_refusal_is_replayed_from_the_cache_like_a_success(eco: Eco) -> None:
    key = {"Idempotency-Key": "refused-once"}
    eco.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods", json={"date": "2026-09-05", "state": "barred"}
    )
    assert eco.post("/journals/2/vouchers", json=INVOICE, headers=key).status_code == 400
    eco.client.post(
        f"/_emulator/agreements/{NORDLYS}/periods", json={"date": "2026-09-05", "state": "open"}
    )
    r = eco.post("/journals/2/vouchers", json=INVOICE, headers=key)
    assert r.status_code == 400 and r.headers["X-ResultFromCache"] == "true"


def test_expiring_the_cache_lets_the_same_key_through_again(eco: Eco) -> None:
    key = {"Idempotency-Key": "an-hour-later"}
    assert eco.post("/journals/2/vouchers", json=INVOICE, headers=key).status_code == 201
    assert eco.client.post("/_emulator/idempotency/expire").json() == {"expired": 1}
    r = eco.post("/journals/2/vouchers", json=INVOICE, headers=key)
    assert r.status_code == 201 and "X-ResultFromCache" not in r.headers
    assert len(eco.get("/journals/2/entries").json()["collection"]) == 2
