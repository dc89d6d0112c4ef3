"""Reading bill fields out of plain text (a PDF's text layer or OCR output).

Danish and English labels, Danish and English number and date formats. Each value's
confidence says how it was found: a label and a parsed value on the same line is fairly sure,
a cross-check (excl. VAT + VAT = total) makes it sure, a guess from layout is not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .parsing import (
    AMOUNT_RE,
    cvr_checksum_ok,
    find_date,
    iban_ok,
    parse_amount,
    split_tax_id,
)
from .types import ExtractedBill, Field, Kind, PaymentMeans

I = re.IGNORECASE  # noqa: E741

INVOICE_NO_LABEL = re.compile(
    r"\b(?:faktura\s*-?\s*(?:nr|nummer|no)\.?|kreditnota\s*-?\s*(?:nr|nummer)\.?|"
    r"invoice\s*(?:no\.?|number|nr\.?|#)|credit\s*note\s*(?:no\.?|number|#)|bilagsnr\.?)"
    r"(?=[\s:.#]|$)",
    I,
)
DUE_LABEL = re.compile(
    r"\b(?:forfaldsdato|forfaldsdag|forfald|betalingsfrist|sidste\s+rettidige\s+betalingsdato|"
    r"betales\s+senest|due\s*date|payment\s*due|date\s*due|due)\b",
    I,
)
ISSUE_LABEL = re.compile(
    r"\b(?:fakturadato|faktura\s*dato|udstedelsesdato|kreditnotadato|invoice\s*date|"
    r"issue\s*date|date\s*of\s*issue|credit\s*note\s*date)\b",
    I,
)
#: A bare "Dato"/"Date" is usually the issue date, but could be an order or delivery date.
GENERIC_DATE_LABEL = re.compile(r"\b(?:dato|date)\b", I)
CVR_RE = re.compile(
    r"\b(?:cvr|se)[\s.-]*(?:nr|nummer|no)?\.?\s*[:.]?\s*(DK\s?)?"
    r"(\d{2}\s?\d{2}\s?\d{2}\s?\d{2})\b",
    I,
)
VAT_ID_RE = re.compile(
    r"\b(?:vat|moms|ust|mwst|tva|btw|mva)[\s.-]*(?:reg\.?\s*)?(?:no|nr|number|id|-?idnr)\.?"
    r"\s*[:.]?\s*(?-i:([A-Z]{2}(?:\s?[0-9]){8,12}|[A-Z]{2}[0-9A-Z]{8,12}))\b",
    I,
)
BARE_DK_VAT_RE = re.compile(r"\bDK\s?(\d{2}\s?\d{2}\s?\d{2}\s?\d{2})\b")
EXCL_LABEL = re.compile(
    r"\b(?:subtotal|sub-total|sub\s+total|netto(?:beløb)?|momsgrundlag|momspligtigt\s+beløb|"
    r"ekskl\.?\s*moms|ex\.?\s*moms|excl\.?\s*vat|ex\.?\s*vat|excluding\s+vat|"
    r"net\s+(?:amount|total)|total\s+before\s+(?:vat|tax)|total\s+net)\b",
    I,
)
INCL_HINT = re.compile(r"\b(?:inkl|incl|including|inclusive)\b", I)
TOTAL_LABEL = re.compile(
    r"\b(?:i\s*alt|total|at\s+betale|til\s+betaling|amount\s+due|balance\s+due|total\s+due|"
    r"grand\s+total|beløb|amount|sum|totalt?)\b",
    I,
)
VAT_LABEL = re.compile(r"\b(?:moms|vat|tax|mva|mwst|ust)\b", I)
PERCENT_AFTER = re.compile(r"^\s*%")
CREDIT_RE = re.compile(r"\b(?:kreditnota|credit\s*note|kreditering|creditnota)\b", I)
FI_RE = re.compile(r"\+\s*(\d{2})\s*[<«‹(]\s*(\d{0,19})\s*\+\s*(\d{7,8})\s*[<«‹(]?")
FI_LENGTHS = {"71": 15, "73": 0, "75": 16, "04": 16, "01": 0, "15": 16}
BANK_RE = re.compile(
    r"\breg\.?\s*(?:nr|nummer|no)?\.?\s*[:.]?\s*(\d{4})\b[\s,;/-]*"
    r"(?:(?:konto|account|kto)\.?\s*(?:nr|nummer|no)?\.?\s*[:.]?\s*)?(\d{6,10})\b",
    I,
)
IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?)\b")
BIC_RE = re.compile(
    r"\b(?:BIC|SWIFT)(?:\s*/\s*SWIFT)?(?:\s*code)?\s*[:.]?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b",
    I,
)
CURRENCY_RE = re.compile(r"\b(DKK|EUR|USD|SEK|NOK|GBP|CHF|PLN|ISK)\b")
KR_RE = re.compile(r"(?<!\w)kr\.?(?!\w)", I)
TERMS_RE = re.compile(
    r"\b(?:netto|net|betalingsbetingelser|payment\s+terms|betalingsfrist)\s*[:.]?\s*(\d{1,3})\s*"
    r"(?:dage|days|dg\.?)\b|\b(\d{1,3})\s*(?:dage|days)\s*(?:netto|net)\b",
    I,
)
COMPANY_RE = re.compile(
    r"(?:\b(?:ApS|IVS|AMBA|GmbH|AG|Ltd|Limited|LLC|Inc|AB|Oy|BV|SARL|Srl|SA)\b\.?|"
    r"\b(?:A/S|I/S|K/S|P/S)(?!\w))",
)
CUSTOMER_BLOCK = re.compile(
    r"\b(?:faktureres\s+til|kunde(?:nr)?|customer|bill\s+to|billed\s+to|sold\s+to|"
    r"invoice\s+to|modtager|leveringsadresse|deliver\s+to|køber|buyer)\b",
    I,
)
TRAILING_TITLE_RE = re.compile(r"\s+(?:faktura|invoice|kreditnota|credit\s*note)\s*$", I)
TITLE_RE = re.compile(r"^(?:faktura|invoice|kreditnota|credit\s*note|side|page)\b", I)
POSTAL_RE = re.compile(r"\b(?:DK-?)?(\d{4,5})\s+[A-ZÆØÅÄÖÜ][\wæøåÆØÅäöüß .-]+$")
COUNTRY_WORDS = {
    "danmark": "DK", "denmark": "DK", "deutschland": "DE", "germany": "DE", "sverige": "SE",
    "sweden": "SE", "norge": "NO", "norway": "NO", "united kingdom": "GB",
}  # fmt: skip
TOLERANCE = Decimal("0.02")
MAX_CANDIDATES = 12
#: Text beyond this is not searched (a bill's fields are on its first pages).
MAX_TEXT_CHARS = 200_000


@dataclass(slots=True)
class _Hit:
    value: Any
    confidence: float
    line: int


class _Doc:
    """The text as lines, with the reader's confidence per line (1.0 for a text layer)."""

    def __init__(self, text: str, line_confidence: Sequence[float] | None) -> None:
        raw = text.splitlines()
        confs = list(line_confidence) if line_confidence is not None else [1.0] * len(raw)
        if len(confs) != len(raw):
            confs = [min(confs, default=1.0)] * len(raw)
        self.lines: list[str] = []
        self.confs: list[float] = []
        for line, conf in zip(raw, confs, strict=True):
            clean = " ".join(line.split())
            if clean:
                self.lines.append(clean)
                self.confs.append(max(0.0, min(1.0, conf)))
        self.customer_lines = self._customer_lines()

    def _customer_lines(self) -> set[int]:
        """Lines that belong to the buyer's address block, whose CVR and name are not ours."""
        marked: set[int] = set()
        for i, line in enumerate(self.lines):
            if CUSTOMER_BLOCK.search(line) and not INVOICE_NO_LABEL.search(line):
                marked.update(range(i, min(i + 5, len(self.lines))))
        return marked

    def field(self, hit: _Hit | None, scale: float = 1.0) -> Field:
        if hit is None or hit.value is None:
            return Field(None, 0.0)
        conf = hit.confidence * scale * (self.confs[hit.line] if hit.line >= 0 else 1.0)
        return Field(hit.value, round(max(0.0, min(1.0, conf)), 3))


