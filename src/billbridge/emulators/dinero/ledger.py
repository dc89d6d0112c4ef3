"""The kassekladde: ledger items, as `dinero-openapi.json` describes their six operations.

  create   POST   /v1.2/{org}/ledgeritems          [LedgerItemModelV2] → LedgerItemReadModel
  update   PUT    /v1/{org}/ledgeritems            [LedgerItemModelV2] → [LedgerItemReadModel]
  read     POST   /v1/{org}/ledgeritems/ledgers    [LedgerItemModel]   → [LedgerItemModelV2]
  status   POST   /v1/{org}/ledgeritems/status     [LedgerItemStatusModel]
                                                   → [LedgerItemStatusReadModel]
  book     POST   /v1/{org}/ledgeritems/book       [LedgerItemModel]   → 200, no body
  delete   DELETE /v1/{org}/ledgeritems/delete     [LedgerItemModel]   → 200, no body

Bodies are first checked against the file's schemas (openapi.py); the rules the file states in
words are checked here. Every batch is all-or-nothing [GUESS: the file does not say whether
Dinero applies the valid rows of a refused batch]. Booking is asynchronous: Draft →
PendingBooking → Booked after the configurable `booking_delay_seconds`.

VAT is booked as Dinero books it: the line's VAT code (null = the account's default code,
"none" = no VAT) and its rate lifted out of the gross amount, per line (`vat_of`); the
read-back API of the control endpoints shows it per line.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from typing import TYPE_CHECKING, Any

from billbridge.emulators.common import Request, Response, json_response
from billbridge.emulators.dinero import openapi, seed
from billbridge.emulators.dinero.errors import (
    CODE_DUPLICATE,
    CODE_LIMIT,
    CODE_NOT_FOUND,
    CODE_OUTDATED,
    ApiError,
)

if TYPE_CHECKING:
    from billbridge.emulators.dinero.server import DineroEmulator

CREATE = "/v1.2/{organizationId}/ledgeritems"
UPDATE = "/v1/{organizationId}/ledgeritems"
LEDGERS = "/v1/{organizationId}/ledgeritems/ledgers"
STATUS = "/v1/{organizationId}/ledgeritems/status"
BOOK = "/v1/{organizationId}/ledgeritems/book"
DELETE = "/v1/{organizationId}/ledgeritems/delete"

LINE_FIELDS = (
    "Id",
    "Description",
    "Amount",
    "AccountNumber",
    "AccountVatCode",
    "BalancingAccountNumber",
    "BalancingAccountVatCode",
    "IsPaymentForVoucherId",
)
UNBOOKED = ("Draft",)
_VAT = {v["VatCode"].lower(): v for v in seed.VAT_TYPES}


# ------------------------------------------------------------------ VAT


def resolve_vat_code(code: str | None, account: dict[str, Any] | None) -> str | None:
    """The VAT code a line books: null → the account's default code, "none" → no VAT."""
    if code is None:
        code = (account or {}).get("VatCode")
    if code is None or code.lower() == "none":
        return None
    return _VAT[code.lower()]["VatCode"]


def vat_of(code: str | None, amount: float) -> tuple[float, bool]:
    """(VAT booked, reverse charge?) for a gross `amount` under `code`.

    Purchase and sales codes lift the rate's VAT out of the gross amount (1,250.00 at I25 →
    250.00); REP deducts 25 % of it; reverse-charge codes compute the VAT on top and book it
    as input and output VAT (net zero) [GUESS at Dinero's booking of reverse charge].
    """
    if code is None:
        return 0.0, False
    vat_type = _VAT[code.lower()]
    rate = float(vat_type["VatRate"])
    if vat_type["kind"] == "reverse":
        return round(amount * rate, 2), True
    if vat_type["kind"] == "none" or rate == 0:
        return 0.0, False
    lifted = amount * rate / (1 + rate) * float(vat_type.get("deductible", 1.0))
    return round(lifted + 0.0, 2), False


def booked_vat(line: dict[str, Any], accounts: dict[str, Any]) -> dict[str, Any]:
    """The VAT one line books on each side (debit: AccountNumber, credit: Balancing…)."""
    amount = float(line.get("Amount") or 0)
    out: dict[str, Any] = {}
    for side, sign in (("Account", 1.0), ("BalancingAccount", -1.0)):
        number = line.get(f"{side}Number")
        account = accounts.get(str(number)) if number is not None else None
        code = resolve_vat_code(line.get(f"{side}VatCode"), account) if account else None
        vat, reverse = vat_of(code, sign * amount)
        out[f"{side}VatCode"] = code
        out[f"{side}VatAmount"] = vat
        out[f"{side}ReverseCharge"] = reverse
    return out


# ------------------------------------------------------------------ helpers


