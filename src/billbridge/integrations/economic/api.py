"""REST API for e-conomic: /api/v1/companies/{company_id}/integrations/economic.

The framework builds the routes (integrations/api_common.py: connect with an agreement grant
token and the mapping, the state (never the token), disconnect, fetch again, backfill); this
module gives e-conomic's schemas and steps, which setup.py does as for the set-up pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from billbridge.accounts.models import Company, User
from billbridge.integrations import api_common, signals
from billbridge.integrations.api_common import ProgressOut
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.economic import setup
from billbridge.integrations.models import Integration


class EconomicConnectIn(Schema):
    agreement_grant_token: str
    creditor_invoice_journal: int
    creditor_payment_journal: int
    default_account: int
    payment_method_accounts: dict[str, int] = {}
    category_accounts: dict[str, int] = {}
    backfill: bool = False


class EconomicPrerequisiteOut(Schema):
    key: str
    met: bool | None


class EconomicAgreementOut(Schema):
    number: int | None = None
    company_name: str = ""
    cvr: str = ""


class EconomicStateOut(Schema):
    provider: str
    state: str
    attention_code: str
    attention_message: str
    agreement: EconomicAgreementOut | None
    prerequisites: list[EconomicPrerequisiteOut]
    creditor_invoice_journal: int | None
    creditor_payment_journal: int | None
    default_account: int | None
    payment_method_accounts: dict[str, int]
    category_accounts: dict[str, int]
    connected_at: dt.datetime | None
    journals: int
    accounts: int
    progress: ProgressOut
    backfilled: int | None = None


def _state(integration: Integration | None) -> dict[str, Any]:
    s = integration.settings if integration else {}
    data = integration.remote_data if integration else {}
    return {
        "provider": setup.PROVIDER,
        "state": integration.state if integration else "not_connected",
        "attention_code": integration.attention_code if integration else "",
        "attention_message": integration.attention_text if integration else "",
        "agreement": data.get("agreement") or None,
        "prerequisites": [{"key": p.key, "met": p.met} for p in setup.prerequisites(integration)],
        "creditor_invoice_journal": s.get("creditor_invoice_journal"),
        "creditor_payment_journal": s.get("creditor_payment_journal"),
        "default_account": s.get("default_account"),
        "payment_method_accounts": s.get("payment_method_accounts") or {},
        "category_accounts": s.get("category_accounts") or {},
        "connected_at": integration.connected_at if integration else None,
        "journals": len(data.get("journals", [])),
        "accounts": len(data.get("accounts", [])),
        "progress": signals.progress(integration) if integration else dict(api_common.NO_PROGRESS),
    }


def _connect(company: Company, user: User | None, payload: EconomicConnectIn) -> Integration:
    """The grant token is checked and e-conomic's data fetched at once; journals and accounts
    must exist there. A refused mapping stores nothing."""
    try:
        data = setup.fetch(payload.agreement_grant_token, company=company)
    except AccountingError as exc:
        if exc.kind == ErrorKind.CREDENTIALS:
            exc.field = "agreement_grant_token"
        raise
    mapping = payload.dict(exclude={"agreement_grant_token", "backfill"})
    draft = Integration(company=company, provider=setup.PROVIDER, remote_data=data)
    errors = setup.validate_mapping(draft, mapping)
    if errors:
        field, code = next(iter(errors.items()))
        raise AccountingError(ErrorKind.REJECTED, code, field=field)
    integration = setup.store_grant(company, payload.agreement_grant_token, user, data)
    setup.save(integration, mapping, user)
    return integration


def _refresh(company: Company, integration: Integration) -> dict[str, Any]:
    """S-e10: journals, accounts, VAT codes and suppliers from e-conomic again."""
    if not integration.encrypted_credentials:
        raise AccountingError(ErrorKind.CREDENTIALS, "not_connected")
    setup.refresh(integration)
    return _state(integration)


# connect, state, disconnect, refresh and backfill: built by the framework (api_common).
lifecycle = api_common.Lifecycle(
    connect_in=EconomicConnectIn,
    state_out=EconomicStateOut,
    connect=_connect,
    state=_state,
    refresh=_refresh,
    refresh_out=EconomicStateOut,
    docs={
        "connect": "Connect (or reconnect): the grant token is checked and e-conomic's data "
        "fetched at once; journals and accounts must exist there.",
        "state": "State, prerequisites and mapping; the grant token is never shown again.",
        "refresh": "S-e10: fetch journals, accounts, VAT codes and suppliers from e-conomic again.",
    },
)
