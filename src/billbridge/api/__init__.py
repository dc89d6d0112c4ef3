"""The REST API (django-ninja). Helpers for provider routers are exported lazily.

A provider's `billbridge.integrations.<key>.api` module may use::

    from billbridge.api import CompanyId, ErrorOut, company_for

Lazy, because this package is a Django app: importing models here at app loading would fail.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "TokenAuth": "billbridge.api.auth",
    "CompanyId": "billbridge.api.auth",
    "company_for": "billbridge.api.auth",
    "membership_for": "billbridge.api.auth",
    "ErrorOut": "billbridge.api.schemas",
    "FieldError": "billbridge.api.schemas",
    "ApiError": "billbridge.api.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