def _mask(line: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), line)


def _after_label(
    doc: _Doc, pattern: re.Pattern[str], parse, mask: Sequence[re.Pattern[str]] = ()
) -> _Hit | None:
    """The first value ``parse`` finds after a label: on the label's line, else the next line."""
    for i, line in enumerate(doc.lines):
        masked = line
        for other in mask:
            masked = _mask(masked, other)
        for match in pattern.finditer(masked):
            tail = masked[match.end() :]
            value = parse(tail)
            if value is not None:
                return _Hit(value, 0.9, i)
            if not tail.strip(" :.#-") and i + 1 < len(doc.lines):
                value = parse(doc.lines[i + 1])
                if value is not None:
                    return _Hit(value, 0.75, i + 1)
    return None


def _parse_invoice_number(tail: str) -> str | None:
    match = re.match(r"\s*[:.#]?\s*(?:no\.?\s*)?([A-Za-z0-9][A-Za-z0-9\-/._]{0,40})", tail)
    if not match:
        return None
    token = match.group(1).rstrip("._-/")
    return token if any(ch.isdigit() for ch in token) else None


def _amount_hits(line: str) -> list[Decimal]:
    """Amounts on a line, leaving out percentages ("25 %")."""
    found = []
    for match in AMOUNT_RE.finditer(line):
        if PERCENT_AFTER.match(line[match.end() :]):
            continue
        value = parse_amount("".join(g or "" for g in match.groups()))
        if value is not None:
            found.append(value)
    return found


