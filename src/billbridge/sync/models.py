"""Sync records are the truth about what has reached an accounting system (R-3).

The queue only wakes workers; a periodic sweep re-enqueues whatever is due.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billbridge.accounts.models import Company
from billbridge.bills.models import Bill


class SyncKind(models.TextChoices):
    INVOICE = "invoice", _("Supplier invoice")
    PAYMENT = "payment", _("Supplier payment")


class SyncState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    POSTED = "posted", _("Posted")
    FAILED = "failed", _("Failed")


class SyncRecord(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="sync_records")
    provider = models.CharField(max_length=30)
    kind = models.CharField(max_length=20, choices=SyncKind.choices)
    state = models.CharField(max_length=20, choices=SyncState.choices, default=SyncState.WAITING)
    # Bumped by every bill change; `posted_version` says which version the remote row holds.
    version = models.PositiveIntegerField(default=1)
    posted_version = models.PositiveIntegerField(default=0)
    # The remote voucher number shown to people, and provider data (ids, row versions).
    remote_reference = models.CharField(max_length=100, blank=True)
    remote_data = models.JSONField(default=dict, blank=True)
    # Set before a call whose outcome may be unknown (timeout, dropped connection, crash):
    # the next attempt looks the entry up in the accounting system before posting again.
    in_doubt = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    error_code = models.CharField(max_length=60, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # Values for the plain-words message of `error_code` (e.g. the account number), so it can
    # be rendered again in the reader's language; `error` keeps the English text.
    error_params = models.JSONField(default=dict, blank=True)
    # A worker's claim (engine.claim): nobody else touches the record until `claimed_until`,
    # so a worker killed mid-batch only delays its records by the lease.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # The version sent by the last write whose outcome was unknown: if find() then finds the
    # row, the remote row holds this version.
    attempt_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bill", "provider", "kind"], name="one_sync_record_per_bill_entry"
            )
        ]
        indexes = [
            models.Index(fields=["provider", "state", "next_attempt_at"]),
            # The accountant's overview counts by company, provider and state from this index
            # alone (issue 16 item 3), not by reading every record's row.
            models.Index(fields=["company", "provider", "state"], name="sync_record_counts"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.kind} bill {self.bill_id} {self.state}"


class AuditEntry(models.Model):
    """One call to an accounting system: never a secret, never a body."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=30)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveIntegerField(null=True, blank=True)  # None: no answer
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.method} {self.path} → {self.status}"

    @property
    def outcome_words(self) -> str:
        """The outcome in the reader's language (the audit log showed ok, http_400, …)."""
        code = self.outcome
        if code in OUTCOME_WORDS:
            return str(OUTCOME_WORDS[code])
        if code == "http_429":
            return str(_("Asked to wait (429)"))
        if code.startswith("http_5"):
            return str(_("Error at the system (%(status)s)") % {"status": code[5:]})
        if code.startswith("http_"):
            return str(_("Refused (%(status)s)") % {"status": code[5:]})
        return code


# What transport.py records as a call's outcome, in words.
OUTCOME_WORDS = {
    "ok": _("OK"),
    "connection_lost": _("Connection lost"),
    "unavailable": _("No answer"),
    "timeout": _("No answer in time"),
}
