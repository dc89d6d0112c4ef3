"""Dinero in the provider contract suite (tests/integrations/contract/)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.integrations.contract.books import Books, Entry, Paid
from tests.integrations.dinero import fixtures as dinero


class DineroBooks(Books):
    """Dinero's kassekladde in its emulator (org 112233, the personal integration)."""

    key = "dinero"
    payment_account = "55040"
    UNPAID = 55000  # the set-up's default payment account, where an unpaid row balances

    def prepare(self, settings: Any) -> None:
        dinero.ready(self.emulator, settings)

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


BOOKS = DineroBooks
