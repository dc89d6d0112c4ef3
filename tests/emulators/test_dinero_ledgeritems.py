"""Dinero emulator: the kassekladde (ledger items) — create, list, status, update, delete, book."""

from __future__ import annotations

import uuid

CREATE = "/v1.1/{org}/ledgeritems"


def row(**overrides):
    base = {
        "AccountNumber": 34000,
        "AccountVatCode": "I25",
        "Amount": 1250.0,
        "BalancingAccountNumber": 55000,
        "BalancingAccountVatCode": None,
        "Description": "Papirhuset faktura 4711",
        "VoucherDate": "2026-11-02",
    }
    base.update(overrides)
    return base


def create(api, *rows, path=CREATE):
    return api.request("POST", path, json=list(rows))


def listed(api, **params):
    r = api.request("GET", "/v1/{org}/ledgeritems/ledgers", params=params)
    assert r.status_code == 200
    return r.json()


def status(api, *ids):
    return api.request("POST", "/v1/{org}/ledgeritems/status", json=[{"Id": i} for i in ids])


# ---------------------------------------------------------------------------- create


def test_create_returns_id_and_version_per_row_in_order(dinero_api):
    r = create(dinero_api, row(Description="a"), row(Description="b"))
    assert r.status_code == 200
    body = r.json()
    assert len(body) == 2
    assert all(set(x) == {"Id", "Version"} for x in body)
    assert [x["Description"] for x in listed(dinero_api)] == ["a", "b"]
    assert [x["Id"] for x in listed(dinero_api)] == [x["Id"] for x in body]


def test_create_matches_field_names_case_insensitively(dinero_api):
    lower = {k[0].lower() + k[1:]: v for k, v in row(Description="camel").items()}
    assert create(dinero_api, lower).status_code == 200
    item = listed(dinero_api)[0]
    assert item["Description"] == "camel"
    assert item["AccountNumber"] == 34000
    assert item["AccountVatCode"] == "I25"


def test_create_stores_every_field(dinero_api):
    create(dinero_api, row(VoucherNumber=17))
    item = listed(dinero_api)[0]
    assert item["VoucherNumber"] == 17
    assert item["VoucherDate"] == "2026-11-02"
    assert item["Amount"] == 1250.0
    assert item["BalancingAccountNumber"] == 55000
    assert item["Status"] == "Draft"
    assert item["FileGuid"] is None


def test_create_assigns_increasing_voucher_numbers_when_none_given(dinero_api):
    ids = [x["Id"] for x in create(dinero_api, row(), row()).json()]
    numbers = [s["VoucherNumber"] for s in status(dinero_api, *ids).json()]
    assert numbers[1] == numbers[0] + 1


def test_create_accepts_v1_2_lines_shape(dinero_api):
    body = {
        "Id": str(uuid.uuid4()),
        "VoucherDate": "2026-11-03",
        "Lines": [
            {
                "Description": "line",
                "Amount": 99.5,
                "AccountNumber": 34100,
                "BalancingAccountNumber": 55000,
            },  # fmt: skip
        ],
    }
    r = create(dinero_api, body, path="/v1.2/{org}/ledgeritems")
    assert r.status_code == 200
    item = listed(dinero_api)[0]
    assert item["Id"] == body["Id"]
    assert item["Lines"][0]["Amount"] == 99.5


def test_create_keeps_a_client_chosen_id(dinero_api):
    my_id = str(uuid.uuid4())
    r = create(dinero_api, row(Id=my_id))
    assert r.json()[0]["Id"] == my_id


def test_create_with_an_existing_id_is_409_duplicated_entity(dinero_api):
    my_id = str(uuid.uuid4())
    create(dinero_api, row(Id=my_id))
    r = create(dinero_api, row(Id=my_id))
    assert r.status_code == 409
    assert r.json()["message"] == "Duplicated entity"
    assert len(listed(dinero_api)) == 1


def test_create_with_the_same_id_twice_in_one_batch_is_409(dinero_api):
    my_id = str(uuid.uuid4())
    assert create(dinero_api, row(Id=my_id), row(Id=my_id)).status_code == 409


def test_create_with_a_non_guid_id_is_400(dinero_api):
    r = create(dinero_api, row(Id="my-row-1"))
    assert r.status_code == 400
    assert "[0].Id" in r.json()["validationErrors"]


def test_validation_error_body_has_code_message_and_validation_errors(dinero_api):
    r = create(dinero_api, row(AccountNumber=12345))
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == 42
    assert body["message"]
    assert body["validationErrors"] == {"[0].AccountNumber": "Account 12345 does not exist"}
    assert body["errorMessageList"][0]["Code"] == "[0].AccountNumber"


