"""What every accounting system offers billbridge, and what can go wrong talking to one.

Providers (integrations/<key>/provider.py) implement `AccountingSystem`; the sync engine and
the UI use nothing else. Clients (integrations/<key>/client.py) speak HTTP and know no Django.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from billbridge.integrations.currency import Rate
from billbridge.integrations.vat import VatSubtotal


@dataclass(frozen=True)
class Account:
    """One account of the chart ("kontoplan")."""

    number: str
    name: str
    vat_code: str = ""
    # "expense", "income", "balance", "deposit" (bank/cash), "heading"… as the system says.
    kind: str = ""
    group: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class Journal:
    """A kassekladde."""

    number: str
    name: str


@dataclass(frozen=True)
class VatCode:
    code: str
    name: str
    rate: Decimal | None = None


@dataclass(frozen=True)
class RemoteSupplier:
    number: str
    name: str
    cvr: str = ""


@dataclass(frozen=True)
class BillSnapshot:
    """A bill as the posting rules need it: plain values, no ORM objects (rules are pure)."""

    bill_id: int
    supplier_name: str
    supplier_cvr: str
    supplier_vat_number: str
    supplier_country: str
    supplier_address: str
    invoice_number: str
    issue_date: dt.date
    due_date: dt.date | None
    currency: str
    total: Decimal  # including VAT; negative for a credit note
    vat_amount: Decimal
    text: str
    category_id: int | None
    category_account: str  # "" when the bill has no category
    payment_method_id: int | None
    payment_method_account: str
    document_name: str = ""
    document_content_type: str = ""
    # The e-invoice's VAT subtotals (R-5; empty for a typed or scanned bill).
    vat_breakdown: tuple[VatSubtotal, ...] = ()
    # DKK for 100 units of `currency` the bill is posted at; None for a DKK bill.
    exchange_rate: Rate | None = None


@dataclass(frozen=True)
class PaymentSnapshot:
    date: dt.date
    amount: Decimal
    currency: str
    payment_method_id: int
    payment_method_account: str
    # What the payment cost in DKK, for a bill in another currency, and the rate it
    # was taken at; None for DKK.
    amount_base: Decimal | None = None
    exchange_rate: Rate | None = None


@dataclass(frozen=True)
class EntryToPost:
    """One sync record's worth of work, handed to a provider in batches."""

    sync_record_id: int
    kind: str  # "invoice" | "payment"
    bill: BillSnapshot
    payment: PaymentSnapshot | None
    # Unique, stable per sync record and version: sent as Idempotency-Key where honoured.
    idempotency_key: str
    # Written into the remote entry so it can be found again after an uncertain failure.
    reference: str
    # What an earlier successful post returned (row ids, versions…): present → update.
    remote_data: dict[str, Any] = field(default_factory=dict)
    document: bytes | None = None


@dataclass(frozen=True)
class PostedEntry:
    remote_reference: str  # the voucher number people see
    remote_data: dict[str, Any] = field(default_factory=dict)
    # From find(): False when the entry found may not hold the latest change sent (a row
    # found by its Id may still carry an earlier version: issue 14), so the engine sends the
    # current version to it as an update instead of taking it as posted.
    complete: bool = True


class ErrorKind(enum.StrEnum):
    """How the sync engine must react; the code says what happened, in words per language."""

    # Wrong/revoked/expired credentials: integration → needs attention, bills held.
    CREDENTIALS = "credentials"
    # Answered 429 / fair-use exceeded: retry after `retry_after`.
    RATE_LIMITED = "rate_limited"
    # 5xx, connection refused before sending: retry with backoff, nothing was written.
    UNAVAILABLE = "unavailable"
    # Timeout or dropped connection after sending: the write may have happened; look up.
    UNCERTAIN = "uncertain"
    # The system refused this entry (deleted account, validation): a person must act.
    REJECTED = "rejected"
    # The system takes no work at all until something outside billbridge changes (a full
    # kassekladde, a missing subscription, an endpoint switched off): nothing is wrong with
    # the bills, which wait; the integration needs attention and resumes by itself, probed
    # again after `retry_after` seconds, or, with no `retry_after`, when a person says so.
    BLOCKED = "blocked"


class AccountingError(Exception):
    """A failure talking to an accounting system.

    `code` is a stable key (e.g. "invalid_api_key", "unknown_account") that the UI turns into
    plain words in Danish or English; `params` fill in those words (`{"account": "1010"}`,
    `{"currency": "EUR"}`: plain values, stored with the sync record so the words can be shown
    in any language later); `detail` is the system's own message, for the audit log.
    """

    def __init__(
        self,
        kind: ErrorKind,
        code: str,
        detail: str = "",
        *,
        retry_after: float | None = None,
        status: int | None = None,
        field: str | None = None,
        params: Mapping[str, Any] | None = None,
        progress: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{kind}:{code}: {detail}")
        self.kind = kind
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.status = status
        self.field = field
        self.params: dict[str, Any] = {k: v for k, v in (params or {}).items() if v is not None}
        # What was done before the failure and must not be done again (Dinero: the uploaded
        # document's FileGuid): the entry's remote data to keep for the next attempt.
        self.progress: dict[str, Any] | None = dict(progress) if progress is not None else None

    def with_progress(self, progress: Mapping[str, Any]) -> AccountingError:
        """This error, carrying `progress` (a copy: one error may stand for many entries)."""
        copy = AccountingError.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.args = self.args
        copy.progress = dict(progress)
        return copy


@runtime_checkable
class AccountingSystem(Protocol):
    """A connected company's accounting system, built from its Integration row."""

    key: str

    def check_connection(self) -> None:
        """Raise AccountingError unless the stored credentials reach the company's books."""

    def fetch_accounts(self) -> list[Account]:
        """The whole chart, in as few requests as the API allows."""

    def post(self, entries: Sequence[EntryToPost]) -> list[PostedEntry | AccountingError]:
        """Post (or update, when `remote_data` is set) a batch; one result per entry, in order.

        Raises AccountingError for a failure of the whole call (credentials, rate limit,
        uncertain outcome); returns an AccountingError in a slot for a per-entry rejection.
        """

    def find(self, entry: EntryToPost) -> PostedEntry | None:
        """After an uncertain failure: the entry if it reached the system, else None."""

    def intent(self, entry: EntryToPost) -> dict[str, Any]:
        """What find() must know later about this write if its answer is lost (kept by the
        engine before the write, handed back in `remote_data["intent"]`); {} for nothing."""
