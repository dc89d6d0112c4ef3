"""What reading a bill document yields: values, each with how sure the reader is.

Every scalar carries a confidence in 0..1 so the UI can highlight what a person should check;
an e-invoice gives 1.0, a guess from a scan gives much less.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

Kind = Literal["oioubl", "peppol", "pdf_text", "ocr"]

#: Fields read with a confidence below this are highlighted for the user to check.
LOW_CONFIDENCE = 0.8

#: Fields a bill needs; when missing they are reported as low-confidence too.
REQUIRED_FIELDS = ("supplier_name", "invoice_number", "issue_date", "currency", "total")


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """A value read from a document and the reader's confidence in it (0..1)."""

    value: T | None = None
    confidence: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")

    @property
    def found(self) -> bool:
        return self.value is not None

    def scaled(self, factor: float) -> Field[T]:
        """The same value with its confidence multiplied by ``factor`` (clamped to 0..1)."""
        return Field(self.value, max(0.0, min(1.0, self.confidence * factor)))


def missing() -> Field:
    return Field(None, 0.0)


@dataclass(slots=True)
class BillLine:
    """One invoice line; the whole line shares one confidence."""

    description: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    line_amount: Decimal | None = None
    vat_rate: Decimal | None = None  # percent, e.g. Decimal("25")
    confidence: float = 1.0
    #: "item" for what was sold, "duty" for an excise duty (afgift) the e-invoice lists as a
    #: tax of its own (issue 11 item 4); ``tax_scheme`` is then the duty's TaxScheme id.
    kind: Literal["item", "duty"] = "item"
    tax_scheme: str = ""


@dataclass(slots=True)
class TaxSubtotal:
    """One VAT subtotal of an e-invoice (UBL TaxSubtotal of the VAT scheme), as printed.

    ``category`` is the TaxCategory ID as the invoice writes it: UNTDID 5305 in Peppol (S, Z,
    E, AE, K, G, O…), words in OIOUBL (StandardRated, ZeroRated, ReverseCharge…).
    """

    category: str
    percent: Decimal | None
    taxable_amount: Decimal
    vat_amount: Decimal


@dataclass(slots=True)
class PaymentMeans:
    """How the supplier wants to be paid.

    ``method`` is "fik" (FI-card / indbetalingskort), "bank" (Danish reg. + account),
    "iban", or "other". For FI-cards ``fi_card_type`` is the kortart ("71", "73", "75", "04"),
    ``payment_id`` the betalings-id and ``creditor_number`` the kreditornummer (8 digits).
    """

    method: str = "other"
    code: str | None = None  # UNCL 4461 PaymentMeansCode when read from an e-invoice
    fi_card_type: str | None = None
    creditor_number: str | None = None
    payment_id: str | None = None
    bank_reg_number: str | None = None
    bank_account: str | None = None
    iban: str | None = None
    bic: str | None = None
    confidence: float = 1.0

    @property
    def fi_code(self) -> str | None:
        """The FI line as printed on the card, e.g. ``+71<000000001234567+12345678<``."""
        if self.method != "fik" or not self.fi_card_type or not self.creditor_number:
            return None
        return f"+{self.fi_card_type}<{self.payment_id or ''}+{self.creditor_number}<"


@dataclass(slots=True)
class ExtractedBill:
    """Everything read from one document. Money is ``Decimal``, never float.

    Totals are as printed: positive on a credit note, with ``is_credit_note`` set;
    ``signed_total()`` gives the bill total the ledger uses (negative for credit notes, B-2).
    """

    kind: Kind
    supplier_name: Field[str] = field(default_factory=missing)
    supplier_cvr: Field[str] = field(default_factory=missing)
    supplier_vat_number: Field[str] = field(default_factory=missing)
    supplier_address: Field[str] = field(default_factory=missing)
    supplier_country: Field[str] = field(default_factory=missing)
    invoice_number: Field[str] = field(default_factory=missing)
    issue_date: Field[date] = field(default_factory=missing)
    due_date: Field[date] = field(default_factory=missing)
    currency: Field[str] = field(default_factory=missing)
    total_excl_vat: Field[Decimal] = field(default_factory=missing)
    total: Field[Decimal] = field(default_factory=missing)
    vat_amount: Field[Decimal] = field(default_factory=missing)
    is_credit_note: Field[bool] = field(default_factory=lambda: Field(False, 0.5))
    lines: list[BillLine] = field(default_factory=list)
    vat_breakdown: list[TaxSubtotal] = field(default_factory=list)
    payment_means: list[PaymentMeans] = field(default_factory=list)
    text: str = ""  # the text read from a PDF or scan (empty for e-invoices)
    warnings: list[str] = field(default_factory=list)

    def scalar_fields(self) -> dict[str, Field]:
        """The name → Field map of every scalar field, in declaration order."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), Field)
        }

    def low_confidence_fields(self, threshold: float = LOW_CONFIDENCE) -> list[str]:
        """Names of fields the user should check: found but unsure, or required and missing."""
        names = []
        for name, fld in self.scalar_fields().items():
            unsure = fld.found and fld.confidence < threshold
            if unsure or (not fld.found and name in REQUIRED_FIELDS):
                names.append(name)
        return names

    def signed_total(self) -> Decimal | None:
        """The bill total incl. VAT as booked: negative for a credit note (SPEC B-2)."""
        if self.total.value is None:
            return None
        amount = abs(self.total.value)
        return -amount if self.is_credit_note.value else amount

    def signed_vat_breakdown(self) -> list[dict[str, str | None]]:
        """The VAT subtotals as a bill keeps them: decimal strings, negative on a credit note."""

        def signed(value: Decimal) -> Decimal:
            return -abs(value) if self.is_credit_note.value else value

        return [
            {
                "category": s.category,
                "percent": None if s.percent is None else f"{s.percent.normalize():f}",
                "taxable_amount": f"{signed(s.taxable_amount):.2f}",
                "vat_amount": f"{signed(s.vat_amount):.2f}",
            }
            for s in self.vat_breakdown
        ]

    def signed_vat_amount(self) -> Decimal | None:
        """The VAT amount with the same sign rule as ``signed_total``."""
        if self.vat_amount.value is None:
            return None
        amount = abs(self.vat_amount.value)
        return -amount if self.is_credit_note.value else amount
