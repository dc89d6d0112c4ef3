"""Taking a message apart (issue 13 item 3): attachments, forwarded messages, decorations."""

from __future__ import annotations

import io

from billbridge.mailin.mime import html_to_text, parse_mail
from tests.mailin.conftest import message


def picture(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 200).save(out, format="PNG")
    return out.getvalue()


def raw(msg) -> bytes:
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def test_headers_and_body_are_read():
    parsed = parse_mail(raw(message(to="x@bills.localhost", subject="Faktura æøå", body="Hej")))
    assert parsed.from_address == "bogholderi@kaffekompagniet.dk"
    assert parsed.from_name == "Bogholderi"
    assert parsed.subject == "Faktura æøå"
    assert parsed.body_text.strip() == "Hej"


def test_an_attached_photo_is_a_candidate_but_an_inline_logo_is_not():
    msg = message(
        to="x@bills.localhost", attachments=[("kvittering.png", picture(800, 1200), "image/png")]
    )
    msg.get_body().add_related(picture(300, 300), maintype="image", subtype="png", cid="<logo>")
    parsed = parse_mail(raw(msg))
    assert [p.filename for p in parsed.candidates] == ["kvittering.png"]
    assert len(parsed.decorations) == 1


def test_a_tiny_attached_picture_is_a_signature_not_a_bill():
    msg = message(
        to="x@bills.localhost", attachments=[("image001.png", picture(120, 40), "image/png")]
    )
    parsed = parse_mail(raw(msg))
    assert not parsed.candidates and len(parsed.decorations) == 1


def test_a_forwarded_message_gives_its_attachments_and_its_body():
    inner = message(
        to="ejer@nordlys.dk",
        body="Faktura vedlagt",
        attachments=[("f.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    outer = message(to="x@bills.localhost", body="Se nedenfor")
    outer.add_attachment(inner)
    parsed = parse_mail(raw(outer))
    assert [p.filename for p in parsed.candidates] == ["f.pdf"]
    assert "Se nedenfor" in parsed.body_text and "Faktura vedlagt" in parsed.body_text


def test_an_html_body_is_read_as_text():
    assert (
        html_to_text("<html><head><style>p{}</style></head><p>Total: 500,00</p><p>Nr 7</p></html>")
        == "Total: 500,00\nNr 7"
    )


def test_a_broken_message_gives_what_can_be_read():
    parsed = parse_mail(
        b"Subject: =?x-unknown?q?broken?=\r\nContent-Type: multipart/mixed\r\n\r\ngarbage"
    )
    assert parsed.candidates == []
