"""e-conomic REST client (restapi.e-conomic.com): HTTP only, no Django.

Facts it rests on are in /work/shared/api/economic.md (§ numbers below). Every failure becomes an
`AccountingError` whose kind tells the sync engine how to react:

- 401 (revoked or wrong grant) and 403 (the app's role lacks a right) → CREDENTIALS
  `not_connected`;
- 429 (e-conomic's cost-based token bucket, §10.5) → waited out once when `Retry-After` is
  short (at most `wait_429` seconds), else RATE_LIMITED with the `Retry-After` seconds;
- a voucher dated in a barred or closed period (400, E04041 with `propertyName` "Date", §10.2)
  → UNAVAILABLE `period_locked`: nothing was written and nothing about the bill is wrong, so the
  sync engine keeps it waiting and tries again later (its words: `messages.py`);
- 5xx, or a connection that failed before the request was sent → UNAVAILABLE;
- a timeout or dropped connection after a write was sent → UNCERTAIN (the write may exist);
- 400/404/409/415 on a write → REJECTED with e-conomic's own words in `detail`.

Reads for finding an entry again (§10.6): draft entries of every kassekladde and booked entries
of an accounting year, by the reference billbridge writes into the entry text; accounting
periods from the legacy API (`closed` only) and from the AccountingYears API (`isBarred` too).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.transport import CallInfo, HttpClient

DEFAULT_API_URL = "https://restapi.e-conomic.com"
DEFAULT_OPENAPI_URL = "https://apis.e-conomic.com"  # the newer per-service APIs (§6, §10.10)
ACCOUNTING_YEARS_API = "/accountingyearsapi/v2.0.1"  # periods with isBarred (S5, 2026)
MAX_PAGE_SIZE = 1000  # §3.3
PERIODS_PAGE_SIZE = 100  # the AccountingYears API's cap (S5)
WAIT_429 = 2.0  # seconds: a shorter Retry-After is waited out in place, once
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def filter_value(value: str) -> str:
    """Escape a value for e-conomic's `filter=` grammar (§3.4)."""
    out = value.replace("$", "$$")
    for ch in "()*,[]":
        out = out.replace(ch, "$" + ch)
    return out


def url_id(value: str) -> str:
    """e-conomic's self-link encoding of an id in a URL (§5.7), e.g. 2025/2026 → 2025_6_2026."""
    table = {
        "_": "_8_", "<": "_0_", ">": "_1_", "*": "_2_", "%": "_3_", ":": "_4_", "&": "_5_",
        "/": "_6_", "\\": "_7_", " ": "_9_", "?": "_10_", ".": "_11_", "#": "_12_", "+": "_13_",
    }  # fmt: skip
    return "".join(table.get(ch, ch) for ch in value)


def error_detail(response: httpx.Response) -> str:
    """e-conomic's message plus the leaf validation messages, for logs and the UI."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if not isinstance(body, dict):
        return str(body)[:300]
    parts = [str(body.get("message") or "")]
    parts += [leaf.get("errorMessage") or leaf.get("message") or "" for leaf in _leaves(body)]
    return " ".join(p for p in dict.fromkeys(parts) if p)[:500]


def _leaves(node: Any) -> Iterator[dict[str, Any]]:
    """All leaf errors of an e-conomic error body, old and 2026 shapes (§5.2)."""
    if isinstance(node, dict):
        if "errorCode" in node and ("errorMessage" in node or "propertyName" in node):
            yield node
        for key, value in node.items():
            if key not in ("message", "developerHint"):
                yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item)


def rejected_indexes(response: httpx.Response) -> dict[int, AccountingError]:
    """For a refused bulk POST: array index → that voucher's own error (§5.2 b)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    errors = body.get("errors") if isinstance(body, dict) else None
    out: dict[int, AccountingError] = {}
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict) and isinstance(item.get("arrayIndex"), int):
                words = [
                    leaf.get("errorMessage") or leaf.get("message") or "" for leaf in _leaves(item)
                ]
                detail = " ".join(w for w in dict.fromkeys(words) if w)
                out[item["arrayIndex"]] = rejection(item, detail, response.status_code)
    return out


