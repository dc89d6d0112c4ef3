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

# Ledger items are created and updated through v1.2: it takes a client-chosen `Id` and answers
# 409 "Duplicated entity" when that Id exists (seen in a TypeScript client whose comment says
# it was verified in Dinero's sandbox). That makes a retried create harmless: exactly-once's
# first layer. The row shape is v1.2's {Id, VoucherDate, FileGuid, Lines: [...]}.
LEDGER_VERSION = "v1.2"
# Refresh a token this many seconds before Dinero says it expires.
TOKEN_MARGIN_SECONDS = 60.0
UPLOADABLE_TYPES = {"application/pdf", "image/png", "image/jpeg"}

_CATEGORY_KIND = {
    "expenses": "expense",
    "revenue": "income",
    "assets": "balance",
    "liabilities": "balance",
    "equity": "balance",
}


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
    """One organisation of Dinero, reached with one user's API key (a personal integration)."""

    def __init__(
        self,
        *,
        api_url: str,
        auth_url: str,
        client_id: str,
        client_secret: str,
        api_key: str,
        organization_id: str,
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
        self._tokens = token_cache or TOKENS
        digest = hashlib.sha256(f"{client_id}\0{self._api_key}".encode()).hexdigest()
        self._token_key = f"{auth_url}|{digest}"

    # ------------------------------------------------------------------ token
    def token(self, *, force: bool = False) -> str:
        """A Bearer token for the API key, from the cache unless `force`."""
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
    ) -> Any:
        """Call `/{version}/{org}/…` with a Bearer token; one fresh token after a 401."""
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
        if status == 403:
            # The key is good but not for this organisation. [UNCONFIRMED: 403 vs 404]
            raise AccountingError(
                ErrorKind.CREDENTIALS, "unknown_organization", message, status=status
            )
        if status == 429:
            raise _rate_limited(response)
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
        """The chart's posting accounts, whole, in one request (no paging)."""
        return list(self._api("GET", "/v1/{org}/accounts/entry") or [])

    def deposit_accounts(self) -> list[dict[str, Any]]:
        """Bank and cash accounts: the candidates for the counter account of payments."""
        return list(self._api("GET", "/v1/{org}/accounts/deposit") or [])

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
        """Create kassekladde rows in ONE request → `[{"Id", "Version"}]` in order."""
        return list(
            self._api("POST", f"/{LEDGER_VERSION}/{{org}}/ledgeritems", write=True, json=items)
        )

    def update_ledger_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replace unbooked rows (each with `Id` and current `Version`) in one request."""
        return list(
            self._api("PUT", f"/{LEDGER_VERSION}/{{org}}/ledgeritems", write=True, json=items)
        )

    def ledger_item_status(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """`[{"Id", "Status", "VoucherNumber", "Version"}]`; an unknown Id refuses the call
        (REJECTED "row_not_found", field "[i].Id") — use `find_ledger_items` to tolerate it."""
        body = [{"Id": i} for i in ids]
        return list(self._api("POST", "/v1/{org}/ledgeritems/status", json=body))

    def find_ledger_items(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Status of the rows that exist among `ids` (Id → status); missing Ids are left out.

        The status call is all-or-nothing, so unknown Ids are dropped and the call repeated.
        """
        wanted = [str(i).lower() for i in ids]
        while wanted:
            try:
                rows = self.ledger_item_status(wanted)
            except DineroValidationError as exc:
                missing = {
                    i for i, errs in exc.rows().items() if any("notfound" in m.lower()
                                                               for m in errs.values())
                }  # fmt: skip
                if not missing:
                    raise
                wanted = [w for n, w in enumerate(wanted) if n not in missing]
                continue
            return {str(r.get("Id", "")).lower(): r for r in rows}
        return {}

    def list_ledger_items(self, **filters: str) -> list[dict[str, Any]]:
        """Unbooked rows (`GET …/ledgeritems/ledgers`, UNCONFIRMED path and filters)."""
        return list(self._api("GET", "/v1/{org}/ledgeritems/ledgers", params=filters or None))

    def upload_file(self, *, filename: str, content: bytes, content_type: str) -> str:
        """Upload a bill's document → its FileGuid, for a row's `FileGuid`."""
        body = self._api(
            "POST",
            "/v1/{org}/files",
            write=True,
            files={"file": (filename or "document", content, content_type)},
        )
        guid = (body or {}).get("FileGuid") if isinstance(body, dict) else None
        if not guid:
            raise AccountingError(ErrorKind.REJECTED, "file_rejected", "no FileGuid in answer")
        return str(guid)


def accounts_from(entry: list[dict[str, Any]], deposit: list[dict[str, Any]]) -> list[Account]:
    """Dinero's two account lists as one chart; deposit accounts get kind "deposit"."""
    deposit_numbers = {str(d.get("AccountNumber")) for d in deposit}
    out: dict[str, Account] = {}
    for row in entry:
        number = str(row.get("AccountNumber"))
        category = str(row.get("Category") or "")
        kind = "deposit" if number in deposit_numbers else _CATEGORY_KIND.get(category.lower(), "")
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
