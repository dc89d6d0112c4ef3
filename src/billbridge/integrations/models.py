"""A company's connection to one accounting system, and the user's consent to make it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from billbridge.accounts.models import Company, User
from billbridge.crypto import decrypt_json, encrypt_json


class IntegrationState(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("Not connected")
    CONNECTED = "connected", _("Connected")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")


class Integration(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="integrations")
    provider = models.CharField(max_length=30)  # a key of integrations.registry.PROVIDERS
    state = models.CharField(
        max_length=20, choices=IntegrationState.choices, default=IntegrationState.NOT_CONNECTED
    )
    # Non-secret choices made in set-up: accounts, journals, mappings (provider-specific keys).
    settings = models.JSONField(default=dict, blank=True)
    # Accounts, journals, VAT codes fetched from the accounting system, for the set-up forms.
    remote_data = models.JSONField(default=dict, blank=True)
    # API keys and tokens, Fernet-encrypted; never logged, never shown again.
    encrypted_credentials = models.TextField(blank=True)
    # Why the integration needs attention: an error key and the plain-words text.
    attention_code = models.CharField(max_length=60, blank=True)
    attention_message = models.CharField(max_length=500, blank=True)
    # The accounting system's own id of the books (Dinero organisation, e-conomic agreement):
    # one set of books takes one company's bills (issue 12 item 3); "" while not connected.
    remote_id = models.CharField(max_length=100, blank=True, default="")
    # After a BLOCKED error (integrations/base.py): when the sync engine tries again by itself
    # (None: only when a person presses "Check again", or reconnects).
    recheck_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "provider"], name="one_integration_per_provider"
            ),
            models.UniqueConstraint(
                fields=["provider", "remote_id"],
                condition=~models.Q(remote_id=""),
                name="one_company_per_remote_books",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.provider} ({self.state})"

    @property
    def credentials(self) -> dict[str, Any]:
        return decrypt_json(self.encrypted_credentials)

    @credentials.setter
    def credentials(self, value: dict[str, Any]) -> None:
        self.encrypted_credentials = encrypt_json(value) if value else ""

    @property
    def attention_text(self) -> str:
        """Why it needs attention, in the reader's language, from the one catalogue of words
        (integrations/messages.py); `attention_message` keeps the English words as stored."""
        if not self.attention_code:
            return self.attention_message
        from billbridge.integrations.messages import message_for

        return message_for(self.attention_code, provider=self.provider,
                           detail=self.attention_message)  # fmt: skip

    @property
    def is_active(self) -> bool:
        return self.state in (IntegrationState.CONNECTED, IntegrationState.NEEDS_ATTENTION)


class Consent(models.Model):
    """S-d3: a user allowed billbridge to link a company to an accounting system."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=30)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "provider"], name="one_consent_per_user_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} allowed {self.provider} for {self.company}"
