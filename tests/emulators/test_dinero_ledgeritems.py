"""Dinero emulator: the kassekladde (ledger items) as dinero-openapi.json describes it — create
(v1.2), update (PUT v1), read (POST …/ledgers), status, book, delete (issue 9 item 1, S-d11)."""

from __future__ import annotations

import time
import uuid

CREATE = "/v1.2/{org}/ledgeritems"
UPDATE = "/v1/{org}/ledgeritems"
BOOK = "/v1/{org}/ledgeritems/book"
DELETE = "/v1/{org}/ledgeritems/delete"


def line(**overrides):
    base = {
        "Id": str(uuid.uuid4()),
        "Description": "Papirhuset faktura 4711",
        "Amount": 1250.0,
        "AccountNumber": 7200,
        "AccountVatCode": "I25",
        "BalancingAccountNumber": 55000,
        "BalancingAccountVatCode": None,
    }
    base.update(overrides)
    return base


def row(lines=None, **overrides):
    """A LedgerItemModelV2 with one line; `Description=`… set the line's fields."""
    item_fields = {"Id", "Version", "VoucherNumber", "VoucherDate", "FileGuid"}
    base = {"Id": str(uuid.uuid4()), "VoucherDate": "2026-11-02", "FileGuid": None}
    base.update({k: v for k, v in overrides.items() if k in item_fields})
    line_fields = {k: v for k, v in overrides.items() if k not in item_fields}
    base["Lines"] = lines if lines is not None else [line(**line_fields)]
    return base


def create(api, *rows, path=CREATE):
    return api.request("POST", path, json=list(rows))


def listed(api):
    """Every row of the organisation through the emulator's control read-back."""
    r = api.emulator.client.get(f"/_emulator/organizations/{api.org}/ledgeritems")
    assert r.status_code == 200
    return r.json()


def unbooked(api, *items):
    r = api.request("POST", "/v1/{org}/ledgeritems/ledgers", json=[{"Id": i["Id"]} for i in items])
    assert r.status_code == 200, r.text
    return r.json()


def status(api, *ids):
    return api.request("POST", "/v1/{org}/ledgeritems/status", json=[{"Id": i} for i in ids])


def version_of(api, item_id):
    return status(api, item_id).json()[0]["Version"]


def instant_booking(api):
    api.emulator.client.post("/_emulator/config", json={"booking_delay_seconds": 0})


# ---------------------------------------------------------------------------- create


def test_create_answers_one_ledger_item_read_model_as_the_file_says(dinero_api):
    first = row(Description="a")
    r = create(dinero_api, first, row(Description="b"))
    assert r.status_code == 200
    assert set(r.json()) == {"Id", "Version"}
    assert r.json()["Id"] == first["Id"]
    assert [x["Description"] for x in listed(dinero_api)] == ["a", "b"]


def test_create_answers_a_list_when_configured_as_a_maintained_client_reads_it(dinero_api):
    dinero_api.emulator.client.post("/_emulator/config", json={"create_answer": "list"})
    items = [row(), row()]
    r = create(dinero_api, *items)
    assert [x["Id"] for x in r.json()] == [i["Id"] for i in items]


def test_create_refuses_field_names_the_file_does_not_have(dinero_api):
    camel = {k[0].lower() + k[1:]: v for k, v in row().items()}
    r = create(dinero_api, camel)
    assert r.status_code == 400
    assert "unexpected" in r.json()["validationErrors"]["[0]"]
    assert listed(dinero_api) == []


def test_create_refuses_an_unknown_line_property(dinero_api):
    r = create(dinero_api, row(Currency="EUR"))
    assert r.status_code == 400
    assert "Currency" in r.json()["validationErrors"]["[0].Lines[0]"]


def test_create_stores_every_field(dinero_api):
    item = row(VoucherNumber=17)
    create(dinero_api, item)
    stored = listed(dinero_api)[0]
    assert stored["VoucherNumber"] == 17
    assert stored["VoucherDate"] == "2026-11-02"
    assert stored["Status"] == "Draft"
    assert stored["FileGuid"] is None
    assert stored["Lines"][0]["Id"] == item["Lines"][0]["Id"]
    assert stored["Lines"][0]["Amount"] == 1250.0
    assert stored["Lines"][0]["BalancingAccountNumber"] == 55000


