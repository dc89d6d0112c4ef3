"""Each provider's emulated books, as the contract suite reads and troubles them.

One `Books` per provider in the registry: how to connect it through the framework's REST route,
how to read what landed in its books, and how to make its emulator drop an answer or refuse the
credentials. A new provider adds its `Books` here; tests/integrations/contract/ is then its
definition of done (docs/adding-a-provider.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from billbridge.bills.models import PaymentMethod
from billbridge.integrations.models import Integration
from tests.emulators.conftest import RunningEmulator
from tests.integrations.dinero import fixtures as dinero
from tests.integrations.economic import conftest as economic


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
    fixture = ""  # the emulator's fixture (reset, product pointed at it)
    payment_account = ""  # an account of the emulated chart a payment method can pay from

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator

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


class DineroBooks(Books):
    key = "dinero"
    fixture = "emu"
    payment_account = "55040"
    UNPAID = 55000  # the set-up's default payment account, where an unpaid row balances

    def connect_body(self, company: Any) -> dict[str, Any]:
        return {"api_key": dinero.api_key(self.emulator), "organization_id": dinero.ORG}

    def bad_connect_body(self, company: Any) -> dict[str, Any]:
        return {"api_key": "not-a-key", "organization_id": dinero.ORG}

    def remote_id(self) -> str:
        return dinero.ORG

    def entries(self) -> list[Entry]:
        return [Entry(Decimal(str(row["Amount"]))) for row in dinero.control_rows(self.emulator)]

    def payments(self) -> list[Paid]:
        # Dinero pays a bill on its own row: the row balances on the account it was paid from.
        return [
            Paid(Decimal(str(row["Amount"])), str(row["BalancingAccountNumber"]))
            for row in dinero.control_rows(self.emulator)
            if row["BalancingAccountNumber"] != self.UNPAID
        ]

    def drop_next_write(self) -> None:
        self.emulator.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                                         "path_contains": "/ledgeritems"}])  # fmt: skip

    def refuse_credentials(self) -> None:
        key = dinero.api_key(self.emulator)
        self.emulator.client.post(
            f"/_emulator/organizations/{dinero.ORG}/api-keys/{key}/revoke"
        ).raise_for_status()


class EconomicBooks(Books):
    key = "economic"
    fixture = "economic"
    payment_account = "5820"

    def connect_body(self, company: Any) -> dict[str, Any]:
        return {
            "agreement_grant_token": economic.grant_token(self.emulator),
            "creditor_invoice_journal": economic.INVOICE_JOURNAL,
            "creditor_payment_journal": economic.PAYMENT_JOURNAL,
            "default_account": 2800,
        }

    def bad_connect_body(self, company: Any) -> dict[str, Any]:
        return {**self.connect_body(company), "agreement_grant_token": "not-a-grant"}

    def remote_id(self) -> str:
        return str(economic.NORDLYS)

    def _remote(self) -> economic.Remote:
        return economic.Remote(self.emulator)

    def entries(self) -> list[Entry]:
        # Every kassekladde line as the emulator holds it (readable with a revoked grant too);
        # a purchase credits the supplier, so e-conomic's amount is the negative of the total.
        report = self.emulator.client.get(f"/_emulator/agreements/{economic.NORDLYS}/vat")
        report.raise_for_status()
        return [
            Entry(-Decimal(str(row["amount"])))
            for row in report.json()["entries"]
            if row["journalNumber"] == economic.INVOICE_JOURNAL
        ]

    def payments(self) -> list[Paid]:
        return [
            Paid(Decimal(str(row["amount"])), str(row["contraAccount"]["accountNumber"]))
            for row in self._remote().entries(economic.PAYMENT_JOURNAL)
        ]

    def pays_from(self, integration: Integration, method: PaymentMethod) -> None:
        integration.settings["payment_method_accounts"] = {str(method.pk): 5820}
        integration.save()

    def drop_next_write(self) -> None:
        self.emulator.faults(fail_next=[{"status": "drop", "count": 1, "method": "POST",
                                         "path_contains": "/vouchers"}])  # fmt: skip

    def refuse_credentials(self) -> None:
        self.emulator.client.post(
            f"/_emulator/agreements/{economic.NORDLYS}/revoke"
        ).raise_for_status()


BOOKS: dict[str, type[Books]] = {books.key: books for books in (DineroBooks, EconomicBooks)}
