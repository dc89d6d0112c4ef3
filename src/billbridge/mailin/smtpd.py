"""billbridge's own SMTP server for the bills inboxes (aiosmtpd), ``python -m billbridge smtpd``.

- RCPT: an address that is no company's current inbox is refused at once (550), so nothing is
  accepted that has nowhere to go, and no bounce is ever sent later (no backscatter).
- DATA: the whole message is over the size limit → aiosmtpd's 552; an attachment over the
  per-document limit → 552 naming the limit; a sender the company has not listed → 550. The
  refusal is recorded (who, subject, why) for the inbox page, the message is not kept.
- Otherwise the message is written durably (file fsynced, row committed) and only THEN the
  server answers 250; the worker turns it into bills (``tasks.process_mail_task``).

The ORM is synchronous, so each database step runs in a worker thread of the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections

from billbridge.mailin import services
from billbridge.mailin.mime import parse_mail
from billbridge.mailin.models import MailSource, NoBillReason

log = logging.getLogger(__name__)
MAX_RECIPIENTS = 20


def _in_thread(func: Any, *args: Any) -> Any:
    """Run a database step with a fresh connection (the loop's threads live long)."""
    close_old_connections()
    try:
        return func(*args)
    finally:
        close_old_connections()


class BillsInboxHandler:
    """aiosmtpd's handler: the hooks for RCPT and DATA."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        loop = asyncio.get_running_loop()
        inbox = await loop.run_in_executor(None, _in_thread, services.inbox_by_address, address)
        if inbox is None:
            return "550 5.1.1 No bills inbox has this address"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        peer = session.peer[0] if isinstance(session.peer, tuple) else None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None,
            _in_thread,
            accept_message,
            raw,
            peer,
            session.host_name or "",
            envelope.mail_from or "",
            list(envelope.rcpt_tos),
        )


def accept_message(
    raw: bytes, peer_ip: str | None, helo: str, mail_from: str, recipients: list[str]
) -> str:
    """Keep the message for each inbox it is addressed to; the SMTP reply to give."""
    parsed = parse_mail(raw)
    limit = settings.MAX_DOCUMENT_BYTES
    too_large = [p.filename or "?" for p in parsed.candidates if len(p.data) > limit]
    kept = []
    for recipient in recipients:
        inbox = services.inbox_by_address(recipient)
        if inbox is None:  # the address was changed during the session
            continue
        envelope = services.Envelope(
            source=MailSource.SMTP,
            envelope_from=mail_from,
            recipient=recipient,
            peer_ip=peer_ip,
            helo=helo,
        )
        refusal = ""
        if too_large:
            refusal = NoBillReason.TOO_LARGE
        elif not services.may_send(inbox, parsed.from_address, mail_from):
            refusal = NoBillReason.SENDER_NOT_ALLOWED
        if refusal:
            services.record_refusal(
                inbox.company,
                envelope,
                refusal,
                from_address=parsed.from_address or mail_from,
                subject=parsed.subject,
            )
            continue
        kept.append(services.store_mail(inbox.company, raw, envelope))
    if kept:
        for mail in kept:
            _wake_worker(mail.pk)
        ids = ",".join(str(m.pk) for m in kept)
        return f"250 2.0.0 Accepted: kept as mail {ids}; its bills follow shortly"
    if too_large:
        return (
            f"552 5.3.4 The attachment {too_large[0][:60]} is larger than "
            f"{limit // 2**20} MB, the limit for one document"
        )
    if not recipients:
        return "554 5.5.1 No valid recipients"
    return "550 5.7.1 This bills inbox takes mail only from the senders its company listed"


def _wake_worker(mail_id: int) -> None:
    """Queue the mail's processing. A lost message only delays it: the sweep finds the mail."""
    from billbridge.mailin.tasks import process_mail_task

    try:
        process_mail_task(mail_id)
    except Exception:
        log.exception("mail %s is kept, but the worker could not be woken; the sweep will", mail_id)


def _tls_context() -> ssl.SSLContext | None:
    cert, key = settings.BILLBRIDGE_SMTP_TLS_CERT, settings.BILLBRIDGE_SMTP_TLS_KEY
    if not cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key or None)
    return context


def make_controller(host: str, port: int) -> Controller:
    """The SMTP server, not yet started (``.start()`` runs it in a thread of its own)."""
    return Controller(
        BillsInboxHandler(),
        hostname=host,
        port=port,
        server_hostname=settings.BILLBRIDGE_MAIL_DOMAIN,
        ready_timeout=10,
        data_size_limit=settings.BILLBRIDGE_MAIL_MAX_BYTES,
        enable_SMTPUTF8=True,
        decode_data=False,
        tls_context=_tls_context(),
        ident="billbridge bills inbox",
    )