def test_create_assigns_increasing_voucher_numbers_when_none_given(dinero_api):
    a, b = row(), row()
    create(dinero_api, a, b)
    numbers = [s["VoucherNumber"] for s in status(dinero_api, a["Id"], b["Id"]).json()]
    assert numbers[1] == numbers[0] + 1


def test_voucher_number_is_null_until_booked_when_configured(dinero_api):
    dinero_api.emulator.client.post(
        "/_emulator/config", json={"voucher_numbers": "on_book", "booking_delay_seconds": 0}
    )
    item = row()
    create(dinero_api, item)
    assert status(dinero_api, item["Id"]).json()[0]["VoucherNumber"] is None
    dinero_api.request("POST", BOOK, json=[{"Id": item["Id"]}])
    assert status(dinero_api, item["Id"]).json()[0]["VoucherNumber"] == 1


def test_create_takes_several_lines_in_one_item(dinero_api):
    item = row(lines=[line(Amount=1000.0), line(Amount=250.0, AccountVatCode="none")])
    assert create(dinero_api, item).status_code == 200
    assert [ln["Amount"] for ln in listed(dinero_api)[0]["Lines"]] == [1000.0, 250.0]


def test_create_with_an_existing_id_is_409_duplicated_entity(dinero_api):
    item = row()
    create(dinero_api, item)
    r = create(dinero_api, {**item, "Lines": [line()]})
    assert r.status_code == 409
    assert r.json()["message"] == "Duplicated entity"
    assert len(listed(dinero_api)) == 1


def test_create_with_the_same_id_twice_in_one_batch_is_409(dinero_api):
    item = row()
    assert create(dinero_api, item, {**item, "Lines": [line()]}).status_code == 409


def test_create_with_a_non_guid_id_is_400(dinero_api):
    r = create(dinero_api, row(Id="my-row-1"))
    assert r.status_code == 400
    assert "[0].Id" in r.json()["validationErrors"]


def test_line_ids_must_be_unique(dinero_api):
    same = str(uuid.uuid4())
    r = create(dinero_api, row(lines=[line(Id=same), line(Id=same)]))
    assert r.status_code == 400
    assert r.json()["validationErrors"]["[0].Lines[1].Id"] == "Must be unique for each line"


def test_validation_error_body_has_code_message_and_validation_errors(dinero_api):
    r = create(dinero_api, row(AccountNumber=12345))
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == 42
    assert body["message"]
    assert body["validationErrors"] == {
        "[0].Lines[0].AccountNumber": "Account 12345 does not exist"
    }
    assert body["errorMessageList"][0]["Code"] == "[0].Lines[0].AccountNumber"


def test_unknown_balancing_account_is_400(dinero_api):
    r = create(dinero_api, row(BalancingAccountNumber=11111))
    assert r.status_code == 400
    assert "[0].Lines[0].BalancingAccountNumber" in r.json()["validationErrors"]


def test_missing_account_number_is_400(dinero_api):
    r = create(dinero_api, row(AccountNumber=None))
    assert r.json()["validationErrors"]["[0].Lines[0].AccountNumber"] == (
        "AccountNumber is required"
    )


def test_account_number_as_a_string_is_refused_by_the_schema(dinero_api):
    r = create(dinero_api, row(AccountNumber="7200"))
    assert r.status_code == 400
    assert "[0].Lines[0].AccountNumber" in r.json()["validationErrors"]


def test_unknown_vat_code_is_400(dinero_api):
    r = create(dinero_api, row(AccountVatCode="X99"))
    assert r.status_code == 400
    assert "[0].Lines[0].AccountVatCode" in r.json()["validationErrors"]


def test_missing_voucher_date_is_400(dinero_api):
    item = row()
    del item["VoucherDate"]
    r = create(dinero_api, item)
    assert r.status_code == 400
    assert r.json()["validationErrors"]["[0].VoucherDate"] == "VoucherDate is required"


