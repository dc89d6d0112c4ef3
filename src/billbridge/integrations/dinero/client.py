"""Dinero's REST API over HTTP: tokens, accounts, ledger items (the kassekladde), files.

No Django here (this module could ship as its own package): settings, auditing and rate
limits come in through constructor arguments. Every failure leaves as an `AccountingError`
whose `kind` tells the sync engine how to react (see integrations/base.py).

Facts used, and how sure they are, are in /work/shared/api/dinero.md; UNCONFIRMED choices
are marked where the code relies on them.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from billbridge.integrations.base import Account, AccountingError, ErrorKind
from billbridge.integrations.transport import CallInfo, HttpClient

# The paths and versions of Dinero's OpenAPI file (shared/api/dinero-openapi.json): rows are
# created on v1.2 with a client-chosen `Id` (a second create with that Id is refused 409
# "Duplicated entity", which makes a retried create harmless: exactly-once's first layer) and
# updated on v1 - `PUT /v1.2/{org}/ledgeritems` does not exist.
CREATE_PATH = "/v1.2/{org}/ledgeritems"
UPDATE_PATH = "/v1/{org}/ledgeritems"
# Refresh a token this many seconds before Dinero says it expires.
TOKEN_MARGIN_SECONDS = 60.0
UPLOADABLE_TYPES = {"application/pdf", "image/png", "image/jpeg"}

# Without `?fields=` Dinero answers only AccountNumber, Name, IsHidden: ask for what the chart
# import needs (the names come back in the casing asked for). Every property the read models
# mark `required` is asked for, so the answers match the file's schemas.
ENTRY_FIELDS = "AccountNumber,Name,VatCode,Category,CategoryName,IsHidden,IsDefaultSalesAccount"
DEPOSIT_FIELDS = "AccountNumber,Name,IsDefault,IsHidden"
ORGANIZATION_FIELDS = "Id,Name,IsPro,IsVatFree,IsTaxFreeUnion"

# Dinero's category strings (EntryAccountReadModel.Category) → billbridge's account kinds.
# Expense categories are the ones whose accounts hold a business's costs, before tax.
EXPENSE_CATEGORIES = frozenset(
    {
        "Variable Expenses",
        "Salary",
        "Sales Expenses",
        "Property Expenses",
        "Administration Expenses",
        "Travel Expenses",
        "Depreciation",
        "Interest Expenses",
    }
)
INCOME_CATEGORIES = frozenset({"Turnover", "Interest Income"})

# Statuses (LedgerItemStatusReadModel.Status). A row sent to booking can no longer change:
# PendingBooking counts as Booked.
BOOKED_STATUSES = frozenset({"Booked", "PendingBooking"})

# Error codes of Dinero's error body that tell more than the HTTP status.
NO_PRO_CODES = frozenset({48, 90})  # 403 without a Dinero Pro subscription (old docs / now)
LIMIT_CODE = 43  # "Limit Exceeded": the kassekladde's 1,000 rows [UNCONFIRMED for this case]
BROWNOUT_STATUS = 480

# Codes (AccountingError.code) raised as ErrorKind.BLOCKED: nothing is wrong with the bills,
# Dinero takes no work until something changes there. The integration needs attention and
# its bills wait; the sync engine tries again by itself after `retry_after` seconds (a full
# kassekladde is emptied when the accountant books it; a brownout ends), or, without Pro,
# when a person presses Check again after adding Dinero Pro.
NO_PRO = "dinero_pro_required"
KASSEKLADDE_FULL = "kassekladde_full"
BROWNOUT = "dinero_brownout"
BLOCKING_CODES = frozenset({NO_PRO, KASSEKLADDE_FULL, BROWNOUT})
# [GUESS] How often to look again: Dinero says nothing about how long a brownout lasts or
# when an accountant books; often enough to resume within minutes, rarely enough that a
# full kassekladde costs at most 4 calls an hour.
RECHECK_FULL_SECONDS = 900.0
RECHECK_BROWNOUT_SECONDS = 600.0


# create_each's word for a row that was there after a refused batch (it landed now, or an
# earlier attempt had landed it: 409).
EXISTS = "exists"


def is_booked(status: Mapping[str, Any]) -> bool:
    """Whether a status row (from the status call) can no longer be changed."""
    return str(status.get("Status") or "") in BOOKED_STATUSES


class DineroValidationError(AccountingError):
    """Dinero refused rows: `errors` maps "[i].Field" (or "Field") → Dinero's message."""

    def __init__(self, code: str, detail: str, errors: dict[str, str], **kwargs: Any) -> None:
        super().__init__(ErrorKind.REJECTED, code, detail, **kwargs)
        self.errors = errors

    def rows(self) -> dict[int, dict[str, str]]:
        """The errors grouped by row index (errors without an index are left out)."""
        out: dict[int, dict[str, str]] = {}
        for key, message in self.errors.items():
            m = re.match(r"^\[(\d+)\]\.?(.*)$", key)
            if m:
                out.setdefault(int(m.group(1)), {})[m.group(2) or "row"] = message
        return out


