from datetime import date
from decimal import Decimal

import pytest

from billbridge.ingest.parsing import (
    amounts_in,
    cvr_checksum_ok,
    find_date,
    iban_ok,
    parse_amount,
    split_tax_id,
    ubl_decimal,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("1.234", "1234"),
        ("12,5", "12.5"),
        ("-12,00", "-12.00"),
        ("250,00-", "-250.00"),
        ("1\u00a0234,56", "1234.56"),
    ],
)
def test_parse_amount_reads_danish_and_english_formats(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3,4", ",50", "1e5"])
def test_parse_amount_rejects_what_is_not_an_amount(text):
    assert parse_amount(text) is None


def test_parse_amount_refuses_absurdly_large_numbers():
    assert parse_amount("9" * 40) is None


def test_amounts_in_finds_every_amount_on_a_line():
    assert amounts_in("Moms 25 % af 1.000,00 kr. = 250,00") == [
        Decimal("25"),
        Decimal("1000.00"),
        Decimal("250.00"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "22.11.2026",
        "22-11-2026",
        "22/11/2026",
        "22.11.26",
        "22. november 2026",
        "22. nov. 2026",
        "22 November 2026",
        "November 22, 2026",
        "2026-11-22",
        "Fakturadato: 22.11.2026",
    ],
)
def test_find_date_reads_danish_english_and_iso_dates(text):
    assert find_date(text) == date(2026, 11, 22)


@pytest.mark.parametrize("text", ["32.13.2026", "99-99-9999", "no date", "31.02.2026"])
def test_find_date_ignores_impossible_dates(text):
    assert find_date(text) is None


def test_ubl_decimal_reads_a_plain_decimal():
    assert ubl_decimal("1234.50") == Decimal("1234.50")


@pytest.mark.parametrize("text", ["1e9", "1,234.50", "12.3.4", "NaN", "Infinity", "9" * 20])
def test_ubl_decimal_refuses_anything_but_a_plain_decimal(text):
    with pytest.raises(ValueError):
        ubl_decimal(text)


def test_cvr_checksum_accepts_a_valid_number():
    assert cvr_checksum_ok("10000009")


def test_cvr_checksum_rejects_an_invalid_number():
    assert not cvr_checksum_ok("10000010")


def test_iban_check_accepts_a_valid_iban_with_spaces():
    assert iban_ok("DK50 0040 0440 1162 43")


def test_iban_check_rejects_a_mistyped_iban():
    assert not iban_ok("DK5000400440116244")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DK10000009", ("10000009", None)),
        ("DK 10 00 00 09", ("10000009", None)),
        ("10000009", ("10000009", None)),
        ("DE123456789", (None, "DE123456789")),
        ("hello", (None, None)),
    ],
)
def test_split_tax_id_tells_cvr_from_foreign_vat_number(value, expected):
    assert split_tax_id(value) == expected