def _body(request: Request, spec_path: str, method: str) -> list[dict[str, Any]]:
    """The JSON body, checked against the file's schema for this operation."""
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError({"body": f"Request body is not valid JSON: {exc}"}) from exc
    errors = openapi.body_errors(spec_path, method, body)
    if errors:
        raise ApiError(errors)
    if not body:
        raise ApiError({"body": "The list is empty"})  # [GUESS] an empty list is refused
    return body


def refresh_statuses(app: DineroEmulator, org: dict[str, Any]) -> None:
    """PendingBooking rows whose booking time has come become Booked (lazily, on each read)."""
    now = time.time()
    for item in org["items"].values():
        if item["Status"] == "PendingBooking" and item.get("BookAt", 0) <= now:
            _booked(app, org, item)


def _booked(app: DineroEmulator, org: dict[str, Any], item: dict[str, Any]) -> None:
    item["Status"] = "Booked"
    item["Version"] = app.new_version()
    if item["VoucherNumber"] is None:
        item["VoucherNumber"] = _next_voucher(org)


def _next_voucher(org: dict[str, Any]) -> int:
    number = org["next_voucher"]
    org["next_voucher"] = number + 1
    return number


def _line_ids_in_use(org: dict[str, Any], but: str | None = None) -> set[str]:
    return {ln["Id"] for i, item in org["items"].items() if i != but for ln in item["Lines"]}


def _check_lines(
    i: int,
    row: dict[str, Any],
    org: dict[str, Any],
    errors: dict[str, str],
    *,
    need_line_ids: bool,
    taken: set[str],
) -> None:
    """What the file says in words about lines, and the chart's accounts and VAT codes."""
    prefix = f"[{i}]."
    lines = row.get("Lines")
    if not lines:
        errors[prefix + "Lines"] = "A ledger item needs at least one line"  # [GUESS]
        return
    seen: set[str] = set()
    for j, line in enumerate(lines):
        p = f"{prefix}Lines[{j}]."
        line_id = line.get("Id")
        if line_id is None:
            if need_line_ids:
                # "Required when updating an existing ledger item line." A PUT line without
                # an Id is refused [GUESS: the file does not say what Dinero does with one].
                errors[p + "Id"] = "Id is required when updating a ledger item line"
        else:
            key = line_id.lower()
            if key in seen or key in taken:
                errors[p + "Id"] = "Must be unique for each line"  # the file's words
            seen.add(key)
        paying = line.get("IsPaymentForVoucherId")
        number = line.get("AccountNumber")
        if paying is not None and number is not None:
            # "If this property has a value the AccountNumber cannot have a value."
            errors[p + "AccountNumber"] = "AccountNumber must be empty when paying a voucher"
        elif paying is None and number is None:
            errors[p + "AccountNumber"] = "AccountNumber is required"  # [GUESS]
        for field in ("AccountNumber", "BalancingAccountNumber"):
            value = line.get(field)
            if value is not None and str(value) not in org["accounts"]:
                errors[p + field] = f"Account {value} does not exist"
        for field in ("AccountVatCode", "BalancingAccountVatCode"):
            code = line.get(field)
            if code is not None and code.lower() != "none" and code.lower() not in _VAT:
                errors[p + field] = f"Unknown VAT code {code!r}"
        amount = line.get("Amount")
        if amount is None:
            errors[p + "Amount"] = "Amount is required"  # [GUESS]
        elif not math.isfinite(amount) or abs(round(amount, 2) - amount) > 1e-9:
            # "formatted as XXXX.YY": more than two decimals is refused [GUESS]
            errors[p + "Amount"] = "Amount must have at most two decimals"


def _check_item(
    app: DineroEmulator, i: int, row: dict[str, Any], org: dict[str, Any], errors: dict[str, str]
) -> None:
    prefix = f"[{i}]."
    date = row.get("VoucherDate")
    if date is None:
        errors[prefix + "VoucherDate"] = "VoucherDate is required"  # [GUESS]
    else:
        try:
            if len(date) != 10:
                raise ValueError(date)
            dt.date.fromisoformat(date)
        except ValueError:
            errors[prefix + "VoucherDate"] = "VoucherDate must be in the format yyyy-mm-dd"
    number = row.get("VoucherNumber")
    if number is not None and number <= 0:
        errors[prefix + "VoucherNumber"] = "VoucherNumber must be positive"  # [GUESS]
    guid = row.get("FileGuid")
    if guid is not None:
        meta = org["files"].get(guid)
        not_ready = meta is not None and (
            meta["ReadyAt"] > time.time() or meta.get("RefusalsLeft", 0) > 0
        )
        if meta is not None and not_ready and meta.get("RefusalsLeft", 0) > 0:
            meta["RefusalsLeft"] -= 1
        if meta is None or not_ready:
            # A file is usable "a second" after upload. Until then - and for a FileGuid that
            # does not exist - the row is refused with 400, code 42, validationErrors
            # {"[i].FileGuid": "File … was not found"} [GUESS: Dinero's answer is not
            # published; a client retries a little later or attaches the file afterwards].
            errors[prefix + "FileGuid"] = f"File {guid} was not found"