def _amount_candidates(doc: _Doc) -> dict[str, list[_Hit]]:
    found: dict[str, list[_Hit]] = {"excl": [], "vat": [], "total": []}
    for i, line in enumerate(doc.lines):
        masked = _mask(_mask(line, CVR_RE), VAT_ID_RE)
        kind = None
        if EXCL_LABEL.search(masked):
            kind = "excl"
        elif TOTAL_LABEL.search(masked) and (
            INCL_HINT.search(masked) or not VAT_LABEL.search(masked)
        ):
            kind = "total"
        elif VAT_LABEL.search(masked):
            kind = "vat"
        if kind is None:
            continue
        label_end = max(
            (m.end() for p in (EXCL_LABEL, TOTAL_LABEL, VAT_LABEL) for m in p.finditer(masked)),
            default=0,
        )
        amounts = _amount_hits(masked[label_end:]) or _amount_hits(masked)
        conf = 0.7
        if not amounts and i + 1 < len(doc.lines):
            nxt = doc.lines[i + 1]
            if re.fullmatch(r"[\s\d.,\-A-Za-z€$£]{0,30}", nxt) and not TOTAL_LABEL.search(nxt):
                amounts = _amount_hits(nxt)
                conf = 0.55
        if amounts:
            found[kind].append(_Hit(amounts[-1], conf, i))
    return found


