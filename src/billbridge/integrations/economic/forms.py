"""Forms of the e-conomic set-up (S-e4, S-e8, the accountant's company choice)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billbridge.accounts.models import MANAGING_ROLES, Company, User
from billbridge.bills.models import Category, PaymentMethod, PaymentMethodType
from billbridge.integrations.economic import setup
from billbridge.integrations.models import Integration

DEFAULT_LABEL = pgettext_lazy("economic", "Default account")
ONE = "one"
SEVERAL = "several"

# The seed's hint: debit cards and bank accounts sit in group 5800, credit cards and
# overdrafts in 6700 (6600). Used only to pre-select a sensible account.
GROUP_HINT = {
    PaymentMethodType.DEBIT_CARD: (5800, 5899),
    PaymentMethodType.BANK_ACCOUNT: (5800, 5899),
    PaymentMethodType.CASH: (5800, 5899),
    PaymentMethodType.CREDIT_CARD: (6700, 6799),
    PaymentMethodType.OVERDRAFT: (6600, 6699),
}


class AccessTypeForm(forms.Form):
    """S-e4: one company only, or several (an accountant's access)."""

    access = forms.ChoiceField(
        label=_("What access do you have to e-conomic?"),
        choices=[
            (ONE, _("I manage one company only")),
            (SEVERAL, _("I manage several companies (accountant or administrator)")),
        ],
        initial=ONE,
        widget=forms.RadioSelect,
    )


def managed_companies(user: User) -> Any:
    """The companies this user may set integrations up for (never anybody else's)."""
    return Company.objects.filter(
        memberships__user=user, memberships__role__in=MANAGING_ROLES
    ).order_by("name")


class AgreementCompanyForm(forms.Form):
    """The accountant's path: which billbridge company a granted agreement belongs to."""

    company = forms.ModelChoiceField(
        label=_("billbridge company account"),
        queryset=Company.objects.none(),
        empty_label=_("Choose a company account"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = managed_companies(user)  # type: ignore[attr-defined]


def _choices(options: list[tuple[int, str]], blank: str = "") -> list[tuple[str, str]]:
    return [("", blank or "—")] + [(str(n), label) for n, label in options]


def _in_range(accounts: list[tuple[int, str]], low: int, high: int) -> int | None:
    return next((n for n, _ in accounts if low <= n <= high), None)


class SetupForm(forms.Form):
    """S-e8: journals, one drop-down per payment method and per category, default account."""

    creditor_invoice_journal = forms.TypedChoiceField(
        label=_("Creditor invoice / Leverandørfaktura"),
        help_text=_("The kassekladde that receives your bills as supplier invoices."),
        coerce=int,
    )
    creditor_payment_journal = forms.TypedChoiceField(
        label=_("Creditor payment / Leverandørbetaling"),
        help_text=_("The kassekladde that receives your supplier payments."),
        coerce=int,
    )
    default_account = forms.TypedChoiceField(
        label=DEFAULT_LABEL,
        help_text=_(
            "The contra account new bills (status Upcoming) are posted to while they have "
            "no category."
        ),
        coerce=int,
    )

    reverse_charge_vat_code = forms.ChoiceField(
        label=_("VAT code for reverse charge"),
        help_text=_(
            "Used for bills where you account for the VAT yourself: an EU supplier with no VAT "
            "on a service, or an e-invoice marked reverse charge (AE/K)."
        ),
        required=False,
    )

    def __init__(self, *args: Any, integration: Integration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.integration = integration
        opts = setup.choices(integration)
        codes = setup.vat_code_choices(integration)
        field = self.fields["reverse_charge_vat_code"]
        field.choices = [(code, label) for code, label in codes]  # type: ignore[attr-defined]
        field.initial = setup.reverse_charge_code(integration)
        accounts = opts["accounts"]
        current: dict[str, Any] = integration.settings or {}
        journals = (integration.remote_data or {}).get("journals", [])
        for name, kind in (
            ("creditor_invoice_journal", "supplierInvoice"),
            ("creditor_payment_journal", "supplierPayment"),
        ):
            field = self.fields[name]
            field.choices = _choices(opts["journals"])  # type: ignore[attr-defined]
            guess = next((j["number"] for j in journals if j.get("restricted_to") == kind), None)
            field.initial = current.get(name) or guess
        self.fields["default_account"].choices = _choices(accounts)  # type: ignore[attr-defined]
        numbers = {n for n, _ in accounts}
        self.fields["default_account"].initial = current.get("default_account")
        company = integration.company
        pm_current = current.get("payment_method_accounts") or {}
        self.payment_fields: list[str] = []
        for method in PaymentMethod.objects.filter(company=company, archived=False):
            name = f"pm_{method.pk}"
            low, high = GROUP_HINT.get(method.type, (0, 0))  # type: ignore[call-overload]
            own = setup.as_int(method.account_number)
            guess = own if own in numbers else _in_range(accounts, low, high)
            self.fields[name] = forms.TypedChoiceField(
                label=method.name, choices=_choices(accounts), coerce=int, required=False,
                empty_value=None, initial=pm_current.get(str(method.pk)) or guess,
            )  # fmt: skip
            self.payment_fields.append(name)
        cat_current = current.get("category_accounts") or {}
        self.category_fields: list[str] = []
        for category in Category.objects.filter(company=company, archived=False):
            name = f"cat_{category.pk}"
            own = setup.as_int(category.account_number)
            self.fields[name] = forms.TypedChoiceField(
                label=category.name, choices=_choices(accounts, str(DEFAULT_LABEL)),
                coerce=int, required=False, empty_value=None,
                initial=cat_current.get(str(category.pk)) or (own if own in numbers else None),
            )  # fmt: skip
            self.category_fields.append(name)

    def mapping(self) -> dict[str, Any]:
        """The cleaned data in the shape `setup.save` and the API take."""
        data = self.cleaned_data
        return {
            "creditor_invoice_journal": data["creditor_invoice_journal"],
            "creditor_payment_journal": data["creditor_payment_journal"],
            "default_account": data["default_account"],
            "reverse_charge_vat_code": data.get("reverse_charge_vat_code") or "",
            "payment_method_accounts": {
                name[3:]: data[name] for name in self.payment_fields if data.get(name)
            },
            "category_accounts": {
                name[4:]: data[name] for name in self.category_fields if data.get(name)
            },
        }

    def field_for(self, key: str) -> str | None:
        """The form field behind a `setup.validate_mapping` key (None: the whole form)."""
        if key.startswith("payment_method_accounts."):
            key = f"pm_{key.split('.', 1)[1]}"
        elif key.startswith("category_accounts."):
            key = f"cat_{key.split('.', 1)[1]}"
        return key if key in self.fields else None

    def bound_payment_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.payment_fields]

    def bound_category_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.category_fields]
