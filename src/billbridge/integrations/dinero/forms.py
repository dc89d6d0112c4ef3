"""One form per Dinero set-up step (S-d3…S-d7). Errors are keys; their words are translated."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billbridge.accounts.models import Company
from billbridge.integrations.base import Account, AccountingError
from billbridge.integrations.dinero.client import NO_PRO
from billbridge.integrations.dinero.setup import PROVIDER
from billbridge.integrations.messages import message_for

# Which field an error key belongs to; others are shown above the form.
CREDENTIAL_ERROR_FIELDS = {
    "invalid_api_key": "api_key",
    "revoked_api_key": "api_key",
    "unknown_organization": "organization_id",
    "invalid_organization_id": "organization_id",
}


class ConsentForm(forms.Form):
    """S-d3: "Yes, Allow" — the form has no fields; posting it is the consent."""


class CompanyChoiceForm(forms.Form):
    """S-d4: one of the companies the user manages."""

    company = forms.ModelChoiceField(
        queryset=Company.objects.none(),
        label=_("Company account"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Pick one of your company accounts.")},
    )

    def __init__(self, *args: Any, companies: Iterable[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies


class CredentialsForm(forms.Form):
    """S-d5: API key and Organization ID ("Firma ID"), checked against Dinero at once."""

    api_key = forms.CharField(
        label=_("API key"),
        max_length=200,
        help_text=_(
            "In Dinero: Indstillinger → API. Create a new API key for billbridge with "
            "“+ Ny API-nøgle”."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organization_id = forms.CharField(
        label=_("Organization ID"),
        max_length=20,
        help_text=_(
            "Dinero calls it Firma ID. It is shown at the bottom of every page in Dinero, and is "
            "the first number in the browser's address bar when you are logged in to Dinero."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_api_key(self) -> str:
        return "".join(self.cleaned_data["api_key"].split())

    def clean_organization_id(self) -> str:
        value = "".join(self.cleaned_data["organization_id"].split())
        if not re.fullmatch(r"\d{1,12}", value):
            raise ValidationError(
                message_for("invalid_organization_id", provider=PROVIDER, context="setup"),
                code="invalid_organization_id",
            )
        return value

    def add_accounting_error(self, error: AccountingError) -> None:
        """Show a failure of `validate_credentials` by its key, on the field it concerns."""
        words = message_for(error.code, provider=PROVIDER, context="setup", **error.params)
        field = CREDENTIAL_ERROR_FIELDS.get(error.code)
        if field is None and error.field in self.fields:
            field = error.field
        self.add_error(field, ValidationError(words, code=error.code))


class OrganizationForm(forms.Form):
    """S-d5 the Visma Connect way: one of the user's Dinero organisations, with Dinero Pro."""

    organization = forms.ChoiceField(
        label=_("Dinero organisation"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick one of your Dinero organisations.")},
    )

    def __init__(self, *args: Any, organizations: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = list(organizations)
        self.fields["organization"].choices = [(o.id, o.name) for o in self.organizations]
        pro = [o for o in self.organizations if o.is_pro]
        if len(pro) == 1:
            self.fields["organization"].initial = pro[0].id

    def clean_organization(self) -> str:
        value = self.cleaned_data["organization"]
        chosen = next((o for o in self.organizations if o.id == value), None)
        if chosen is not None and not chosen.is_pro:
            words = message_for("no_api_access", provider=PROVIDER, context="setup")
            raise ValidationError(words, code="dinero_pro_required")
        return value

    def add_accounting_error(self, error: AccountingError) -> None:
        words = message_for(error.code, provider=PROVIDER, context="setup", **error.params)
        field = "organization" if error.code in ("unknown_organization", NO_PRO) else None
        self.add_error(field, ValidationError(words, code=error.code))


def _choices(accounts: Iterable[Account]) -> list[tuple[str, str]]:
    return [(a.number, f"{a.number} {a.name}") for a in accounts]


class AccountsForm(forms.Form):
    """S-d6: the fallback account and the counter account for payments."""

    fallback_account = forms.ChoiceField(
        label=_("Fallback account"),
        help_text=_(
            "Used for the kassekladde row of a bill that has no category yet. In Dinero this is "
            "usually 99999."
        ),
    )
    payment_account = forms.ChoiceField(
        label=_("Counter account for payments"),
        help_text=_(
            "Used as the balancing account when a bill is paid with no payment method of its "
            "own. In Dinero this is usually 55000 (the bank)."
        ),
    )

    # Not required: left out (as by an older client), the provider takes the defaults.
    exchange_difference_account = forms.ChoiceField(
        required=False,
        label=_("Account for exchange differences"),
        help_text=_(
            "When a bill in a foreign currency is paid, the difference between the Danish kroner "
            "booked for the bill and those paid goes here. In Dinero's standard chart this is "
            "2400 Valutakursdifferencer, import."
        ),
    )
    reverse_charge_vat_code = forms.ChoiceField(
        required=False,
        label=_("VAT code for reverse charge"),
        help_text=_(
            "Used for a bill from a foreign supplier without Danish VAT on which you must "
            "calculate the VAT yourself (omvendt betalingspligt)."
        ),
        choices=[
            ("IEUY", _("IEUY: services bought from the EU")),
            ("IEUV", _("IEUV: goods bought from the EU")),
            ("IVY", _("IVY: services bought from outside the EU")),
        ],
    )

    def __init__(
        self, *args: Any, entry: Iterable[Account], deposit: Iterable[Account], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        entry = list(entry)
        self.fields["fallback_account"].choices = _choices(entry)
        self.fields["payment_account"].choices = _choices(deposit)
        self.fields["exchange_difference_account"].choices = _choices(entry)


class ImportForm(forms.Form):
    """S-d7: import the chart of accounts as categories, or not."""

    import_chart = forms.TypedChoiceField(
        label=_("Import your chart of accounts from Dinero?"),
        choices=[("yes", _("Yes, import the chart of accounts")), ("no", _("No, do not import"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )


class DisconnectForm(forms.Form):
    """Posting it disconnects; the page asks first."""
