"""Bills by e-mail through billbridge's own SMTP server, sent with smtplib (issue 13 items 1, 3,
4, 7; B-7)."""

from __future__ import annotations

import os
import stat
from decimal import Decimal

import pytest

from billbridge.bills.models import Bill, BillStatus
from billbridge.mailin.models import InboundMail, MailStatus, NoBillReason
from tests.ingest import corpus
from tests.mailin.conftest import message, send

pytestmark = pytest.mark.django_db(transaction=True)
PDF = ("faktura-2026-1042.pdf", None, "application/pdf")


def pdf_bill(**overrides) -> bytes:
    return corpus.bill_pdf(corpus.Bill(**overrides))


def only_mail(company) -> InboundMail:
    return InboundMail.objects.get(company=company)


def test_a_mailed_pdf_is_accepted_kept_and_becomes_a_read_bill(smtp_server, inbox, company):
    code, reply = send(
        smtp_server,
        message(to=inbox.address, attachments=[("faktura.pdf", pdf_bill(), "application/pdf")]),
    )
    assert code == 250, reply
    mail = only_mail(company)
    assert mail.status == MailStatus.PROCESSED
    path = mail.raw.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, "rb") as fh:
        assert fh.read().startswith(b"From: Bogholderi")
    bill = Bill.objects.get(company=company)
    assert bill.status == BillStatus.UPCOMING
    assert bill.supplier.name == "Kaffekompagniet ApS"
    assert bill.total == corpus.Bill().total
    assert bill.mail_origin.mail == mail
    assert (mail.from_address, mail.subject) == (
        "bogholderi@kaffekompagniet.dk",
        "Faktura 2026-1042",
    )


def test_an_unknown_recipient_is_refused_at_rcpt(smtp_server, inbox, company):
    code, reply = send(smtp_server, message(to="nobody-xxxx@bills.localhost"))
    assert code == 550
    assert b"No bills inbox" in reply
    assert not InboundMail.objects.exists()


def test_a_changed_address_stops_working(smtp_server, inbox, company):
    from billbridge.mailin.services import change_address

    old = inbox.address
    change_address(inbox)
    assert send(smtp_server, message(to=old))[0] == 550
    assert send(smtp_server, message(to=inbox.address))[0] == 250


def test_an_attachment_over_the_document_limit_is_refused_with_552(
    smtp_server, inbox, company, settings
):
    settings.MAX_DOCUMENT_BYTES = 50_000
    big = pdf_bill() + b"%" + b"0" * 60_000
    code, reply = send(
        smtp_server, message(to=inbox.address, attachments=[("big.pdf", big, "application/pdf")])
    )
    assert code == 552
    assert b"big.pdf" in reply and b"limit for one document" in reply
    mail = only_mail(company)
    assert (mail.status, mail.reason, mail.raw.name) == (
        MailStatus.REFUSED,
        NoBillReason.TOO_LARGE,
        "",
    )


def test_a_message_over_the_mail_limit_is_refused_with_552(inbox, company, settings):
    from billbridge.mailin.smtpd import make_controller
    from tests.mailin.conftest import free_port

    settings.BILLBRIDGE_MAIL_MAX_BYTES = 20_000
    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        msg = message(
            to=inbox.address, attachments=[("a.pdf", b"%PDF-" + b"1" * 30_000, "application/pdf")]
        )
        code, reply = send(("127.0.0.1", port), msg)
    finally:
        controller.stop()
    assert code == 552
    assert not InboundMail.objects.exists()


def test_several_attachments_become_several_bills_and_the_logo_none(smtp_server, inbox, company):
    msg = message(
        to=inbox.address,
        attachments=[
            ("faktura-1.pdf", pdf_bill(number="2026-2001"), "application/pdf"),
            (
                "faktura-2.xml",
                corpus.oioubl(corpus.Bill(number="2026-2002")),
                "application/xml",
            ),
        ],
    )
    msg.get_body().add_related(_logo(), maintype="image", subtype="png", cid="<logo@kaffe>")
    assert send(smtp_server, msg)[0] == 250
    numbers = sorted(Bill.objects.filter(company=company).values_list("invoice_number", flat=True))
    assert numbers == ["2026-2001", "2026-2002"]
    outcomes = sorted(p["outcome"] for p in only_mail(company).parts)
    assert outcomes == ["bill", "bill", "skipped"]


