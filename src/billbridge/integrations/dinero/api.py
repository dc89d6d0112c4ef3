"""REST API for Dinero: /api/v1/companies/{company_id}/integrations/dinero.

The same steps as the set-up pages (setup.py does the work): connect with an API key and an
Organization ID, read the state (never the key), disconnect, fetch the chart again, backfill.
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
from billbridge.integrations.dinero import setup
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Integration

router = Router()


class DineroConnectIn(Schema):
    api_key: str
    organization_id: str
    fallback_account: str = setup.DEFAULT_FALLBACK
    payment_account: str = setup.DEFAULT_PAYMENT
    import_chart_of_accounts: bool = False
    backfill: bool = False


class DineroStateOut(Schema):
    provider: str
    state: str
    attention_code: str
    attention_message: str
    organization_id: str
    fallback_account: str
    payment_account: str
    import_chart_of_accounts: bool
    connected_at: dt.datetime | None
    accounts: int
    progress: ProgressOut
    backfilled: int | None = None
    imported_categories: int | None = None


class DineroAccountOut(Schema):
    number: str
    name: str
    vat_code: str
    kind: str
    hidden: bool


def _problem(exc: AccountingError) -> Status:
    detail = message_for(exc.code, system="Dinero", **exc.params)
    return api_common.problem(exc, detail)


def _state(integration: Integration | None, **extra: Any) -> dict[str, Any]:
    if integration is None:
        return {
            "provider": setup.PROVIDER,
            "state": "not_connected",
            "attention_code": "",
            "attention_message": "",
            "organization_id": "",
            "fallback_account": "",
            "payment_account": "",
            "import_chart_of_accounts": False,
            "connected_at": None,
            "accounts": 0,
            "progress": dict(api_common.NO_PROGRESS),
            **extra,
        }
    s = integration.settings
    return {
        "provider": integration.provider,
        "state": integration.state,
        "attention_code": integration.attention_code,
        "attention_message": integration.attention_message,
        "organization_id": str(s.get("organization_id", "")),
        "fallback_account": str(s.get("fallback_account", "")),
        "payment_account": str(s.get("payment_account", "")),
        "import_chart_of_accounts": bool(s.get("import_chart_of_accounts", False)),
        "connected_at": integration.connected_at,
        "accounts": len(integration.remote_data.get("accounts", [])),
        "progress": signals.progress(integration),
        **extra,
    }


def _integration(company_id: int) -> Integration | None:
    return api_common.integration_of(company_id, setup.PROVIDER)


@router.put("", response={200: DineroStateOut, 400: ProblemOut, 403: ProblemOut, 503: ProblemOut})
def connect(request: HttpRequest, company_id: CompanyId, payload: DineroConnectIn) -> Any:
    """Connect (or reconnect) Dinero: the key and ID are checked against Dinero at once."""
    company = api_common.manager_company(request, company_id)
    try:
        accounts = setup.validate_credentials(
            payload.api_key, payload.organization_id, company=company
        )
        integration = setup.connect(
            company,
            request.auth,  # type: ignore[attr-defined]
            api_key=payload.api_key,
            organization_id=payload.organization_id,
            fallback_account=payload.fallback_account,
            payment_account=payload.payment_account,
            import_chart_of_accounts=payload.import_chart_of_accounts,
            accounts=accounts,
        )
    except AccountingError as exc:
        return _problem(exc)
    extra: dict[str, Any] = {}
    if payload.backfill:
        extra["backfilled"] = signals.backfill(integration)
    if payload.import_chart_of_accounts:
        extra["imported_categories"] = company.categories.filter(
            imported_from=setup.PROVIDER, archived=False
        ).count()
    return Status(200, _state(integration, **extra))


@router.get("", response={200: DineroStateOut})
def state(request: HttpRequest, company_id: CompanyId) -> Any:
    """State and settings; the API key is never shown again."""
    membership_for(request, company_id)
    return Status(200, _state(_integration(company_id)))


@router.delete("", response={204: None, 403: ProblemOut})
def disconnect(request: HttpRequest, company_id: CompanyId) -> Any:
    """Stop sending bills to Dinero; what was sent stays there."""
    setup.disconnect(api_common.manager_company(request, company_id))
    return Status(204, None)


@router.post(
    "/refresh",
    response={200: list[DineroAccountOut], 400: ProblemOut, 403: ProblemOut, 503: ProblemOut},
)
def refresh(request: HttpRequest, company_id: CompanyId) -> Any:
    """Fetch the chart from Dinero again (an account created since shows up)."""
    company = api_common.manager_company(request, company_id)
    if _integration(company_id) is None:
        return _problem(AccountingError(ErrorKind.CREDENTIALS, "not_connected"))
    try:
        accounts = setup.refresh(company)
    except AccountingError as exc:
        return _problem(exc)
    out = [
        {
            "number": a.number,
            "name": a.name,
            "vat_code": a.vat_code,
            "kind": a.kind,
            "hidden": a.hidden,
        }  # fmt: skip
        for a in accounts
    ]
    return Status(200, out)


@router.post("/backfill", response={200: BackfillOut, 400: ProblemOut, 403: ProblemOut})
def backfill(request: HttpRequest, company_id: CompanyId) -> Any:
    """R-4: send every bill added before the connection; progress in the answer and in GET."""
    api_common.manager_company(request, company_id)
    return api_common.backfill(company_id, setup.PROVIDER, _problem)