def test_invalid_voucher_date_is_400(dinero_api):
    r = create(dinero_api, row(VoucherDate="02-11-2026"))
    assert r.status_code == 400
    assert "[0].VoucherDate" in r.json()["validationErrors"]


def test_amount_that_is_not_a_number_is_400(dinero_api):
    r = create(dinero_api, row(Amount="1250,00"))
    assert r.status_code == 400
    assert "[0].Lines[0].Amount" in r.json()["validationErrors"]


def test_amount_with_more_than_two_decimals_is_400(dinero_api):
    r = create(dinero_api, row(Amount=10.005))
    assert r.status_code == 400
    assert "[0].Lines[0].Amount" in r.json()["validationErrors"]


def test_unknown_file_guid_is_400(dinero_api):
    r = create(dinero_api, row(FileGuid="web0crmck5v0ndcx3313g6zn61tc7wgc"))
    assert r.status_code == 400
    assert "[0].FileGuid" in r.json()["validationErrors"]


def test_one_invalid_row_refuses_the_whole_batch(dinero_api):
    r = create(dinero_api, row(Description="good"), row(AccountNumber=12345))
    assert r.status_code == 400
    assert list(r.json()["validationErrors"]) == ["[1].Lines[0].AccountNumber"]
    assert listed(dinero_api) == []


def test_body_that_is_not_an_array_is_400(dinero_api):
    r = dinero_api.request("POST", CREATE, json=row())
    assert r.status_code == 400
    assert "body" in r.json()["validationErrors"]


def test_body_that_is_not_json_is_400(dinero_api):
    r = dinero_api.request("POST", CREATE, content=b"{not json")
    assert r.status_code == 400


def test_account_deleted_in_dinero_is_refused_on_create(dinero_api):
    dinero_api.emulator.client.delete("/_emulator/organizations/112233/accounts/7200")
    r = create(dinero_api, row(AccountNumber=7200))
    assert r.status_code == 400
    assert r.json()["validationErrors"]["[0].Lines[0].AccountNumber"] == (
        "Account 7200 does not exist"
    )


def test_rows_of_one_organisation_are_invisible_to_another(dinero_api, dinero_api_for):
    item = row()
    create(dinero_api, item)
    assert unbooked(dinero_api_for("445566"), item) == []


def test_the_kassekladde_holds_at_most_its_limit_of_unbooked_items(dinero_api):
    dinero_api.emulator.client.post("/_emulator/config", json={"max_unbooked_items": 2})
    assert create(dinero_api, row(), row()).status_code == 200
    r = create(dinero_api, row())
    assert r.status_code == 400
    assert r.json()["code"] == 43


def test_old_create_versions_are_not_served(dinero_api):
    for version in ("v1", "v1.1"):
        r = create(dinero_api, row(), path=f"/{version}/{{org}}/ledgeritems")
        assert r.status_code in (404, 405), version
    assert listed(dinero_api) == []


# ---------------------------------------------------------------------------- VAT booked


def test_vat_of_the_lines_code_is_lifted_out_of_the_gross_amount(dinero_api):
    create(dinero_api, row(Amount=1250.0, AccountVatCode="I25"))
    vat = listed(dinero_api)[0]["Lines"][0]["Vat"]
    assert (vat["AccountVatCode"], vat["AccountVatAmount"]) == ("I25", 250.0)


def test_null_vat_code_books_the_accounts_default_code(dinero_api):
    create(dinero_api, row(Amount=1250.0, AccountNumber=7200, AccountVatCode=None))
    vat = listed(dinero_api)[0]["Lines"][0]["Vat"]
    assert (vat["AccountVatCode"], vat["AccountVatAmount"]) == ("I25", 250.0)


def test_none_vat_code_books_no_vat(dinero_api):
    create(dinero_api, row(Amount=1250.0, AccountNumber=7200, AccountVatCode="none"))
    item = listed(dinero_api)[0]
    assert item["Lines"][0]["Vat"]["AccountVatCode"] is None
    assert item["VatAmount"] == 0.0


