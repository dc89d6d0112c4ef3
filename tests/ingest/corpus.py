"""Test documents made on the spot: OIOUBL and Peppol XML, PDFs (fpdf2) and scans of them.

Nothing here is copied from a real bill; every builder takes the values the tests assert on.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# CVR numbers that pass the modulus-11 check (made up, not real companies).
SUPPLIER_CVR = "10000009"
CUSTOMER_CVR = "10000017"
DE_VAT = "DE123456789"
DK_IBAN = "DK5000400440116243"
DE_IBAN = "DE89370400440532013000"


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = Decimal("25")
    # UNTDID 5305 (S, Z, E, AE, K…); None: S when the rate is above 0, else Z.
    vat_category: str | None = None

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    def category(self, oioubl: bool) -> str:
        """The line's VAT category as the profile writes it (OIOUBL uses words)."""
        code = self.vat_category or ("S" if self.vat_rate > 0 else "Z")
        if not oioubl:
            return code
        return {"S": "StandardRated", "Z": "ZeroRated", "AE": "ReverseCharge"}.get(code, code)


@dataclass
class Bill:
    """The values a test document carries; the builders below render them."""

    number: str = "2026-1042"
    issue_date: str = "2026-11-22"
    due_date: str | None = "2026-12-06"
    currency: str = "DKK"
    supplier_name: str = "Kaffekompagniet ApS"
    supplier_street: str = "Strandvejen"
    supplier_building: str = "12"
    supplier_zip: str = "2100"
    supplier_city: str = "København Ø"
    supplier_country: str = "DK"
    supplier_cvr: str | None = SUPPLIER_CVR
    supplier_vat: str | None = None  # foreign VAT number, e.g. DE123456789
    customer_name: str = "Bogholderiet ApS"
    customer_cvr: str = CUSTOMER_CVR
    lines: list[Line] = field(
        default_factory=lambda: [
            Line("Kaffebønner 1 kg", Decimal("4"), Decimal("189.00")),
            Line("Service af espressomaskine", Decimal("1"), Decimal("1244.00")),
        ]
    )
    payment: str = "fik"  # "fik", "bank", "iban", "none"
    fi_card_type: str = "71"
    fi_payment_id: str = "000000001234567"
    fi_creditor: str = "87654321"
    bank_reg: str = "1234"
    bank_account: str = "0001234567"
    iban: str = DK_IBAN
    bic: str = "DABADKKK"

    @property
    def excl(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return sum(
            ((ln.amount * ln.vat_rate / 100).quantize(Decimal("0.01")) for ln in self.lines),
            Decimal("0.00"),
        )

    @property
    def total(self) -> Decimal:
        return self.excl + self.vat


def german_supplier(**overrides) -> Bill:
    """A German supplier with a DE VAT number, billing in EUR to an IBAN."""
    values = dict(
        supplier_name="Rheinische Rösterei GmbH",
        supplier_street="Domstraße",
        supplier_building="5",
        supplier_zip="50667",
        supplier_city="Köln",
        supplier_country="DE",
        supplier_cvr=None,
        supplier_vat=DE_VAT,
        currency="EUR",
        payment="iban",
        iban=DE_IBAN,
        bic="COBADEFFXXX",
    )
    values.update(overrides)
    return Bill(**values)


# --- XML ---------------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text))


def _address(b: Bill) -> str:
    return f"""<cac:PostalAddress>
        <cbc:StreetName>{_e(b.supplier_street)}</cbc:StreetName>
        <cbc:BuildingNumber>{_e(b.supplier_building)}</cbc:BuildingNumber>
        <cbc:CityName>{_e(b.supplier_city)}</cbc:CityName>
        <cbc:PostalZone>{_e(b.supplier_zip)}</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>{b.supplier_country}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>"""


def _oioubl_supplier(b: Bill) -> str:
    if b.supplier_cvr:
        endpoint = f'<cbc:EndpointID schemeID="DK:CVR">DK{b.supplier_cvr}</cbc:EndpointID>'
        tax_id = f'<cbc:CompanyID schemeID="DK:SE">DK{b.supplier_cvr}</cbc:CompanyID>'
        legal_id = f'<cbc:CompanyID schemeID="DK:CVR">DK{b.supplier_cvr}</cbc:CompanyID>'
    else:
        endpoint = '<cbc:EndpointID schemeID="GLN">5790000000005</cbc:EndpointID>'
        tax_id = f'<cbc:CompanyID schemeID="ZZZ">{b.supplier_vat}</cbc:CompanyID>'
        legal_id = f'<cbc:CompanyID schemeID="ZZZ">{b.supplier_vat}</cbc:CompanyID>'
    return f"""<cac:AccountingSupplierParty><cac:Party>
      {endpoint}
      <cac:PartyIdentification>
        <cbc:ID schemeID="GLN">5790000000005</cbc:ID>
      </cac:PartyIdentification>
      <cac:PartyName><cbc:Name>{_e(b.supplier_name)}</cbc:Name></cac:PartyName>
      {_address(b)}
      <cac:PartyTaxScheme>
        {tax_id}
        <cac:TaxScheme><cbc:ID schemeID="urn:oioubl:id:taxschemeid-1.1">63</cbc:ID>
        <cbc:Name>Moms</cbc:Name></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>{_e(b.supplier_name)}</cbc:RegistrationName>
        {legal_id}
      </cac:PartyLegalEntity>
    </cac:Party></cac:AccountingSupplierParty>"""


def _customer(b: Bill, scheme: str, prefix: str) -> str:
    return f"""<cac:AccountingCustomerParty><cac:Party>
      <cbc:EndpointID schemeID="{scheme}">{prefix}{b.customer_cvr}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>{_e(b.customer_name)}</cbc:Name></cac:PartyName>
      <cac:PostalAddress><cbc:CityName>Aarhus C</cbc:CityName><cbc:PostalZone>8000</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>{_e(b.customer_name)}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="{scheme}">{prefix}{b.customer_cvr}</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party></cac:AccountingCustomerParty>"""


def _oioubl_payment(b: Bill) -> str:
    due = f"<cbc:PaymentDueDate>{b.due_date}</cbc:PaymentDueDate>" if b.due_date else ""
    if b.payment == "fik":
        return f"""<cac:PaymentMeans>
      <cbc:ID>1</cbc:ID>
      <cbc:PaymentMeansCode>93</cbc:PaymentMeansCode>
      {due}
      <cbc:PaymentChannelCode listAgencyID="320"
        listID="urn:oioubl:codelist:paymentchannelcode-1.1">DK:FIK</cbc:PaymentChannelCode>
      <cbc:InstructionID>{b.fi_payment_id}</cbc:InstructionID>
      <cbc:PaymentID schemeAgencyID="320"
        schemeID="urn:oioubl:id:paymentid-1.1">{b.fi_card_type}</cbc:PaymentID>
      <cac:CreditAccount><cbc:AccountID>{b.fi_creditor}</cbc:AccountID></cac:CreditAccount>
    </cac:PaymentMeans>"""
    if b.payment == "bank":
        return f"""<cac:PaymentMeans>
      <cbc:ID>1</cbc:ID>
      <cbc:PaymentMeansCode>42</cbc:PaymentMeansCode>
      {due}
      <cbc:PaymentChannelCode listAgencyID="320"
        listID="urn:oioubl:codelist:paymentchannelcode-1.1">DK:BANK</cbc:PaymentChannelCode>
      <cac:PayeeFinancialAccount>
        <cbc:ID>{b.bank_account}</cbc:ID>
        <cac:FinancialInstitutionBranch><cbc:ID>{b.bank_reg}</cbc:ID></cac:FinancialInstitutionBranch>
      </cac:PayeeFinancialAccount>
    </cac:PaymentMeans>"""
    if b.payment == "iban":
        return f"""<cac:PaymentMeans>
      <cbc:ID>1</cbc:ID>
      <cbc:PaymentMeansCode>42</cbc:PaymentMeansCode>
      {due}
      <cbc:PaymentChannelCode listAgencyID="320"
        listID="urn:oioubl:codelist:paymentchannelcode-1.1">IBAN</cbc:PaymentChannelCode>
      <cac:PayeeFinancialAccount>
        <cbc:ID>{b.iban}</cbc:ID>
        <cac:FinancialInstitutionBranch>
          <cac:FinancialInstitution><cbc:ID>{b.bic}</cbc:ID></cac:FinancialInstitution>
        </cac:FinancialInstitutionBranch>
      </cac:PayeeFinancialAccount>
    </cac:PaymentMeans>"""
    return ""


def _tax_total(b: Bill, oioubl: bool) -> str:
    """The document's VAT TaxTotal: one TaxSubtotal per VAT category and rate of the lines."""
    scheme = (
        '<cac:TaxScheme><cbc:ID schemeID="urn:oioubl:id:taxschemeid-1.1">63</cbc:ID>'
        "<cbc:Name>Moms</cbc:Name></cac:TaxScheme>"
        if oioubl
        else "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
    )
    groups: dict[tuple[str, Decimal], list[Line]] = {}
    for ln in b.lines:
        groups.setdefault((ln.category(oioubl), ln.vat_rate), []).append(ln)
    subtotals = []
    for (category, rate), lines in groups.items():
        taxable = sum((ln.amount for ln in lines), Decimal("0.00"))
        vat = sum(((ln.amount * rate / 100).quantize(Decimal("0.01")) for ln in lines), Decimal(0))
        subtotals.append(f"""<cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="{b.currency}">{taxable}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="{b.currency}">{vat:.2f}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>{category}</cbc:ID><cbc:Percent>{rate}</cbc:Percent>{scheme}
      </cac:TaxCategory>
    </cac:TaxSubtotal>""")
    return f"""<cac:TaxTotal>
    <cbc:TaxAmount currencyID="{b.currency}">{b.vat}</cbc:TaxAmount>
    {"".join(subtotals)}
  </cac:TaxTotal>"""


def _monetary_total(b: Bill) -> str:
    c = b.currency
    return f"""<cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="{c}">{b.excl}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="{c}">{b.excl}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="{c}">{b.total}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="{c}">{b.total}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>"""


def oioubl(b: Bill | None = None, *, credit_note: bool = False) -> bytes:
    """An OIOUBL 2.02 Invoice (or CreditNote) for ``b``."""
    b = b or Bill()
    root = "CreditNote" if credit_note else "Invoice"
    ns = CREDIT_NS if credit_note else INVOICE_NS
    line_tag = "CreditNoteLine" if credit_note else "InvoiceLine"
    qty_tag = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    type_code = (
        ""
        if credit_note
        else '<cbc:InvoiceTypeCode listAgencyID="320" '
        'listID="urn:oioubl:codelist:invoicetypecode-1.1">380</cbc:InvoiceTypeCode>'
    )
    lines = "".join(
        f"""<cac:{line_tag}>
    <cbc:ID>{i}</cbc:ID>
    <cbc:{qty_tag} unitCode="EA">{ln.quantity}</cbc:{qty_tag}>
    <cbc:LineExtensionAmount currencyID="{b.currency}">{ln.amount}</cbc:LineExtensionAmount>
    <cac:TaxTotal>
      <cbc:TaxAmount currencyID="{b.currency}">{(ln.amount * ln.vat_rate / 100):.2f}</cbc:TaxAmount>
      <cac:TaxSubtotal>
        <cbc:TaxableAmount currencyID="{b.currency}">{ln.amount}</cbc:TaxableAmount>
        <cbc:TaxAmount currencyID="{b.currency}"
          >{(ln.amount * ln.vat_rate / 100):.2f}</cbc:TaxAmount>
        <cac:TaxCategory><cbc:ID>{ln.category(oioubl=True)}</cbc:ID><cbc:Percent>{ln.vat_rate}</cbc:Percent>
          <cac:TaxScheme><cbc:ID>63</cbc:ID><cbc:Name>Moms</cbc:Name></cac:TaxScheme>
        </cac:TaxCategory>
      </cac:TaxSubtotal>
    </cac:TaxTotal>
    <cac:Item><cbc:Description>{_e(ln.description)}</cbc:Description>
      <cbc:Name>{_e(ln.description)}</cbc:Name></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="{b.currency}">{ln.unit_price}</cbc:PriceAmount>
      <cbc:BaseQuantity unitCode="EA">1</cbc:BaseQuantity></cac:Price>
  </cac:{line_tag}>"""
        for i, ln in enumerate(b.lines, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="{ns}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}">
  <cbc:UBLVersionID>2.0</cbc:UBLVersionID>
  <cbc:CustomizationID>OIOUBL-2.02</cbc:CustomizationID>
  <cbc:ProfileID schemeAgencyID="320"
    schemeID="urn:oioubl:id:profileid-1.6">Procurement-BilSim-1.0</cbc:ProfileID>
  <cbc:ID>{_e(b.number)}</cbc:ID>
  <cbc:CopyIndicator>false</cbc:CopyIndicator>
  <cbc:IssueDate>{b.issue_date}</cbc:IssueDate>
  {type_code}
  <cbc:DocumentCurrencyCode>{b.currency}</cbc:DocumentCurrencyCode>
  {_oioubl_supplier(b)}
  {_customer(b, "DK:CVR", "DK")}
  {_oioubl_payment(b)}
  {_tax_total(b, oioubl=True)}
  {_monetary_total(b)}
  {lines}
</{root}>""".encode()


def _peppol_payment(b: Bill) -> str:
    if b.payment == "fik":
        return f"""<cac:PaymentMeans>
    <cbc:PaymentMeansCode>93</cbc:PaymentMeansCode>
    <cbc:PaymentID>{b.fi_card_type}#{b.fi_payment_id}</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>{b.fi_creditor}</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>"""
    if b.payment == "iban":
        return f"""<cac:PaymentMeans>
    <cbc:PaymentMeansCode name="SEPA credit transfer">58</cbc:PaymentMeansCode>
    <cbc:PaymentID>{_e(b.number)}</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>{b.iban}</cbc:ID>
      <cbc:Name>{_e(b.supplier_name)}</cbc:Name>
      <cac:FinancialInstitutionBranch><cbc:ID>{b.bic}</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>"""
    if b.payment == "bank":
        return f"""<cac:PaymentMeans>
    <cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount>
      <cbc:ID>{b.bank_account}</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>{b.bank_reg}</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>"""
    return ""


def peppol(b: Bill | None = None, *, credit_note: bool = False) -> bytes:
    """A Peppol BIS Billing 3.0 Invoice (or CreditNote) for ``b``."""
    b = b or Bill()
    root = "CreditNote" if credit_note else "Invoice"
    ns = CREDIT_NS if credit_note else INVOICE_NS
    line_tag = "CreditNoteLine" if credit_note else "InvoiceLine"
    qty_tag = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    type_code = (
        "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"
        if credit_note
        else "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
    )
    due = f"<cbc:DueDate>{b.due_date}</cbc:DueDate>" if b.due_date and not credit_note else ""
    if b.supplier_cvr:
        endpoint = f'<cbc:EndpointID schemeID="0184">DK{b.supplier_cvr}</cbc:EndpointID>'
        vat_id = f"DK{b.supplier_cvr}"
        legal = f'<cbc:CompanyID schemeID="0184">DK{b.supplier_cvr}</cbc:CompanyID>'
    else:
        endpoint = f'<cbc:EndpointID schemeID="9930">{b.supplier_vat}</cbc:EndpointID>'
        vat_id = b.supplier_vat
        legal = ""
    lines = "".join(
        f"""<cac:{line_tag}>
    <cbc:ID>{i}</cbc:ID>
    <cbc:{qty_tag} unitCode="C62">{ln.quantity}</cbc:{qty_tag}>
    <cbc:LineExtensionAmount currencyID="{b.currency}">{ln.amount}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>{_e(ln.description)}</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>{ln.category(oioubl=False)}</cbc:ID><cbc:Percent>{ln.vat_rate}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price>
      <cbc:PriceAmount currencyID="{b.currency}">{ln.unit_price}</cbc:PriceAmount>
    </cac:Price>
  </cac:{line_tag}>"""
        for i, ln in enumerate(b.lines, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="{ns}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}">
  <cbc:CustomizationID>{PEPPOL_CUSTOMIZATION}</cbc:CustomizationID>
  <cbc:ProfileID>{PEPPOL_PROFILE}</cbc:ProfileID>
  <cbc:ID>{_e(b.number)}</cbc:ID>
  <cbc:IssueDate>{b.issue_date}</cbc:IssueDate>
  {due}
  {type_code}
  <cbc:DocumentCurrencyCode>{b.currency}</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>4025</cbc:BuyerReference>
  <cac:AccountingSupplierParty><cac:Party>
    {endpoint}
    <cac:PartyName><cbc:Name>{_e(b.supplier_name)}</cbc:Name></cac:PartyName>
    {_address(b)}
    <cac:PartyTaxScheme><cbc:CompanyID>{vat_id}</cbc:CompanyID>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>{_e(b.supplier_name)}</cbc:RegistrationName>
      {legal}</cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  {_customer(b, "0184", "DK")}
  {_peppol_payment(b)}
  <cac:PaymentTerms><cbc:Note>Netto 14 dage</cbc:Note></cac:PaymentTerms>
  {_tax_total(b, oioubl=False)}
  {_monetary_total(b)}
  {lines}
</{root}>""".encode()


# --- PDF ---------------------------------------------------------------------------------

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _da_amount(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _en_amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def _da_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}.{m}.{y}"


def _en_date(iso: str) -> str:
    import datetime as dt

    return dt.date.fromisoformat(iso).strftime("%d %B %Y")


def bill_pdf(b: Bill | None = None, *, language: str = "da", credit_note: bool = False) -> bytes:
    """A one-page bill PDF with a text layer, laid out as Danish or English bills are."""
    from fpdf import FPDF

    b = b or Bill()
    da = language == "da"
    amount = _da_amount if da else _en_amount
    when = _da_date if da else _en_date
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))

    def text(x: float, y: float, s: str, size: int = 11, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.text(x, y, s)

    text(20, 25, b.supplier_name, 18, bold=True)
    text(20, 33, f"{b.supplier_street} {b.supplier_building}")
    text(20, 39, f"{b.supplier_zip} {b.supplier_city}")
    if b.supplier_cvr:
        text(20, 45, f"CVR-nr.: {b.supplier_cvr}" if da else f"VAT no.: DK{b.supplier_cvr}")
    else:
        text(20, 45, f"USt-IdNr.: {b.supplier_vat}" if da else f"VAT no.: {b.supplier_vat}")

    if credit_note:
        title = "KREDITNOTA" if da else "CREDIT NOTE"
    else:
        title = "FAKTURA" if da else "INVOICE"
    text(130, 25, title, 18, bold=True)
    labels = (
        ("Fakturanr.:", "Fakturadato:", "Forfaldsdato:")
        if da
        else ("Invoice no.:", "Invoice date:", "Due date:")
    )
    text(130, 35, f"{labels[0]} {b.number}")
    text(130, 41, f"{labels[1]} {when(b.issue_date)}")
    if b.due_date:
        text(130, 47, f"{labels[2]} {when(b.due_date)}")

    text(20, 62, "Faktureres til:" if da else "Bill to:", bold=True)
    text(20, 68, b.customer_name)
    text(20, 74, "Åboulevarden 1, 8000 Aarhus C")
    text(20, 80, f"CVR: {b.customer_cvr}")

    y = 100
    head = (
        ("Beskrivelse", "Antal", "Pris", "Beløb")
        if da
        else ("Description", "Qty", "Price", "Amount")
    )
    text(20, y, head[0], bold=True)
    text(110, y, head[1], bold=True)
    text(130, y, head[2], bold=True)
    text(165, y, head[3], bold=True)
    for ln in b.lines:
        y += 7
        text(20, y, ln.description)
        text(110, y, f"{ln.quantity}")
        text(130, y, amount(ln.unit_price))
        text(165, y, amount(ln.amount))

    y += 15
    cur = b.currency
    rows = (
        [("Subtotal", b.excl), ("Moms 25 %", b.vat), (f"I alt {cur}", b.total)]
        if da
        else [("Subtotal", b.excl), ("VAT 25%", b.vat), (f"Total {cur}", b.total)]
    )
    for label, value in rows:
        text(110, y, label, bold=label.startswith(("I alt", "Total")))
        text(165, y, amount(value), bold=label.startswith(("I alt", "Total")))
        y += 7

    y += 10
    if b.payment == "fik":
        text(20, y, "Betales med FI-kort:" if da else "Pay by FI card:")
        text(20, y + 7, f"+{b.fi_card_type}< {b.fi_payment_id} +{b.fi_creditor}<", 12)
    elif b.payment == "bank":
        text(20, y, f"Reg.nr. {b.bank_reg} Kontonr. {b.bank_account}")
    elif b.payment == "iban":
        iban = " ".join(b.iban[i : i + 4] for i in range(0, len(b.iban), 4))
        text(20, y, f"IBAN: {iban}")
        text(20, y + 7, f"BIC/SWIFT: {b.bic}")
    pdf.set_author(b.supplier_name)
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    """A PDF page with no text at all."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


# --- scans -------------------------------------------------------------------------------


def render_png(pdf: bytes, dpi: int = 200) -> bytes:
    """The first page of ``pdf`` as a greyscale PNG, as a scanner would deliver it."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [shutil.which("pdftoppm") or "pdftoppm", "-r", str(dpi), "-gray", "-png",
             "-singlefile", str(src), str(Path(tmp) / "out")],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return (Path(tmp) / "out.png").read_bytes()


def image_only_pdf(png: bytes) -> bytes:
    """A PDF holding only a picture of a page: a scan saved as PDF, no text layer."""
    import io

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(io.BytesIO(png), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def convert_image(png: bytes, fmt: str) -> bytes:
    """``png`` re-encoded as JPEG or TIFF."""
    import io

    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as img:
        img.convert("L").save(out, format=fmt)
    return out.getvalue()
