"""The company's own mailbox over IMAP (issue 13 item 2), polled by the worker (imap-tools).

For each new message: fetch its exact bytes (BODY.PEEK[], so nothing is marked yet), store it
(``services.store_mail``: file + row), turn it into bills, and only then mark it read or move it.
A worker that dies in between finds the message again by its UID (and the folder's
UIDVALIDITY): a stored one is not stored twice, an unprocessed one is processed, an unmarked
one is marked. The password is kept Fernet-encrypted (``ImapMailbox.password``).
"""

from __future__ import annotations

import contextlib
import logging
import ssl

from django.conf import settings
from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags

from billbridge.mailin import services
from billbridge.mailin.models import ImapMailbox, ImapSecurity, InboundMail, MailSource, MailStatus

log = logging.getLogger(__name__)
#: Messages taken per poll; the rest wait for the next one.
MAX_PER_POLL = 50


class ImapError(Exception):
    """The mailbox could not be reached or read; ``code`` says why in a word."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def open_mailbox(mailbox: ImapMailbox) -> MailBox:
    """Connected and logged in, with the folder selected."""
    timeout = settings.BILLBRIDGE_IMAP_TIMEOUT
    try:
        if mailbox.security == ImapSecurity.SSL:
            client = MailBox(
                mailbox.host,
                mailbox.port,
                timeout=timeout,
                ssl_context=ssl.create_default_context(),
            )
        elif mailbox.security == ImapSecurity.STARTTLS:
            client = MailBoxStartTls(
                mailbox.host,
                mailbox.port,
                timeout=timeout,
                ssl_context=ssl.create_default_context(),
            )
        else:
            client = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    except (OSError, ssl.SSLError) as exc:
        raise ImapError("cannot_connect", str(exc)[:200]) from exc
    try:
        client.login(mailbox.username, mailbox.password, initial_folder=None)
    except Exception as exc:
        _close(client)
        raise ImapError("login_failed", str(exc)[:200]) from exc
    try:
        client.folder.set(mailbox.folder)
    except Exception as exc:
        _close(client)
        raise ImapError("no_folder", mailbox.folder) from exc
    return client


def _close(client: MailBox) -> None:
    with contextlib.suppress(Exception):  # the connection may be gone already
        client.client.logout()


def check_mailbox(mailbox: ImapMailbox) -> None:
    """Log in and select the folder, as the set-up form's test; ``ImapError`` on failure."""
    _close(open_mailbox(mailbox))


def poll(mailbox: ImapMailbox) -> int:
    """Take the new messages of one mailbox; returns how many were stored this time."""
    try:
        client = open_mailbox(mailbox)
    except ImapError as exc:
        _note(mailbox, exc.code)
        return 0
    stored = 0
    try:
        status = client.folder.status(mailbox.folder, ["UIDVALIDITY"])
        validity = str(status.get("UIDVALIDITY", ""))
        # Moved mails leave the folder; marked ones stay, so only unread ones are new.
        criteria = "ALL" if mailbox.move_to else "UNSEEN"
        for uid in client.uids(criteria)[:MAX_PER_POLL]:
            mail = _stored(mailbox, validity, uid)
            if mail is None:
                raw = _fetch_raw(client, uid)
                if raw is None:
                    continue
                mail = services.store_mail(
                    mailbox.company,
                    raw,
                    services.Envelope(source=MailSource.IMAP, recipient=mailbox.username),
                    imap={
                        "imap_mailbox": mailbox,
                        "imap_folder": mailbox.folder,
                        "imap_uid_validity": validity,
                        "imap_uid": uid,
                    },
                )
                stored += 1
            if mail.status == MailStatus.RECEIVED:
                mail = services.process_mail(mail.pk) or mail
            if mail.status != MailStatus.RECEIVED and not mail.imap_done:
                _mark(client, mailbox, uid)  # only now: its bills are stored
                InboundMail.objects.filter(pk=mail.pk).update(imap_done=True)
        _note(mailbox, "")
    except Exception as exc:
        log.exception("IMAP mailbox %s: poll failed", mailbox.pk)
        _note(mailbox, f"poll_failed: {str(exc)[:200]}")
    finally:
        _close(client)
    return stored


def _stored(mailbox: ImapMailbox, validity: str, uid: str) -> InboundMail | None:
    return InboundMail.objects.filter(
        imap_mailbox=mailbox,
        imap_folder=mailbox.folder,
        imap_uid_validity=validity,
        imap_uid=uid,
    ).first()


def _fetch_raw(client: MailBox, uid: str) -> bytes | None:
    """The message's exact bytes (DKIM needs them), without setting \\Seen."""
    typ, data = client.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _mark(client: MailBox, mailbox: ImapMailbox, uid: str) -> None:
    if mailbox.move_to:
        client.move(uid, mailbox.move_to)
    else:
        client.flag(uid, [MailMessageFlags.SEEN], True)


def _note(mailbox: ImapMailbox, error: str) -> None:
    ImapMailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=error[:500]
    )


def poll_all() -> int:
    total = 0
    for mailbox in ImapMailbox.objects.filter(enabled=True).select_related("company"):
        total += poll(mailbox)
    return total