def is_period_locked(body: Any) -> bool:
    """True when every refusal in `body` is a date in a barred or closed period: E04041 under
    `propertyName` "Date" (§10.2). E04041 alone also means a missing account, told apart by the
    property name (S5: "Matching the bare code cost us both")."""
    leaves = list(_leaves(body))
    return bool(leaves) and all(
        leaf.get("errorCode") == "E04041" and str(leaf.get("propertyName", "")).lower() == "date"
        for leaf in leaves
    )


def period_locked(detail: str, status: int | None = 400) -> AccountingError:
    """The bill waits: the bookkeeper has locked the period of its date (nothing was written)."""
    return AccountingError(ErrorKind.UNAVAILABLE, "period_locked", detail, status=status)


def rejection(body: Any, detail: str, status: int) -> AccountingError:
    """A REJECTED error: `unknown_account` (with params["account"]) when e-conomic names one; a
    refusal that is only a locked period is `period_locked` instead (it waits, see above)."""
    if is_period_locked(body):
        return period_locked(detail, status)
    account = next(
        (
            leaf.get("inputValue") if "inputValue" in leaf else leaf.get("value")
            for leaf in _leaves(body)
            if leaf.get("errorCode") == "E07150"
        ),
        None,
    )
    return AccountingError(
        ErrorKind.REJECTED,
        _code_for(body),
        detail,
        status=status,
        params={"account": str(account)} if account is not None else None,
    )


def _code_for(body: Any) -> str:
    """`unknown_account` when e-conomic names a missing/barred account, else `rejected`."""
    codes = {leaf.get("errorCode") for leaf in _leaves(body)}
    return "unknown_account" if "E07150" in codes else "rejected"


