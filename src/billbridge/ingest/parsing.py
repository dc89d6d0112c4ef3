"""Reading numbers, dates and identifiers as Danish and English bills print them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import overload

#: Amounts beyond this are refused: no bill is that large, and huge exponents cost time.
MAX_AMOUNT = Decimal("1e13")

MONTHS = {
    # Danish
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    # English (where different)
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "october": 10,
    # abbreviations
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_UBL_DECIMAL = re.compile(r"^\s*([+-]?)(\d{1,15})(?:\.(\d{1,8}))?\s*$")


@overload
def ubl_decimal(text: str) -> Decimal: ...
@overload
def ubl_decimal(text: None) -> None: ...
@overload
def ubl_decimal(text: str | None) -> Decimal | None: ...


def ubl_decimal(text: str | None) -> Decimal | None:
    """A UBL xsd:decimal ("1234.50"), strictly: no exponents, no thousands separators."""
    if text is None:
        return None
    match = _UBL_DECIMAL.match(text)
    if not match:
        raise ValueError(f"not a decimal amount: {text[:40]!r}")
    sign, whole, frac = match.groups()
    value = Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    if abs(value) >= MAX_AMOUNT:
        raise ValueError(f"amount out of range: {text[:40]!r}")
    return value


def iso_date(text: str | None) -> date | None:
    """An xsd:date ("2026-11-22", optionally with a time-zone suffix)."""
    if text is None:
        return None
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?\s*$", text)
    if not match:
        raise ValueError(f"not an ISO date: {text[:40]!r}")
    return date(int(match[1]), int(match[2]), int(match[3]))


# --- amounts printed on bills ------------------------------------------------------------

#: An amount as printed: "1.234,56", "1,234.56", "1234,56", "1 234,56" (NBSP/thin space), "-12,00".
AMOUNT_RE = re.compile(
    r"(?<![\w.,])(-\s?)?((?:\d{1,3}(?:[.,\u00a0\u202f]\d{3})+|\d+)(?:[.,]\d{1,2})?)(-)?(?![\d])"
)


_GROUPED = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def parse_amount(text: str) -> Decimal | None:
    """A Danish or English amount string → Decimal, or None if it is not an amount.

    With both "." and "," present the last one is the decimal mark; with one of them followed
    by exactly three digits it is a thousands separator ("1.234" = 1234), otherwise decimal.
    """
    s = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    negative = s.startswith("-") or s.endswith("-")
    s = s.strip("-")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not s[0].isdigit() or not s[-1].isdigit():
        return None
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_mark = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        mark = "." if last_dot >= 0 else ","
        groups = s.split(mark)
        if len(groups) > 2 or (len(groups[-1]) == 3 and len(groups[0]) <= 3):
            decimal_mark = None  # thousands only
        else:
            decimal_mark = mark
    else:
        decimal_mark = None
    if decimal_mark is None:
        whole, frac = s, ""
    else:
        whole, _, frac = s.rpartition(decimal_mark)
        if decimal_mark in whole or not frac.isdigit():
            return None
    if not _GROUPED.fullmatch(whole):
        return None
    whole = whole.replace(".", "").replace(",", "")
    digits = f"{whole}.{frac}" if frac else whole
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    if value >= MAX_AMOUNT:
        return None
    return -value if negative else value


def amounts_in(line: str) -> list[Decimal]:
    """Every amount on a line of text, left to right."""
    found = []
    for match in AMOUNT_RE.finditer(line):
        value = parse_amount("".join(g or "" for g in match.groups()))
        if value is not None:
            found.append(value)
    return found


# --- dates printed on bills --------------------------------------------------------------

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_PATTERNS = [
    # ISO 2026-11-22
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    # 22.11.2026 22-11-2026 22/11/2026 22.11.26
    (re.compile(r"\b(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d{4}|\d{2})\b"), "dmy"),
    # 22. november 2026, 22 Nov 2026, 22. nov. 2026
    (re.compile(rf"\b(\d{{1,2}})\.?\s*({_MONTH_NAMES})\.?,?\s*(\d{{4}})\b", re.I), "d_name_y"),
    # November 22, 2026
    (re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
     "name_d_y"),
]  # fmt: skip


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first date in ``text`` in any format Danish or English bills use, else None."""
    best: tuple[int, date] | None = None
    for pattern, order in DATE_PATTERNS:
        for match in pattern.finditer(text):
            a, b, c = match.groups()
            if order == "ymd":
                found = _make_date(int(a), int(b), int(c))
            elif order == "dmy":
                day, month = int(a), int(b)
                if month > 12 and day <= 12:  # an American 11/22/2026
                    day, month = month, day
                found = _make_date(int(c), month, day)
            elif order == "d_name_y":
                found = _make_date(int(c), MONTHS[b.lower()], int(a))
            else:
                found = _make_date(int(c), MONTHS[a.lower()], int(b))
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), found)
            if found:
                break
    return best[1] if best else None


def parse_date(text: str) -> date | None:
    """A whole string as a date (see ``find_date``)."""
    return find_date(text)


# --- identifiers -------------------------------------------------------------------------

_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_checksum_ok(cvr: str) -> bool:
    """Whether an 8-digit CVR number passes the modulus-11 check the CVR register uses."""
    if not re.fullmatch(r"\d{8}", cvr) or cvr[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(cvr, _CVR_WEIGHTS, strict=True)) % 11 == 0


def iban_ok(iban: str) -> bool:
    """Whether an IBAN (spaces allowed) passes the ISO 13616 mod-97 check."""
    s = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


VAT_NUMBER_RE = re.compile(r"^[A-Z]{2}(?=(?:.*\d){2})[0-9A-Z+*.]{2,13}$")


def split_tax_id(value: str) -> tuple[str | None, str | None]:
    """A supplier id as printed → (Danish CVR, foreign VAT number); either may be None.

    "DK12345678", "DK 12 34 56 78", "12345678" are Danish CVR numbers; "DE123456789" is a
    foreign VAT number.
    """
    s = re.sub(r"[\s.\-]", "", value).upper()
    if re.fullmatch(r"(?:DK)?\d{8}", s):
        return s[-8:], None
    if VAT_NUMBER_RE.fullmatch(s) and not s.startswith("DK"):
        return None, s
    return None, None
