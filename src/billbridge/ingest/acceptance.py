"""The one rule for "is this a bill's document?", on every way in (web, API, e-mail).

The bytes decide, never the name or the declared type (both come from the sender): a PDF, a
picture that can be opened (PNG, JPEG, TIFF, WebP, GIF), or an OIOUBL / Peppol e-invoice.
Anything else — a zip renamed ``.pdf``, HTML, SVG, a picture that cannot be opened — is refused
with a plain reason (an ``IngestError`` code), before it is stored. Pure: no Django.

The content type found here is the one stored with the document and the one it is served with;
the web and the API serve any other stored type as ``application/octet-stream``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

from .errors import IngestError

#: Documents larger than this are refused before any parsing.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
#: Pictures above this many pixels are refused (a decompression bomb, or a poster).
MAX_PIXELS = 60_000_000

DocumentKind = Literal["pdf", "image", "xml"]

PDF = "application/pdf"
XML = "application/xml"
#: Pillow's format name → the content type a picture is stored and served with.
IMAGE_FORMATS = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
#: Every content type a document can be stored with.
ACCEPTED_CONTENT_TYPES = (PDF, *IMAGE_FORMATS.values(), XML)
#: Served for anything else stored (older uploads, another inbox): a download, never rendered.
OPAQUE = "application/octet-stream"

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"II*\x00",
    b"MM\x00*",
    b"GIF87a",
    b"GIF89a",
)
#: Pictures a browser may show inline on our origin (none can run script; TIFF it cannot show).
_INLINE_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"RIFF", "image/webp"),
)
_XML_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class AcceptedDocument:
    """A document the rule took: what kind it is and the true content type (by its bytes)."""

    kind: DocumentKind
    content_type: str


def accept_document(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> AcceptedDocument:
    """The document's kind and true content type, or ``IngestError`` saying why it is refused."""
    if not data or not bytes(data[:4096]).strip():
        raise IngestError("empty_document")
    if len(data) > max_bytes:
        raise IngestError(
            "too_large", f"{len(data) // 2**20} MB; the limit is {max_bytes // 2**20} MB"
        )
    kind = kind_by_bytes(data)
    if kind == "pdf":
        return AcceptedDocument("pdf", PDF)
    if kind == "image":
        return AcceptedDocument("image", _image_type(data))
    if kind == "xml":
        _require_einvoice(data)
        return AcceptedDocument("xml", XML)
    raise IngestError("unsupported_type")


def kind_by_bytes(data: bytes) -> DocumentKind | None:
    """What the first bytes say the document is (no parsing), or None."""
    head = bytes(data[:1024])
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        return "image"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith(_XML_BOMS):
        return "xml"
    return None


def _image_type(data: bytes) -> str:
    """Open the picture's header (no decoding): a picture Pillow cannot open is refused now,
    not after it has become a bill that can never be read."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format, image.size
    except Exception as exc:  # Pillow raises many types on a damaged or hostile file
        raise IngestError("image_unreadable", f"{type(exc).__name__}: {str(exc)[:120]}") from exc
    if fmt not in IMAGE_FORMATS:
        raise IngestError("unsupported_type", f"a {fmt} picture")
    if width * height > MAX_PIXELS or width < 10 or height < 10:
        raise IngestError("image_unreadable", f"{width}x{height} pixels")
    return IMAGE_FORMATS[fmt]


def _require_einvoice(data: bytes) -> None:
    """XML is taken only as an OIOUBL / Peppol Invoice or CreditNote: HTML, SVG and any other
    markup is refused here, so it can never be stored and served from our origin."""
    from .einvoice import is_ubl
    from .xmlsafe import parse_xml

    root = parse_xml(data)
    if not is_ubl(root.tag):
        raise IngestError("xml_not_invoice", f"root element is {str(root.tag)[:80]}")


def served_content_type(stored: str) -> str:
    """The content type a stored document is served with: one of ours, else bytes."""
    return stored if stored in ACCEPTED_CONTENT_TYPES else OPAQUE


def inline_content_type(head: bytes) -> str:
    """The content type to show a stored document inline with, told by its first bytes (the
    stored type of an old upload may be the uploader's word), or "" when it must download."""
    kind = kind_by_bytes(head)
    if kind == "pdf":
        return PDF
    if kind == "image":
        for magic, content_type in _INLINE_IMAGE_MAGIC:
            if head.startswith(magic) or (magic == b"RIFF" and head[8:12] == b"WEBP"):
                return content_type
    return ""
