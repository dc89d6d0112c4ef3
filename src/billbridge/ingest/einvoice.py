"""E-invoices: OIOUBL 2.x (the Danish UBL profile) and Peppol BIS Billing 3 (UBL 2.1).

Both are UBL, so one reader serves both; the CustomizationID tells which profile it is. Values
in an e-invoice are what the supplier's system sent, so they get full confidence, lowered only
when the totals do not add up.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .errors import IngestError
from .parsing import iso_date, split_tax_id, ubl_decimal
from .types import BillLine, ExtractedBill, Field, Kind, PaymentMeans, TaxSubtotal
from .xmlsafe import parse_xml

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOTS = {f"{{{UBL_INVOICE}}}Invoice": False, f"{{{UBL_CREDIT_NOTE}}}CreditNote": True}

#: Scheme ids that mean "this is a Danish CVR / SE number".
DANISH_SCHEMES = {"DK:CVR", "DK:SE", "0184", "9902", "0198", "9904"}
BRANCH = "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch"
CREDIT_NOTE_TYPE_CODES = {"381", "396", "532"}
#: TaxScheme ids and names that mean VAT: OIOUBL's "63" / "Moms", UBL's "VAT" (Peppol BIS 3).
VAT_SCHEME_IDS = {"63", "VAT"}
VAT_SCHEME_NAMES = {"MOMS", "VAT"}
#: Cross-check tolerance: rounding of line sums may differ by a few øre.
TOLERANCE = Decimal("0.05")


def is_ubl(root_tag: str) -> bool:
    """Whether a root element tag (Clark notation) is a UBL Invoice or CreditNote."""
    return root_tag in ROOTS


def parse_einvoice(data: bytes) -> ExtractedBill:
    """Read an OIOUBL or Peppol BIS 3 Invoice/CreditNote; raise ``IngestError`` if it is not one."""
    root = parse_xml(data)
    if root.tag not in ROOTS:
        raise IngestError("xml_not_invoice", f"root element is {_short(root.tag)}")
    try:
        return _read(root, is_credit_root=ROOTS[root.tag])
    except ValueError as exc:
        raise IngestError("xml_invalid_value", str(exc)) from exc


def _short(tag: object) -> str:
    return str(tag)[:120]


def _text(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def profile_of(root: etree._Element) -> Kind:
    """'oioubl' for the Danish profile, else 'peppol' (Peppol BIS 3 / EN 16931 UBL)."""
    customization = (_text(root, "cbc:CustomizationID") or "").upper()
    profile = (_text(root, "cbc:ProfileID") or "").lower()
    version = _text(root, "cbc:UBLVersionID") or ""
    if customization.startswith("OIOUBL") or profile.startswith("urn:www.nesubl.eu"):
        return "oioubl"
    if "oioubl" in profile or (version.startswith("2.0") and "PEPPOL" not in customization):
        return "oioubl"
    return "peppol"


def _read(root: etree._Element, *, is_credit_root: bool) -> ExtractedBill:
    kind = profile_of(root)
    bill = ExtractedBill(kind=kind)

    number = _text(root, "cbc:ID")
    issue = iso_date(_text(root, "cbc:IssueDate"))
    if not number or issue is None:
        raise IngestError("xml_incomplete", "cbc:ID and cbc:IssueDate are required")
    bill.invoice_number = Field(number[:100], 1.0)
    bill.issue_date = Field(issue, 1.0)

    type_code = _text(root, "cbc:InvoiceTypeCode") or _text(root, "cbc:CreditNoteTypeCode")
    credit = is_credit_root or (type_code in CREDIT_NOTE_TYPE_CODES)

    currency = _text(root, "cbc:DocumentCurrencyCode")
    if currency:
        if len(currency) != 3 or not currency.isalpha():
            raise ValueError(f"not a currency code: {currency[:20]!r}")
        bill.currency = Field(currency.upper(), 1.0)

    _read_supplier(root, bill)
    duties = _read_totals(root, bill)
    if bill.currency.value is None:
        bill.currency = _currency_from_amounts(root)
    bill.vat_breakdown = _read_vat_breakdown(root, bill.currency.value)

    if bill.total.value is not None and bill.total.value < 0 and not credit:
        # An invoice with a negative total is a credit in all but name.
        credit = True
        bill.total = Field(-bill.total.value, bill.total.confidence)
        for name in ("total_excl_vat", "vat_amount"):
            fld = getattr(bill, name)
            if fld.value is not None:
                setattr(bill, name, Field(-fld.value, fld.confidence))
        bill.warnings.append("negative invoice total read as a credit note")
    bill.is_credit_note = Field(credit, 1.0)

    means = root.findall("cac:PaymentMeans", NS)
    due = iso_date(_text(root, "cbc:DueDate"))
    if due is None:
        for pm in means:  # OIOUBL carries the due date in PaymentMeans
            due = iso_date(_text(pm, "cbc:PaymentDueDate"))
            if due:
                break
    if due is None:
        due = iso_date(_text(root, "cac:PaymentTerms/cbc:PaymentDueDate"))
    if due is not None:
        bill.due_date = Field(due, 1.0)
    bill.payment_means = [_read_payment_means(pm) for pm in means]

    line_tag = "cac:CreditNoteLine" if is_credit_root else "cac:InvoiceLine"
    qty_tag = "cbc:CreditedQuantity" if is_credit_root else "cbc:InvoicedQuantity"
    bill.lines = [_read_line(el, qty_tag) for el in root.iterfind(line_tag, NS)] + duties
    return bill


def _read_supplier(root: etree._Element, bill: ExtractedBill) -> None:
    party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    if party is None:
        raise IngestError("xml_incomplete", "cac:AccountingSupplierParty is required")
    name = _text(party, "cac:PartyLegalEntity/cbc:RegistrationName") or _text(
        party, "cac:PartyName/cbc:Name"
    )
    if name:
        bill.supplier_name = Field(" ".join(name.split())[:200], 1.0)

    address = party.find("cac:PostalAddress", NS)
    country = _text(address, "cac:Country/cbc:IdentificationCode")
    if country and len(country) == 2 and country.isalpha():
        bill.supplier_country = Field(country.upper(), 1.0)
    if address is not None:
        street = " ".join(
            p for p in (_text(address, "cbc:StreetName"), _text(address, "cbc:BuildingNumber")) if p
        )
        city = " ".join(
            p for p in (_text(address, "cbc:PostalZone"), _text(address, "cbc:CityName")) if p
        )
        parts = [p for p in (street, _text(address, "cbc:AdditionalStreetName"), city) if p]
        if parts:
            bill.supplier_address = Field(", ".join(parts)[:300], 1.0)

    # Every place a supplier id may sit, most specific first; the tax scheme is kept apart
    # because a VAT number is looked for there first (a legal-entity id such as "HRB12345",
    # a German register number, must not pass for a Croatian VAT number).
    ids: list[tuple[str, str]] = []
    for path in (
        "cac:PartyLegalEntity/cbc:CompanyID",
        "cbc:EndpointID",
        "cac:PartyIdentification/cbc:ID",
    ):
        ids.extend(_scheme_values(party, path))
    tax_ids = _scheme_values(party, "cac:PartyTaxScheme/cbc:CompanyID")

    danish_party = bill.supplier_country.value in (None, "DK")
    cvr = vat = None
    for scheme, value in ids + tax_ids:
        found_cvr, _ = split_tax_id(value)
        explicit = scheme in DANISH_SCHEMES or value.upper().startswith("DK")
        if found_cvr and (explicit or (not scheme and danish_party)):
            cvr = found_cvr
            break
    for _scheme, value in tax_ids + ids:
        _, found_vat = split_tax_id(value)
        if found_vat:
            vat = found_vat
            break
    if cvr:
        bill.supplier_cvr = Field(cvr, 1.0)
        if bill.supplier_country.value is None:
            bill.supplier_country = Field("DK", 0.9)
    if vat:
        bill.supplier_vat_number = Field(vat, 1.0)
        if bill.supplier_country.value is None:
            bill.supplier_country = Field(vat[:2], 0.9)


def _scheme_values(party: etree._Element, path: str) -> list[tuple[str, str]]:
    return [
        ((el.get("schemeID") or "").upper(), el.text.strip())
        for el in party.iterfind(path, NS)
        if el.text and el.text.strip()
    ]


def _amount(root: etree._Element, path: str) -> Decimal | None:
    return ubl_decimal(_text(root, path))


def _read_totals(root: etree._Element, bill: ExtractedBill) -> list[BillLine]:
    """Total, amount excl. VAT and VAT onto ``bill``; returns the duties, as lines."""
    lmt = root.find("cac:LegalMonetaryTotal", NS)
    if lmt is None:
        raise IngestError("xml_incomplete", "cac:LegalMonetaryTotal is required")
    excl = _amount(lmt, "cbc:TaxExclusiveAmount")
    incl = _amount(lmt, "cbc:TaxInclusiveAmount")
    payable = _amount(lmt, "cbc:PayableAmount")
    total = incl if incl is not None else payable
    if total is None:
        raise IngestError("xml_incomplete", "TaxInclusiveAmount or PayableAmount is required")

    vat, duties = _vat_and_duties(root, bill.currency.value)
    duty_sum = sum((d.line_amount or Decimal(0) for d in duties), Decimal(0))

    consistent = True
    if excl is not None and vat is not None:
        # Duties are taxes beside VAT: excl + VAT + duties = incl (a supplier that also put the
        # duty into the lines' amounts gives excl + VAT = incl).
        sums = {excl + vat + duty_sum, excl + vat}
        if all(abs(s - total) > TOLERANCE for s in sums):
            consistent = False
            bill.warnings.append("TaxExclusiveAmount + TaxAmount does not equal TaxInclusiveAmount")
    confidence = 1.0 if consistent else 0.6
    bill.total = Field(total, confidence)
    if excl is not None:
        bill.total_excl_vat = Field(excl, confidence)
    if vat is not None:
        bill.vat_amount = Field(vat, confidence)
    elif excl is not None:
        bill.vat_amount = Field(total - excl - duty_sum, 0.9)
    return duties


def is_vat_scheme(scheme_id: str | None, scheme_name: str | None) -> bool:
    """Whether a TaxScheme is VAT: OIOUBL's scheme 63 ("Moms"), UBL/Peppol's "VAT"."""
    return (scheme_id or "").strip().upper() in VAT_SCHEME_IDS or (
        not scheme_id and (scheme_name or "").strip().upper() in VAT_SCHEME_NAMES
    )


def _vat_and_duties(
    root: etree._Element, currency: str | None
) -> tuple[Decimal | None, list[BillLine]]:
    """The VAT amount and the duties (afgifter), from the document's TaxTotals in any order.

    The VAT amount is the VAT scheme's total (issue 11 item 4): a TaxTotal of another scheme
    (an excise duty such as chokoladeafgift) is a duty, never the VAT, wherever it stands.
    A TaxTotal that names no scheme (Peppol's second one, in the accounting currency) counts as
    VAT only when no TaxTotal names VAT; of several, the one in the document's currency wins.
    """
    named_vat: list[tuple[str | None, Decimal]] = []
    unnamed: list[tuple[str | None, Decimal]] = []
    duties: list[BillLine] = []
    for tax_total in root.iterfind("cac:TaxTotal", NS):
        amount_el = tax_total.find("cbc:TaxAmount", NS)
        subtotals = tax_total.findall("cac:TaxSubtotal", NS)
        vat_subtotals = []
        for sub in subtotals:
            scheme = sub.find("cac:TaxCategory/cac:TaxScheme", NS)
            scheme_id, scheme_name = _text(scheme, "cbc:ID"), _text(scheme, "cbc:Name")
            if is_vat_scheme(scheme_id, scheme_name):
                vat_subtotals.append(sub)
            else:
                duties.append(_duty_line(sub, scheme_id, scheme_name))
        currency_id = amount_el.get("currencyID") if amount_el is not None else None
        if not subtotals:
            if amount_el is not None and amount_el.text is not None:
                unnamed.append((currency_id, ubl_decimal(amount_el.text)))
        elif len(vat_subtotals) == len(subtotals) and amount_el is not None and amount_el.text:
            named_vat.append((currency_id, ubl_decimal(amount_el.text)))
        elif vat_subtotals:  # VAT and duties in one TaxTotal: the VAT subtotals only
            named_vat.append(
                (
                    currency_id,
                    sum(
                        (
                            (ubl_decimal(_text(sub, "cbc:TaxAmount")) or Decimal(0))
                            for sub in vat_subtotals
                        ),
                        Decimal(0),
                    ),
                )
            )
    candidates = named_vat or unnamed
    if not candidates:
        return None, duties
    in_currency = [amount for code, amount in candidates if currency and code == currency]
    return (in_currency or [candidates[0][1]])[0], duties


def _duty_line(sub: etree._Element, scheme_id: str | None, scheme_name: str | None) -> BillLine:
    name = scheme_name or _text(sub, "cac:TaxCategory/cbc:Name") or f"Afgift {scheme_id or ''}"
    return BillLine(
        description=" ".join(name.split())[:500],
        line_amount=ubl_decimal(_text(sub, "cbc:TaxAmount")),
        kind="duty",
        tax_scheme=(scheme_id or "")[:40],
        confidence=1.0,
    )


def _read_vat_breakdown(root: etree._Element, currency: str | None) -> list[TaxSubtotal]:
    """The document's VAT subtotals (category, percent, taxable amount, VAT), in its currency.

    Only the document-level TaxTotals are read (a line's own TaxTotal is not a subtotal), only
    subtotals of the VAT scheme (`is_vat_scheme`: duties are other schemes), and only amounts in
    the document currency (Peppol may repeat the VAT in the accounting currency).
    """
    subtotals = []
    for tax_total in root.iterfind("cac:TaxTotal", NS):
        for sub in tax_total.iterfind("cac:TaxSubtotal", NS):
            category = sub.find("cac:TaxCategory", NS)
            scheme = sub.find("cac:TaxCategory/cac:TaxScheme", NS)
            if category is None or not is_vat_scheme(
                _text(scheme, "cbc:ID"), _text(scheme, "cbc:Name")
            ):
                continue
            tax_el = sub.find("cbc:TaxAmount", NS)
            if currency and tax_el is not None and tax_el.get("currencyID") not in (None, currency):
                continue
            taxable = _amount(sub, "cbc:TaxableAmount")
            tax = _amount(sub, "cbc:TaxAmount")
            if taxable is None or tax is None:
                continue
            subtotals.append(
                TaxSubtotal(
                    category=(_text(category, "cbc:ID") or "")[:20],
                    percent=ubl_decimal(_text(category, "cbc:Percent")),
                    taxable_amount=taxable,
                    vat_amount=tax,
                )
            )
    return subtotals


def _currency_from_amounts(root: etree._Element) -> Field[str]:
    el = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
    code = el.get("currencyID") if el is not None else None
    if code and len(code) == 3 and code.isalpha():
        return Field(code.upper(), 0.9)
    return Field(None, 0.0)


def _read_payment_means(pm: etree._Element) -> PaymentMeans:
    code = _text(pm, "cbc:PaymentMeansCode")
    channel = (_text(pm, "cbc:PaymentChannelCode") or "").upper()
    payment_id = _text(pm, "cbc:PaymentID")
    instruction_id = _text(pm, "cbc:InstructionID")
    account = _text(pm, "cac:PayeeFinancialAccount/cbc:ID")
    branch = _text(pm, f"{BRANCH}/cbc:ID")
    bic = _text(pm, f"{BRANCH}/cac:FinancialInstitution/cbc:ID")
    if bic is None and branch and len(branch) in (8, 11) and branch[:6].isalpha():
        bic = branch  # Peppol puts the BIC in FinancialInstitutionBranch/ID
    creditor = _text(pm, "cac:CreditAccount/cbc:AccountID")
    result = PaymentMeans(code=code, confidence=1.0)

    if code == "93" or channel == "DK:FIK":
        result.method = "fik"
        if payment_id and "#" in payment_id:  # Peppol DK: "71#000000001234567"
            card_type, _, pid = payment_id.partition("#")
            result.fi_card_type, result.payment_id = card_type.strip(), pid.strip() or None
        else:
            # OIOUBL: PaymentID = kortart, InstructionID = betalings-id
            result.fi_card_type, result.payment_id = payment_id, instruction_id
        result.creditor_number = creditor or account
        return result

    if account:
        compact = account.replace(" ", "").upper()
        if channel == "IBAN" or (compact[:2].isalpha() and compact[2:4].isdigit()):
            result.method, result.iban, result.bic = "iban", compact, bic
        else:
            result.method = "bank"
            result.bank_account = compact
            if branch and branch.isdigit():
                result.bank_reg_number = branch
            elif bic:
                result.bic = bic
    result.payment_id = instruction_id or payment_id
    return result


_CBC = "{" + NS["cbc"] + "}"
_CAC = "{" + NS["cac"] + "}"


def _kids(el: etree._Element | None) -> dict[str, etree._Element]:
    """The first child per tag, in one pass: much cheaper than a find() per field on a line."""
    found: dict[str, etree._Element] = {}
    if el is not None:
        for child in el:
            found.setdefault(child.tag, child)
    return found


def _val(kids: dict[str, etree._Element], tag: str) -> str | None:
    el = kids.get(tag)
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def _read_line(el: etree._Element, qty_tag: str) -> BillLine:
    kids = _kids(el)
    item = _kids(kids.get(f"{_CAC}Item"))
    description = _val(item, f"{_CBC}Name") or _val(item, f"{_CBC}Description") or ""
    rate = _val(_kids(item.get(f"{_CAC}ClassifiedTaxCategory")), f"{_CBC}Percent")
    if rate is None and f"{_CAC}TaxTotal" in kids:
        rate = _text(kids[f"{_CAC}TaxTotal"], "cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")
    return BillLine(
        description=" ".join(description.split())[:500],
        quantity=ubl_decimal(_val(kids, qty_tag.replace("cbc:", _CBC))),
        unit_price=ubl_decimal(_val(_kids(kids.get(f"{_CAC}Price")), f"{_CBC}PriceAmount")),
        line_amount=ubl_decimal(_val(kids, f"{_CBC}LineExtensionAmount")),
        vat_rate=ubl_decimal(rate),
        confidence=1.0,
    )


__all__ = ["parse_einvoice", "profile_of", "is_ubl"]