def classify_validation(field: str, message: str) -> str:
    """A stable error code for one of Dinero's validation messages (plain words come later)."""
    low = message.lower()
    name = field.rsplit(".", 1)[-1].lower()
    if "ledgeritemnotfound" in low:
        return "row_not_found"
    if "alreadybooked" in low or "booked" in low:
        return "row_booked"
    if "outdated" in low:
        return "row_changed"
    if name in ("accountnumber", "balancingaccountnumber") and "not exist" in low:
        return "unknown_account"
    if "vat" in name:
        return "unknown_vat_code"
    if name == "fileguid":
        return "unknown_file"
    if name == "file":
        return "file_rejected"
    if "already exists" in low or "duplicat" in low:
        return "duplicate"
    return "rejected"


def account_in(message: str) -> str:
    """The account number a message is about ("Account 1234 does not exist" → "1234")."""
    m = re.search(r"\d{3,}", message)
    return m.group(0) if m else ""


class _TokenCache:
    """Access tokens shared by every client of this process, keyed by app and API key.

    A worker builds a client per batch; sharing the token spares one call per batch.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._tokens.get(key)
        if value and value[1] > time.monotonic():
            return value[0]
        return None

    def put(self, key: str, token: str, expires_in: float) -> None:
        with self._lock:
            self._tokens[key] = (token, time.monotonic() + max(0.0, expires_in))

    def drop(self, key: str, token: str | None = None) -> None:
        with self._lock:
            if token is None or (self._tokens.get(key, ("",))[0] == token):
                self._tokens.pop(key, None)


TOKENS = _TokenCache()


class DineroClient(HttpClient):
    """One organisation of Dinero, reached with one user's API key (a personal integration),
    or with a Visma Connect access token from `token_source` (called with force=True after a
    401: the token must be renewed)."""

    def __init__(
        self,
        *,
        api_url: str,
        auth_url: str,
        client_id: str,
        client_secret: str,
        api_key: str = "",
        organization_id: str,
        token_source: Callable[[bool], str] | None = None,
        timeout: float = 15.0,
        on_call: Callable[[CallInfo], None] | None = None,
        throttle: Callable[[], None] | None = None,
        http: httpx.Client | None = None,
        token_cache: _TokenCache | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.auth_url = auth_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._api_key = api_key.strip()
        self.organization_id = str(organization_id).strip()
        super().__init__(
            http=http, timeout=timeout, max_connections=10, on_call=on_call, throttle=throttle
        )
        self._token_source = token_source
        self._tokens = token_cache or TOKENS
        digest = hashlib.sha256(f"{client_id}\0{self._api_key}".encode()).hexdigest()
        self._token_key = f"{auth_url}|{digest}"

    # ------------------------------------------------------------------ token
    def token(self, *, force: bool = False) -> str:
        """A Bearer token for the API key, from the cache unless `force`; or the Visma Connect
        token from the token source."""
        if self._token_source is not None:
            return self._token_source(force)
        if not force:
            cached = self._tokens.get(self._token_key)
            if cached:
                return cached
        response = self._send(
            "POST",
            self.auth_url,
            httpx.URL(self.auth_url).path,
            write=False,
            auth=(self._client_id, self._client_secret),
            data={
                "grant_type": "password",
                "scope": "read write",
                "username": self._api_key,
                "password": self._api_key,
            },
        )
        if response.status_code == 200:
            body = _json(response)
            token = str(body.get("access_token") or "")
            if not token:
                raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", "no access_token")
            expires_in = float(body.get("expires_in") or 3600) - TOKEN_MARGIN_SECONDS
            self._tokens.put(self._token_key, token, expires_in)
            return token
        body = _json(response)
        error = str(body.get("error") or "") if isinstance(body, dict) else ""
        if response.status_code == 429:
            raise _rate_limited(response)
        if response.status_code >= 500:
            raise AccountingError(
                ErrorKind.UNAVAILABLE, "unavailable", error, status=response.status_code
            )
        if error == "invalid_client" or response.status_code == 401:
            # Our app's client id/secret are wrong: an operator must fix settings.
            raise AccountingError(
                ErrorKind.CREDENTIALS, "invalid_client", error, status=response.status_code
            )
        # 400 invalid_grant: the API key is wrong or revoked. [UNCONFIRMED exact body]
        raise AccountingError(
            ErrorKind.CREDENTIALS, "invalid_api_key", error, status=response.status_code
        )

    # ------------------------------------------------------------------ API calls
    def _api(
        self,
        method: str,
        path: str,
        *,
        write: bool = False,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        files: Any = None,
        throttle: Callable[[], None] | None = None,
    ) -> Any:
        """Call `/{version}/{org}/…` with a Bearer token; one fresh token after a 401.
        `throttle`: this call's pace instead of the client's (see `upload_file`)."""
        full = path.format(org=self.organization_id)
        url = self.api_url + full
        response: httpx.Response | None = None
        for attempt in range(2):
            token = self.token(force=attempt > 0)
            response = self._send(
                method,
                url,
                full,
                write=write,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                json=json,
                params=params,
                files=files,
                throttle=throttle,
            )
            if response.status_code != 401:
                break
            self._tokens.drop(self._token_key, token)
        assert response is not None
        return self._answer(response)

    def _answer(self, response: httpx.Response) -> Any:
        status = response.status_code
        if status < 300:
            return _json(response) if response.content else None
        body = _json(response)
        body = body if isinstance(body, dict) else {}
        message = str(body.get("message") or body.get("error") or "")
        if status == 401:
            raise AccountingError(ErrorKind.CREDENTIALS, "invalid_api_key", message, status=status)
        code_in_body = body.get("code")
        if status == 403 and code_in_body in NO_PRO_CODES:
            raise AccountingError(ErrorKind.BLOCKED, NO_PRO, message, status=status)
        if status == 403:
            # The token is good but not for this organisation. [UNCONFIRMED: 403 vs 404]
            raise AccountingError(
                ErrorKind.CREDENTIALS, "unknown_organization", message, status=status
            )
        if status == 429:
            raise _rate_limited(response)
        if status == BROWNOUT_STATUS:
            # A deprecated endpoint failing on purpose: an operator matter, not the bill's.
            raise AccountingError(
                ErrorKind.BLOCKED,
                BROWNOUT,
                message,
                status=status,
                retry_after=RECHECK_BROWNOUT_SECONDS,
            )
        if status == 400 and code_in_body == LIMIT_CODE:
            raise AccountingError(
                ErrorKind.BLOCKED,
                KASSEKLADDE_FULL,
                message,
                status=status,
                retry_after=RECHECK_FULL_SECONDS,
            )
        if status >= 500:
            raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", message, status=status)
        errors = body.get("validationErrors") or body.get("ValidationErrors") or {}
        if not isinstance(errors, dict):
            errors = {}
        errors = {str(k): str(v) for k, v in errors.items()}
        if status == 409:
            code = "duplicate"
        elif errors:
            first_field, first_message = next(iter(errors.items()))
            code = classify_validation(first_field, first_message)
        elif status == 404:
            code = "not_found"
        else:
            code = "rejected"
        field = next(iter(errors), None)
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items()) or message
        raise DineroValidationError(code, detail[:1000], errors, status=status, field=field)

    # accounts -----------------------------------------------------------
    def entry_accounts(self) -> list[dict[str, Any]]:
        """The whole chart with VAT codes and categories, in one request (no paging)."""
        return list(
            self._api("GET", "/v1/{org}/accounts/entry", params={"fields": ENTRY_FIELDS}) or []
        )

    def purchase_accounts(self) -> list[dict[str, Any]]:
        """The expense accounts (2000-9399, "the expense before tax range"), with VAT codes and
        categories: the natural source of bill categories."""
        return list(
            self._api("GET", "/v1/{org}/accounts/purchase", params={"fields": ENTRY_FIELDS}) or []
        )

    def deposit_accounts(self) -> list[dict[str, Any]]:
        """Bank and cash accounts: the candidates for the counter account of payments."""
        return list(
            self._api("GET", "/v1/{org}/accounts/deposit", params={"fields": DEPOSIT_FIELDS}) or []
        )

    def vat_types(self) -> list[dict[str, Any]]:
        """`[{VatCode, Name, VatRate}]`: the organisation's VAT codes with their rates."""
        return list(self._api("GET", "/v1/{org}/vatTypes") or [])

    def organizations(self) -> list[dict[str, Any]]:
        """The token's organisations, `{Id, Name, IsPro, …}`: only Pro ones can use the API."""
        return list(
            self._api("GET", "/v1/organizations", params={"fields": ORGANIZATION_FIELDS}) or []
        )

    def accounts(self) -> list[Account]:
        """Entry and deposit accounts as one list: two requests sent at once (plus a token if
        needed), so checking credentials costs two round trips, not three."""
        self.token()
        calls: list[CallInfo] = []
        hook, self.on_call = self.on_call, calls.append  # audit in the caller's thread
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                entry = pool.submit(self.entry_accounts)
                deposit = pool.submit(self.deposit_accounts)
                result = accounts_from(entry.result(), deposit.result())
        finally:
            self.on_call = hook
            if hook is not None:
                for call in calls:
                    hook(call)
        return result

    # ledger items -------------------------------------------------------
    def create_ledger_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create kassekladde rows in ONE request. The file says the answer is one
        `{Id, Version}`; a maintained client reads a list: both are accepted, as a list."""
        answer = self._api("POST", CREATE_PATH, write=True, json=items)
        if isinstance(answer, dict):
            return [answer]
        return list(answer or [])

    def update_ledger_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replace unbooked rows (each with `Id`, current `Version` and its lines' Ids) in one
        request → `[{Id, Version}]`."""
        return list(self._api("PUT", UPDATE_PATH, write=True, json=items) or [])

    def create_each(self, items: list[dict[str, Any]]) -> list[AccountingError | str | None]:
        """Create rows, telling which ones Dinero refused: None per row created, EXISTS per
        row found in Dinero after a refused batch (the status call says so), else its error.
        A kassekladde too full for the whole batch takes as many rows as it has room for;
        the rest get the BLOCKED "kassekladde_full" error.

        A refused batch says nothing reliable about which row was at fault (the keys of
        `validationErrors` are not documented): the status call finds the rows that exist,
        and the rest is sent again in halves until each refusal belongs to one row. Failures
        of the whole call (credentials, limits, outages) are raised.
        """
        out: list[AccountingError | str | None] = [None] * len(items)
        self._each(self.create_ledger_items, items, list(range(len(items))), out)
        return out

    def update_each(self, items: list[dict[str, Any]]) -> list[AccountingError | str | None]:
        """Like `create_each`, for updates: None per row updated, else its error."""
        out: list[AccountingError | str | None] = [None] * len(items)
        self._each(self.update_ledger_items, items, list(range(len(items))), out, create=False)
        return out

    def _each(
        self,
        send: Callable[[list[dict[str, Any]]], Any],
        items: list[dict[str, Any]],
        slots: list[int],
        out: list[AccountingError | str | None],
        *,
        create: bool = True,
    ) -> None:
        if not slots:
            return
        full = next((o for o in out if isinstance(o, AccountingError)
                     and o.code == KASSEKLADDE_FULL), None)  # fmt: skip
        if full is not None:  # a row was refused for room: so is every later one
            for i in slots:
                out[i] = full
            return
        try:
            send([items[i] for i in slots])
            return
        except DineroValidationError as exc:
            error = exc
        except AccountingError as exc:
            if exc.code != KASSEKLADDE_FULL:
                raise
            # The whole batch did not fit, and nothing of it was written: fill what room is
            # left half by half; the first single row refused stands for the rest.
            if len(slots) == 1:
                out[slots[0]] = exc
                return
            middle = len(slots) // 2
            self._each(send, items, slots[:middle], out, create=create)
            self._each(send, items, slots[middle:], out, create=create)
            return
        # After a refused create a row wrongly taken for missing is sent again, refused with
        # 409 and looked up alone: the status call may trust the names (`trust_named`).
        status = self.find_ledger_items((str(items[i]["Id"]) for i in slots), trust_named=create)
        if create:  # a row that exists landed (now, or before: 409)
            for i in slots:
                if str(items[i]["Id"]).lower() in status:
                    out[i] = EXISTS
            slots = [i for i in slots if out[i] is None]
        else:  # a row whose Version moved on was updated
            slots = [
                i
                for i in slots
                if status.get(str(items[i]["Id"]).lower(), {}).get("Version", "")
                in ("", items[i].get("Version"))
            ]
        if len(slots) == 1:
            out[slots[0]] = error
            return
        if not slots:
            return
        middle = len(slots) // 2
        self._each(send, items, slots[:middle], out, create=create)
        self._each(send, items, slots[middle:], out, create=create)

    def ledger_item_status(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """`[{"Id", "Status", "VoucherNumber", "Version"}]`; an unknown Id refuses the whole
        call (REJECTED "row_not_found") — use `find_ledger_items` to tolerate it."""
        body = [{"Id": i} for i in ids]
        return list(self._api("POST", "/v1/{org}/ledgeritems/status", json=body))

    def find_ledger_items(
        self, ids: Iterable[str], *, trust_named: bool = False
    ) -> dict[str, dict[str, Any]]:
        """Status of the rows that exist among `ids` (Id → status); missing Ids are left out.

        One unknown Id refuses the status call, and which one is not reliably in the answer:
        a refused call is repeated in halves until each refusal names one Id (2n-1 calls for
        n rows that do not exist). With `trust_named` the rows the refusal names as not found
        ("[i].Id": ledgerItemNotFound) are left out and the rest asked again — one or two
        calls — for callers to whom a row wrongly left out is harmless (its create is refused
        with 409 and looked up alone): a refused create, a look-up of rows in doubt (found by
        the chaos run: 60 refused status calls in a row held a batch for 40 s).
        """
        found: dict[str, dict[str, Any]] = {}
        wanted = list(dict.fromkeys(str(i).lower() for i in ids))
        self._find(wanted, found, trust_named=trust_named)
        return found

    def _find(
        self, wanted: list[str], found: dict[str, dict[str, Any]], *, trust_named: bool = False
    ) -> None:
        if not wanted:
            return
        try:
            rows = self.ledger_item_status(wanted)
        except DineroValidationError as exc:
            if len(wanted) == 1:
                return  # that row does not exist
            named = {
                i
                for i, errors in exc.rows().items()
                if i < len(wanted) and any("notfound" in m.lower() for m in errors.values())
            }
            if trust_named and named:
                rest = [w for i, w in enumerate(wanted) if i not in named]
                self._find(rest, found, trust_named=True)
                return
            middle = len(wanted) // 2
            self._find(wanted[:middle], found, trust_named=trust_named)
            self._find(wanted[middle:], found, trust_named=trust_named)
            return
        found.update({str(r.get("Id", "")).lower(): r for r in rows})

    def read_ledger_items(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The unbooked rows among `ids`, in full (`POST …/ledgeritems/ledgers`)."""
        body = [{"Id": i} for i in ids]
        return list(self._api("POST", "/v1/{org}/ledgeritems/ledgers", json=body) or [])

    def upload_file(
        self, *, filename: str, content: bytes, content_type: str, leave: int = 0
    ) -> str:
        """Upload a bill's document → its FileGuid, for a row's `FileGuid`. The FileGuid is
        opaque: kept exactly as Dinero wrote it. Dinero may need "a second" before a row can
        use it (see the provider's retry). `leave`: the upload takes a token of the
        organisation's minute only while more than that many are left (the rows naming the
        documents need them); else RATE_LIMITED."""
        pace = self._throttle
        leaving = getattr(pace, "leaving", None)
        body = self._api(
            "POST",
            "/v1/{org}/files",
            write=True,
            files={"file": (filename or "document", content, content_type)},
            throttle=leaving(leave) if (leave and leaving is not None) else None,
        )
        guid = (body or {}).get("FileGuid") if isinstance(body, dict) else None
        if not guid:
            raise AccountingError(ErrorKind.REJECTED, "file_rejected", "no FileGuid in answer")
        return str(guid)


def accounts_from(entry: list[dict[str, Any]], deposit: list[dict[str, Any]]) -> list[Account]:
    """Dinero's two account lists as one chart; deposit accounts get kind "deposit", the
    expense categories "expense", the income categories "income", the rest "balance"."""
    deposit_numbers = {str(d.get("AccountNumber")) for d in deposit}
    out: dict[str, Account] = {}
    for row in entry:
        number = str(row.get("AccountNumber"))
        category = str(row.get("Category") or "")
        kind = (
            "deposit"
            if number in deposit_numbers
            else "expense"
            if category in EXPENSE_CATEGORIES
            else "income"
            if category in INCOME_CATEGORIES
            else "balance"
            if category
            else ""
        )
        out[number] = Account(
            number=number,
            name=str(row.get("Name") or ""),
            vat_code=str(row.get("VatCode") or ""),
            kind=kind,
            group=category,
            hidden=bool(row.get("IsHidden")),
        )
    for row in deposit:
        number = str(row.get("AccountNumber"))
        if number not in out:
            out[number] = Account(number=number, name=str(row.get("Name") or ""), kind="deposit")
    return sorted(out.values(), key=lambda a: (len(a.number), a.number))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


def _rate_limited(response: httpx.Response) -> AccountingError:
    raw = response.headers.get("Retry-After", "")
    try:
        retry_after: float | None = max(0.0, float(raw))
    except ValueError:
        retry_after = None
    return AccountingError(
        ErrorKind.RATE_LIMITED, "rate_limited", "HTTP 429", retry_after=retry_after, status=429
    )