def _pick_totals(doc: _Doc, bill: ExtractedBill) -> None:
    cands = _amount_candidates(doc)
    negative = any(h.value < 0 for hits in cands.values() for h in hits)
    for hits in cands.values():
        for h in hits:
            h.value = abs(h.value)
    # Only the last few candidates of each: totals sit at the end, and this bounds the search.
    totals, excls, vats = cands["total"][-MAX_CANDIDATES:], cands["excl"], cands["vat"]
    excls, vats = excls[-MAX_CANDIDATES:], vats[-MAX_CANDIDATES:]

    for t in reversed(totals):
        for e in reversed(excls):
            for v in reversed(vats):
                if abs(e.value + v.value - t.value) <= TOLERANCE and t.value > 0:
                    for hit in (t, e, v):
                        hit.confidence = 0.97
                    bill.total, bill.total_excl_vat, bill.vat_amount = (
                        doc.field(t),
                        doc.field(e),
                        doc.field(v),
                    )
                    _credit_from_sign(bill, negative)
                    return

    total = max(totals, key=lambda h: (h.value, h.line)) if totals else None
    excl = excls[-1] if excls else None
    vat = vats[-1] if vats else None
    if total and excl and excl.value >= total.value:
        excl = None  # a "subtotal" as large as the total is not the net amount
    if total is not None:
        if len({h.value for h in totals}) == 1:
            total.confidence = 0.75
        else:
            total.confidence = 0.6
    if total and excl and vat is None:
        derived = total.value - excl.value
        rate_ok = excl.value and abs(derived - excl.value * Decimal("0.25")) <= TOLERANCE
        vat = _Hit(derived, 0.8 if rate_ok else 0.5, excl.line)
    elif total and vat and excl is None:
        derived = total.value - vat.value
        rate_ok = abs(derived * Decimal("0.25") - vat.value) <= TOLERANCE
        excl = _Hit(derived, 0.8 if rate_ok else 0.5, vat.line)
    elif total is None and excl and vat:
        total = _Hit(excl.value + vat.value, 0.55, excl.line)
    bill.total = doc.field(total)
    bill.total_excl_vat = doc.field(excl)
    bill.vat_amount = doc.field(vat)
    _credit_from_sign(bill, negative)


def _credit_from_sign(bill: ExtractedBill, negative: bool) -> None:
    if negative and not bill.is_credit_note.value:
        bill.is_credit_note = Field(True, 0.7)


def _supplier_ids(doc: _Doc, bill: ExtractedBill) -> int | None:
    """Set CVR / VAT number; return the line the supplier's id was found on."""
    cvr_hits: list[_Hit] = []
    vat_hits: list[_Hit] = []
    for i, line in enumerate(doc.lines):
        if i in doc.customer_lines:
            continue
        for m in CVR_RE.finditer(line):
            cvr = re.sub(r"\s", "", m.group(2))
            cvr_hits.append(_Hit(cvr, 0.9 if cvr_checksum_ok(cvr) else 0.6, i))
        for m in VAT_ID_RE.finditer(line):
            tax_cvr, vat = split_tax_id(m.group(1))
            if tax_cvr:
                cvr_hits.append(_Hit(tax_cvr, 0.85 if cvr_checksum_ok(tax_cvr) else 0.55, i))
            elif vat:
                vat_hits.append(_Hit(vat, 0.8, i))
        if not cvr_hits:
            for m in BARE_DK_VAT_RE.finditer(line):
                cvr = re.sub(r"\s", "", m.group(1))
                if cvr_checksum_ok(cvr):
                    cvr_hits.append(_Hit(cvr, 0.6, i))
    if cvr_hits:
        first = cvr_hits[0]
        if len({h.value for h in cvr_hits}) > 1:
            first.confidence = min(first.confidence, 0.6)
        bill.supplier_cvr = doc.field(first)
        bill.supplier_country = doc.field(_Hit("DK", 0.7, first.line))
        return first.line
    if vat_hits:
        first = vat_hits[0]
        bill.supplier_vat_number = doc.field(first)
        bill.supplier_country = doc.field(_Hit(first.value[:2], 0.75, first.line))
        return first.line
    return None


