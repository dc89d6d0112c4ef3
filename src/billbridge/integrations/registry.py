"""The accounting systems billbridge knows. The UI and the sync engine know providers only here.

Adding a third system = one new package under integrations/ + one line in PROVIDERS.
Each package exposes (all optional until built): `urls` (web set-up pages, mounted at
/c/<company_id>/integrations/<key>/), `api` (a ninja Router `router`, mounted at
/api/v1/companies/{company_id}/integrations/<key>), and `provider` (the AccountingSystem).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ProviderInfo:
    key: str
    name: str
    package: str
    summary: str | Promise

    def module(self, name: str) -> ModuleType | None:
        """`<package>.<name>` if the provider has it, else None."""
        try:
            return importlib.import_module(f"{self.package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{self.package}.{name}":
                return None
            raise


PROVIDERS: dict[str, ProviderInfo] = {
    p.key: p
    for p in (
        ProviderInfo(
            "dinero",
            "Dinero",
            "billbridge.integrations.dinero",
            _("Bills and payments become supplier invoices and payments in Dinero's kassekladde."),
        ),
        ProviderInfo(
            "economic",
            "e-conomic",
            "billbridge.integrations.economic",
            _(
                "Bills become supplier invoices, payments become supplier payments, in the "
                "e-conomic kassekladder you choose."
            ),
        ),
    )
}


def get(key: str) -> ProviderInfo:
    return PROVIDERS[key]
