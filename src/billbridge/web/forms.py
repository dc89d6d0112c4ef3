"""Web forms. They parse and show errors; the rules live in bills.services and catalog."""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from billbridge.accounts.models import Company
from billbridge.bills.models import BillStatus, Category, PaymentMethod, PaymentMethodType
from billbridge.bills.services import to_money
from billbridge.ingest.services import accept_upload

# What a file picker offers (a hint for the browser; the bytes decide, ingest.acceptance).
DOCUMENT_ACCEPT = "image/*,application/pdf,.pdf,.xml"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"]
_DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(raw: str) -> Decimal:
    """Read `1.250,00`, `1250,5`, `1,250.00` or `1250.50`: the last separator is the decimal one.

    A lone dot followed by exactly three digits in groups (`1.250`) is a Danish thousands
    separator, because nobody types øre to three places.
    """
    text = raw.strip().replace(" ", "").replace("\xa0", "")
    text = re.sub(r"(?i)(kr\.?|dkk)$", "", text).strip()
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif _DANISH_THOUSANDS.match(text):
        text = text.replace(".", "")
    return to_money(text, "amount")


class AmountField(forms.CharField):
    """An amount typed as people write it (see parse_amount), shown as the language writes it:
    1000,00 on a Danish page, 1000.00 on an English one (no grouping, so it reads back the
    same whatever the language)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", str(get_format("DECIMAL_SEPARATOR")))
        return value

    def to_python(self, value: Any) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["amount"]) from None


def _date_field(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class CompanyChoicesMixin:
    """Category and payment-method choices limited to the company's live (unarchived) ones."""

    def limit_choices(self, company: Company, keep: dict[str, Any] | None = None) -> None:
        keep = keep or {}
        fields = self.fields  # type: ignore[attr-defined]
        for name, model in (("category", Category), ("payment_method", PaymentMethod)):
            if name not in fields:
                continue
            live = Q(archived=False)
            if (current := keep.get(name)) is not None:
                live |= Q(pk=getattr(current, "pk", current))
            fields[name].queryset = model.objects.filter(live, company=company)


class BillForm(CompanyChoicesMixin, forms.Form):
    """Upload a document and/or type the fields (B-6); the supplier is found or created."""

    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, image or e-invoice XML."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    supplier_cvr = forms.CharField(label=_("Supplier's CVR number"), max_length=20, required=False)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=100, required=False)
    issue_date = _date_field(_("Bill date"))
    due_date = _date_field(_("Due date"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="DKK")
    total = AmountField(label=_("Total incl. VAT"), required=False)
    vat_amount = AmountField(label=_("VAT"), required=False)
    text = forms.CharField(label=_("Text"), max_length=500, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("No category"),
    )
    payment_method = forms.ModelChoiceField(
        label=_("Payment method"),
        queryset=PaymentMethod.objects.none(),
        required=False,
        empty_label=_("No payment method"),
    )

    def __init__(
        self, *args: Any, company: Company, editing_status: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(company, kwargs.get("initial"))
        self.editing_status = editing_status
        if editing_status is not None:
            del self.fields["document"]
            for name in ("supplier_name", "issue_date", "total"):
                self.fields[name].required = True
        self.fields["supplier_cvr"].widget.attrs["inputmode"] = "numeric"
        self.fields["total"].widget.attrs["inputmode"] = "decimal"
        self.fields["vat_amount"].widget.attrs["inputmode"] = "decimal"

    def clean_supplier_cvr(self) -> str:
        cvr = self.cleaned_data["supplier_cvr"].replace(" ", "")
        if cvr.upper().startswith("DK"):
            cvr = cvr[2:]
        if cvr and not re.fullmatch(r"\d{8}", cvr):
            raise ValidationError(_("A CVR number has 8 digits."))
        return cvr

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ValidationError(_("Use a three-letter currency code such as DKK or EUR."))
        return currency

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if not document:
            return None
        try:
            accept_upload(document)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["document"]) from None
        return document

    @property
    def has_required_fields(self) -> bool:
        data = self.cleaned_data
        has_supplier = data.get("supplier_name") or data.get("supplier_cvr")
        return bool(has_supplier and data.get("issue_date") and data.get("total") is not None)


#: VAT categories of an e-invoice's subtotals (UNTDID 5305, as EN 16931 and Peppol use it).
VAT_CATEGORIES = [
    ("S", _("Standard rate")),
    ("Z", _("Zero rate")),
    ("E", _("Exempt from VAT")),
    ("AE", _("Reverse charge")),
    ("K", _("EU intra-community supply")),
    ("G", _("Export outside the EU")),
    ("O", _("Outside the scope of VAT")),
]


class VatSubtotalForm(forms.Form):
    """One row of a bill's VAT breakdown; a row left empty is no row (R-5)."""

    category = forms.ChoiceField(label=_("VAT category"), required=False)
    percent = forms.CharField(label=_("VAT %"), max_length=10, required=False)
    taxable_amount = AmountField(label=_("Amount before VAT"), required=False)
    vat_amount = AmountField(label=_("VAT"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "–"), *VAT_CATEGORIES]
        known = {code for code, _label in choices}
        current = (self.initial or {}).get("category") or ""
        if current and current not in known:  # OIOUBL's own words (StandardRated…)
            choices.append((current, current))
        if self.is_bound:
            sent = self.data.get(self.add_prefix("category"), "")
            if sent and sent not in known and sent != current:
                choices.append((sent, sent))
        self.fields["category"].choices = choices
        for name in ("percent", "taxable_amount", "vat_amount"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k) not in (None, "") for k in data)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = any(data.get(k) not in (None, "") for k in ("percent", "taxable_amount"))
        if filled and not data.get("category"):
            self.add_error("category", _("Choose the VAT category of this row."))
        return data

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "percent": (data.get("percent") or "").replace(",", ".").strip() or None,
            "taxable_amount": data.get("taxable_amount") or Decimal("0.00"),
            "vat_amount": data.get("vat_amount") or Decimal("0.00"),
        }


