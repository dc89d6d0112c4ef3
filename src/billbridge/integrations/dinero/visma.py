"""Visma Connect wired to billbridge: the app from settings, the pending authorization of a
company, and access tokens that renew themselves for the sync engine.

A saved Visma Connect integration keeps `{"way": "visma_connect", "organization_id",
"access_token", "refresh_token", "expires_at"}` in its encrypted credentials. Renewing holds
the Integration row (select_for_update) while it asks Visma Connect, so two workers never
spend the same one-time refresh token; the rotated refresh token is saved in the same
transaction. A refresh Visma Connect refuses is CREDENTIALS "connect_refused": the sync engine
holds the integration and the page offers Reconnect.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.dinero.oauth import Authorization, Tokens, VismaConnect
from billbridge.integrations.http import audit_hook
from billbridge.integrations.models import Integration

WAY = "visma_connect"
API_KEY_WAY = "api_key"
PROVIDER = "dinero"
# A started authorization is good this long (Visma Connect's code lives minutes) [GUESS].
PENDING_SECONDS = 15 * 60


def app(company_id: int | None = None) -> VismaConnect:
    """billbridge's Visma Connect app: DINERO_CONNECT_URL, _CLIENT_ID and _CLIENT_SECRET."""
    timeout = float(
        getattr(settings, "ACCOUNTING_HTTP_TIMEOUT", None)
        or os.environ.get("ACCOUNTING_HTTP_TIMEOUT")
        or 15.0
    )
    return VismaConnect(
        base_url=settings.DINERO_CONNECT_URL,
        client_id=settings.DINERO_CONNECT_CLIENT_ID,
        client_secret=settings.DINERO_CONNECT_CLIENT_SECRET,
        timeout=timeout,
        on_call=audit_hook(company_id=company_id, provider=PROVIDER) if company_id else None,
    )


def is_visma(credentials: dict[str, Any]) -> bool:
    return credentials.get("way") == WAY or bool(credentials.get("refresh_token"))


def tokens_of(data: dict[str, Any]) -> Tokens:
    return Tokens(
        access_token=str(data.get("access_token") or ""),
        refresh_token=str(data.get("refresh_token") or ""),
        expires_at=float(data.get("expires_at") or 0),
    )


def new_state(company_id: int) -> str:
    """An unguessable state that names the company it was started for (the callback is one
    URL for every company, as Visma Connect's registered redirect URIs require)."""
    return f"{company_id}.{secrets.token_urlsafe(24)}"


def company_of_state(state: str) -> int | None:
    head, _, rest = (state or "").partition(".")
    return int(head) if head.isdigit() and rest else None


def start(company_id: int, redirect_uri: str, *, locale: str = "") -> Authorization:
    """An authorization for `company_id`: the authorize URL, its state and code verifier."""
    return app(company_id).start(redirect_uri, state=new_state(company_id), locale=locale)


def exchange(company_id: int, *, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    return app(company_id).exchange(
        code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
    )


# ------------------------------------------------------------------ pending (REST API way)


def remember_pending(company_id: int, pending: dict[str, Any]) -> None:
    """Keep an authorization started through the REST API with the company's integration
    (encrypted; the saved credentials beside it stay as they are until the connect ends)."""
    with transaction.atomic():
        integration, _ = Integration.objects.select_for_update().get_or_create(
            company_id=company_id, provider=PROVIDER
        )
        creds = integration.credentials
        creds["pending"] = {**pending, "started_at": time.time()}
        integration.credentials = creds
        integration.save(update_fields=["encrypted_credentials", "updated_at"])


def pending_of(company_id: int) -> dict[str, Any] | None:
    integration = Integration.objects.filter(company_id=company_id, provider=PROVIDER).first()
    if integration is None:
        return None
    pending = integration.credentials.get("pending")
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("started_at") or 0) > PENDING_SECONDS:
        return None
    return pending


def forget_pending(company_id: int) -> None:
    with transaction.atomic():
        integration = (
            Integration.objects.select_for_update()
            .filter(company_id=company_id, provider=PROVIDER)
            .first()
        )
        if integration is None:
            return
        creds = integration.credentials
        if creds.pop("pending", None) is not None:
            integration.credentials = creds
            integration.save(update_fields=["encrypted_credentials", "updated_at"])


# ------------------------------------------------------------------ tokens for the engine


def token_source(integration_id: int) -> Callable[[bool], str]:
    """The access token of a saved Visma Connect integration, renewed when it is about to
    expire or Dinero said 401 (`force`)."""
    seen: list[str] = []

    def token(force: bool) -> str:
        integration = Integration.objects.get(pk=integration_id)
        current = tokens_of(integration.credentials)
        if current.access_token and current.fresh() and not force:
            seen[:] = [current.access_token]
            return current.access_token
        with transaction.atomic():
            integration = Integration.objects.select_for_update().get(pk=integration_id)
            creds = integration.credentials
            current = tokens_of(creds)
            if not current.refresh_token:
                raise AccountingError(ErrorKind.CREDENTIALS, "not_connected", "no tokens")
            renewed_by_another = seen and current.access_token not in seen
            if current.fresh() and (not force or renewed_by_another):
                seen[:] = [current.access_token]
                return current.access_token
            fresh = app(integration.company_id).refresh(current.refresh_token)
            creds.update(fresh.as_dict())
            integration.credentials = creds
            integration.save(update_fields=["encrypted_credentials", "updated_at"])
        seen[:] = [fresh.access_token]
        return fresh.access_token

    return token
