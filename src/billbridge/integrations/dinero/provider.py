"""Dinero as an AccountingSystem: R-1 rows into the kassekladde, in batches, exactly once.

One `post()` = at most a handful of requests whatever the batch size: one status call for rows
that may be updated, one PUT, one create (an array of rows), one status call for the voucher
numbers and versions, plus one upload per new document. Rows carry Ids we choose
(rules.row_id), so a retried create is refused with 409 instead of doubling a row, and
`find()` looks the row up by that Id after an uncertain failure. A refused batch is split by
the client (create_each/update_each) until each refusal belongs to one row.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings

from billbridge.integrations import vat
from billbridge.integrations.base import (
    Account,
    AccountingError,
    EntryToPost,
    ErrorKind,
    PostedEntry,
)
from billbridge.integrations.dinero import rules, visma
from billbridge.integrations.dinero.client import (
    EXISTS,
    UPLOADABLE_TYPES,
    DineroClient,
    DineroValidationError,
    account_in,
    classify_validation,
    is_booked,
)
from billbridge.integrations.http import audit_hook, http_client
from billbridge.integrations.models import Integration
from billbridge.integrations.pacing import limiter

KEY = "dinero"
# The registry entry (integrations/registry.py) tells the engine that a paid bill updates its
# invoice row (rules.py explains why) and how many rows one create carries.
# A document just uploaded may not be usable for "a second" (dinero-openapi.json): a row that
# names it is tried again this many times, DINERO_FILE_RETRY_SECONDS (1 s) apart.
FILE_RETRIES = 2
# Documents uploaded at once (issue 16 item 2); the organisation's minute sets the pace, this
# only the connections in flight. An upload leaves this many calls of the minute to the rows
# that name the documents: a create, its status call, two tries of a document not usable yet.
UPLOAD_WORKERS = 4
UPLOAD_LEAVES = 4
# Dinero counts 100 requests a minute; ours are counted when sent, Dinero's when they arrive,
# so our minute is a second longer [GUESS: a call reaches Dinero within a second].
WINDOW_SECONDS = 61.0


# The organisations' VAT types as last read by this process: organisation → (when, types).
_VAT_TYPES: dict[str, tuple[float, list[dict[str, Any]]]] = {}
_VAT_LOCK = threading.Lock()


def forget_vat_types() -> None:
    """The VAT types are read again before the next posting (tests; a changed setting)."""
    with _VAT_LOCK:
        _VAT_TYPES.clear()


def _setting(name: str) -> float:
    """A number Dinero's registry entry declares: settings, the environment, else its default
    there (the one place a provider's settings and their defaults are written)."""
    from billbridge.integrations import registry

    return float(registry.get(KEY).setting(name))


def client_for(
    *,
    api_key: str = "",
    organization_id: str,
    company_id: int | None = None,
    token_source: Callable[[bool], str] | None = None,
) -> DineroClient:
    """A client wired to settings: URLs, app credentials, timeout, audit log, rate limit;
    with the API key (personal integration) or a Visma Connect `token_source`.

    Rate limit per organisation from Dinero's documented limit, 100 requests a minute
    (DINERO_REQUESTS_PER_MINUTE), as Dinero counts it: any WINDOW_SECONDS carry at most that
    many calls, all of them at once if need be (issue 16 item 2: a burst of 10 and 1.5 calls a
    second after it made 40 calls take 20 s that Dinero allows in one), shared by every
    worker (pacing).
    """
    per_minute = _setting("DINERO_REQUESTS_PER_MINUTE")
    bucket = limiter(
        f"{KEY}:{organization_id}",
        rate=per_minute / 60.0,
        burst=per_minute,
        window=(max(1, int(per_minute)), WINDOW_SECONDS),
    )
    return DineroClient(
        api_url=settings.DINERO_API_URL,
        auth_url=settings.DINERO_AUTH_URL,
        client_id=settings.DINERO_CLIENT_ID,
        client_secret=settings.DINERO_CLIENT_SECRET,
        api_key=api_key,
        organization_id=organization_id,
        token_source=token_source,
        on_call=audit_hook(company_id=company_id, provider=KEY) if company_id else None,
        throttle=bucket,
        http=http_client(),
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _row_error(exc: AccountingError) -> AccountingError:
    """A row's refusal as the engine needs it (the code of Dinero's first message)."""
    if isinstance(exc, DineroValidationError) and exc.errors:
        return _reject(exc.errors)
    return exc


def _reject(errors: dict[str, str]) -> AccountingError:
    """One row's validation errors → a REJECTED error with the first one's code."""
    field, message = next(iter(errors.items()))
    code = classify_validation(field, message)
    return AccountingError(
        ErrorKind.REJECTED,
        code,
        "; ".join(f"{k}: {v}" for k, v in errors.items())[:1000],
        field=field,
        params={"account": account_in(message)} if code == "unknown_account" else None,
    )


def _vat_error(problem: vat.VatProblem) -> AccountingError:
    """The bill's VAT (or money) cannot be booked as it says: words for a person (R-5)."""
    return AccountingError(
        ErrorKind.REJECTED, problem.code, str(problem)[:300], params=problem.params
    )


FILE_KEYS = ("file_guid", "file_sha256")


def _with_upload(
    error: AccountingError, entry: EntryToPost, meta: dict[str, Any] | None
) -> AccountingError:
    """A failed new row whose document was uploaded: the error carries the FileGuid as its
    `progress`, which the engine keeps, so the next try does not upload it again."""
    kept = {k: meta[k] for k in FILE_KEYS if meta and meta.get(k)}
    if not kept or all(entry.remote_data.get(k) == v for k, v in kept.items()):
        return error
    return error.with_progress({**entry.remote_data, **kept})


def _is_booked_refusal(outcome: Any) -> bool:
    """Dinero refused a change because the row is booked (it can no longer change)."""
    return isinstance(outcome, AccountingError) and _row_error(outcome).code == "row_booked"


def _invoice_part(meta: dict[int, dict[str, Any]], i: int) -> bool:
    return meta.get(i, {}).get("part", "invoice") == "invoice"


class DineroProvider:
    """A company's Dinero organisation, from its Integration row."""

    key = KEY

    def __init__(self, integration: Integration, *, client: DineroClient | None = None) -> None:
        self.integration = integration
        creds = integration.credentials
        organization_id = creds.get("organization_id") or integration.settings.get(
            "organization_id", ""
        )
        if client is not None:
            self.client = client
        elif visma.is_visma(creds):
            self.client = client_for(
                organization_id=organization_id,
                company_id=integration.company_id,
                token_source=visma.token_source(integration.pk),
            )
        elif creds.get("api_key"):
            self.client = client_for(
                api_key=creds["api_key"],
                organization_id=organization_id,
                company_id=integration.company_id,
            )
        else:
            raise AccountingError(ErrorKind.CREDENTIALS, "not_connected", "no credentials")
        chart = integration.remote_data.get("accounts", [])
        choices = integration.settings
        self.rules = rules.DineroRules(
            fallback_account=str(choices.get("fallback_account", "99999")),
            payment_account=str(choices.get("payment_account", "55000")),
            vat_codes={str(a["number"]): str(a.get("vat_code") or "") for a in chart},
            # The set-up's choices (issue 11 items 1 and 3), Dinero's standard by default.
            reverse_charge_code=str(
                choices.get("reverse_charge_vat_code") or rules.DEFAULT_REVERSE_CHARGE_CODE
            ),
            exchange_difference_account=str(
                choices.get("exchange_difference_account")
                or rules.default_exchange_difference_account(
                    Account(**a) for a in chart if isinstance(a, dict) and "name" in a
                )
            ),
        )
        self._rates_read = False

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------------ protocol
    def check_connection(self) -> None:
        self.client.deposit_accounts()

    def fetch_accounts(self) -> list[Account]:
        return self.client.accounts()

    def _with_rates(self) -> None:
        """The organisation's VAT codes and rates (`vatTypes`): the rates the VAT rule needs
        (R-5) are the system's, not assumed. Read once per organisation and process every
        DINERO_VAT_TYPES_SECONDS (issue 16 item 2: one call of the organisation's 100 a minute
        at every wake-up of a worker otherwise)."""
        if self._rates_read:
            return
        stored = self.integration.remote_data.get("vat_types")
        types = stored if stored else self._vat_types()
        self.rules = dataclasses.replace(self.rules, vat_rates=rules.vat_rates(types))
        self._rates_read = True

    def _vat_types(self) -> list[dict[str, Any]]:
        org = self.client.organization_id
        ttl = _setting("DINERO_VAT_TYPES_SECONDS")
        with _VAT_LOCK:
            cached = _VAT_TYPES.get(org)
        if cached is not None and time.monotonic() - cached[0] < ttl:
            return cached[1]
        types = self.client.vat_types()
        with _VAT_LOCK:
            _VAT_TYPES[org] = (time.monotonic(), types)
        return types

    def find(self, entry: EntryToPost) -> PostedEntry | None:
        """The entry's row if it reached Dinero (looked up by its Id), else None."""
        return self.find_many([entry])[0]

    def find_many(self, entries: Sequence[EntryToPost]) -> list[PostedEntry | None]:
        """`find()` for a batch's entries in doubt, with ONE status call for all their rows
        (issue 14: one call per row spent the organisation's 100 requests a minute on
        look-ups, and a batch of rows in doubt held its claim for a minute).

        Finding the row is no proof that the latest change reached it (a retried create
        refused with 409 whose answer was lost; a payment made meanwhile; the accountant
        booking it): the row is returned as not `complete`, so the engine sends the current
        version to it (an update of an unbooked row, a payment row for a booked one)."""
        rows = [self._row_id(entry) for entry in entries]
        ids = list(rows)
        ids += [e.remote_data["payment_pending"] for e in entries if e.remote_data.get(
            "payment_pending")]  # fmt: skip
        # A row wrongly taken for missing is harmless here: its create is refused with 409
        # and becomes an update; so the status call trusts the refusal's names.
        found = self.client.find_ledger_items(ids, trust_named=True) if ids else {}
        return [self._found(entry, row, found) for entry, row in zip(entries, rows, strict=True)]

    @staticmethod
    def _row_id(entry: EntryToPost) -> str:
        data = entry.remote_data
        return str(data.get("id") or rules.row_id(entry.reference, generation=data.get("gen", 0)))

    def _found(
        self, entry: EntryToPost, row: str, found: dict[str, dict[str, Any]]
    ) -> PostedEntry | None:
        data = dict(entry.remote_data)
        if row.lower() not in found:
            return None
        status = found[row.lower()]
        intent = data.pop("intent", None) or {}
        known_version = data.get("version")
        if intent.get("balancing_account") and status.get("Version") != known_version:
            # The row changed since we last knew it: the write in doubt landed, so the row
            # names what that write sent. [GUESS: only our writes change a row's Version
            # before it is booked; booking may change it too, which then reads as landed.]
            data["balancing_account"] = intent["balancing_account"]
        data.update(
            id=row,
            version=status.get("Version"),
            gen=data.get("gen", 0),
            voucher=status.get("VoucherNumber"),
        )
        data["booked"] = is_booked(status)
        data.setdefault(
            "balancing_account", rules.balancing_account(entry.bill, entry.payment, self.rules)
        )
        if data.get("payment_pending"):
            pay = found.get(str(data.pop("payment_pending")).lower())
            if pay is not None:
                data["payment"] = {"id": pay["Id"], "voucher": pay.get("VoucherNumber")}
        return PostedEntry(str(status.get("VoucherNumber") or ""), data, complete=False)

    def post(self, entries: Sequence[EntryToPost]) -> list[PostedEntry | AccountingError]:
        """Post new rows and update unbooked ones: one result per entry, in order."""
        results: list[PostedEntry | AccountingError | None] = [None] * len(entries)
        creates: dict[int, rules.LedgerRow] = {}
        meta: dict[int, dict[str, Any]] = {}
        updates: list[int] = []
        built: dict[int, rules.LedgerRow] = {}
        if any(entry.kind == "invoice" for entry in entries):
            try:
                self._with_rates()
            except AccountingError as exc:  # a read: nothing was written, whatever happened
                if exc.kind == ErrorKind.UNCERTAIN:
                    raise AccountingError(ErrorKind.UNAVAILABLE, exc.code, exc.detail) from exc
                raise
        for i, entry in enumerate(entries):
            if entry.kind != "invoice":
                # Dinero has no separate payment entries (see rules.py): nothing to send.
                results[i] = PostedEntry("", {"included_in_invoice_row": True})
                continue
            if entry.remote_data.get("id"):
                problem = self._vat_problem(entry)
                if problem is not None:
                    results[i] = problem
                    continue
                updates.append(i)
                continue
            # A document uploaded by an earlier try is used again (issue 14 item 3).
            kept = {k: entry.remote_data[k] for k in FILE_KEYS if entry.remote_data.get(k)}
            meta[i] = {"gen": int(entry.remote_data.get("gen", 0)), **kept}
            try:  # the row is built once: its VAT check is the building (issue 16 item 1)
                built[i] = self._row(entry, meta[i])
            except vat.VatProblem as problem:
                del meta[i]
                results[i] = _vat_error(problem)
        try:
            self._prepare_updates(entries, updates, results, creates, meta)
            for i in [i for i in meta if i not in creates and results[i] is None]:
                creates[i] = built.get(i) or self._row(entries[i], meta[i])
            self._attach_files(entries, creates, meta, results)
            self._create(entries, creates, meta, results)
        except AccountingError as exc:
            for i, r in enumerate(results):
                if r is None:
                    results[i] = exc
        out: list[PostedEntry | AccountingError] = []
        for i, result in enumerate(results):
            result = result if result is not None else AccountingError(
                ErrorKind.UNCERTAIN, "unknown")  # fmt: skip
            if isinstance(result, AccountingError):
                result = _with_upload(result, entries[i], meta.get(i))
            out.append(result)
        return out

    def intent(self, entry: EntryToPost) -> dict[str, Any]:
        """What the row will name once this write lands, kept by the engine before the write:
        if the answer is lost and the accountant books the row, find() still knows which
        balancing account the booked row holds, so a payment made meanwhile is moved by a
        payment row (issue 14: payments lost)."""
        if entry.kind != "invoice":
            return {}
        return {"balancing_account": rules.balancing_account(entry.bill, entry.payment, self.rules)}

    # ------------------------------------------------------------------ steps
    def _vat_problem(self, entry: EntryToPost) -> AccountingError | None:
        """The bill's VAT (or money) cannot be booked as it says: the words for a person,
        never a guessed row (R-5)."""
        try:
            rules.invoice_row(entry.bill, entry.payment, self.rules, row_id="check")
        except vat.VatProblem as problem:
            return _vat_error(problem)
        return None

    def _row(self, entry: EntryToPost, data: dict[str, Any]) -> rules.LedgerRow:
        gen = int(data.get("gen", 0))
        return rules.invoice_row(
            entry.bill,
            entry.payment,
            self.rules,
            row_id=data.get("id") or rules.row_id(entry.reference, generation=gen),
            file_guid=data.get("file_guid"),
        )

    @staticmethod
    def _wants_upload(entry: EntryToPost, data: dict[str, Any]) -> bool:
        """A document Dinero can take, not uploaded for this entry yet."""
        doc = entry.document
        if not doc or entry.bill.document_content_type not in UPLOADABLE_TYPES:
            return False
        return not (data.get("file_sha256") == _sha(doc) and data.get("file_guid"))

    def _upload(self, entry: EntryToPost, data: dict[str, Any], *, leave: int = 0) -> None:
        """Upload the document unless this exact document is already attached."""
        if not self._wants_upload(entry, data):
            return
        doc = entry.document or b""
        ctype = entry.bill.document_content_type
        sha = _sha(doc)
        try:
            guid = self.client.upload_file(
                filename=entry.bill.document_name or "document",
                content=doc,
                content_type=ctype,
                leave=leave,
            )
        except AccountingError as exc:
            if exc.kind == ErrorKind.REJECTED:
                data["file_error"] = exc.code  # post the row without its document
                return
            if exc.kind == ErrorKind.UNCERTAIN:  # no row was written: an orphan file at most
                raise AccountingError(ErrorKind.UNAVAILABLE, exc.code, exc.detail) from exc
            raise
        data.update(file_guid=guid, file_sha256=sha)

    def _attach_files(
        self,
        entries: Sequence[EntryToPost],
        creates: dict[int, rules.LedgerRow],
        meta: dict[int, dict[str, Any]],
        results: list[Any],
    ) -> None:
        """Upload the new rows' documents, UPLOAD_WORKERS at once, each on the organisation's
        shared minute (issue 16 item 2), leaving UPLOAD_LEAVES of it to the rows. A document
        the minute has no room for (or that met an outage) keeps its row back with that
        error, and the rows whose documents went up are created now; what was uploaded is
        kept (`_with_upload`) and not uploaded again."""
        jobs = [
            i
            for i in creates
            if results[i] is None
            and creates[i].file_guid is None
            and meta[i].get("part", "invoice") == "invoice"
            and self._wants_upload(entries[i], meta[i])
        ]
        if not jobs:
            return

        def upload(i: int) -> AccountingError | None:
            try:
                self._upload(entries[i], meta[i], leave=UPLOAD_LEAVES)
            except AccountingError as exc:
                return exc
            return None

        if len(jobs) == 1:
            outcomes = [upload(jobs[0])]
        else:
            self.client.token()  # one token for every thread
            calls: list[Any] = []
            hook, self.client.on_call = self.client.on_call, calls.append
            try:  # audited in this thread, as `accounts()` does
                with ThreadPoolExecutor(max_workers=min(UPLOAD_WORKERS, len(jobs))) as pool:
                    outcomes = list(pool.map(upload, jobs))
            finally:
                self.client.on_call = hook
                if hook is not None:
                    for call in calls:
                        hook(call)
        uploaded = False
        for i, outcome in zip(jobs, outcomes, strict=True):
            if outcome is not None:
                if outcome.kind in (ErrorKind.CREDENTIALS, ErrorKind.BLOCKED):
                    raise outcome  # nothing will go: the whole batch holds
                results[i] = outcome  # this row waits for its document
            elif meta[i].get("file_guid"):
                creates[i] = dataclasses.replace(creates[i], file_guid=meta[i]["file_guid"])
                uploaded = True
        if uploaded:
            # "It might take a second for the file to be accessible": a create naming a file
            # too new is refused whole, and finding the refused rows costs calls of the
            # minute (status calls, halves); a second's wait costs none.
            time.sleep(_setting("DINERO_FILE_RETRY_SECONDS"))

    def _prepare_updates(
        self,
        entries: Sequence[EntryToPost],
        updates: list[int],
        results: list[Any],
        creates: dict[int, rules.LedgerRow],
        meta: dict[int, dict[str, Any]],
    ) -> None:
        """Rows posted before: PUT the unbooked, re-post the deleted, pay the booked."""
        if not updates:
            return
        data = {i: dict(entries[i].remote_data) for i in updates}
        status = self.client.find_ledger_items(data[i]["id"] for i in updates)
        to_put: dict[int, tuple[rules.LedgerRow, str]] = {}
        for i in updates:
            d = data[i]
            st = status.get(str(d["id"]).lower())
            if st is None:  # deleted in Dinero: post it again as a new row
                meta[i] = {"gen": int(d.get("gen", 0)) + 1}
                continue
            if is_booked(st):  # PendingBooking too: it can no longer change
                self._booked(entries[i], d, st, results, creates, meta, i)
                continue
            self._upload(entries[i], d)
            to_put[i] = (self._row(entries[i], d), str(st.get("Version")))
            d["voucher"] = st.get("VoucherNumber")
        if not to_put:
            return
        rows = {i: row for i, (row, _) in to_put.items()}
        outcomes = self._write(
            rows,
            lambda slots: self.client.update_each([rows[i].to_json(to_put[i][1]) for i in slots]),
            data,
        )
        done = []
        booked_now = [i for i, o in outcomes.items() if _is_booked_refusal(o)]
        if booked_now:  # booked between the status call and the PUT: not the bill's fault
            now = self.client.find_ledger_items(data[i]["id"] for i in booked_now)
            for i in booked_now:
                st = now.get(str(data[i]["id"]).lower())
                if st is not None and is_booked(st):
                    outcomes.pop(i)
                    self._booked(entries[i], data[i], st, results, creates, meta, i)
        for i, outcome in outcomes.items():
            if outcome is not None:
                results[i] = outcome
                continue
            data[i].update(balancing_account=rows[i].balancing_account, booked=False)
            if rows[i].file_guid:
                data[i].pop("file_pending", None)  # the document is attached now
            done.append(i)
        self._settle(done, {i: rows[i].id for i in done}, data, results)

    def _write(
        self,
        rows: dict[int, rules.LedgerRow],
        send: Callable[[list[int]], list[Any]],
        notes: dict[int, dict[str, Any]],
    ) -> dict[int, Any]:
        """Send rows (create_each or update_each) → per slot None, EXISTS or its error.

        A document Dinero has not made usable yet ("it might take a second") is waited for:
        its row is sent again FILE_RETRIES times, DINERO_FILE_RETRY_SECONDS apart, then without
        the document, which goes with the row's next update (`file_pending`; `rows` changes).
        """
        outcomes: dict[int, Any] = {}
        pending = list(rows)
        for attempt in range(FILE_RETRIES + 2):
            if not pending:
                break
            retry = []
            for i, outcome in zip(pending, send(pending), strict=True):
                refusal = _row_error(outcome) if isinstance(outcome, AccountingError) else None
                if refusal is not None and refusal.code == "unknown_file" and rows[i].file_guid:
                    if attempt >= FILE_RETRIES:
                        rows[i] = dataclasses.replace(rows[i], file_guid=None)
                        notes[i]["file_pending"] = True
                    retry.append(i)
                    continue
                outcomes[i] = refusal if refusal is not None else outcome
            pending = retry
            if pending and attempt < FILE_RETRIES:
                time.sleep(_setting("DINERO_FILE_RETRY_SECONDS"))
        return outcomes

    def _settle(
        self,
        slots: list[int],
        row_ids: dict[int, str],
        data: dict[int, dict[str, Any]],
        results: list[Any],
    ) -> None:
        """Rows that were written: their current Version and voucher number from one status
        call, then their results."""
        if not slots:
            return
        try:
            status = self.client.find_ledger_items(row_ids[i] for i in slots)
        except AccountingError as exc:
            # Written, but unread: find() will read them.
            for i in slots:
                results[i] = AccountingError(ErrorKind.UNCERTAIN, exc.code, exc.detail)
            return
        for i in slots:
            st = status.get(row_ids[i], {})
            d = data[i]
            d.update(version=st.get("Version") or d.get("version"), voucher=st.get("VoucherNumber"))
            results[i] = PostedEntry(str(d.get("voucher") or ""), d)

    def _booked(
        self,
        entry: EntryToPost,
        d: dict[str, Any],
        st: dict[str, Any],
        results: list[Any],
        creates: dict[int, rules.LedgerRow],
        meta: dict[int, dict[str, Any]],
        i: int,
    ) -> None:
        """A booked row can't change (R-1): only a payment to another account is posted."""
        d.update(booked=True, version=st.get("Version"), voucher=st.get("VoucherNumber"))
        d.pop("file_pending", None)  # a booked row takes no document any more
        booked_balancing = str(d.get("balancing_account") or self.rules.payment_account)
        pay_row = None
        if entry.payment is not None and not d.get("payment"):
            pay_row = rules.payment_row(
                entry.bill,
                entry.payment,
                self.rules,
                booked_balancing_account=booked_balancing,
                row_id=rules.row_id(entry.reference, part="payment"),
            )
        if pay_row is None:
            results[i] = PostedEntry(str(st.get("VoucherNumber") or ""), d)
            return
        d["payment_pending"] = pay_row.id
        meta[i] = {"part": "payment", "invoice": d}
        creates[i] = pay_row

    def _create(
        self,
        entries: Sequence[EntryToPost],
        creates: dict[int, rules.LedgerRow],
        meta: dict[int, dict[str, Any]],
        results: list[Any],
    ) -> None:
        """Create rows in one request; the client tells which rows Dinero refused. Rows that
        exist already (409: an earlier attempt landed) are updated to the current content.
        A document Dinero has not made usable yet is waited for a little; then the row goes
        without it and the FileGuid is attached with the row's next update."""
        rows = {i: creates[i] for i in creates if results[i] is None}
        outcomes = self._write(
            rows, lambda slots: self.client.create_each([rows[i].to_json() for i in slots]), meta
        )
        creates.update(rows)
        existing: list[int] = []
        for i, outcome in outcomes.items():
            if outcome == EXISTS:
                existing.append(i)
            elif outcome is not None:
                results[i] = outcome
        booked: dict[int, dict[str, Any]] = {}
        if existing:
            status = self.client.find_ledger_items(creates[i].id for i in existing)
            order = [i for i in existing if creates[i].id in status and not is_booked(
                status[creates[i].id])]  # fmt: skip
            booked = {
                i: status[creates[i].id]
                for i in existing
                if creates[i].id in status and i not in order and _invoice_part(meta, i)
            }
            errors = self.client.update_each(
                [creates[i].to_json(str(status[creates[i].id]["Version"])) for i in order]
            )
            for i, err in zip(order, errors, strict=True):
                if err is not None and _is_booked_refusal(err) and _invoice_part(meta, i):
                    booked[i] = {**status[creates[i].id], "Status": "Booked"}
                elif err is not None:
                    results[i] = _row_error(err)
        if booked:
            # The row an earlier attempt created is booked already (the accountant was
            # quicker than our retry): a payment made meanwhile goes as a payment row.
            again: dict[int, rules.LedgerRow] = {}
            for i, st in booked.items():
                m = {k: v for k, v in meta.get(i, {}).items() if k != "part"}
                d = {**m, "id": creates[i].id, "balancing_account": creates[i].balancing_account}
                d["balancing_account"] = (entries[i].remote_data.get("intent") or {}).get(
                    "balancing_account"
                ) or d["balancing_account"]
                self._booked(entries[i], d, st, results, again, meta, i)
            if again:
                self._create(entries, again, meta, results)
            for i in booked:
                creates.pop(i, None)
        written = [i for i in creates if results[i] is None]
        data: dict[int, dict[str, Any]] = {}
        for i in written:
            row = creates[i]
            m = meta.get(i, {})
            if m.get("part") == "payment":
                data[i] = {"payment_of": m["invoice"]}
                continue
            d = {k: v for k, v in m.items() if k != "part"}
            d.update(id=row.id, balancing_account=row.balancing_account, booked=False)
            data[i] = d
        self._settle(written, {i: creates[i].id for i in written}, data, results)
        for i in written:  # a payment row: the invoice row's data, with the payment in it
            result = results[i]
            if "payment_of" in data[i] and isinstance(result, PostedEntry):
                d = dict(data[i]["payment_of"])
                d.pop("payment_pending", None)
                d["payment"] = {"id": creates[i].id, "voucher": result.remote_data.get("voucher"),
                                "version": result.remote_data.get("version")}  # fmt: skip
                results[i] = PostedEntry(str(d.get("voucher") or ""), d)
