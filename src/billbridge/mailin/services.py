"""Mail in, bills out. Everything that changes an inbox or a received mail goes through here.

``store_mail`` writes the message durably (file fsynced, then its row) and is called BEFORE the
SMTP server answers 250 or the IMAP message is marked; ``process_mail`` (in the worker) turns a
stored mail into bills in one transaction, so a worker killed half-way leaves the mail
"received" and the periodic sweep processes it again from the start.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from billbridge.accounts.models import Company
from billbridge.ingest.errors import IngestError
from billbridge.ingest.fields import extract_fields
from billbridge.ingest.services import receive_bytes
from billbridge.mailin.addresses import new_local_part, sender_allowed, split_address
from billbridge.mailin.authentication import authenticate
from billbridge.mailin.mime import ParsedMail, parse_mail
from billbridge.mailin.models import (
    ImapMailbox,
    InboundMail,
    Inbox,
    MailBill,
    MailSource,
    MailStatus,
    NoBillReason,
    mail_path,
)
from billbridge.mailin.render import mail_as_pdf

log = logging.getLogger(__name__)


# --- the inbox ------------------------------------------------------------------------------


def inbox_for(company: Company) -> Inbox:
    """The company's inbox, made with a fresh address the first time it is asked for."""
    inbox = Inbox.objects.filter(company=company).first()
    if inbox is None:
        inbox, _ = Inbox.objects.get_or_create(
            company=company, defaults={"local_part": new_local_part(company.name)}
        )
    return inbox


def change_address(inbox: Inbox) -> Inbox:
    """A new address; the old one stops working at once (mail to it is refused at RCPT)."""
    inbox.local_part = new_local_part(inbox.company.name)
    inbox.save(update_fields=["local_part", "changed_at"])
    return inbox


def set_allowed_senders(inbox: Inbox, text: str) -> Inbox:
    """One address or domain per line; empty lets anyone who knows the address send."""
    lines = [line.strip().lower() for line in text.replace(",", "\n").splitlines()]
    inbox.allowed_senders = "\n".join(line for line in lines if line)
    inbox.save(update_fields=["allowed_senders", "changed_at"])
    return inbox


def inbox_by_address(address: str) -> Inbox | None:
    """The inbox an envelope recipient names, or None (the SMTP server then answers 550)."""
    local, domain = split_address(address)
    if domain != settings.BILLBRIDGE_MAIL_DOMAIN.lower() or not local:
        return None
    return Inbox.objects.select_related("company").filter(local_part=local).first()


# --- storing a mail, durably ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the SMTP session (or the IMAP server) told about a message besides its bytes."""

    source: str = MailSource.SMTP
    envelope_from: str = ""
    recipient: str = ""
    peer_ip: str | None = None
    helo: str = ""


def _write_durably(name: str, data: bytes) -> None:
    """The file, its bytes and its directory entry on disk before we say "accepted"."""
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def store_mail(
    company: Company, raw: bytes, envelope: Envelope, *, imap: dict | None = None
) -> InboundMail:
    """Keep a received message: its file (fsynced) and its row (committed). Then it is ours."""
    parsed = _headers_only(raw)
    mail = InboundMail(
        company=company,
        source=envelope.source,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        envelope_from=envelope.envelope_from[:320],
        recipient=envelope.recipient[:320],
        peer_ip=envelope.peer_ip,
        helo=envelope.helo[:255],
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        subject=parsed.subject,
        message_id=parsed.message_id,
        **(imap or {}),
    )
    name = mail_path(mail, "message.eml")
    _write_durably(name, raw)
    mail.raw.name = name
    with transaction.atomic():
        mail.save()
    return mail


def record_refusal(
    company: Company, envelope: Envelope, reason: str, *, from_address: str = "", subject: str = ""
) -> InboundMail:
    """A mail refused in the SMTP session: nothing of it is kept but who, what and why."""
    return InboundMail.objects.create(
        company=company,
        source=envelope.source,
        status=MailStatus.REFUSED,
        reason=reason,
        envelope_from=envelope.envelope_from[:320],
        recipient=envelope.recipient[:320],
        peer_ip=envelope.peer_ip,
        helo=envelope.helo[:255],
        from_address=from_address[:320],
        subject=subject[:500],
        processed_at=timezone.now(),
    )


def _headers_only(raw: bytes) -> ParsedMail:
    """From, subject and message id, cheaply: only the header block is parsed."""
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
    return parse_mail(raw[: end + 4] if end >= 0 else raw[:65536])


def may_send(inbox: Inbox, from_address: str, envelope_from: str) -> bool:
    return sender_allowed(inbox.sender_rules, [a for a in (from_address, envelope_from) if a])


# --- from a stored mail to bills --------------------------------------------------------------


