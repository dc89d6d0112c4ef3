"""DKIM and SPF recorded for each mail (issue 13 item 4), against a real DNS server of the test's
own: DKIM signatures made with dkimpy, SPF policies as TXT records."""

from __future__ import annotations

import pytest

from billbridge.mailin.models import InboundMail
from tests.mailin.conftest import message, send

pytestmark = pytest.mark.django_db(transaction=True)


def signed(msg, key: bytes) -> bytes:
    import dkim

    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    signature = dkim.sign(
        raw, b"mail", b"kaffekompagniet.dk", key, include_headers=[b"from", b"subject", b"to"]
    )
    return signature + raw


def send_raw(server, raw: bytes, to: str, mail_from: str = "bogholderi@kaffekompagniet.dk"):
    import smtplib

    with smtplib.SMTP(*server, timeout=30) as client:
        client.ehlo("mail.kaffekompagniet.dk")
        client.mail(mail_from)
        client.rcpt(to)
        return client.data(raw)


def test_a_signed_mail_from_an_allowed_server_passes_dkim_and_spf(
    smtp_server, inbox, dkim_key, dns_zone
):
    dns_zone["kaffekompagniet.dk"] = "v=spf1 ip4:127.0.0.1 -all"
    raw = signed(message(to=inbox.address, body="Ses på fredag"), dkim_key)
    assert send_raw(smtp_server, raw, inbox.address)[0] == 250
    auth = InboundMail.objects.get().authentication
    assert auth["dkim"] == {"result": "pass", "domain": "kaffekompagniet.dk"}
    assert auth["spf"]["result"] == "pass"


def test_a_changed_signed_mail_fails_dkim(smtp_server, inbox, dkim_key):
    raw = signed(message(to=inbox.address, body="Beløb: 100 kr."), dkim_key)
    tampered = raw.replace(b"100 kr.", b"900 kr.")
    assert send_raw(smtp_server, tampered, inbox.address)[0] == 250
    assert InboundMail.objects.get().authentication["dkim"]["result"] == "fail"


def test_a_server_the_domain_does_not_allow_fails_spf(smtp_server, inbox, dns_zone):
    dns_zone["kaffekompagniet.dk"] = "v=spf1 ip4:192.0.2.10 -all"
    assert send(smtp_server, message(to=inbox.address))[0] == 250
    auth = InboundMail.objects.get().authentication
    assert auth["spf"]["result"] == "fail"
    assert auth["dkim"] == {"result": "none"}


def test_a_domain_without_spf_or_dkim_is_none_and_the_mail_still_arrives(smtp_server, inbox):
    assert send(smtp_server, message(to=inbox.address))[0] == 250
    mail = InboundMail.objects.get()
    assert mail.authentication["spf"]["result"] == "none"
    assert mail.status == "processed"