def test_an_einvoice_by_mail_is_read_with_full_confidence(smtp_server, inbox, company):
    msg = message(
        to=inbox.address, attachments=[("invoice.xml", corpus.peppol(), "application/octet-stream")]
    )
    assert send(smtp_server, msg)[0] == 250
    bill = Bill.objects.get(company=company)
    assert bill.status == BillStatus.UPCOMING
    assert bill.document_content_type == "application/xml"
    assert bill.extraction["kind"] == "peppol"


def test_a_bill_in_the_mails_body_becomes_one_bill_with_the_mail_as_document(
    smtp_server, inbox, company
):
    body = (
        "Faktura\n\nVinduespudser Hansen\nCVR 29403473\n\nFakturanr. 778\nFakturadato: 20.11.2026\n"
        "Vinduespudsning november\n\nMoms: 100,00\nTotal inkl. moms: 500,00 kr.\n"
    )
    assert send(smtp_server, message(to=inbox.address, subject="Regning", body=body))[0] == 250
    bill = Bill.objects.get(company=company)
    assert bill.document_name == "mail.pdf" and bill.document_content_type == "application/pdf"
    assert bill.invoice_number == "778"
    assert bill.total == Decimal("500.00")


def test_a_mail_with_neither_attachment_nor_bill_says_no_bill_found(smtp_server, inbox, company):
    assert send(smtp_server, message(to=inbox.address, body="Ses vi på fredag?"))[0] == 250
    mail = only_mail(company)
    assert (mail.status, mail.reason) == (MailStatus.PROCESSED, NoBillReason.NO_BILL)
    assert not Bill.objects.exists()


def test_a_forwarded_mail_with_the_bill_nested_as_rfc822_works(smtp_server, inbox, company):
    original = message(
        to="ejer@nordlys.dk", attachments=[("faktura.pdf", pdf_bill(), "application/pdf")]
    )
    forward = message(
        to=inbox.address, sender="Ejer <ejer@nordlys.dk>", subject="Fwd: Faktura 2026-1042",
        body="Se vedhæftede.",
    )  # fmt: skip
    forward.add_attachment(original)
    assert send(smtp_server, forward)[0] == 250
    bill = Bill.objects.get(company=company)
    assert bill.supplier.name == "Kaffekompagniet ApS"
    assert bill.mail_origin.mail.from_address == "ejer@nordlys.dk"


def test_the_same_document_forwarded_twice_is_a_duplicate(smtp_server, inbox, company):
    document = pdf_bill()
    for subject in ("Faktura", "Fwd: Faktura"):
        msg = message(
            to=inbox.address, subject=subject, attachments=[("f.pdf", document, "application/pdf")]
        )
        assert send(smtp_server, msg)[0] == 250
    first, second = Bill.objects.filter(company=company).order_by("id")
    assert (first.status, second.status) == (BillStatus.UPCOMING, BillStatus.DUPLICATE)
    assert second.duplicate_of == first


def test_a_sender_not_on_the_list_is_refused_and_recorded(smtp_server, inbox, company):
    from billbridge.mailin.services import set_allowed_senders

    set_allowed_senders(inbox, "nordlys.dk\nbogholderi@kaffekompagniet.dk")
    code, _ = send(smtp_server, message(to=inbox.address, sender="spam@example.net"))
    assert code == 550
    assert send(smtp_server, message(to=inbox.address))[0] == 250
    refused = InboundMail.objects.get(status=MailStatus.REFUSED)
    assert (refused.reason, refused.from_address) == (
        NoBillReason.SENDER_NOT_ALLOWED,
        "spam@example.net",
    )


def test_an_attachment_that_is_no_bill_document_is_refused_with_its_reason(
    smtp_server, inbox, company
):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    msg = message(to=inbox.address, attachments=[("logo.svg", svg, "image/svg+xml")])
    assert send(smtp_server, msg)[0] == 250
    mail = only_mail(company)
    assert mail.parts == [{"filename": "logo.svg", "outcome": "refused", "code": "xml_not_invoice"}]
    assert mail.reason == NoBillReason.UNREADABLE


def _logo() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(out, format="PNG")
    return out.getvalue()
