"""A mail whose body is the bill, as a PDF: the bill's document, read like any other PDF."""

from __future__ import annotations

from billbridge.mailin.mime import ParsedMail

#: fpdf2's built-in fonts know Latin-1 only; the few common others are spelled out.
_SPELLED = {"€": "EUR", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."}


def _latin1(text: str) -> str:
    for char, spelled in _SPELLED.items():
        text = text.replace(char, spelled)
    return text.encode("latin-1", "replace").decode("latin-1")


def mail_as_pdf(parsed: ParsedMail) -> bytes:
    """The mail's headers (From, To, Date, Subject) and its text, on A4 pages."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    for name, value in parsed.headers:
        pdf.multi_cell(0, 5, _latin1(f"{name}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", size=11)
    for line in parsed.body_text.splitlines() or [""]:
        pdf.multi_cell(0, 6, _latin1(line) or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
