"""Bills, suppliers, categories, payment methods, payments (SPEC B-1…B-5).

Money is Decimal with a currency beside it; never a float.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from billbridge.accounts.models import Company, User

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Category(models.Model):
    """What the app calls an account (B-3): one account number of the accounting system."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=200)
    account_number = models.CharField(_("account number"), max_length=20, blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    # Which accounting system's chart this came from ("" when created by hand), S-d7.
    imported_from = models.CharField(max_length=20, blank=True)
    vat_code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["account_number", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}".strip()


class PaymentMethodType(models.TextChoices):
    DEBIT_CARD = "debit_card", _("Debit card")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    CREDIT_CARD = "credit_card", _("Credit card")
    OVERDRAFT = "overdraft", _("Overdraft")
    CASH = "cash", _("Cash")


class PaymentMethod(models.Model):
    """How a bill is paid (B-4), mapped to a balance-sheet account."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="payment_methods")
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=PaymentMethodType.choices)
    account_number = models.CharField(_("account number"), max_length=20, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Supplier(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="suppliers")
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=20, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DK")
    # Supplier memory (B-5): the category the last categorised bill from this supplier got.
    remembered_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["company", "cvr"]),
            models.Index(fields=["company", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class BillStatus(models.TextChoices):
    ANALYSING = "ANALYSING", _("Analysing")
    UPCOMING = "UPCOMING", _("Upcoming")
    PAID = "PAID", _("Paid")
    DUPLICATE = "DUPLICATE", _("Duplicate")


# Finished and not a duplicate: the statuses whose bills go to an accounting system.
POSTABLE_STATUSES = (BillStatus.UPCOMING, BillStatus.PAID)


class BillQuerySet(models.QuerySet["Bill"]):
    def postable(self) -> BillQuerySet:
        """The bills an accounting system gets (the one rule, as `Bill.is_postable` says it of
        one bill): finished, not a duplicate, with a total and an issue date (issue 12 item 4)."""
        return self.filter(
            status__in=POSTABLE_STATUSES, total__isnull=False, issue_date__isnull=False
        )


class RateSource(models.TextChoices):
    """Where a bill's exchange rate came from."""

    OFFICIAL = "official", _("Official rate")
    MANUAL = "manual", _("Typed by a person")


def document_path(bill: Bill, filename: str) -> str:
    return f"documents/{bill.company_id}/{uuid.uuid4().hex}/{filename}"


class Bill(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="bills")
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="bills"
    )
    invoice_number = models.CharField(_("invoice number"), max_length=100, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="DKK")
    total = models.DecimalField(_("total incl. VAT"), null=True, blank=True, **MONEY)
    vat_amount = models.DecimalField(_("VAT"), default=Decimal("0.00"), **MONEY)
    # What the e-invoice (or a person) says the VAT is made of: a list of
    # {"category", "percent", "taxable_amount", "vat_amount"}, amounts as decimal strings
    # signed like `total`. The VAT rule reads it (integrations/vat.py, R-5).
    vat_breakdown = models.JSONField(_("VAT breakdown"), default=list, blank=True)
    # A bill in another currency: DKK for 100 units, where it came from, and for an
    # official rate the date it was published for (a weekend bill has Friday's).
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=16, decimal_places=6, null=True, blank=True
    )
    exchange_rate_source = models.CharField(max_length=10, choices=RateSource.choices, blank=True)
    exchange_rate_date = models.DateField(null=True, blank=True)
    exchange_rate_set_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exchange_rate_set_at = models.DateTimeField(null=True, blank=True)
    text = models.CharField(_("text"), max_length=500, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="bills"
    )
    payment_method = models.ForeignKey(
        PaymentMethod, null=True, blank=True, on_delete=models.PROTECT, related_name="bills"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BillStatus.choices, default=BillStatus.UPCOMING
    )
    document = models.FileField(upload_to=document_path, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_content_type = models.CharField(max_length=100, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Set when a user says "not a duplicate": the bill is then never flagged again.
    duplicate_overridden = models.BooleanField(default=False)
    # What extraction read from the document: {"field": {"value": …, "confidence": …}}.
    extraction = models.JSONField(default=dict, blank=True)
    extraction_error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BillQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        indexes = [
            # The list's order (issue 16 item 3): a page is a walk along this index.
            models.Index(fields=["company", "-issue_date", "-id"], name="bill_list_order"),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["company", "supplier", "invoice_number"]),
        ]

    def __str__(self) -> str:
        return f"{self.supplier or '?'} {self.invoice_number}".strip()

    @property
    def is_credit_note(self) -> bool:
        return self.total is not None and self.total < 0

    @property
    def is_postable(self) -> bool:
        """Whether an accounting system gets this bill: `BillQuerySet.postable()`'s rule."""
        return (
            self.status in POSTABLE_STATUSES
            and self.total is not None
            and self.issue_date is not None
        )

    @property
    def supplier_name(self) -> str:
        return self.supplier.name if self.supplier else ""

    @property
    def supplier_cvr(self) -> str:
        return self.supplier.cvr if self.supplier else ""


class Payment(models.Model):
    """A bill paid in full on a date with a payment method (B-2)."""

    bill = models.OneToOneField(Bill, on_delete=models.CASCADE, related_name="payment")
    date = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(max_length=3, default="DKK")
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, related_name="payments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.bill} paid {self.date}"