def _retry_after(response: httpx.Response) -> float:
    """`Retry-After` in seconds: e-conomic sends integer seconds (S5); anything else → 1 s."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return 1.0


def _header_safe(value: str) -> bool:
    """Printable ASCII, as every token e-conomic issues is: what an HTTP header can carry."""
    return all(32 <= ord(ch) < 127 for ch in value)


class EconomicClient(HttpClient):
    """One agreement, reached with the app's secret token and the agreement's grant token.

    `http` lets the caller supply an audited/shared `httpx.Client` (its base_url is ignored:
    paths are joined to `base_url` here).
    """

    def __init__(
        self,
        app_secret_token: str,
        agreement_grant_token: str,
        *,
        base_url: str = DEFAULT_API_URL,
        openapi_url: str = DEFAULT_OPENAPI_URL,
        http: httpx.Client | None = None,
        timeout: float = 15.0,
        on_call: Callable[[CallInfo], None] | None = None,
        throttle: Callable[[], None] | None = None,
        wait_429: float = WAIT_429,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.openapi_url = openapi_url.rstrip("/")
        self.wait_429 = wait_429
        if not _header_safe(agreement_grant_token):
            # No e-conomic token has such characters, and HTTP cannot carry them in a header
            # (a UnicodeEncodeError, a 500, found by schemathesis; issue 15 item 4): answered
            # as e-conomic answers a wrong token, without asking it.
            raise AccountingError(
                ErrorKind.CREDENTIALS, "not_connected", "grant token with non-ASCII characters"
            )
        self._headers = {
            "X-AppSecretToken": app_secret_token,
            "X-AgreementGrantToken": agreement_grant_token,
            "Accept": "application/json",
        }
        super().__init__(
            http=http, timeout=timeout, max_connections=20, on_call=on_call, throttle=throttle
        )

    # ------------------------------------------------------------------ transport

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        files: Any = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """One call; any failure raised as AccountingError (see module doc); audited."""
        headers = dict(self._headers)
        if idempotency_key and method in WRITE_METHODS:
            headers["Idempotency-Key"] = idempotency_key  # §5.3: replayed for one hour
        content = None
        if json_body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(json_body, separators=(",", ":")).encode()
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        for attempt in range(2):
            response = self._send(
                method,
                url,
                urlsplit(url).path,
                write=method in WRITE_METHODS,
                params=params,
                content=content,
                files=files,
                headers=headers,
            )
            wait = _retry_after(response) if response.status_code == 429 else None
            # A 429 is answered before anything is done (§10.5), so sending again is safe.
            if wait is None or attempt or wait > self.wait_429:
                break
            time.sleep(wait)
        if response.status_code >= 400:
            self._raise(response)
        return response

    @staticmethod
    def _raise(response: httpx.Response) -> None:
        status = response.status_code
        detail = error_detail(response)
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if status in (401, 403):
            # 401: wrong or revoked grant; 403: the role lacks rights (there is no "API access"
            # switch on an agreement, §10.4).
            raise AccountingError(ErrorKind.CREDENTIALS, "not_connected", detail, status=status)
        if status == 429:
            raise AccountingError(
                ErrorKind.RATE_LIMITED,
                "rate_limited",
                detail,
                retry_after=_retry_after(response),
                status=status,
            )
        if status >= 500:
            raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", detail, status=status)
        error = rejection(body, detail, status)
        error.response = response  # type: ignore[attr-defined]  # for bulk per-voucher errors
        raise error

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None).json()

    def collection(
        self, path: str, *, filter: str | None = None, sort: str | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a collection, at the largest page size (1,000 accounts = 1 request)."""
        params: dict[str, Any] = {"pagesize": MAX_PAGE_SIZE, "skippages": 0}
        if filter:
            params["filter"] = filter
        if sort:
            params["sort"] = sort
        items: list[dict[str, Any]] = []
        while True:
            page = self.request("GET", path, params=params).json()
            items.extend(page.get("collection") or [])
            if not (page.get("pagination") or {}).get("nextPage"):
                return items
            params["skippages"] += 1

    # ------------------------------------------------------------------ reads

    def self_info(self) -> dict[str, Any]:
        """`GET /self`: the agreement behind the grant (§1.5); 200 means the grant works."""
        return dict(self.get("/self"))

    def journals(self) -> list[dict[str, Any]]:
        return self.collection("/journals")

    def accounts(self) -> list[dict[str, Any]]:
        return self.collection("/accounts")

    def vat_accounts(self) -> list[dict[str, Any]]:
        return self.collection("/vat-accounts")

    def accounting_years(self) -> list[dict[str, Any]]:
        return self.collection("/accounting-years")

    def suppliers(self, filter: str | None = None) -> list[dict[str, Any]]:
        return self.collection("/suppliers", filter=filter)

    def supplier_groups(self) -> list[dict[str, Any]]:
        """[GUESS] The official files hold no schema for `/supplier-groups`; the collection
        shape and `supplierGroupNumber`/`name` follow production fixtures (economic.md S4)."""
        return self.collection("/supplier-groups")

    def payment_terms(self) -> list[dict[str, Any]]:
        return self.collection("/payment-terms")

    def journal_entries(self, journal: int, filter: str | None = None) -> list[dict[str, Any]]:
        """Draft entries of a kassekladde (§2.7); filterable: text, entryType, date, amount."""
        return self.collection(f"/journals/{journal}/entries", filter=filter)

    def accounting_periods(self, year: str) -> list[dict[str, Any]]:
        """`GET /accounting-years/{year}/periods` (legacy): `closed` is e-conomic's *Status*
        only — a barred (*spærret*) period looks open here (S5, 2026); see `period_states`."""
        return self.collection(f"/accounting-years/{url_id(year)}/periods")

    def period_states(self) -> list[dict[str, Any]]:
        """Every accounting period of the agreement from the AccountingYears API, each with
        `periodNumber`, `year`, `dateFrom`, `dateTo`, `isClosed` and `isBarred` (S5's production
        client; no schema is published in the stored files). Pages of 100 until a short one."""
        path = f"{self.openapi_url}{ACCOUNTING_YEARS_API}/accountingYears/periods/paged"
        items: list[dict[str, Any]] = []
        for page in range(100):  # 10,000 periods: far beyond any agreement
            batch = self.request(
                "GET", path, params={"pageSize": PERIODS_PAGE_SIZE, "skipPages": page}
            ).json()
            if not isinstance(batch, list):
                break
            items.extend(batch)
            if len(batch) < PERIODS_PAGE_SIZE:
                break
        return items

    def booked_entries(self, year: str, filter: str | None = None) -> list[dict[str, Any]]:
        """Booked entries of an accounting year (`GET /accounting-years/{year}/entries`);
        filterable by `voucherNumber`, `text`, `date`, `supplier.supplierNumber` … (§10.6)."""
        return self.collection(f"/accounting-years/{url_id(year)}/entries", filter=filter)

    def find_booked_entries(self, year: str, reference: str) -> list[dict[str, Any]]:
        """Booked entries of `year` whose text holds `reference` (billbridge writes it there)."""
        rows = self.booked_entries(year, filter=f"text$like:{filter_value(reference)}")
        return [r for r in rows if reference in str(r.get("text") or "")]

    def find_draft_entries(
        self, reference: str, journals: Iterable[int] | None = None
    ) -> list[dict[str, Any]]:
        """Draft entries of every kassekladde (or of `journals`) whose text holds `reference`:
        an accountant may have moved the voucher to another one, renumbered (§10.6). Each row
        carries `journal.journalNumber`, added where e-conomic leaves it out."""
        numbers = (
            list(journals)
            if journals is not None
            else [int(j["journalNumber"]) for j in self.journals()]
        )
        found = []
        for number in numbers:
            for row in self.journal_entries(number, filter=f"text$like:{filter_value(reference)}"):
                if reference in str(row.get("text") or ""):
                    row.setdefault("journal", {"journalNumber": number})
                    found.append(row)
        return found

    # ------------------------------------------------------------------ writes

    def create_supplier(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """`POST /suppliers` (§4.1); returns the created supplier."""
        return dict(
            self.request(
                "POST", "/suppliers", json_body=body, idempotency_key=idempotency_key
            ).json()
        )

    def post_vouchers(
        self, journal: int, vouchers: list[dict[str, Any]], idempotency_key: str
    ) -> list[dict[str, Any]]:
        """`POST /journals/{n}/vouchers` with an array (bulk, all or nothing, §2.3/2.4)."""
        response = self.request(
            "POST",
            f"/journals/{journal}/vouchers",
            json_body=vouchers,
            idempotency_key=idempotency_key,
        )
        body = response.json()
        return body if isinstance(body, list) else [body]

    def delete_entry(self, journal: int, entry_number: int, idempotency_key: str) -> bool:
        """`DELETE /journals/{n}/entries/{entryNumber}`: remove one draft entry (restdocs);
        → False when it was gone already (a retry after a lost answer, or the accountant
        booked or moved it meanwhile: the caller tells which)."""
        try:
            self.request(
                "DELETE",
                f"/journals/{journal}/entries/{entry_number}",
                idempotency_key=idempotency_key,
            )
        except AccountingError as exc:
            if exc.status != 404:
                raise
            return False
        return True

    def attach_file(
        self,
        journal: int,
        year: str,
        voucher_number: int,
        content: bytes,
        filename: str,
        content_type: str,
        idempotency_key: str,
    ) -> None:
        """Attach the bill's document to a draft voucher (multipart, ≤ 9 MB, §2.6).

        A voucher that already has a file (an earlier try that lost its answer) counts as done.
        """
        path = f"/journals/{journal}/vouchers/{url_id(year)}-{voucher_number}/attachment/file"
        files = {"file": (filename or "document.pdf", content, content_type or "application/pdf")}
        try:
            self.request("POST", path, files=files, idempotency_key=idempotency_key)
        except AccountingError as exc:
            if exc.kind == ErrorKind.REJECTED and "already has attachment" in exc.detail.lower():
                return
            raise
