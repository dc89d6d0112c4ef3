"""The inbox's settings forms: who may send, and the company's own IMAP mailbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billbridge.mailin.addresses import split_address
from billbridge.mailin.models import ImapSecurity

SENDERS_EXAMPLE = "leverandor.dk\nbogholderi@firma.dk"


class AllowedSendersForm(forms.Form):
    allowed_senders = forms.CharField(
        label=_("Who may send bills"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": SENDERS_EXAMPLE}),
        help_text=_(
            "One address or domain per line. Empty: anyone who knows the address may send."
        ),
    )

    def clean_allowed_senders(self) -> str:
        lines = self.cleaned_data["allowed_senders"].replace(",", "\n").splitlines()
        for line in (raw.strip().lower() for raw in lines):
            if not line:
                continue
            target = line.lstrip("@")
            valid = split_address(target)[1] if "@" in target else "." in target
            if not valid or " " in target:
                raise ValidationError(
                    _("“%(line)s” is neither an address nor a domain.") % {"line": line}
                )
        return self.cleaned_data["allowed_senders"]


class ImapForm(forms.Form):
    host = forms.CharField(label=_("IMAP server"), max_length=255)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(
        label=_("Security"), choices=ImapSecurity.choices, initial=ImapSecurity.SSL
    )
    username = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(
        label=_("Password or app password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the saved one."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    move_to = forms.CharField(
        label=_("Move read mails to"),
        max_length=255,
        required=False,
        help_text=_("Empty: mails are marked as read once their bills are stored."),
    )

    def __init__(self, *args: Any, has_password: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_password = has_password
        self.fields["host"].widget.attrs.update(autocapitalize="off", spellcheck="false")
        self.fields["username"].widget.attrs.update(autocapitalize="off", autocomplete="off")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("password") and not self.has_password:
            self.add_error("password", _("Give the password or app password."))
        return data