VatBreakdownFormSet = forms.formset_factory(VatSubtotalForm, extra=1, max_num=50)


class ExchangeRateForm(forms.Form):
    """A person's exchange rate for a bill in another currency: DKK for 100 units (R-6)."""

    rate = forms.CharField(label=_("DKK for 100 units"), max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate"].widget.attrs["inputmode"] = "decimal"

    def clean_rate(self) -> str:
        """`746,04` or `1.234,5678` as a Dane writes it, `1,234.5678` as in English: the last
        separator is the decimal one. The service checks the number."""
        text = self.cleaned_data["rate"].strip().replace(" ", "").replace("\xa0", "")
        if "," in text and "." in text:
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "")
        return text.replace(",", ".")


class PayForm(CompanyChoicesMixin, forms.Form):
    """Pay a bill in full (B-2): date, amount (the total by default), payment method."""

    date = _date_field(_("Payment date"), required=True)
    amount = AmountField(label=_("Amount"))
    payment_method = forms.ModelChoiceField(
        label=_("Payment method"),
        queryset=PaymentMethod.objects.none(),
        empty_label=_("Choose a payment method"),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(company)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    account_number = forms.CharField(label=_("Account number"), max_length=20, required=False)


class PaymentMethodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=PaymentMethodType.choices)
    account_number = forms.CharField(label=_("Account number"), max_length=20, required=False)


class ManyOptionsSelect(forms.Select):
    """A select whose options are written in Python, not through a template each (issue 16
    item 3): Django renders every ``<option>`` by including a template, about 0.2 ms each, so
    a company with 500 suppliers spent 100 ms of the bill list on its supplier filter.
    The same markup as ``forms.Select`` for flat choices (no groups)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'\n  <option value="{escape(key)}"{" selected" if key in selected else ""}>'
            f"{escape(label)}</option>"
            for key, label in ((str(k), str(lab)) for k, lab in self.choices)
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}\n</select>')  # noqa: S308


class BillFilterForm(forms.Form):
    """The bill list's filters; invalid values are ignored rather than shown as errors."""

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *BillStatus.choices]
    )
    supplier = forms.TypedChoiceField(
        label=_("Supplier"), required=False, coerce=int, widget=ManyOptionsSelect
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, widget=ManyOptionsSelect
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suppliers = company.suppliers.order_by("name").values_list("pk", "name")
        self.fields["supplier"].choices = [("", _("All suppliers")), *suppliers]
        categories = company.categories.order_by("name").values_list("pk", "name")
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Supplier, invoice number or text")

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class NewTokenForm(forms.Form):
    """An API token's name and life (issue 15 item 3); accounts.services.create_token rules."""

    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("e.g. the program that uses it")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=90,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("1 year"))],
    )


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code (accounts.two_factor)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits the authenticator app shows, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class TwoFactorPolicyForm(forms.Form):
    """Whether the company requires two-factor log-in of its owners and admins."""

    require_two_factor = forms.BooleanField(
        label=_("Owners and admins must log in with two-factor"), required=False
    )
