"""Emulator of the parts of Dinero's API (api.dinero.dk) that billbridge uses.

Stand-alone (stdlib only, nothing from Django or billbridge's apps), one port for both the
OAuth token endpoint and the API. Every behaviour notes what it rests on:
  [src: …]  seen in public client code / docs (see dinero.md and the sources named here);
  [GUESS]   not confirmed anywhere; a plausible choice, documented so clients don't rely on it.

Sources used:
  GO   eikc/dinero-go (ledgeritems package: models, book/status routes; lower-camel JSON)
  TS   a TypeScript Dinero client in a public repo ("lav dinero klient"): token flow, 1 h token,
       60 calls/min → 429, error body {code, message, validationErrors, errorMessageList},
       POST v1.2/{org}/ledgeritems with a client-chosen Id → 409 "Duplicated entity" when the Id
       exists (comment: verified in Dinero's sandbox), status → 400 "ledgerItemNotFound" for an
       unknown Id, statuses Draft/PendingBooking/Booked, POST v1/{org}/files → {"FileGuid"},
       code 58 "timestamp outdated", code 63 "no results found".
  PHP  OnCloud\\Dinero LedgerItems (doc strings copied from Dinero's OpenAPI): v1.2 create with
       {Id, Version, VoucherNumber, VoucherDate, FileGuid, Lines}, "maximum number of ledger
       items in the ledger is 1000", PUT requires Id and Version, booking is asynchronous.
  RB   a Ruby client: GET v1/{org}/ledgeritems and GET v1/{org}/ledgeritems/ledgers.
  MOCK a third-party PHP mock: GET …/ledgeritems/ledgers = the unbooked rows.
  DOCS Dinero's own pages: developer.dinero.dk/documentation/error-and-status (400 for missing
       fields or a stale timestamp, 401 bad/expired token, 403 no access to the resource,
       413 file over 6 MB, 429 over 100 requests/minute per organisation, error codes 40 Not
       found, 41 Unauthorized, 42 Validation Error, 43 Limit Exceeded), …/best-practices
       (429 body "API calls quota exceeded! (...)", file upload as multipart with
       `?fileName=`), api.dinero.dk/docs (token endpoint and form, one token per organisation).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import html
import math
import secrets
import time
import uuid
from typing import Any

from billbridge.emulators.common import (
    EmulatorApp,
    Request,
    Response,
    format_amount_da,
    html_response,
    json_response,
    serve_app,
)
from billbridge.emulators.dinero import seed

TOKEN_LIFETIME_SECONDS = 3600  # [src: TS "Tokenet gælder 1 time"; dinero.md "about an hour"]
MAX_UNBOOKED_ITEMS = 1000  # [src: PHP doc string "maximum number of ledger items … is 1000"]
MAX_FILE_BYTES = 6 * 1024 * 1024  # [src: DOCS "Files cannot exceed 6MB" → 413]
ORG = r"(?P<org>[^/]+)"
PAGE_MAX_ROWS = 200  # rows per organisation on the /_emulator/ page

# Error codes in Dinero's error body (`code`).
CODE_NOT_FOUND = 40  # [src: DOCS "40 Not found"]
CODE_UNAUTHORIZED = 41  # [src: DOCS "41 Unauthorized" (insufficient permissions)]
CODE_FORBIDDEN = 41  # same code on 403; on 401 the body is a GUESS
# Not emulated: 403 + code 48/90 for an organisation without Dinero Pro, 480 "Brownout"
# [src: api.dinero.dk/docs; developer.dinero.dk/documentation/error-and-status].
CODE_VALIDATION = 42  # [src: DOCS "42 Validation Error"]
CODE_LIMIT = 43  # [src: DOCS "43 Limit Exceeded"]
CODE_OUTDATED = 58  # [src: TS "timestamp outdated (kode 58)"]; used here for a stale Version
CODE_DUPLICATE = 72  # [src: TS treats 409 or code 72 as "already exists"; code GUESS]
RATE_LIMIT_TEXT = "API calls quota exceeded! maximum admitted 100 per 1m."
# [src: developer.dinero.dk/documentation/error-and-status: "429 Rate limited: You have exceeded
#  the maximum amount of 100 requests a minute pr. organization" - the limit in the text]
# [src: DOCS best-practices quotes "API calls quota exceeded! (...)"; the rest of the sentence
#  is GUESSED from the Ocelot gateway's default message, which that text matches; plain text]


def dinero_error(
    status: int,
    code: int,
    message: str,
    validation_errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Dinero's error body [src: TS FejlKrop type: code (number), message, validationErrors
    (field → message), errorMessageList ([{Code, Message}])]. Exact key casing: [GUESS]
    camelCase as in the TS type."""
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "validationErrors": validation_errors or {},
        "errorMessageList": [
            {"Code": key, "Message": value} for key, value in (validation_errors or {}).items()
        ],
    }
    return json_response(status, body, headers)


