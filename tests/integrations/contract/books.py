"""What the contract suite needs to know of one provider's emulated books.

Each provider in the registry has `tests/integrations/<key>/contract.py` with a `BOOKS` class,
a subclass of `Books`: how to connect it through the framework's REST route, how to read what
landed in its books, and how to make its emulator drop an answer or refuse the credentials.
The suite finds it by the registry key; tests/integrations/contract/ is then the provider's
definition of done (docs/adding-a-provider.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from billbridge.bills.models import PaymentMethod
from billbridge.integrations.models import Integration
from tests.emulators.conftest import RunningEmulator


@dataclass(frozen=True)
class Entry:
    """One bill's entry in the books: its amount including VAT (positive for a purchase)."""

    amount: Decimal


@dataclass(frozen=True)
class Paid:
    """A payment the books show: its amount and the account it was paid from."""

    amount: Decimal
    account: str


class Books:
    key = ""
    payment_account = ""  # an account of the emulated chart a payment method can pay from

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator

    def prepare(self, settings: Any) -> None:
        """Ready the product for this emulator (reset, settings pointed at it) per test."""

    def connect_body(self, company: Any) -> dict[str, Any]:
        raise NotImplementedError

    def bad_connect_body(self, company: Any) -> dict[str, Any]:
        raise NotImplementedError

    def remote_id(self) -> str:
        raise NotImplementedError

    def entries(self) -> list[Entry]:
        """Every bill's entry in the books."""
        raise NotImplementedError

    def payments(self) -> list[Paid]:
        raise NotImplementedError

    def pays_from(self, integration: Integration, method: PaymentMethod) -> None:
        """What the set-up maps for a payment method (nothing when its own account is used)."""

    def drop_next_write(self) -> None:
        """The next write of an entry lands in the books, but its answer never arrives."""
        raise NotImplementedError

    def refuse_credentials(self) -> None:
        """The system stops accepting the connection's credentials (revoked in the system)."""
        raise NotImplementedError


def books_of(key: str) -> type[Books]:
    """The provider's `Books`: `tests.integrations.<key>.contract.BOOKS`."""
    module = importlib.import_module(f"tests.integrations.{key}.contract")
    found: type[Books] = module.BOOKS
    return found