def test_unknown_balancing_account_is_400(dinero_api):
    r = create(dinero_api, row(BalancingAccountNumber=11111))
    assert r.status_code == 400
    assert "[0].BalancingAccountNumber" in r.json()["validationErrors"]


def test_missing_account_number_is_400(dinero_api):
    data = row()
    del data["AccountNumber"]
    r = create(dinero_api, data)
    assert r.json()["validationErrors"]["[0].AccountNumber"] == "AccountNumber is required"


def test_unknown_vat_code_is_400(dinero_api):
    r = create(dinero_api, row(AccountVatCode="X99"))
    assert r.status_code == 400
    assert "[0].AccountVatCode" in r.json()["validationErrors"]


def test_missing_voucher_date_is_400(dinero_api):
    data = row()
    del data["VoucherDate"]
    r = create(dinero_api, data)
    assert r.status_code == 400
    assert r.json()["validationErrors"]["[0].VoucherDate"] == "VoucherDate is required"


def test_invalid_voucher_date_is_400(dinero_api):
    r = create(dinero_api, row(VoucherDate="02-11-2026"))
    assert r.status_code == 400
    assert "[0].VoucherDate" in r.json()["validationErrors"]


def test_amount_that_is_not_a_number_is_400(dinero_api):
    r = create(dinero_api, row(Amount="1250,00"))
    assert r.status_code == 400
    assert r.json()["validationErrors"]["[0].Amount"] == "Amount must be a number"


def test_unknown_file_guid_is_400(dinero_api):
    r = create(dinero_api, row(FileGuid=str(uuid.uuid4())))
    assert r.status_code == 400
    assert "[0].FileGuid" in r.json()["validationErrors"]


def test_one_invalid_row_refuses_the_whole_batch(dinero_api):
    r = create(dinero_api, row(Description="good"), row(AccountNumber=12345))
    assert r.status_code == 400
    assert list(r.json()["validationErrors"]) == ["[1].AccountNumber"]
    assert listed(dinero_api) == []


def test_body_that_is_not_an_array_is_400(dinero_api):
    r = dinero_api.request("POST", CREATE, json=row())
    assert r.status_code == 400
    assert "body" in r.json()["validationErrors"]


def test_body_that_is_not_json_is_400(dinero_api):
    r = dinero_api.request("POST", CREATE, content=b"{not json")
    assert r.status_code == 400


def test_account_deleted_in_dinero_is_refused_on_create(dinero_api):
    dinero_api.emulator.client.delete("/_emulator/organizations/112233/accounts/34000")
    r = create(dinero_api, row(AccountNumber=34000))
    assert r.status_code == 400
    assert r.json()["validationErrors"]["[0].AccountNumber"] == "Account 34000 does not exist"


def test_rows_of_one_organisation_are_invisible_to_another(dinero_api, dinero_api_for):
    create(dinero_api, row())
    assert listed(dinero_api_for("445566")) == []


# ---------------------------------------------------------------------------- list


def test_ledgers_lists_unbooked_rows_only(dinero_api):
    ids = create(dinero_api, row(Description="stays"), row(Description="booked")).json()
    dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[ids[1]])
    assert [x["Description"] for x in listed(dinero_api)] == ["stays"]


def test_ledgers_include_booked_lists_all_rows(dinero_api):
    ids = create(dinero_api, row(), row()).json()
    dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[ids[1]])
    assert len(listed(dinero_api, includeBooked="true")) == 2


def test_ledgers_filter_by_description_substring(dinero_api):
    create(dinero_api, row(Description="Papirhuset 4711"), row(Description="Elselskabet 99"))
    found = listed(dinero_api, description="papirhuset")
    assert [x["Description"] for x in found] == ["Papirhuset 4711"]


def test_ledgers_filter_by_voucher_number(dinero_api):
    create(dinero_api, row(VoucherNumber=501), row(VoucherNumber=502))
    assert [x["VoucherNumber"] for x in listed(dinero_api, voucherNumber="502")] == [502]


def test_ledgers_filter_by_id(dinero_api):
    ids = create(dinero_api, row(), row()).json()
    assert [x["Id"] for x in listed(dinero_api, id=ids[0]["Id"])] == [ids[0]["Id"]]


def test_ledgers_filter_by_status_booked(dinero_api):
    ids = create(dinero_api, row(), row()).json()
    dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[ids[0]])
    assert [x["Id"] for x in listed(dinero_api, status="Booked")] == [ids[0]["Id"]]


def test_ledgeritems_list_alias_answers_the_same(dinero_api):
    create(dinero_api, row())
    r = dinero_api.request("GET", "/v1/{org}/ledgeritems")
    assert r.status_code == 200
    assert len(r.json()) == 1


# ---------------------------------------------------------------------------- status


