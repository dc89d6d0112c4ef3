"""A received message, taken apart with the standard library (``email``, ``policy.default``).

Pure: bytes in, ``ParsedMail`` out. Which parts could be bills (attachments, also inside a
forwarded ``message/rfc822``), which are a mail's own decoration (an inline logo, a signature
picture), and the text of the body, for a bill written in the mail itself.
"""

from __future__ import annotations

import email
import io
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

#: Pictures smaller than this on their short side are icons, logos or signatures, not bills.
MIN_BILL_PICTURE_SIDE = 200
#: How deep forwarded messages are followed.
MAX_NESTING = 5
MAX_PARTS = 100
MAX_BODY_CHARS = 100_000


@dataclass(slots=True)
class MailPart:
    """One leaf of the message that could be a document."""

    filename: str
    data: bytes
    declared_type: str
    inline: bool
    content_id: str = ""


@dataclass(slots=True)
class ParsedMail:
    from_name: str = ""
    from_address: str = ""
    subject: str = ""
    message_id: str = ""
    date: str = ""
    #: Parts that may be bills, in order (a forwarded message's attachments included).
    candidates: list[MailPart] = field(default_factory=list)
    #: Inline pictures (logos, signatures): kept out of the bills, listed on the inbox page.
    decorations: list[MailPart] = field(default_factory=list)
    #: The text of the mail's body (and of forwarded messages' bodies), for a bill in the text.
    body_text: str = ""
    #: Headers of the outermost message for a rendering of the mail (From, To, Date, Subject).
    headers: list[tuple[str, str]] = field(default_factory=list)


class _Text(HTMLParser):
    """An HTML body as plain text: the text of the elements, line breaks at blocks."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "table", "td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n" if tag != "td" else "  ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.out).splitlines())
    return "\n".join(line for line in lines if line)


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except Exception:  # an unknown charset or a broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("latin-1") if isinstance(payload, bytes) else str(payload)
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def _bytes_of(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _is_small_picture(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return min(image.size) < MIN_BILL_PICTURE_SIDE
    except Exception:
        return False  # not a picture Pillow knows: the acceptance rule will say why


def _header(msg: Message, name: str) -> str:
    try:
        return " ".join(str(msg.get(name, "") or "").split())
    except Exception:  # a header that cannot be decoded
        return ""


def parse_mail(raw: bytes) -> ParsedMail:
    """Take a message apart. Never raises on a broken message: what can be read is returned."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    name, address = parseaddr(_header(msg, "From"))
    parsed = ParsedMail(
        from_name=name[:200],
        from_address=address[:320],
        subject=_header(msg, "Subject")[:500],
        message_id=_header(msg, "Message-ID")[:500],
        date=_header(msg, "Date"),
        headers=[(h, _header(msg, h)) for h in ("From", "To", "Date", "Subject") if msg.get(h)],
    )
    bodies: list[str] = []
    _collect(msg, parsed, bodies, depth=0)
    parsed.body_text = "\n\n".join(b.strip() for b in bodies if b.strip())[:MAX_BODY_CHARS]
    return parsed


def _collect(msg: Message, parsed: ParsedMail, bodies: list[str], depth: int) -> None:
    """Walk one message: its body text, its attachments, and messages forwarded inside it."""
    if isinstance(msg, EmailMessage):
        try:
            body = msg.get_body(preferencelist=("plain", "html"))
        except Exception:
            body = None
        if body is not None:
            bodies.append(_text_of(body))
    else:
        body = None
    for part in msg.walk():
        if len(parsed.candidates) + len(parsed.decorations) >= MAX_PARTS:
            return
        if part is msg or part is body or part.is_multipart():
            if part.get_content_type() == "message/rfc822" and part is not msg:
                _forwarded(part, parsed, bodies, depth)
            continue
        if _inside_forwarded(msg, part):
            continue  # handled by _forwarded, with that message's own body
        filename = part.get_filename() or ""
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if ctype.startswith("text/") and not filename and disposition != "attachment":
            continue  # an alternative body, not a document
        data = _bytes_of(part)
        if not data:
            continue
        content_id = _header(part, "Content-ID")
        mail_part = MailPart(
            filename=filename[:255],
            data=data,
            declared_type=ctype,
            inline=disposition != "attachment",
            content_id=content_id,
        )
        decoration = ctype.startswith("image/") and (
            (mail_part.inline and (content_id or disposition == "inline"))
            or _is_small_picture(data)
        )
        (parsed.decorations if decoration else parsed.candidates).append(mail_part)


def _forwarded(part: Message, parsed: ParsedMail, bodies: list[str], depth: int) -> None:
    if depth >= MAX_NESTING:
        return
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        _collect(inner, parsed, bodies, depth + 1)


def _inside_forwarded(msg: Message, part: Message) -> bool:
    """Whether ``part`` belongs to a message/rfc822 inside ``msg`` (walked on its own)."""
    for sub in msg.walk():
        forwarded = sub is not msg and sub.get_content_type() == "message/rfc822"
        if forwarded and any(p is part for p in sub.walk() if p is not sub):
            return True
    return False


def sent_at(parsed: ParsedMail) -> object:
    """The Date header as a datetime, or None."""
    try:
        return parsedate_to_datetime(parsed.date) if parsed.date else None
    except (TypeError, ValueError):
        return None