def process_mail(mail_id: int) -> InboundMail | None:
    """Turn a stored mail into bills, exactly once (B-7, issue 13 item 3)."""
    mail = InboundMail.objects.filter(pk=mail_id, status=MailStatus.RECEIVED).first()
    if mail is None:
        return None
    InboundMail.objects.filter(pk=mail.pk).update(attempts=mail.attempts + 1)
    try:
        with mail.raw.open("rb") as fh:
            raw = fh.read()
    except OSError:
        log.exception("mail %s: its stored file cannot be read", mail.pk)
        return _finish(mail, [], NoBillReason.UNREADABLE, {})
    # DNS look-ups (DKIM, SPF) before the transaction: no lock is held while they wait.
    auth = authenticate(raw, mail.peer_ip, mail.envelope_from, mail.helo)
    try:
        parsed = parse_mail(raw)
    except Exception:
        log.exception("mail %s: the message cannot be taken apart", mail.pk)
        return _finish(mail, [], NoBillReason.UNREADABLE, auth)
    with transaction.atomic():
        locked = InboundMail.objects.select_for_update().filter(pk=mail.pk).first()
        if locked is None or locked.status != MailStatus.RECEIVED:
            return locked
        inbox = Inbox.objects.filter(company_id=mail.company_id).first()
        if inbox is not None and not may_send(inbox, parsed.from_address, mail.envelope_from):
            return _finish(locked, [], NoBillReason.SENDER_NOT_ALLOWED, auth, refused=True)
        parts, bills = _bills_from(locked, parsed)
        reason = "" if bills else _reason_for_no_bill(parts)
        return _finish(locked, parts, reason, auth)


def _bills_from(mail: InboundMail, parsed: ParsedMail) -> tuple[list[dict], int]:
    parts: list[dict] = []
    bills = 0
    limit = settings.MAX_DOCUMENT_BYTES
    for part in parsed.candidates:
        name = part.filename or "document"
        if len(part.data) > limit:
            parts.append({"filename": name, "outcome": "refused", "code": "too_large"})
            continue
        try:
            bill = receive_bytes(mail.company, part.data, name)
        except IngestError as exc:
            parts.append({"filename": name, "outcome": "refused", "code": exc.code})
            continue
        MailBill.objects.create(mail=mail, bill=bill, filename=name[:255])
        parts.append({"filename": name, "outcome": "bill", "bill_id": bill.pk})
        bills += 1
    for part in parsed.decorations:
        parts.append({"filename": part.filename or "", "outcome": "skipped", "code": "inline"})
    if not bills and body_is_a_bill(parsed.body_text):
        # No usable attachment, but the mail itself is the bill: kept as its document (a PDF
        # of the mail, so it is read, shown and sent on like any other document).
        pdf = mail_as_pdf(parsed)
        bill = receive_bytes(mail.company, pdf, "mail.pdf")
        MailBill.objects.create(mail=mail, bill=bill, filename="mail.pdf")
        parts.append({"filename": "", "outcome": "bill", "bill_id": bill.pk, "code": "body"})
        bills += 1
    return parts, bills


def body_is_a_bill(text: str) -> bool:
    """Whether a mail's text reads as a bill: a total, and an invoice number or a date."""
    if len(text.strip()) < 20:
        return False
    read = extract_fields(text)
    return read.total.found and (read.invoice_number.found or read.issue_date.found)


def _reason_for_no_bill(parts: list[dict]) -> str:
    codes = {p.get("code") for p in parts if p["outcome"] == "refused"}
    if "too_large" in codes:
        return NoBillReason.TOO_LARGE
    if codes - {"unsupported_type"}:
        return NoBillReason.UNREADABLE
    return NoBillReason.NO_BILL


def _finish(
    mail: InboundMail, parts: list[dict], reason: str, auth: dict, *, refused: bool = False
) -> InboundMail:
    mail.status = MailStatus.REFUSED if refused else MailStatus.PROCESSED
    mail.reason = reason
    mail.parts = parts
    mail.authentication = auth
    mail.processed_at = timezone.now()
    mail.save(update_fields=["status", "reason", "parts", "authentication", "processed_at"])
    return mail


def unprocessed_mail_ids() -> list[int]:
    """Mails stored but not yet turned into bills (a lost queue message, a killed worker).

    Only those older than BILLBRIDGE_MAIL_SWEEP_AFTER_SECONDS, so that a mail whose queue
    message is on its way is not queued twice (which would be harmless, only wasted work)."""
    age = settings.BILLBRIDGE_MAIL_SWEEP_AFTER_SECONDS
    cutoff = timezone.now() - timezone.timedelta(seconds=age)
    return list(
        InboundMail.objects.filter(status=MailStatus.RECEIVED, received_at__lte=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:500]
    )


# --- the company's IMAP mailbox ---------------------------------------------------------------


def connect_imap(company: Company, *, password: str, **fields: object) -> ImapMailbox:
    """Save the mailbox's settings; the password is encrypted and never shown again."""
    mailbox = ImapMailbox.objects.filter(company=company).first() or ImapMailbox(company=company)
    for name, value in fields.items():
        setattr(mailbox, name, value)
    if password:
        mailbox.password = password
    mailbox.enabled = True
    mailbox.last_error = ""
    mailbox.save()
    return mailbox
