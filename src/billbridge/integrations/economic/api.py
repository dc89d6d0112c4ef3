"""REST API for e-conomic: /api/v1/companies/{company_id}/integrations/economic.

The same steps as the set-up pages (setup.py does the work): connect with an agreement grant
token and the mapping, read the state (never the token), disconnect, fetch again, backfill.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from billbridge.integrations import api_common, signals
from billbridge.integrations.api_common import (
    BackfillOut,
    CompanyId,
    ProblemOut,
    ProgressOut,
    membership_for,
)
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.economic import setup
from billbridge.integrations.economic.messages import error_text
from billbridge.integrations.models import Integration

router = Router()


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


ERRORS = {400: ProblemOut, 403: ProblemOut, 503: ProblemOut}


def _problem(exc: AccountingError) -> Status:
    return api_common.problem(exc, error_text(exc.code, exc.detail, **exc.params))


def _integration(company_id: int) -> Integration | None:
    return api_common.integration_of(company_id, setup.PROVIDER)


def _state(integration: Integration | None, **extra: Any) -> dict[str, Any]:
    s = integration.settings if integration else {}
    data = integration.remote_data if integration else {}
    return {
        "provider": setup.PROVIDER,
        "state": integration.state if integration else "not_connected",
        "attention_code": integration.attention_code if integration else "",
        "attention_message": integration.attention_message if integration else "",
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
        **extra,
    }


@router.put("", response={200: EconomicStateOut, **ERRORS})
def connect(request: HttpRequest, company_id: CompanyId, payload: EconomicConnectIn) -> Any:
    """Connect (or reconnect): the grant token is checked and e-conomic's data fetched at once;
    journals and accounts must exist there."""
    company = api_common.manager_company(request, company_id)
    try:
        data = setup.fetch(payload.agreement_grant_token, company=company)
    except AccountingError as exc:
        if exc.kind == ErrorKind.CREDENTIALS:
            exc.field = "agreement_grant_token"
        return _problem(exc)
    mapping = payload.dict(exclude={"agreement_grant_token", "backfill"})
    draft = Integration(company=company, provider=setup.PROVIDER, remote_data=data)
    errors = setup.validate_mapping(draft, mapping)
    if errors:  # nothing stored: a refused PUT changes nothing
        field, code = next(iter(errors.items()))
        return Status(400, {"detail": error_text(code), "code": code, "field": field})
    try:
        integration = setup.store_grant(
            company,
            payload.agreement_grant_token,
            request.auth,  # type: ignore[attr-defined]
            data,
        )
    except AccountingError as exc:
        return _problem(exc)
    setup.save(integration, mapping, request.auth)  # type: ignore[attr-defined]
    extra: dict[str, Any] = {}
    if payload.backfill:
        extra["backfilled"] = signals.backfill(integration)
    return Status(200, _state(integration, **extra))


@router.get("", response={200: EconomicStateOut})
def state(request: HttpRequest, company_id: CompanyId) -> Any:
    """State, prerequisites and mapping; the grant token is never shown again."""
    membership_for(request, company_id)
    return Status(200, _state(_integration(company_id)))


@router.delete("", response={204: None, 403: ProblemOut})
def disconnect(request: HttpRequest, company_id: CompanyId) -> Any:
    """Stop sending bills to e-conomic; what was sent stays there."""
    setup.disconnect(api_common.manager_company(request, company_id))
    return Status(204, None)


@router.post("/refresh", response={200: EconomicStateOut, **ERRORS})
def refresh(request: HttpRequest, company_id: CompanyId) -> Any:
    """S-e10: fetch journals, accounts, VAT codes and suppliers from e-conomic again."""
    api_common.manager_company(request, company_id)
    integration = _integration(company_id)
    if integration is None or not integration.encrypted_credentials:
        return _problem(AccountingError(ErrorKind.CREDENTIALS, "not_connected"))
    try:
        setup.refresh(integration)
    except AccountingError as exc:
        return _problem(exc)
    return Status(200, _state(integration))


@router.post("/backfill", response={200: BackfillOut, **ERRORS})
def backfill(request: HttpRequest, company_id: CompanyId) -> Any:
    """R-4: send every bill added before e-conomic was connected; progress in the answer."""
    api_common.manager_company(request, company_id)
    return api_common.backfill(company_id, setup.PROVIDER, _problem)
