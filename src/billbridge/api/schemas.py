"""Request and response shapes. Money is a decimal string in and out; a JSON float is refused."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from billbridge.accounts.models import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, Product
from billbridge.api.errors import NOT_AN_OBJECT
from billbridge.bills.models import PaymentMethodType
from billbridge.bills.services import to_money

# What a client may send: at most 12 digits before the point (`to_money` refuses 1e12 and more).
MONEY_PATTERN = r"^-?\d{1,12}(\.\d{1,2})?$"
MAX_MONEY_INTEGER = 10**12 - 1
# What the API sends back: always two decimals.
MONEY_OUT_PATTERN = r"^-?\d+(\.\d{1,2})?$"
_MONEY_RE = re.compile(MONEY_PATTERN, re.ASCII)


def _money(value: Any) -> Decimal | None:
    """`to_money` inside pydantic, so the error names the field and reads like a sentence.

    A string must also be written as documented: `to_money` alone takes "1e3", " 12", "+5",
    ".5" and other digits than 0-9 ("١٢"), which the OpenAPI description says are refused.
    """
    if value is None or isinstance(value, Decimal):
        return value
    try:
        amount = to_money(value, "amount")
    except DjangoValidationError as exc:
        raise PydanticCustomError("money", " ".join(exc.messages)) from None
    if isinstance(value, str) and not _MONEY_RE.fullmatch(value):
        raise PydanticCustomError(
            "money", 'Write amounts with digits and a point, such as "1250.00".'
        )
    return amount


_MONEY_SCHEMA = {
    "description": 'A decimal string such as "1250.00" (or an integer); never a float.',
    "example": "1250.00",
}
_MONEY_TYPES = [
    {"type": "string", "pattern": MONEY_PATTERN},
    {"type": "integer", "minimum": -MAX_MONEY_INTEGER, "maximum": MAX_MONEY_INTEGER},
]
# The validator runs before the type check, so a float is refused by `to_money`'s own words
# and pydantic never turns 12.0 into 12 on its own.
Money = Annotated[
    Decimal, BeforeValidator(_money), WithJsonSchema({"anyOf": _MONEY_TYPES, **_MONEY_SCHEMA})
]
OptionalMoney = Annotated[
    Decimal | None,
    BeforeValidator(_money),
    WithJsonSchema({"anyOf": [*_MONEY_TYPES, {"type": "null"}], **_MONEY_SCHEMA}),
]


def _no_nul(value: str) -> str:
    """PostgreSQL cannot store a NUL character; refuse it here rather than fail there."""
    if "\x00" in value:
        raise PydanticCustomError("nul", "Text may not contain NUL characters.")
    return value


# NUL is refused (the validator) and documented (the pattern).
NoNul = (AfterValidator(_no_nul), Field(json_schema_extra={"pattern": "^[^\\u0000]*$"}))
# A name of more than spaces, documented; the services refuse a blank one in their own words.
NotBlank = (
    AfterValidator(_no_nul),
    Field(json_schema_extra={"minLength": 1, "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"}),
)
# Strings that fit their database columns: too long is a 422, never a 500 from the database.
Email = Annotated[str, StringConstraints(max_length=254), *NoNul]
Password = Annotated[str, StringConstraints(max_length=200), *NoNul]
TwoFactorCode = Annotated[str, StringConstraints(max_length=32), *NoNul]
Name = Annotated[str, StringConstraints(max_length=200), *NoNul]
# A category's or payment method's name: not blank (the services refuse it, in their words).
RequiredName = Annotated[str, StringConstraints(max_length=200), *NotBlank]
AccountNumber = Annotated[str, StringConstraints(max_length=20), *NoNul]
Cvr = Annotated[str, StringConstraints(max_length=20), *NoNul]
InvoiceNumber = Annotated[str, StringConstraints(max_length=100), *NoNul]
# ISO 4217: three letters A-Z (any case; stored in capitals). "æøå" is no currency.
Currency = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{3}$"), Field(json_schema_extra={"example": "DKK"})
]
BillText = Annotated[str, StringConstraints(max_length=500), *NoNul]
SearchText = Annotated[str, StringConstraints(max_length=200), *NoNul]
MoneyOut = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": MONEY_OUT_PATTERN, "example": "1250.00"}),
]
# A product's code: documented as the list of products; an unknown one is refused by the route.
ProductCode = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_no_nul),
    WithJsonSchema({"type": "string", "enum": list(Product.values)}),
]
PaymentMethodTypeName = Literal[tuple(PaymentMethodType.values)]  # type: ignore[valid-type]


class InputSchema(Schema):
    """A request body: a JSON object, nothing else.

    ninja's Schema reads fields off any object it is given (its root validator wraps the input
    in a DjangoGetter), so `[]`, `"x"` or `1` sent where an object belongs passed as an empty
    object: a PATCH that changed nothing, answered 200 (found by schemathesis). A body is plain
    JSON, never a model instance, so this validator replaces ninja's and takes objects only.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if not isinstance(values, dict | cls):
            raise PydanticCustomError(NOT_AN_OBJECT, "Send a JSON object with the fields.")
        return handler(values)


