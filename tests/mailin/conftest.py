"""The mail intake's fixtures: a running SMTP server (the product's own, aiosmtpd) on a free
port, the company's inbox, and messages built the way mail programs build them."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(company):
    from billbridge.mailin.services import inbox_for

    return inbox_for(company)


@pytest.fixture
def smtp_server(transactional_db) -> Iterator[tuple[str, int]]:
    """The SMTP server in a thread of the test process (the same code `smtpd` runs)."""
    from billbridge.mailin.smtpd import make_controller

    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    yield "127.0.0.1", port
    controller.stop()


def message(
    *,
    to: str,
    sender: str = "Bogholderi <bogholderi@kaffekompagniet.dk>",
    subject: str = "Faktura 2026-1042",
    body: str = "Hej, hermed fakturaen. Venlig hilsen Kaffekompagniet",
    attachments: list[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="kaffekompagniet.dk")
    msg.set_content(body)
    for filename, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def send(server: tuple[str, int], msg: EmailMessage, *, mail_from: str | None = None) -> tuple:
    """Send with smtplib as a mail program would; returns the server's reply to DATA."""
    import smtplib

    with smtplib.SMTP(*server, timeout=30) as client:
        client.ehlo("mail.kaffekompagniet.dk")
        sender = mail_from or msg["From"].addresses[0].addr_spec
        client.mail(sender)
        for rcpt in msg.get_all("To"):
            code, reply = client.rcpt(str(rcpt))
            if code != 250:
                client.rset()
                return code, reply
        # On the wire, lines end in CRLF (smtplib converts str, but sends bytes as they are).
        return client.data(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))


class Zone(dict):
    """TXT records by name, answered by a real DNS server (dnslib) on a free port."""

    def resolve(self, request, handler):
        from dnslib import QTYPE, RR, TXT

        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        if request.q.qtype in (QTYPE.TXT, QTYPE.ANY) and name in self:
            value = self[name]
            chunks = [value[i : i + 250] for i in range(0, len(value), 250)]
            reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        elif name not in self:
            reply.header.rcode = 3  # NXDOMAIN
        return reply


@pytest.fixture(scope="session")
def dns_zone() -> Iterator[Zone]:
    """DKIM keys and SPF policies for the tests' senders; DKIM and SPF ask only this server."""
    from django.conf import settings
    from dnslib.server import DNSLogger, DNSServer

    from billbridge.mailin import authentication

    zone = Zone()
    port = free_port()
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data")
    server = DNSServer(zone, address="127.0.0.1", port=port, logger=quiet)
    server.start_thread()
    settings.BILLBRIDGE_DNS_RESOLVER = f"127.0.0.1:{port}"
    authentication._configure_resolver.cache_clear()
    yield zone
    server.stop()


@pytest.fixture(autouse=True)
def _no_dns_but_ours(dns_zone) -> Iterator[None]:
    dns_zone.clear()
    yield


@pytest.fixture
def dkim_key(dns_zone) -> bytes:
    """A signing key of kaffekompagniet.dk, its public half published under selector "mail"."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    dns_zone["mail._domainkey.kaffekompagniet.dk"] = (
        "v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode()
    )
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="session")
def dovecot() -> Iterator[object]:
    """A real IMAP server (Debian's dovecot), for the whole session."""
    import shutil
    import tempfile
    from pathlib import Path

    from tests.mailin.dovecot import Dovecot, available

    if not available():
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; make test does)")
    # Not under pytest's tmp dir: that is private to the test's user, dovecot's user could
    # not reach it.
    root = Path(tempfile.mkdtemp(prefix="billbridge-dovecot-"))
    server = Dovecot(root, free_port())
    # All mailbox users up front: dovecot re-reads its users file by its mtime, in seconds.
    for number in range(1, 41):
        server.add_user(f"bills{number}@nordlys.dk", "app-password-1")
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)
