"""e-conomic in the provider contract suite (tests/integrations/contract/)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from billbridge.bills.models import PaymentMethod
from billbridge.integrations.models import Integration
from tests.integrations.contract.books import Books, Entry, Paid
from tests.integrations.economic import conftest as economic


class EconomicBooks(Books):
    """e-conomic's kassekladder 2 and 3 of agreement 701001 in its emulator."""

    key = "economic"
    payment_account = "5820"

    def prepare(self, settings: Any) -> None:
        economic.ready(self.emulator, settings)

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


BOOKS = EconomicBooks