def _supplier_name(
    doc: _Doc, bill: ExtractedBill, id_line: int | None, prominent: Sequence[str]
) -> int | None:
    def usable(i: int) -> bool:
        line = doc.lines[i]
        return (
            i not in doc.customer_lines
            and not TITLE_RE.match(line)
            and not CVR_RE.search(line)
            and not find_date(line)
            and not INVOICE_NO_LABEL.search(line)
            and sum(ch.isalpha() for ch in line) >= 2
            and len(line) <= 80
        )

    def is_prominent(line: str) -> bool:
        return any(p and p in line for p in prominent)

    hit = None
    for i, line in enumerate(doc.lines[:40]):
        if COMPANY_RE.search(line) and usable(i):
            hit = _Hit(line, 0.75 if is_prominent(line) else 0.6, i)
            break
    if hit is None and prominent:
        for i, line in enumerate(doc.lines[:40]):
            if is_prominent(line) and usable(i):
                hit = _Hit(line, 0.55, i)
                break
    if hit is None and id_line is not None:
        # The id is often in the footer: "Firma ApS · Vej 1 · CVR 12345678".
        before = CVR_RE.split(doc.lines[id_line])[0].strip(" ·|-,")
        if sum(ch.isalpha() for ch in before) >= 2 and len(before) <= 60:
            hit = _Hit(before.split(" · ")[0].split(" | ")[0].strip(), 0.45, id_line)
        elif id_line > 0 and usable(id_line - 1):
            hit = _Hit(doc.lines[id_line - 1], 0.45, id_line - 1)
    if hit is None:
        for i in range(min(len(doc.lines), 10)):
            if usable(i):
                hit = _Hit(doc.lines[i], 0.35, i)
                break
    if hit is None:
        return None
    hit.value = _cut_at_label(TRAILING_TITLE_RE.sub("", hit.value)) or hit.value
    bill.supplier_name = doc.field(hit)
    return hit.line


def _cut_at_label(line: str) -> str:
    """The part of a line before a right-hand column's label ("Vej 5   Invoice no.: 12")."""
    cut = len(line)
    for pattern in (
        INVOICE_NO_LABEL,
        ISSUE_LABEL,
        GENERIC_DATE_LABEL,
        DUE_LABEL,
        CVR_RE,
        VAT_ID_RE,
    ):
        match = pattern.search(line)
        if match:
            cut = min(cut, match.start())
    return line[:cut].strip(" ·|,-")


def _supplier_address(doc: _Doc, bill: ExtractedBill, name_line: int | None) -> None:
    if name_line is None:
        return
    parts = []
    for i in range(name_line + 1, min(name_line + 4, len(doc.lines))):
        line = doc.lines[i]
        if i in doc.customer_lines or CVR_RE.search(line) or VAT_ID_RE.search(line):
            break
        line = _cut_at_label(line)
        if not line or TITLE_RE.match(line):
            break
        parts.append(line)
        if POSTAL_RE.search(line):
            bill.supplier_address = doc.field(_Hit(", ".join(parts), 0.5, i))
            word = line.rsplit(" ", 1)[-1].lower()
            if bill.supplier_country.value is None and word in COUNTRY_WORDS:
                bill.supplier_country = doc.field(_Hit(COUNTRY_WORDS[word], 0.6, i))
            return


def _currency(doc: _Doc) -> _Hit | None:
    counts: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    for i, line in enumerate(doc.lines):
        for code in CURRENCY_RE.findall(line):
            counts[code] += 1
            first_line.setdefault(code, i)
    if counts:
        code, n = counts.most_common(1)[0]
        return _Hit(code, 0.9 if n > 1 and len(counts) == 1 else 0.75, first_line[code])
    for i, line in enumerate(doc.lines):
        if "€" in line:
            return _Hit("EUR", 0.7, i)
        if KR_RE.search(line):
            return _Hit("DKK", 0.7, i)
    return None


