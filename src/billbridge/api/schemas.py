"""Request and response shapes. Money is a decimal string in and out; a JSON float is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from billbridge.bills.models import PaymentMethodType
from billbridge.bills.services import to_money

MONEY_PATTERN = r"^-?\d+(\.\d{1,2})?$"


def _money(value: Any) -> Decimal | None:
    """`to_money` inside pydantic, so the error names the field and reads like a sentence."""
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return to_money(value, "amount")
    except DjangoValidationError as exc:
        raise PydanticCustomError("money", " ".join(exc.messages)) from None


_MONEY_SCHEMA = {
    "description": 'A decimal string such as "1250.00" (or an integer); never a float.',
    "example": "1250.00",
}
_MONEY_TYPES = [{"type": "string", "pattern": MONEY_PATTERN}, {"type": "integer"}]
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


NoNul = AfterValidator(_no_nul)
# Strings that fit their database columns: too long is a 422, never a 500 from the database.
Email = Annotated[str, StringConstraints(max_length=254), NoNul]
Password = Annotated[str, StringConstraints(max_length=200), NoNul]
Code = Annotated[str, StringConstraints(max_length=40), NoNul]
Name = Annotated[str, StringConstraints(max_length=200), NoNul]
AccountNumber = Annotated[str, StringConstraints(max_length=20), NoNul]
Cvr = Annotated[str, StringConstraints(max_length=20), NoNul]
InvoiceNumber = Annotated[str, StringConstraints(max_length=100), NoNul]
Currency = Annotated[str, StringConstraints(min_length=3, max_length=3), NoNul]
BillText = Annotated[str, StringConstraints(max_length=500), NoNul]
SearchText = Annotated[str, StringConstraints(max_length=200), NoNul]
MoneyOut = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "example": "1250.00"}),
]
PaymentMethodTypeName = Literal[tuple(PaymentMethodType.values)]  # type: ignore[valid-type]


class FieldError(Schema):
    field: str | None = Field(description="The JSON field at fault; null for the whole request.")
    message: str


class ErrorOut(Schema):
    """The body of every error answer."""

    detail: str
    errors: list[FieldError] = []


# --- auth and companies ---------------------------------------------------------------------


class TokenIn(Schema):
    email: Email
    password: Password


class TokenOut(Schema):
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


class ProductIn(Schema):
    code: Code


# --- catalog --------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    account_number: str
    archived: bool


class CategoryIn(Schema):
    name: Name
    account_number: AccountNumber = ""


class CategoryPatch(Schema):
    name: Name | None = None
    account_number: AccountNumber | None = None
    archived: bool | None = None


class PaymentMethodOut(Schema):
    id: int
    name: str
    type: str
    account_number: str
    archived: bool


class PaymentMethodIn(Schema):
    name: Name
    type: PaymentMethodTypeName
    account_number: AccountNumber = ""


class PaymentMethodPatch(Schema):
    name: Name | None = None
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


class BillIn(Schema):
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


class BillPatch(Schema):
    """Only the fields sent are changed; `null` clears a category or payment method."""

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


class PaymentIn(Schema):
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
    error: str


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


class BillPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[BillOut]
