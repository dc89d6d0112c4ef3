"""A company's bills inbox (B-7): its address, who may send, an IMAP mailbox, the mails received.

A received mail is a row and a stored .eml file, written before the mail is acknowledged; the
worker turns it into bills from there, so an accepted mail is never lost.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from billbridge.accounts.models import Company
from billbridge.bills.models import Bill
from billbridge.crypto import decrypt_json, encrypt_json


class Inbox(models.Model):
    """The company's own address, ``<local_part>@BILLBRIDGE_MAIL_DOMAIN``; secret by its token."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="inbox")
    # "nordlys-design-k7f2m9qx": a readable slug and a random token. Only the current one works.
    local_part = models.CharField(max_length=64, unique=True)
    # One address or @domain per line; empty = any sender (the address itself is the secret).
    allowed_senders = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{self.local_part}@{settings.BILLBRIDGE_MAIL_DOMAIN}"

    @property
    def sender_rules(self) -> list[str]:
        return [line.strip().lower() for line in self.allowed_senders.splitlines() if line.strip()]


class ImapSecurity(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (only on a trusted network)")


class ImapMailbox(models.Model):
    """The company's own mailbox, polled by the worker instead of (or beside) the address."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="imap_mailbox")
    host = models.CharField(_("server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    # The password or app password, Fernet-encrypted (billbridge.crypto); never shown again.
    encrypted_password = models.TextField(blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    # After its bills are stored a mail is moved here, or (empty) marked as read.
    move_to = models.CharField(_("move read mails to"), max_length=255, blank=True)
    enabled = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"

    @property
    def password(self) -> str:
        return decrypt_json(self.encrypted_password).get("password", "")

    @password.setter
    def password(self, value: str) -> None:
        self.encrypted_password = encrypt_json({"password": value}) if value else ""


class MailStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    REFUSED = "refused", _("Refused")


class MailSource(models.TextChoices):
    SMTP = "smtp", _("Bills address")
    IMAP = "imap", _("Mailbox (IMAP)")


class NoBillReason(models.TextChoices):
    """Why a mail made no bill, in plain words on the inbox page (issue 13 item 5)."""

    SENDER_NOT_ALLOWED = "sender_not_allowed", _("The sender is not on the inbox's list.")
    NO_BILL = "no_bill", _("No bill was found in the mail.")
    TOO_LARGE = "too_large", _("The mail or an attachment was too large.")
    UNREADABLE = "unreadable", _("The mail could not be read.")


def mail_path(mail: InboundMail, filename: str) -> str:
    return f"mail/{mail.company_id}/{uuid.uuid4().hex}.eml"


class InboundMail(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="inbound_mails")
    source = models.CharField(max_length=10, choices=MailSource.choices)
    status = models.CharField(
        max_length=12, choices=MailStatus.choices, default=MailStatus.RECEIVED, db_index=True
    )
    reason = models.CharField(max_length=30, choices=NoBillReason.choices, blank=True)
    # The message exactly as received (empty for a mail refused without keeping it).
    raw = models.FileField(upload_to=mail_path, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    envelope_from = models.CharField(max_length=320, blank=True)
    recipient = models.CharField(max_length=320, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    message_id = models.CharField(max_length=500, blank=True)
    peer_ip = models.GenericIPAddressField(null=True, blank=True)
    helo = models.CharField(max_length=255, blank=True)
    # DKIM and SPF as checked on arrival: {"dkim": "pass"|"fail"|"none"|…, "spf": …, …}.
    authentication = models.JSONField(default=dict, blank=True)
    # What was done with each part: [{"filename": …, "outcome": "bill"|"skipped"|"refused", …}].
    parts = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The IMAP message it came from; marked/moved there only once its bills are stored.
    imap_mailbox = models.ForeignKey(
        ImapMailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    imap_folder = models.CharField(max_length=255, blank=True)
    imap_uid_validity = models.CharField(max_length=20, blank=True)
    imap_uid = models.CharField(max_length=20, blank=True)
    imap_done = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["imap_mailbox", "imap_folder", "imap_uid_validity", "imap_uid"],
                condition=models.Q(imap_mailbox__isnull=False),
                name="one_mail_per_imap_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_address or self.envelope_from}: {self.subject}"[:120]


class MailBill(models.Model):
    """A bill that came by e-mail: which mail, and which part of it."""

    mail = models.ForeignKey(InboundMail, on_delete=models.CASCADE, related_name="bill_links")
    bill = models.OneToOneField(Bill, on_delete=models.CASCADE, related_name="mail_origin")
    filename = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.mail_id} → bill {self.bill_id}"
