"""Amounts and dates the way Danish bookkeeping writes them: 1.250,00 kr. and 22.11.2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from billbridge.integrations.currency import danish_number

register = template.Library()


def _is_danish() -> bool:
    return (get_language() or "da").startswith("da")


def format_money(amount: Decimal | str | int | None, currency: str = "DKK") -> str:
    """`1.250,00 kr.` in Danish (`1.250,00 EUR` for other currencies); `DKK 1,250.00` in English."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(amount)
    currency = (currency or "DKK").upper()
    sign = "-" if value < 0 else ""
    grouped = f"{abs(value):,.2f}"  # 1,250.00
    if _is_danish():
        number = grouped.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        unit = "kr." if currency == "DKK" else currency
        return f"{sign}{number}\xa0{unit}"
    return f"{sign}{currency}\xa0{grouped}"


def format_day(value: dt.date | dt.datetime | None) -> str:
    """`22.11.2026` in Danish, `22 Nov 2026` in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if _is_danish():
        return value.strftime("%d.%m.%Y")
    return f"{value.day} {value.strftime('%b %Y')}"


@register.filter
def money(amount: Decimal | None, currency: str = "DKK") -> str:
    return format_money(amount, currency)


@register.filter
def day(value: dt.date | None) -> str:
    return format_day(value)


@register.filter
def rate(value: Decimal | None) -> str:
    """An exchange rate with its decimals, trailing zeros beyond two dropped: `746,04`."""
    if value is None or value == "":
        return ""
    text = danish_number(Decimal(str(value)))
    if _is_danish():
        return text
    return text.replace(".", "\x00").replace(",", ".").replace("\x00", ",")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