class ValidationFailed(Exception):
    """Raised inside a handler to answer 400 (or another status) with Dinero's error body."""

    def __init__(
        self,
        errors: dict[str, str],
        message: str = "Validation failed",
        status: int = 400,
        code: int = CODE_VALIDATION,
    ) -> None:
        super().__init__(message)
        self.errors = errors
        self.message = message
        self.status = status
        self.code = code

    def response(self) -> Response:
        return dinero_error(self.status, self.code, self.message, self.errors)


def _ci(row: dict[str, Any], name: str, default: Any = None) -> Any:
    """Field lookup ignoring case [src: dinero.md; GO sends camelCase, others PascalCase]."""
    lname = name.lower()
    for key, value in row.items():
        if isinstance(key, str) and key.lower() == lname:
            return value
    return default


def _has(row: dict[str, Any], name: str) -> bool:
    return any(isinstance(k, str) and k.lower() == name.lower() for k in row)


class DineroEmulator(EmulatorApp):
    """In-memory Dinero: organisations, API keys, tokens, chart, kassekladde, files."""

    def __init__(self, state_file: str | None = None) -> None:
        super().__init__(state_file)
        self.state: dict[str, Any] = {}
        self.file_bytes: dict[str, bytes] = {}  # not persisted: only metadata goes to the file
        self._routes()

    # ------------------------------------------------------------------ routes
    def _routes(self) -> None:
        add = self.router.add
        add("POST", r"/dineroapi/oauth/token", self.token, name="POST /dineroapi/oauth/token")
        api = self._api
        add("GET", rf"/v1/{ORG}/accounts/entry", api(self.entry_accounts),
            name="GET /v1/{org}/accounts/entry")  # fmt: skip
        add("GET", rf"/v1/{ORG}/accounts/deposit", api(self.deposit_accounts),
            name="GET /v1/{org}/accounts/deposit")  # fmt: skip
        add("GET", rf"/v1/{ORG}/vatTypes", api(self.vat_types), name="GET /v1/{org}/vatTypes")
        # Create: v1.2 is the current version; v1 and v1.1 are deprecated but were the same
        # endpoint with flat rows [src: api.dinero.dk/docs "Deprecation notice": "Add Ledger item
        # V1/V1.1 deprecated in favor of V1.2 … items has to be added to the lines array"].
        # All three are served so older clients keep working [GUESS: removal date not known].
        for version in ("v1", "v1.1", "v1.2"):
            vre = version.replace(".", r"\.")
            add("POST", rf"/{vre}/{ORG}/ledgeritems", api(self.create_items),
                name=f"POST /{version}/{{org}}/ledgeritems")  # fmt: skip
            add("PUT", rf"/{vre}/{ORG}/ledgeritems", api(self.update_items),
                name=f"PUT /{version}/{{org}}/ledgeritems")  # fmt: skip
        add("GET", rf"/v1/{ORG}/ledgeritems/ledgers", api(self.list_items),
            name="GET /v1/{org}/ledgeritems/ledgers")  # fmt: skip
        add("GET", rf"/v1/{ORG}/ledgeritems", api(self.list_items),
            name="GET /v1/{org}/ledgeritems")  # fmt: skip
        add("POST", rf"/v1/{ORG}/ledgeritems/status", api(self.item_status),
            name="POST /v1/{org}/ledgeritems/status", write=False)  # fmt: skip
        add("POST", rf"/v1/{ORG}/ledgeritems/book", api(self.book_items),
            name="POST /v1/{org}/ledgeritems/book")  # fmt: skip
        add("DELETE", rf"/v1/{ORG}/ledgeritems/delete", api(self.delete_items),
            name="DELETE /v1/{org}/ledgeritems/delete")  # fmt: skip
        add("POST", rf"/v1/{ORG}/files", api(self.upload_file), name="POST /v1/{org}/files")
        # control endpoints (never part of the emulated API)
        add("DELETE", rf"/_emulator/organizations/{ORG}/accounts/(?P<number>\d+)",
            self.control_delete_account, api=False)  # fmt: skip
        add("POST", rf"/_emulator/organizations/{ORG}/api-keys/(?P<key>[^/]+)/revoke",
            self.control_revoke_key, api=False)  # fmt: skip
        add("GET", rf"/_emulator/organizations/{ORG}/ledgeritems",
            self.control_items, api=False)  # fmt: skip

    # ------------------------------------------------------------------ state
    def reset_state(self) -> None:
        orgs: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        for org in seed.ORGANIZATIONS:
            chart = seed.bench_chart() if org["chart"] == "bench" else seed.standard_chart()
            orgs[org["organization_id"]] = {
                "name": org["name"],
                "accounts": {str(a["AccountNumber"]): a for a in chart},
                "items": {},  # Id → ledger item, insertion order = creation order
                "files": {},
                "next_voucher": 1,
            }
            keys[org["api_key"]] = {"organizations": [org["organization_id"]], "revoked": False}
        self.state = {
            "client_id": seed.CLIENT_ID,
            "client_secret": seed.CLIENT_SECRET,
            "organizations": orgs,
            "api_keys": keys,
            "tokens": {},
            "refresh_tokens": {},
            "version_counter": 0,
        }
        self.file_bytes = {}

    def dump_state(self) -> dict[str, Any]:
        return self.state

    def load_state(self, state: dict[str, Any]) -> None:
        self.state = state

    def credentials(self) -> dict[str, Any]:
        with self.lock:
            by_org = {o["organization_id"]: o for o in seed.ORGANIZATIONS}
            out = []
            for org_id, org in self.state["organizations"].items():
                key = next(
                    (k for k, v in self.state["api_keys"].items() if org_id in v["organizations"]),
                    by_org.get(org_id, {}).get("api_key"),
                )
                out.append({"organization_id": org_id, "api_key": key, "name": org["name"]})
            return {
                "client_id": self.state["client_id"],
                "client_secret": self.state["client_secret"],
                "organizations": out,
            }

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        if status == 429:
            # plain-text body [src: DOCS]; Retry-After header [GUESS: Ocelot sends one]
            return Response(
                status=429,
                body=RATE_LIMIT_TEXT.encode(),
                headers={
                    "Content-Type": "text/plain; charset=utf-8",
                    "Retry-After": str(retry_after if retry_after is not None else 60),
                },
            )
        return dinero_error(status, status, f"Service error (HTTP {status})")  # body: [GUESS]

    def not_found_response(self, request: Request) -> Response:
        return dinero_error(404, CODE_NOT_FOUND, f"No resource at {request.path}")  # [src: DOCS]

    def _new_version(self) -> str:
        """Versions look like SQL Server rowversions, base64 of 8 bytes [GUESS at the format]."""
        self.state["version_counter"] += 1
        raw = self.state["version_counter"].to_bytes(8, "big")
        return base64.b64encode(raw).decode("ascii")

    # ------------------------------------------------------------------ OAuth
    def token(self, request: Request) -> Response:
        """POST /dineroapi/oauth/token [src: dinero.md, GO, PHP, TS: Basic client auth +
        password grant with the API key as username and password]. Error bodies follow
        RFC 6749 §5.2 (invalid_client → 401, invalid_grant → 400) [GUESS: Dinero's exact
        error_description texts are unknown]."""
        auth = request.header("authorization")
        client_ok = False
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
                cid, _, csecret = decoded.partition(":")
                client_ok = (cid, csecret) == (
                    self.state["client_id"],
                    self.state["client_secret"],
                )
            except (binascii.Error, UnicodeDecodeError):
                client_ok = False
        if not client_ok:
            return json_response(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                {"WWW-Authenticate": 'Basic realm="dineroapi"'},
            )
        form = request.form()
        grant = form.get("grant_type", "")
        with self.lock:
            if grant == "password":
                key = form.get("username", "")
                if key != form.get("password", "") or not self._key_active(key):
                    return json_response(
                        400,
                        {"error": "invalid_grant", "error_description": "Invalid API key"},
                    )
            elif grant == "refresh_token":  # [GUESS] dinero.md: "refresh by asking again"
                key = self.state["refresh_tokens"].get(form.get("refresh_token", ""), "")
                if not self._key_active(key):
                    return json_response(
                        400,
                        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
                    )
            else:
                return json_response(
                    400,
                    {
                        "error": "unsupported_grant_type",
                        "error_description": f"grant_type {grant!r} is not supported",
                    },
                )
            ttl = self.faults.get("token_ttl_seconds")
            lifetime = float(ttl) if ttl is not None else TOKEN_LIFETIME_SECONDS
            access = secrets.token_urlsafe(32)
            refresh = secrets.token_urlsafe(32)
            self.state["tokens"][access] = {"api_key": key, "expires_at": time.time() + lifetime}
            self.state["refresh_tokens"][refresh] = key
            self._prune_tokens()
            self.persist()
        # expires_in stays the documented lifetime even when token_ttl_seconds shortens it:
        # the fault emulates a token that dies early, which clients must survive via 401.
        return json_response(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME_SECONDS,
                "refresh_token": refresh,
            },
        )

    def _key_active(self, key: str) -> bool:
        info = self.state["api_keys"].get(key)
        return bool(info) and not info["revoked"]

    def _prune_tokens(self) -> None:
        now = time.time()
        tokens = self.state["tokens"]
        for tok in [t for t, v in tokens.items() if v["expires_at"] < now - 3600]:
            del tokens[tok]

    # ------------------------------------------------------------------ auth wrapper
    def _api(self, handler: Any) -> Any:
        """Bearer auth + organisation access, then the handler under the state lock.

        401 for a missing/unknown/expired token or a revoked key [src: dinero.md "401 for a
        missing/expired token"; body shape GUESS]. A good token for an organisation the key
        does not belong to → 403 [src: DOCS "403 Forbidden: You do not have access to the
        requested resource"]; the same for a non-existent organisation, so ids can't be probed
        [GUESS].
        """

        def wrapped(request: Request) -> Response:
            auth = request.header("authorization")
            challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            if not auth.lower().startswith("bearer "):
                return dinero_error(
                    401,
                    CODE_UNAUTHORIZED,
                    "Authorization has been denied for this request.",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            token = auth[7:].strip()
            with self.lock:
                info = self.state["tokens"].get(token)
                if info is None:
                    return dinero_error(401, CODE_UNAUTHORIZED, "Invalid token", headers=challenge)
                if info["expires_at"] <= time.time():
                    return dinero_error(401, CODE_UNAUTHORIZED, "Token expired", headers=challenge)
                key = self.state["api_keys"].get(info["api_key"])
                if not key or key["revoked"]:
                    return dinero_error(
                        401, CODE_UNAUTHORIZED, "API key revoked", headers=challenge
                    )
                org_id = request.params["org"]
                if org_id not in key["organizations"] or org_id not in self.state["organizations"]:
                    return dinero_error(
                        403,
                        CODE_FORBIDDEN,
                        f"The user does not have access to organization {org_id}",
                    )
                try:
                    return handler(request, self.state["organizations"][org_id])
                except ValidationFailed as exc:
                    return exc.response()

        return wrapped

    def _json_body(self, request: Request) -> Any:
        try:
            return request.json()
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed({"body": f"Request body is not valid JSON: {exc}"}) from exc

    def _json_array(self, request: Request) -> list[Any]:
        body = self._json_body(request)
        if not isinstance(body, list) or not body:
            raise ValidationFailed({"body": "Expected a non-empty JSON array"})
        return body

    # ------------------------------------------------------------------ accounts
    def entry_accounts(self, request: Request, org: dict[str, Any]) -> Response:
        """Plain array, no paging; `?fields=` picks fields [src: dinero.md]. Unknown field
        names are ignored [GUESS]."""
        fields = ["AccountNumber", "Name", "VatCode", "Category", "IsHidden"]
        fields.append("IsDefaultSalesAccount")
        wanted = request.query_value("fields")
        if wanted:
            asked = {f.strip().lower() for f in wanted.split(",") if f.strip()}
            fields = [f for f in fields if f.lower() in asked] or fields
        out = [{f: a[f] for f in fields} for a in org["accounts"].values()]
        return json_response(200, out)

    def deposit_accounts(self, request: Request, org: dict[str, Any]) -> Response:
        """[src: dinero.md: `[{AccountNumber, Name}]`]; 55000 is the bank."""
        out = [
            {"AccountNumber": a["AccountNumber"], "Name": a["Name"]}
            for a in org["accounts"].values()
            if a.get("IsDeposit")
        ]
        return json_response(200, out)

    def vat_types(self, request: Request, org: dict[str, Any]) -> Response:
        """[GUESS: path `vatTypes` and fields; dinero.md marks the spelling UNCONFIRMED]."""
        return json_response(200, seed.VAT_TYPES)

    # ------------------------------------------------------------------ ledger items
    def _parse_lines(
        self, row: dict[str, Any], prefix: str, org: dict[str, Any], errors: dict[str, str]
    ) -> list[dict[str, Any]]:
        """A row is either flat (v1.1 shape [src: dinero.md, GO]) or carries `Lines`
        (v1.2 shape [src: TS, PHP]); both are accepted on every version [GUESS]."""
        raw_lines = _ci(row, "Lines")
        if raw_lines is None:
            sources = [(prefix, row)]
        elif isinstance(raw_lines, list) and raw_lines:
            sources = [(f"{prefix}Lines[{j}].", ln) for j, ln in enumerate(raw_lines)]
        else:
            errors[f"{prefix}Lines"] = "Lines must be a non-empty array"
            return []
        vat_codes = {v["VatCode"].lower(): v["VatCode"] for v in seed.VAT_TYPES}
        lines = []
        for p, src in sources:
            if not isinstance(src, dict):
                errors[p.rstrip(".") or "item"] = "Expected an object"
                continue
            line: dict[str, Any] = {}
            for field, required in (("AccountNumber", True), ("BalancingAccountNumber", False)):
                value = _ci(src, field)
                if value is None or value == "":
                    if required:
                        errors[p + field] = f"{field} is required"
                    line[field] = None
                    continue
                number = self._account_number(value)
                if number is None:
                    errors[p + field] = f"{field} must be an account number"
                elif str(number) not in org["accounts"]:
                    errors[p + field] = f"Account {number} does not exist"
                line[field] = number
            for field in ("AccountVatCode", "BalancingAccountVatCode"):
                value = _ci(src, field)
                if value is None or value == "":
                    line[field] = None
                elif not isinstance(value, str) or value.lower() not in vat_codes:
                    errors[p + field] = f"Unknown VAT code {value!r}"
                    line[field] = None
                else:
                    line[field] = vat_codes[value.lower()]
            amount = _ci(src, "Amount")
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                errors[p + "Amount"] = "Amount must be a number"
            elif not math.isfinite(amount):
                errors[p + "Amount"] = "Amount must be a finite number"
            else:
                line["Amount"] = round(float(amount), 2)
            description = _ci(src, "Description")
            if description is not None and not isinstance(description, str):
                errors[p + "Description"] = "Description must be a string"
            line["Description"] = description or ""
            lines.append(line)
        return lines

    @staticmethod
    def _account_number(value: Any) -> int | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            return int(value.strip())  # .NET JSON readers accept numeric strings [GUESS]
        return None

    def _parse_item(
        self, i: int, row: Any, org: dict[str, Any], errors: dict[str, str]
    ) -> dict[str, Any]:
        prefix = f"[{i}]."
        if not isinstance(row, dict):
            errors[f"[{i}]"] = "Expected an object"
            return {}
        item: dict[str, Any] = {}
        raw_date = _ci(row, "VoucherDate")
        if raw_date in (None, ""):
            errors[prefix + "VoucherDate"] = "VoucherDate is required"
        else:
            try:
                # "YYYY-MM-DD" [src: dinero.md]; a datetime's date part is accepted [GUESS]
                item["VoucherDate"] = dt.date.fromisoformat(str(raw_date)[:10]).isoformat()
                if len(str(raw_date)) > 10 and str(raw_date)[10] not in "T ":
                    raise ValueError
            except ValueError:
                errors[prefix + "VoucherDate"] = "VoucherDate must be a date (YYYY-MM-DD)"
        number = _ci(row, "VoucherNumber")
        if number in (None, "", 0):
            item["VoucherNumber"] = None
        elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
            errors[prefix + "VoucherNumber"] = "VoucherNumber must be a positive integer"
        else:
            item["VoucherNumber"] = number
        file_guid = _ci(row, "FileGuid")
        if file_guid in (None, ""):
            item["FileGuid"] = None
        elif str(file_guid).lower() not in org["files"]:
            errors[prefix + "FileGuid"] = f"File {file_guid} does not exist"
        else:
            item["FileGuid"] = str(file_guid).lower()
        item["Lines"] = self._parse_lines(row, prefix, org, errors)
        return item

    def create_items(self, request: Request, org: dict[str, Any]) -> Response:
        """Create rows in the kassekladde → `[{"Id","Version"}]` in order [src: dinero.md].

        All-or-nothing: one invalid row refuses the batch with 400 and every row's errors,
        keyed "[i].Field" [GUESS: sources don't say; keys mimic ASP.NET model-state names].
        A client-chosen `Id` that already exists → 409 "Duplicated entity" [src: TS, verified
        in Dinero's sandbox per its comment] — the way to make a retried create exactly-once.
        """
        rows = self._json_array(request)
        errors: dict[str, str] = {}
        parsed = []
        seen_ids: set[str] = set()
        duplicates: dict[str, str] = {}
        for i, row in enumerate(rows):
            item = self._parse_item(i, row, org, errors)
            raw_id = _ci(row, "Id") if isinstance(row, dict) else None
            if raw_id not in (None, ""):
                try:
                    item_id = str(uuid.UUID(str(raw_id)))
                except ValueError:
                    errors[f"[{i}].Id"] = "Id must be a GUID"
                    item_id = ""
                if item_id and (item_id in org["items"] or item_id in seen_ids):
                    duplicates[f"[{i}].Id"] = f"A ledger item with Id {item_id} already exists"
                seen_ids.add(item_id)
                item["Id"] = item_id
            parsed.append(item)
        if duplicates:
            raise ValidationFailed(duplicates, "Duplicated entity", 409, CODE_DUPLICATE)
        if errors:
            raise ValidationFailed(errors)
        unbooked = sum(1 for it in org["items"].values() if it["Status"] != "Booked")
        if unbooked + len(parsed) > MAX_UNBOOKED_ITEMS:
            raise ValidationFailed(
                {"body": f"The ledger holds at most {MAX_UNBOOKED_ITEMS} ledger items"}
            )
        out = []
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for item in parsed:
            item_id = item.get("Id") or str(uuid.uuid4())
            if item["VoucherNumber"] is None:
                # [GUESS] Dinero numbers kassekladde vouchers itself when none is given
                item["VoucherNumber"] = org["next_voucher"]
            org["next_voucher"] = max(org["next_voucher"], item["VoucherNumber"] + 1)
            item.update(Id=item_id, Version=self._new_version(), Status="Draft", CreatedAt=now)
            org["items"][item_id] = item
            out.append({"Id": item_id, "Version": item["Version"]})
        self.persist()
        return json_response(200, out)

    def _lookup(
        self, rows: list[Any], org: dict[str, Any], *, need_version: bool, allow_booked: bool
    ) -> list[dict[str, Any]]:
        """Resolve [{Id, Version?}] rows; all-or-nothing errors in Dinero's body."""
        found = []
        errors: dict[str, str] = {}
        stale: dict[str, str] = {}
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or _ci(row, "Id") in (None, ""):
                errors[f"[{i}].Id"] = "Id is required"
                continue
            item_id = str(_ci(row, "Id")).lower()
            item = org["items"].get(item_id)
            if item is None:
                # [src: TS: unknown Id → 400 "ledgerItemNotFound"]
                errors[f"[{i}].Id"] = "ledgerItemNotFound"
                continue
            version = _ci(row, "Version")
            if need_version and version in (None, ""):
                errors[f"[{i}].Version"] = "Version is required"  # [src: PHP doc string]
                continue
            if version not in (None, "") and version != item["Version"]:
                stale[f"[{i}].Version"] = "ledgerItemVersionOutdated"
                continue
            if not allow_booked and item["Status"] == "Booked":
                errors[f"[{i}].Id"] = "ledgerItemAlreadyBooked"  # [GUESS] text
                continue
            found.append(item)
        if errors:
            raise ValidationFailed(errors)
        if stale:
            # [GUESS] 400 with code 58 (TS knows 58 as "timestamp outdated"); not 409
            raise ValidationFailed(stale, "The ledger item has been changed", 400, CODE_OUTDATED)
        return found

    def update_items(self, request: Request, org: dict[str, Any]) -> Response:
        """Replace unbooked rows; each carries Id + Version [src: PHP doc string "required to
        send version and id"]; stale Version → 400 code 58; booked → 400 [GUESS both]."""
        rows = self._json_array(request)
        items = self._lookup(rows, org, need_version=True, allow_booked=False)
        errors: dict[str, str] = {}
        parsed = [self._parse_item(i, row, org, errors) for i, row in enumerate(rows)]
        if errors:
            raise ValidationFailed(errors)
        out = []
        for item, new in zip(items, parsed, strict=True):
            item["VoucherDate"] = new["VoucherDate"]
            item["FileGuid"] = new["FileGuid"]
            item["Lines"] = new["Lines"]
            if new["VoucherNumber"] is not None:
                item["VoucherNumber"] = new["VoucherNumber"]
            item["Version"] = self._new_version()
            out.append({"Id": item["Id"], "Version": item["Version"]})
        self.persist()
        return json_response(200, out)

    def item_status(self, request: Request, org: dict[str, Any]) -> Response:
        """[src: dinero.md, GO, TS] `[{Id}]` → `[{Id, Status, VoucherNumber, Version}]`."""
        rows = self._json_array(request)
        items = self._lookup(rows, org, need_version=False, allow_booked=True)
        return json_response(200, [self._status(item) for item in items])

    @staticmethod
    def _status(item: dict[str, Any]) -> dict[str, Any]:
        return {
            "Id": item["Id"],
            "Status": item["Status"],
            "VoucherNumber": item["VoucherNumber"],
            "Version": item["Version"],
        }

    def book_items(self, request: Request, org: dict[str, Any]) -> Response:
        """Book `[{Id, Version}]` [src: GO, dinero.md]. Real booking is asynchronous
        (Draft → PendingBooking → Booked [src: PHP, TS]); here it completes at once [GUESS:
        simplification]. Answers the new statuses [GUESS: GO ignores the answer]."""
        rows = self._json_array(request)
        items = self._lookup(rows, org, need_version=True, allow_booked=False)
        for item in items:
            item["Status"] = "Booked"
            item["Version"] = self._new_version()
        self.persist()
        return json_response(200, [self._status(item) for item in items])

    def delete_items(self, request: Request, org: dict[str, Any]) -> Response:
        """DELETE with a body `[{Id, Version}]` [src: dinero.md, PHP]. Booked rows can't be
        deleted [GUESS]. Answers 200 `[{"Id"}]` [GUESS]."""
        rows = self._json_array(request)
        items = self._lookup(rows, org, need_version=True, allow_booked=False)
        for item in items:
            del org["items"][item["Id"]]
        self.persist()
        return json_response(200, [{"Id": item["Id"]} for item in items])

    def list_items(self, request: Request, org: dict[str, Any]) -> Response:
        """The kassekladde's rows, oldest first, plain array.

        Path [src: MOCK, RB]; "ledgers" = unbooked rows [src: MOCK]. Filters are an emulator
        choice [GUESS: the real query parameters are unknown]: `voucherNumber`, `id`,
        `fileGuid`, `description` (case-insensitive substring), `status` (Draft|Booked),
        `includeBooked=true`. A client should not depend on them: its reliable way to find
        its own row again is the Id it chose at creation (status endpoint / 409 on re-create).
        """
        status = request.query_value("status")
        include_booked = (request.query_value("includeBooked") or "").lower() == "true"
        voucher = request.query_value("voucherNumber")
        item_id = (request.query_value("id") or "").lower()
        file_guid = (request.query_value("fileGuid") or "").lower()
        text = (request.query_value("description") or "").lower()
        out = []
        for item in org["items"].values():
            if status:
                if item["Status"].lower() != status.lower():
                    continue
            elif item["Status"] == "Booked" and not include_booked:
                continue
            if voucher and str(item["VoucherNumber"]) != voucher:
                continue
            if item_id and item["Id"] != item_id:
                continue
            if file_guid and (item["FileGuid"] or "") != file_guid:
                continue
            if text and not any(text in ln["Description"].lower() for ln in item["Lines"]):
                continue
            out.append(self._render(item))
        return json_response(200, out)

    @staticmethod
    def _render(item: dict[str, Any]) -> dict[str, Any]:
        """A row as listed: flat v1.1 fields of its first line plus all `Lines` [GUESS shape]."""
        first = item["Lines"][0] if item["Lines"] else {}
        return {
            "Id": item["Id"],
            "Version": item["Version"],
            "VoucherNumber": item["VoucherNumber"],
            "VoucherDate": item["VoucherDate"],
            "AccountNumber": first.get("AccountNumber"),
            "AccountVatCode": first.get("AccountVatCode"),
            "Amount": first.get("Amount"),
            "BalancingAccountNumber": first.get("BalancingAccountNumber"),
            "BalancingAccountVatCode": first.get("BalancingAccountVatCode"),
            "Description": first.get("Description"),
            "FileGuid": item["FileGuid"],
            "Status": item["Status"],
            "Lines": item["Lines"],
        }

    # ------------------------------------------------------------------ files
    def upload_file(self, request: Request, org: dict[str, Any]) -> Response:
        """multipart/form-data; the first part with a filename is taken, whatever its name
        (DOCS' example names it "image", TS "file"); `?fileName=` names it [src: DOCS]
        → `{"FileGuid"}` [src: TS]. Over 6 MB → 413 [src: DOCS]. Only PDF, PNG and JPEG,
        recognised by their magic bytes [GUESS: the real accepted list is not published]."""
        parts = [p for p in request.multipart_files() if p[1] or p[0] == "file"]
        if not parts:
            raise ValidationFailed({"file": "Expected a multipart/form-data body with a file"})
        _name, filename, _ctype, data = parts[0]
        filename = request.query_value("fileName") or filename
        if len(data) > MAX_FILE_BYTES:
            raise ValidationFailed(
                {"file": "Files cannot exceed 6MB"}, "Request Entity Too Large", 413, CODE_LIMIT
            )
        kind = (
            "application/pdf"
            if data.startswith(b"%PDF")
            else "image/png"
            if data.startswith(b"\x89PNG\r\n\x1a\n")
            else "image/jpeg"
            if data.startswith(b"\xff\xd8\xff")
            else None
        )
        if kind is None:
            raise ValidationFailed({"file": "Only PDF, PNG and JPEG files are accepted"})
        guid = str(uuid.uuid4())
        org["files"][guid] = {
            "FileGuid": guid,
            "FileName": filename or "upload",
            "ContentType": kind,
            "Size": len(data),
            "Sha256": hashlib.sha256(data).hexdigest(),
        }
        self.file_bytes[guid] = data
        self.persist()
        return json_response(200, {"FileGuid": guid})

    # ------------------------------------------------------------------ control
    def control_delete_account(self, request: Request) -> Response:
        with self.lock:
            org = self.state["organizations"].get(request.params["org"])
            number = request.params["number"]
            if org is None or number not in org["accounts"]:
                return json_response(404, {"error": "no such organisation or account"})
            del org["accounts"][number]
            self.persist()
        return json_response(200, {"deleted": int(number)})

    def control_revoke_key(self, request: Request) -> Response:
        with self.lock:
            key = self.state["api_keys"].get(request.params["key"])
            if key is None or request.params["org"] not in key["organizations"]:
                return json_response(404, {"error": "no such API key for that organisation"})
            key["revoked"] = True
            self.persist()
        return json_response(200, {"revoked": True})

    def control_items(self, request: Request) -> Response:
        with self.lock:
            org = self.state["organizations"].get(request.params["org"])
            if org is None:
                return json_response(404, {"error": "no such organisation"})
            return json_response(200, [self._render(it) for it in org["items"].values()])

    def index_page(self, request: Request) -> Response:
        """Read-only kassekladde view for people trying the demo; refreshes every 3 s."""
        with self.lock:
            sections = []
            for org_id, org in self.state["organizations"].items():
                rows = []
                items = list(org["items"].values())
                shown = items[-PAGE_MAX_ROWS:]  # a benchmark run must not make the page huge
                if len(items) > len(shown):
                    rows.append(
                        f'<tr><td colspan="9"><em>… {len(items) - len(shown)} ældre rækker '
                        "ikke vist</em></td></tr>"
                    )
                for item in shown:
                    file_meta = org["files"].get(item["FileGuid"] or "")
                    for line in item["Lines"]:
                        cells = [
                            item["VoucherNumber"],
                            item["VoucherDate"],
                            line.get("AccountNumber"),
                            line.get("AccountVatCode") or "",
                            format_amount_da(line.get("Amount", 0)),
                            line.get("BalancingAccountNumber") or "",
                            line.get("Description"),
                            file_meta["FileName"] if file_meta else "",
                            "Bogført" if item["Status"] == "Booked" else "Kladde",
                        ]
                        rows.append(
                            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
                            + "</tr>"
                        )  # fmt: skip
                body = "".join(rows) or '<tr><td colspan="9"><em>Ingen posteringer</em></td></tr>'
                sections.append(
                    f"<h2>{html.escape(org['name'])} <small>(Firma ID {org_id})</small></h2>"
                    "<table><thead><tr><th>Bilag</th><th>Dato</th><th>Konto</th><th>Moms</th>"
                    "<th>Beløb</th><th>Modkonto</th><th>Tekst</th><th>Fil</th><th>Status</th>"
                    f"</tr></thead><tbody>{body}</tbody></table>"
                )
        page = (
            '<!doctype html><html lang="da"><head><meta charset="utf-8">'
            '<meta http-equiv="refresh" content="3"><title>Dinero-emulator: kassekladde</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            "td:nth-child(5){text-align:right}</style></head><body>"
            "<h1>Dinero-emulator — kassekladde</h1>" + "".join(sections) + "</body></html>"
        )
        return html_response(200, page)


def serve(host: str, port: int, state_file: str | None = None) -> None:
    """Entry point used by `python -m billbridge emulate dinero`."""
    serve_app(DineroEmulator(state_file), host, port)
