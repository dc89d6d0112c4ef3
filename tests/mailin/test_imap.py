"""The company's own mailbox over IMAP, against a real dovecot (issue 13 items 2 and 7): a mail
becomes bills, and is marked or moved only after its bills are stored."""

from __future__ import annotations

import imaplib
import itertools

import pytest

from billbridge.bills.models import Bill, BillStatus
from billbridge.mailin import imap, services
from billbridge.mailin.models import ImapSecurity, InboundMail, MailSource, MailStatus
from tests.ingest import corpus
from tests.mailin.conftest import message

pytestmark = pytest.mark.django_db(transaction=True)
_users = itertools.count(1)


@pytest.fixture
def account(dovecot):
    """A fresh mailbox user on the IMAP server: (user, password)."""
    return f"bills{next(_users)}@nordlys.dk", "app-password-1"


@pytest.fixture
def mailbox(company, account, dovecot):
    user, password = account
    return services.connect_imap(
        company,
        password=password,
        host="127.0.0.1",
        port=dovecot.port,
        security=ImapSecurity.NONE,
        username=user,
        folder="INBOX",
    )


class TestsOwnClient(imaplib.IMAP4):
    """The test's own IMAP connections come from 127.0.0.2: dovecot slows down an address
    after a failed log-in (the wrong-password test's), and the product connects from 127.0.0.1."""

    def _create_socket(self, timeout):
        import socket

        return socket.create_connection(
            (self.host, self.port), timeout, source_address=("127.0.0.2", 0)
        )


def deliver(dovecot, account, msg) -> None:
    client = TestsOwnClient("127.0.0.1", dovecot.port)
    client.login(*account)
    client.append("INBOX", None, None, msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
    client.logout()


def flags_and_folder(dovecot, account, folder="INBOX") -> list[bytes]:
    client = TestsOwnClient("127.0.0.1", dovecot.port)
    client.login(*account)
    client.select(folder)
    _, data = client.uid("FETCH", "1:*", "(FLAGS)")
    client.logout()
    return [d for d in data if d]


def a_bill_mail(**kwargs):
    return message(
        to="bills@nordlys.dk",
        attachments=[("faktura.pdf", corpus.bill_pdf(), "application/pdf")],
        **kwargs,
    )


def test_the_password_is_stored_encrypted(mailbox):
    assert "app-password-1" not in mailbox.encrypted_password
    assert mailbox.password == "app-password-1"


def test_a_mail_in_the_mailbox_becomes_a_bill_and_is_then_marked_read(
    dovecot, account, mailbox, company
):
    deliver(dovecot, account, a_bill_mail())
    assert imap.poll(mailbox) == 1
    mail = InboundMail.objects.get()
    assert (mail.source, mail.status, mail.imap_done) == (
        MailSource.IMAP,
        MailStatus.PROCESSED,
        True,
    )
    assert Bill.objects.get(company=company).status == BillStatus.UPCOMING
    assert b"\\Seen" in flags_and_folder(dovecot, account)[0]
    assert imap.poll(mailbox) == 0  # read mail is not taken again
    assert Bill.objects.count() == 1


def test_a_mail_is_moved_after_its_bills_are_stored(dovecot, account, mailbox, company):
    mailbox.move_to = "Archive"
    mailbox.save()
    deliver(dovecot, account, a_bill_mail())
    imap.poll(mailbox)
    assert Bill.objects.filter(company=company).count() == 1
    assert flags_and_folder(dovecot, account, "INBOX") == []
    assert len(flags_and_folder(dovecot, account, "Archive")) == 1


def test_a_worker_that_died_after_storing_leaves_the_mail_unread_and_loses_nothing(
    dovecot, account, mailbox, company
):
    deliver(dovecot, account, a_bill_mail())
    # What a worker killed right after storing leaves: the row and file, no bills, no mark.
    client = imap.open_mailbox(mailbox)
    validity = str(client.folder.status("INBOX", ["UIDVALIDITY"])["UIDVALIDITY"])
    (uid,) = client.uids("UNSEEN")
    raw = imap._fetch_raw(client, uid)
    client.logout()
    services.store_mail(
        company,
        raw,
        services.Envelope(source=MailSource.IMAP),
        imap={"imap_mailbox": mailbox, "imap_folder": "INBOX", "imap_uid_validity": validity,
              "imap_uid": uid},
    )  # fmt: skip
    assert b"\\Seen" not in flags_and_folder(dovecot, account)[0]
    assert not Bill.objects.exists()

    assert imap.poll(mailbox) == 0  # nothing new to store: it is processed and marked
    assert InboundMail.objects.get().status == MailStatus.PROCESSED
    assert Bill.objects.filter(company=company).count() == 1
    assert b"\\Seen" in flags_and_folder(dovecot, account)[0]


def test_a_wrong_password_is_noted_and_nothing_is_taken(dovecot, account, mailbox):
    deliver(dovecot, account, a_bill_mail())
    mailbox.password = "wrong"
    mailbox.save()
    assert imap.poll(mailbox) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error == "login_failed"
    assert not InboundMail.objects.exists()
    assert b"\\Seen" not in flags_and_folder(dovecot, account)[0]