def test_vat_is_booked_per_line(dinero_api):
    lines = [line(Amount=1000.0, AccountVatCode="I25"), line(Amount=300.0, AccountVatCode="none")]
    create(dinero_api, row(lines=lines))
    assert listed(dinero_api)[0]["VatAmount"] == 200.0


def test_representation_deducts_a_quarter_of_the_vat(dinero_api):
    create(dinero_api, row(Amount=1250.0, AccountNumber=4120, AccountVatCode=None))
    assert listed(dinero_api)[0]["Lines"][0]["Vat"]["AccountVatAmount"] == 62.5


# ---------------------------------------------------------------------------- read


def test_ledgers_answers_the_unbooked_items_asked_for_in_full(dinero_api):
    instant_booking(dinero_api)
    stays, booked = row(Description="stays"), row(Description="booked")
    create(dinero_api, stays, booked)
    dinero_api.request("POST", BOOK, json=[{"Id": booked["Id"]}])
    found = unbooked(dinero_api, stays, booked)
    assert [x["Id"] for x in found] == [stays["Id"]]
    sent = stays["Lines"][0]
    assert {k: found[0]["Lines"][0][k] for k in sent} == sent


def test_ledgers_is_a_post_and_there_is_no_get_list(dinero_api):
    assert dinero_api.request("GET", "/v1/{org}/ledgeritems/ledgers").status_code == 405
    assert dinero_api.request("GET", "/v1/{org}/ledgeritems").status_code == 405


# ---------------------------------------------------------------------------- status


def test_status_returns_id_status_voucher_number_and_version(dinero_api):
    item = row(VoucherNumber=7)
    created = create(dinero_api, item).json()
    r = status(dinero_api, item["Id"])
    assert r.status_code == 200
    assert r.json() == [
        {"Id": item["Id"], "Status": "Draft", "VoucherNumber": 7, "Version": created["Version"]}
    ]


def test_status_of_unknown_id_is_400_ledger_item_not_found(dinero_api):
    r = status(dinero_api, str(uuid.uuid4()))
    assert r.status_code == 400
    assert r.json()["validationErrors"] == {"[0].Id": "ledgerItemNotFound"}


# ---------------------------------------------------------------------------- update


def test_update_with_current_version_and_line_ids_changes_the_row_and_version(dinero_api):
    item = row()
    created = create(dinero_api, item).json()
    new_line = {**item["Lines"][0], "Amount": 99.0, "Description": "rettet"}
    changed = {**item, "Version": created["Version"], "Lines": [new_line]}
    r = dinero_api.request("PUT", UPDATE, json=[changed])
    assert r.status_code == 200
    new = r.json()[0]
    assert new["Id"] == item["Id"] and new["Version"] != created["Version"]
    stored = listed(dinero_api)[0]["Lines"][0]
    assert (stored["Amount"], stored["Description"]) == (99.0, "rettet")


def test_update_on_v1_2_is_not_served(dinero_api):
    item = row()
    created = create(dinero_api, item).json()
    r = dinero_api.request("PUT", CREATE, json=[{**item, "Version": created["Version"]}])
    assert r.status_code == 405


def test_update_without_line_ids_is_400(dinero_api):
    item = row()
    created = create(dinero_api, item).json()
    bare = {k: v for k, v in item["Lines"][0].items() if k != "Id"}
    r = dinero_api.request(
        "PUT", UPDATE, json=[{**item, "Version": created["Version"], "Lines": [bare]}]
    )
    assert r.status_code == 400
    assert "[0].Lines[0].Id" in r.json()["validationErrors"]


def test_update_with_stale_version_is_400_outdated(dinero_api):
    item = row()
    created = create(dinero_api, item).json()
    current = {**item, "Version": created["Version"]}
    dinero_api.request("PUT", UPDATE, json=[current])
    r = dinero_api.request("PUT", UPDATE, json=[current])
    assert r.status_code == 400
    assert r.json()["code"] == 58
    assert r.json()["validationErrors"] == {"[0].Version": "ledgerItemVersionOutdated"}