class FieldError(Schema):
    field: str | None = Field(description="The JSON field at fault; null for the whole request.")
    message: str


class ErrorOut(Schema):
    """The body of every error answer."""

    detail: str
    errors: list[FieldError] = []


# --- auth and companies ---------------------------------------------------------------------


TokenName = Annotated[str, StringConstraints(max_length=100), *NotBlank]
TokenDays = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_TOKEN_DAYS,
        description="Days until the token stops working (it can be revoked before).",
    ),
]


class TokenIn(InputSchema):
    email: Email
    password: Password
    name: TokenName = Field("api", description="Shown in the list of tokens, e.g. the program.")
    expires_in_days: TokenDays = DEFAULT_TOKEN_DAYS
    code: TwoFactorCode | None = Field(
        None,
        description="For an account with two-factor log-in: the 6-digit code from the "
        "authenticator app, or one of the recovery codes. Without it such an account is "
        "answered 401 naming `code`.",
    )


class NewTokenIn(InputSchema):
    name: TokenName
    expires_in_days: TokenDays = DEFAULT_TOKEN_DAYS


class TokenInfoOut(Schema):
    """A token as listed: never its value, only the first characters to recognise it by."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None = Field(description="Updated at most once a minute.")
    revoked_at: dt.datetime | None
    usable: bool


class TokenOut(TokenInfoOut):
    """A new token: `token` is its value, shown this once (only a hash is kept)."""

    token: str


class CompanyOut(Schema):
    id: int
    name: str
    cvr: str
    role: str
    products: list[str]


class ProductOut(Schema):
    code: str
    name: str
    description: str
    added: bool


class ProductIn(InputSchema):
    code: ProductCode


# --- catalog --------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    account_number: str
    archived: bool


class CategoryIn(InputSchema):
    name: RequiredName
    account_number: AccountNumber = ""


class CategoryPatch(InputSchema):
    name: RequiredName | None = None
    account_number: AccountNumber | None = None
    archived: bool | None = None


class PaymentMethodOut(Schema):
    id: int
    name: str
    type: str
    account_number: str
    archived: bool


class PaymentMethodIn(InputSchema):
    name: RequiredName
    type: PaymentMethodTypeName
    account_number: AccountNumber = ""


class PaymentMethodPatch(InputSchema):
    name: RequiredName | None = None
    type: PaymentMethodTypeName | None = None
    account_number: AccountNumber | None = None
    archived: bool | None = None


class SupplierOut(Schema):
    id: int
    name: str
    cvr: str
    vat_number: str
    address: str
    country: str
    remembered_category_id: int | None


# --- bills ----------------------------------------------------------------------------------

# DKK for 100 units of a currency (R-6): positive, at most six decimals; zero is refused by the
# service in its own words.
RATE_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,6})?$"
ExchangeRate = Annotated[
    str,
    StringConstraints(pattern=RATE_PATTERN),
    Field(json_schema_extra={"example": "746.04"}),
]
PERCENT_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,4})?$"
CATEGORY_PATTERN = r"^[A-Za-z]{1,20}$"
CATEGORY_HELP = "UNTDID 5305: S, Z, E, AE (reverse charge), K, G, O — or OIOUBL's words."
VatCategory = Annotated[str, StringConstraints(pattern=CATEGORY_PATTERN)]


class VatSubtotalIn(InputSchema):
    """One row of the VAT breakdown, as an e-invoice's TaxSubtotal (R-5)."""

    category: VatCategory = Field(description=CATEGORY_HELP)
    percent: Annotated[str, StringConstraints(pattern=PERCENT_PATTERN)] | None = None
    taxable_amount: Money
    vat_amount: Money = Decimal("0.00")