def test_status_returns_id_status_voucher_number_and_version(dinero_api):
    created = create(dinero_api, row(VoucherNumber=7)).json()[0]
    r = status(dinero_api, created["Id"])
    assert r.status_code == 200
    assert r.json() == [
        {"Id": created["Id"], "Status": "Draft", "VoucherNumber": 7, "Version": created["Version"]}
    ]


def test_status_of_unknown_id_is_400_ledger_item_not_found(dinero_api):
    r = status(dinero_api, str(uuid.uuid4()))
    assert r.status_code == 400
    assert r.json()["validationErrors"] == {"[0].Id": "ledgerItemNotFound"}


# ---------------------------------------------------------------------------- update


def test_update_with_current_version_changes_the_row_and_version(dinero_api):
    created = create(dinero_api, row()).json()[0]
    r = dinero_api.request(
        "PUT", CREATE, json=[{**row(Amount=99.0, Description="rettet"), **created}]
    )
    assert r.status_code == 200
    new = r.json()[0]
    assert new["Id"] == created["Id"] and new["Version"] != created["Version"]
    item = listed(dinero_api)[0]
    assert (item["Amount"], item["Description"]) == (99.0, "rettet")


def test_update_with_stale_version_is_400_outdated(dinero_api):
    created = create(dinero_api, row()).json()[0]
    dinero_api.request("PUT", CREATE, json=[{**row(Amount=1.0), **created}])
    r = dinero_api.request("PUT", CREATE, json=[{**row(Amount=2.0), **created}])
    assert r.status_code == 400
    assert r.json()["code"] == 58
    assert r.json()["validationErrors"] == {"[0].Version": "ledgerItemVersionOutdated"}


def test_update_without_version_is_400(dinero_api):
    created = create(dinero_api, row()).json()[0]
    r = dinero_api.request("PUT", CREATE, json=[{**row(), "Id": created["Id"]}])
    assert r.status_code == 400
    assert "[0].Version" in r.json()["validationErrors"]


def test_update_of_a_booked_row_is_refused(dinero_api):
    created = create(dinero_api, row()).json()[0]
    booked = dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[created]).json()[0]
    r = dinero_api.request(
        "PUT", CREATE, json=[{**row(), "Id": booked["Id"], "Version": booked["Version"]}]
    )
    assert r.status_code == 400
    assert r.json()["validationErrors"] == {"[0].Id": "ledgerItemAlreadyBooked"}


def test_update_with_invalid_fields_is_400_and_changes_nothing(dinero_api):
    created = create(dinero_api, row()).json()[0]
    r = dinero_api.request("PUT", CREATE, json=[{**row(AccountNumber=1), **created}])
    assert r.status_code == 400
    assert listed(dinero_api)[0]["Version"] == created["Version"]


# ---------------------------------------------------------------------------- delete


def test_delete_removes_unbooked_rows(dinero_api):
    created = create(dinero_api, row(), row()).json()
    r = dinero_api.request("DELETE", "/v1/{org}/ledgeritems/delete", json=[created[0]])
    assert r.status_code == 200
    assert [x["Id"] for x in listed(dinero_api)] == [created[1]["Id"]]


def test_delete_of_a_booked_row_is_refused(dinero_api):
    created = create(dinero_api, row()).json()[0]
    booked = dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[created]).json()[0]
    r = dinero_api.request("DELETE", "/v1/{org}/ledgeritems/delete", json=[booked])
    assert r.status_code == 400


def test_delete_with_stale_version_is_refused(dinero_api):
    created = create(dinero_api, row()).json()[0]
    stale = {**created, "Version": "AAAAAAAAAAA="}
    r = dinero_api.request("DELETE", "/v1/{org}/ledgeritems/delete", json=[stale])
    assert r.status_code == 400
    assert len(listed(dinero_api)) == 1


# ---------------------------------------------------------------------------- book


def test_book_marks_rows_booked(dinero_api):
    created = create(dinero_api, row()).json()[0]
    r = dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[created])
    assert r.status_code == 200
    assert r.json()[0]["Status"] == "Booked"
    assert status(dinero_api, created["Id"]).json()[0]["Status"] == "Booked"


def test_book_with_stale_version_is_refused(dinero_api):
    created = create(dinero_api, row()).json()[0]
    dinero_api.request("PUT", CREATE, json=[{**row(), **created}])
    r = dinero_api.request("POST", "/v1/{org}/ledgeritems/book", json=[created])
    assert r.status_code == 400
    assert status(dinero_api, created["Id"]).json()[0]["Status"] == "Draft"


def test_book_of_unknown_id_is_400(dinero_api):
    r = dinero_api.request(
        "POST", "/v1/{org}/ledgeritems/book", json=[{"Id": str(uuid.uuid4()), "Version": "x"}]
    )
    assert r.status_code == 400