def _payment_means(doc: _Doc) -> list[PaymentMeans]:
    means: list[PaymentMeans] = []
    text_lines = doc.lines
    for i, line in enumerate(text_lines):
        for m in FI_RE.finditer(line):
            card, pid, creditor = m.group(1), m.group(2) or None, m.group(3)
            expected = FI_LENGTHS.get(card)
            sure = expected is not None and len(pid or "") == expected and len(creditor) == 8
            means.append(
                PaymentMeans(
                    method="fik",
                    code="93",
                    fi_card_type=card,
                    payment_id=pid,
                    creditor_number=creditor,
                    confidence=round((0.95 if sure else 0.6) * doc.confs[i], 3),
                )
            )
        for m in BANK_RE.finditer(line):
            means.append(
                PaymentMeans(
                    method="bank",
                    code="31",
                    bank_reg_number=m.group(1),
                    bank_account=m.group(2),
                    confidence=round(0.8 * doc.confs[i], 3),
                )
            )
        for m in IBAN_RE.finditer(line):
            iban = m.group(1).replace(" ", "")
            if not iban_ok(iban):
                continue
            bic = None
            for j in (i, i + 1, i - 1):
                if 0 <= j < len(text_lines):
                    found = BIC_RE.search(text_lines[j])
                    if found:
                        bic = found.group(1).upper()
                        break
            means.append(
                PaymentMeans(
                    method="iban",
                    code="58" if iban[:2] != "DK" else "31",
                    iban=iban,
                    bic=bic,
                    confidence=round(0.9 * doc.confs[i], 3),
                )
            )
    return means


def _due_from_terms(doc: _Doc, issue: date | None) -> _Hit | None:
    if issue is None:
        return None
    for i, line in enumerate(doc.lines):
        m = TERMS_RE.search(line)
        if m:
            days = int(m.group(1) or m.group(2))
            if 0 < days <= 180:
                return _Hit(issue + timedelta(days=days), 0.55, i)
    return None


def extract_fields(
    text: str,
    *,
    kind: Kind = "pdf_text",
    line_confidence: Sequence[float] | None = None,
    prominent: Sequence[str] = (),
) -> ExtractedBill:
    """Read an ``ExtractedBill`` out of a bill's text.

    ``line_confidence`` (one value 0..1 per line of ``text``) scales each field by how well
    its line was read, as OCR reports it; a text layer is read perfectly. ``prominent`` are the
    texts printed largest at the top of the first page: likely the supplier's name.
    """
    text = text[:MAX_TEXT_CHARS]
    doc = _Doc(text, line_confidence)
    bill = ExtractedBill(kind=kind, text=text)

    bill.invoice_number = doc.field(_after_label(doc, INVOICE_NO_LABEL, _parse_invoice_number))
    due = _after_label(doc, DUE_LABEL, find_date, mask=(INVOICE_NO_LABEL,))
    issue = _after_label(doc, ISSUE_LABEL, find_date, mask=(DUE_LABEL, INVOICE_NO_LABEL))
    if issue is None:
        issue = _after_label(doc, GENERIC_DATE_LABEL, find_date, mask=(DUE_LABEL, INVOICE_NO_LABEL))
        if issue is not None:
            issue.confidence -= 0.1
    if issue is None:
        for i, line in enumerate(doc.lines):
            found = find_date(line)
            if found and (due is None or found != due.value):
                issue = _Hit(found, 0.4, i)
                break
    if due is None:
        due = _due_from_terms(doc, issue.value if issue else None)
    if issue and due and due.value < issue.value:
        due.confidence = min(due.confidence, 0.4)
    bill.issue_date = doc.field(issue)
    bill.due_date = doc.field(due)

    id_line = _supplier_ids(doc, bill)
    name_line = _supplier_name(doc, bill, id_line, [" ".join(p.split()) for p in prominent])
    _supplier_address(doc, bill, name_line)

    credit_line = next((i for i, ln in enumerate(doc.lines) if CREDIT_RE.search(ln)), None)
    if credit_line is not None:
        bill.is_credit_note = doc.field(_Hit(True, 0.85, credit_line))
    else:
        bill.is_credit_note = Field(False, 0.85)
    _pick_totals(doc, bill)
    bill.currency = doc.field(_currency(doc))
    if bill.currency.value is None and bill.supplier_country.value == "DK":
        bill.currency = Field("DKK", 0.4)
    bill.payment_means = _payment_means(doc)
    return bill