_VAT_ROW_SCHEMA = {
    "type": "object",
    "description": VatSubtotalIn.__doc__,
    "properties": {
        "category": {"type": "string", "pattern": CATEGORY_PATTERN, "description": CATEGORY_HELP},
        "percent": {"anyOf": [{"type": "string", "pattern": PERCENT_PATTERN}, {"type": "null"}]},
        "taxable_amount": {"anyOf": _MONEY_TYPES, **_MONEY_SCHEMA},
        "vat_amount": {"anyOf": _MONEY_TYPES, **_MONEY_SCHEMA},
    },
    "required": ["category", "taxable_amount"],
}
# Written out in full (no $ref): the bill's create route documents its body by hand.
VatBreakdownIn = Annotated[
    list[VatSubtotalIn],
    Field(max_length=50),
    WithJsonSchema({"type": "array", "maxItems": 50, "items": _VAT_ROW_SCHEMA}),
]


class VatSubtotalOut(Schema):
    category: str
    percent: str | None
    taxable_amount: MoneyOut
    vat_amount: MoneyOut


class BillIn(InputSchema):
    """A new bill. Multipart uploads send the same fields as form fields, plus `document`."""

    supplier_name: Name = ""
    supplier_cvr: Cvr = ""
    invoice_number: InvoiceNumber = ""
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: Currency = "DKK"
    total: OptionalMoney = None
    vat_amount: OptionalMoney = None
    text: BillText = ""
    category_id: int | None = None
    payment_method_id: int | None = None
    vat_breakdown: VatBreakdownIn = []
    exchange_rate: ExchangeRate | None = Field(
        None, description="DKK for 100 units, typed by a person; else the official rate is used."
    )


class BillPatch(InputSchema):
    """Only the fields sent are changed; `null` clears a category, payment method or rate."""

    supplier_name: Name | None = None
    supplier_cvr: Cvr | None = None
    invoice_number: InvoiceNumber | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: Currency | None = None
    total: OptionalMoney = None
    vat_amount: OptionalMoney = None
    text: BillText | None = None
    category_id: int | None = None
    payment_method_id: int | None = None
    vat_breakdown: VatBreakdownIn | None = None
    exchange_rate: ExchangeRate | None = Field(
        None, description="DKK for 100 units, typed by a person; `null`: the official rate."
    )


class PaymentIn(InputSchema):
    date: dt.date
    amount: Money
    payment_method_id: int


class PaymentOut(Schema):
    date: dt.date
    amount: MoneyOut
    payment_method_id: int


class SyncOut(Schema):
    integration: str
    kind: str
    state: Literal["waiting", "posted", "failed"]
    remote_reference: str
    error: str  # in plain words, in the caller's language (Accept-Language)
    error_code: str = ""


class BillOut(Schema):
    id: int
    status: str
    supplier_name: str
    supplier_cvr: str
    invoice_number: str
    issue_date: dt.date | None
    due_date: dt.date | None
    currency: str
    total: MoneyOut | None
    vat_amount: MoneyOut
    text: str
    category_id: int | None
    payment_method_id: int | None
    document_url: str | None
    duplicate_of: int | None
    payment: PaymentOut | None
    sync: list[SyncOut]
    vat_breakdown: list[VatSubtotalOut]
    exchange_rate: str | None = Field(description="DKK for 100 units; null: none yet.")
    exchange_rate_source: Literal["official", "manual"] | None
    exchange_rate_date: dt.date | None = Field(description="The date an official rate is of.")
    exchange_rate_set_by: str | None = Field(description="Who typed a manual rate (e-mail).")
    exchange_rate_set_at: dt.datetime | None


class BillPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[BillOut]
