"""Request and response shapes. Money is a decimal string in and out; a JSON float is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
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
    email: str
    password: str


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
    code: str


# --- catalog --------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    account_number: str
    archived: bool


class CategoryIn(Schema):
    name: str
    account_number: str = ""


class CategoryPatch(Schema):
    name: str | None = None
    account_number: str | None = None
    archived: bool | None = None


class PaymentMethodOut(Schema):
    id: int
    name: str
    type: str
    account_number: str
    archived: bool


class PaymentMethodIn(Schema):
    name: str
    type: PaymentMethodTypeName
    account_number: str = ""


class PaymentMethodPatch(Schema):
    name: str | None = None
    type: PaymentMethodTypeName | None = None
    account_number: str | None = None
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

    supplier_name: str = ""
    supplier_cvr: str = ""
    invoice_number: str = ""
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: str = Field("DKK", min_length=3, max_length=3)
    total: OptionalMoney = None
    vat_amount: OptionalMoney = None
    text: str = Field("", max_length=500)
    category_id: int | None = None
    payment_method_id: int | None = None


class BillPatch(Schema):
    """Only the fields sent are changed; `null` clears a category or payment method."""

    supplier_name: str | None = None
    supplier_cvr: str | None = None
    invoice_number: str | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    total: OptionalMoney = None
    vat_amount: OptionalMoney = None
    text: str | None = Field(None, max_length=500)
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