def _stored_lines(row: dict[str, Any], org: dict[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for line in row["Lines"]:
        stored = {field: line.get(field) for field in LINE_FIELDS}
        stored["Id"] = (line.get("Id") or str(uuid.uuid4())).lower()
        stored["Amount"] = round(float(line["Amount"]), 2)
        stored["Vat"] = booked_vat(stored, org["accounts"])
        lines.append(stored)
    return lines


def render(item: dict[str, Any]) -> dict[str, Any]:
    """A ledger item as the file's LedgerItemModelV2 (what `…/ledgers` answers)."""
    return {
        "Id": item["Id"],
        "Version": item["Version"],
        "VoucherNumber": item["VoucherNumber"],
        "VoucherDate": item["VoucherDate"],
        "FileGuid": item["FileGuid"],
        "Lines": [{field: ln.get(field) for field in LINE_FIELDS} for ln in item["Lines"]],
    }


def status_of(item: dict[str, Any]) -> dict[str, Any]:
    """LedgerItemStatusReadModel."""
    return {
        "Id": item["Id"],
        "Status": item["Status"],
        "VoucherNumber": item["VoucherNumber"],
        "Version": item["Version"],
    }


def _lookup(
    app: DineroEmulator,
    rows: list[dict[str, Any]],
    org: dict[str, Any],
    *,
    need_version: bool,
    unbooked_only: bool,
) -> list[dict[str, Any]]:
    """Resolve `[{Id, Version}]`: all-or-nothing, stale Versions → 400 code 58."""
    found = []
    errors: dict[str, str] = {}
    stale: dict[str, str] = {}
    for i, row in enumerate(rows):
        item = org["items"].get(str(row["Id"]).lower())
        if item is None:
            errors[f"[{i}].Id"] = "ledgerItemNotFound"  # [src: a TypeScript client]
            continue
        version = row.get("Version")
        if need_version and version is None:
            errors[f"[{i}].Version"] = "Version is required"  # the file: "required to send"
            continue
        if version is not None and version != item["Version"]:
            stale[f"[{i}].Version"] = "ledgerItemVersionOutdated"
            continue
        if unbooked_only and item["Status"] not in UNBOOKED:
            errors[f"[{i}].Id"] = f"ledgerItemAlready{item['Status']}"  # [GUESS] text
            continue
        found.append(item)
    if errors:
        raise ApiError(errors)
    if stale:
        # 400 with code 58 "timestamp outdated" [GUESS: the file does not say; not 409]
        raise ApiError(stale, "The ledger item has been changed", 400, CODE_OUTDATED)
    return found


# ------------------------------------------------------------------ operations


def create(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """Create rows → the file's one `LedgerItemReadModel` (or, with the `create_answer`
    setting "list", the list a maintained C# client reads [GUESS which one Dinero sends]).

    A client-chosen `Id` that exists → 409 "Duplicated entity" (a client tested in Dinero's
    sandbox, dinero.md §2; body [GUESS]) - what makes a retried create exactly-once.
    """
    rows = _body(request, CREATE, "post")
    refresh_statuses(app, org)
    errors: dict[str, str] = {}
    duplicates: dict[str, str] = {}
    seen: set[str] = set()
    taken = _line_ids_in_use(org)
    for i, row in enumerate(rows):
        _check_item(app, i, row, org, errors)
        _check_lines(i, row, org, errors, need_line_ids=False, taken=taken)
        taken |= {ln["Id"].lower() for ln in row.get("Lines") or [] if ln.get("Id")}
        item_id = (row.get("Id") or "").lower()
        if item_id and (item_id in org["items"] or item_id in seen):
            duplicates[f"[{i}].Id"] = "Duplicated entity"
        seen.add(item_id)
    if duplicates:
        raise ApiError(duplicates, "Duplicated entity", 409, CODE_DUPLICATE)
    if errors:
        raise ApiError(errors)
    unbooked = sum(1 for it in org["items"].values() if it["Status"] != "Booked")
    limit = int(app.config["max_unbooked_items"])
    if unbooked + len(rows) > limit:
        # "The maximum number of ledger items in the same ledger is 1000." The answer is a
        # [GUESS]: 400, code 43 "Limit Exceeded", this message.
        raise ApiError(
            {"body": f"The ledger can hold at most {limit} ledger items"},
            "Limit Exceeded",
            400,
            CODE_LIMIT,
        )
    out = []
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for row in rows:
        item = {
            "Id": (row.get("Id") or str(uuid.uuid4())).lower(),
            "Version": app.new_version(),
            "VoucherNumber": row.get("VoucherNumber"),
            "VoucherDate": row["VoucherDate"],
            "FileGuid": row.get("FileGuid"),
            "Lines": _stored_lines(row, org),
            "Status": "Draft",
            "CreatedAt": now,
        }
        if item["VoucherNumber"] is None and app.config["voucher_numbers"] == "on_create":
            # [GUESS] Dinero numbers a kassekladde row itself when none is given, as its UI
            # does; with "on_book" the number stays null until the row is booked.
            item["VoucherNumber"] = _next_voucher(org)
        elif item["VoucherNumber"] is not None:
            org["next_voucher"] = max(org["next_voucher"], item["VoucherNumber"] + 1)
        org["items"][item["Id"]] = item
        out.append({"Id": item["Id"], "Version": item["Version"]})
    app.persist()
    if app.config["create_answer"] == "list":
        return json_response(200, out)
    return json_response(200, out[0])  # [GUESS] the first row's, when several were sent


def update(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """Replace unbooked rows; each carries Id and its current Version, and each line its Id
    (the file). Lines not sent are removed [GUESS]. → `[{Id, Version}]`."""
    rows = _body(request, UPDATE, "put")
    refresh_statuses(app, org)
    errors: dict[str, str] = {}
    for i, row in enumerate(rows):
        if row.get("Id") is None:
            errors[f"[{i}].Id"] = "Id is required"
        if row.get("Version") is None:
            errors[f"[{i}].Version"] = "Version is required"
    if errors:
        raise ApiError(errors)
    items = _lookup(app, rows, org, need_version=True, unbooked_only=True)
    for i, (row, item) in enumerate(zip(rows, items, strict=True)):
        _check_item(app, i, row, org, errors)
        taken = _line_ids_in_use(org, but=item["Id"])
        _check_lines(i, row, org, errors, need_line_ids=True, taken=taken)
    if errors:
        raise ApiError(errors)
    out = []
    for row, item in zip(rows, items, strict=True):
        item["VoucherDate"] = row["VoucherDate"]
        item["FileGuid"] = row.get("FileGuid")
        item["Lines"] = _stored_lines(row, org)
        if row.get("VoucherNumber") is not None:
            item["VoucherNumber"] = row["VoucherNumber"]
        item["Version"] = app.new_version()
        out.append({"Id": item["Id"], "Version": item["Version"]})
    app.persist()
    return json_response(200, out)


def ledgers(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """ "Get ledger items already in the ledger and still unbooked": the asked rows that are
    unbooked, in full. Ids that are unknown or booked are left out [GUESS]."""
    rows = _body(request, LEDGERS, "post")
    refresh_statuses(app, org)
    out = []
    for row in rows:
        item = org["items"].get(row["Id"].lower())
        if item is not None and item["Status"] in UNBOOKED:
            out.append(render(item))
    return json_response(200, out)


def status(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """`[{Id}]` → `[{Id, Status, VoucherNumber, Version}]`; an unknown Id refuses the call
    with 400 "ledgerItemNotFound" [src: a TypeScript client]."""
    rows = _body(request, STATUS, "post")
    refresh_statuses(app, org)
    items = _lookup(app, rows, org, need_version=False, unbooked_only=False)
    app.persist()
    return json_response(200, [status_of(item) for item in items])


def book(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """Start the asynchronous booking: rows go PendingBooking and become Booked after
    `booking_delay_seconds`. 200 with no body (the file). Booked or pending rows are refused
    [GUESS]."""
    rows = _body(request, BOOK, "post")
    refresh_statuses(app, org)
    items = _lookup(app, rows, org, need_version=False, unbooked_only=True)
    at = time.time() + float(app.config["booking_delay_seconds"])
    for item in items:
        item["Status"] = "PendingBooking"
        item["Version"] = app.new_version()
        item["BookAt"] = at
    refresh_statuses(app, org)
    app.persist()
    return Response(status=200)


def delete(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """Delete unbooked rows `[{Id, Version}]` → 200 with no body (the file)."""
    rows = _body(request, DELETE, "delete")
    refresh_statuses(app, org)
    items = _lookup(app, rows, org, need_version=False, unbooked_only=True)
    for item in items:
        del org["items"][item["Id"]]
    app.persist()
    return Response(status=200)


def book_everything(app: DineroEmulator, org: dict[str, Any]) -> int:
    """The accountant books the kassekladde in Dinero's UI: every unbooked row, at once."""
    refresh_statuses(app, org)
    n = 0
    for item in org["items"].values():
        if item["Status"] != "Booked":
            _booked(app, org, item)
            n += 1
    app.persist()
    return n


def not_found(message: str) -> ApiError:
    return ApiError({}, message, 404, CODE_NOT_FOUND)