def test_update_without_version_is_400(dinero_api):
    item = row()
    create(dinero_api, item)
    r = dinero_api.request("PUT", UPDATE, json=[item])
    assert r.status_code == 400
    assert "[0].Version" in r.json()["validationErrors"]


def test_update_of_a_booked_row_is_refused(dinero_api):
    instant_booking(dinero_api)
    item = row()
    create(dinero_api, item)
    dinero_api.request("POST", BOOK, json=[{"Id": item["Id"]}])
    r = dinero_api.request(
        "PUT", UPDATE, json=[{**item, "Version": version_of(dinero_api, item["Id"])}]
    )
    assert r.status_code == 400
    assert r.json()["validationErrors"] == {"[0].Id": "ledgerItemAlreadyBooked"}


def test_update_with_invalid_fields_is_400_and_changes_nothing(dinero_api):
    item = row()
    created = create(dinero_api, item).json()
    bad = {**item, "Version": created["Version"],
           "Lines": [{**item["Lines"][0], "AccountNumber": 1}]}  # fmt: skip
    r = dinero_api.request("PUT", UPDATE, json=[bad])
    assert r.status_code == 400
    assert listed(dinero_api)[0]["Version"] == created["Version"]


# ---------------------------------------------------------------------------- delete


def test_delete_removes_unbooked_rows_and_answers_no_body(dinero_api):
    a, b = row(), row()
    create(dinero_api, a, b)
    r = dinero_api.request("DELETE", DELETE, json=[{"Id": a["Id"]}])
    assert (r.status_code, r.content) == (200, b"")
    assert [x["Id"] for x in listed(dinero_api)] == [b["Id"]]


def test_delete_of_a_booked_row_is_refused(dinero_api):
    instant_booking(dinero_api)
    item = row()
    create(dinero_api, item)
    dinero_api.request("POST", BOOK, json=[{"Id": item["Id"]}])
    r = dinero_api.request("DELETE", DELETE, json=[{"Id": item["Id"]}])
    assert r.status_code == 400


def test_delete_with_stale_version_is_refused(dinero_api):
    item = row()
    create(dinero_api, item)
    stale = {"Id": item["Id"], "Version": "AAAAAAAAAAA="}
    r = dinero_api.request("DELETE", DELETE, json=[stale])
    assert r.status_code == 400
    assert len(listed(dinero_api)) == 1


# ---------------------------------------------------------------------------- book


def test_book_answers_200_with_no_body_and_the_row_goes_pending(dinero_api):
    item = row()
    create(dinero_api, item)
    r = dinero_api.request("POST", BOOK, json=[{"Id": item["Id"]}])
    assert (r.status_code, r.content) == (200, b"")
    assert status(dinero_api, item["Id"]).json()[0]["Status"] == "PendingBooking"


def test_booking_completes_after_the_configured_delay(dinero_api):
    dinero_api.emulator.client.post("/_emulator/config", json={"booking_delay_seconds": 0.2})
    item = row()
    create(dinero_api, item)
    dinero_api.request("POST", BOOK, json=[{"Id": item["Id"]}])
    time.sleep(0.3)
    assert status(dinero_api, item["Id"]).json()[0]["Status"] == "Booked"


def test_book_with_stale_version_is_refused(dinero_api):
    item = row()
    created = create(dinero_api, item).json()
    dinero_api.request("PUT", UPDATE, json=[{**item, "Version": created["Version"]}])
    r = dinero_api.request("POST", BOOK, json=[{"Id": item["Id"], "Version": created["Version"]}])
    assert r.status_code == 400
    assert status(dinero_api, item["Id"]).json()[0]["Status"] == "Draft"


def test_book_of_unknown_id_is_400(dinero_api):
    r = dinero_api.request("POST", BOOK, json=[{"Id": str(uuid.uuid4()), "Version": "x"}])
    assert r.status_code == 400


def test_the_accountant_booking_in_dinero_books_every_row(dinero_api):
    a, b = row(), row()
    create(dinero_api, a, b)
    dinero_api.emulator.client.post("/_emulator/organizations/112233/book")
    assert {s["Status"] for s in status(dinero_api, a["Id"], b["Id"]).json()} == {"Booked"}
