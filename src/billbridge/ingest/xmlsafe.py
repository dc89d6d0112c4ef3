"""Parsing untrusted XML without letting it reach the file system, the network or memory.

A DOCTYPE has no place in an e-invoice; refusing any document that has one shuts out XXE,
external DTDs and entity-expansion bombs ("billion laughs") in one rule.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import IngestError

_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _ascii_view(data: bytes) -> bytes:
    """The document as single-byte text, so a DOCTYPE in UTF-16/32 is seen too."""
    head = data[:4]
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return data.decode(codec, errors="replace").encode("utf-8", errors="replace")
    if b"\x00" in data[:200]:  # UTF-16 without a byte-order mark
        return data.replace(b"\x00", b"")
    return data


def parse_xml(data: bytes) -> etree._Element:
    """Parse ``data`` into an element tree, refusing DTDs; raise ``IngestError`` on any failure."""
    if _DOCTYPE.search(_ascii_view(data)):
        raise IngestError("xml_forbidden_dtd", "the document has a DOCTYPE or ENTITY declaration")
    try:
        tree = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError("xml_malformed", str(exc)[:200]) from exc
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding declaration
        raise IngestError("xml_malformed", str(exc)[:200]) from exc
    if tree is None:
        raise IngestError("xml_malformed", "no root element")
    docinfo = tree.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise IngestError("xml_forbidden_dtd", "the document has a DOCTYPE")
    return tree
