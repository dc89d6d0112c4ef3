"""REST API for Dinero: /api/v1/companies/{company_id}/integrations/dinero.

The same steps as the set-up pages (setup.py does the work), both ways in:
- Visma Connect (recommended): POST /visma-connect → the authorize URL for the user's browser;
  after "Yes, Allow" billbridge's callback keeps the tokens with the company;
  GET /visma-connect/organizations → the user's organisations (only Pro ones can be chosen);
  PUT /visma-connect → the organisation, accounts and import choice: connected.
- Personal integration (API key, for your own company): PUT with key and Organization ID.
The framework builds PUT, GET and DELETE "", POST /refresh and POST /backfill from `lifecycle`
(integrations/api_common.py); `router` adds Dinero's own: Visma Connect, what an import would do
(GET /import-plan) and Check again (POST /recheck).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from billbridge.accounts.models import Company, User
from billbridge.integrations import api_common, signals
from billbridge.integrations.api_common import CompanyId, ProblemOut, ProgressOut
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.dinero import setup, visma
from billbridge.integrations.dinero.forms import CREDENTIAL_ERROR_FIELDS
from billbridge.integrations.models import Integration, IntegrationState


class DineroConnectIn(Schema):
    api_key: str
    organization_id: str
    fallback_account: str = setup.DEFAULT_FALLBACK
    payment_account: str = setup.DEFAULT_PAYMENT
    # Issue 11 items 1 and 3; empty: the chart's 2400 and Dinero's standard IEUY.
    exchange_difference_account: str = ""
    reverse_charge_vat_code: str = ""
    import_chart_of_accounts: bool = False
    backfill: bool = False


class DineroVismaStartOut(Schema):
    authorize_url: str
    state: str


class DineroOrganizationOut(Schema):
    id: str
    name: str
    is_pro: bool


class DineroVismaConnectIn(Schema):
    organization_id: str
    fallback_account: str = setup.DEFAULT_FALLBACK
    payment_account: str = setup.DEFAULT_PAYMENT
    # Issue 11 items 1 and 3; empty: the chart's 2400 and Dinero's standard IEUY.
    exchange_difference_account: str = ""
    reverse_charge_vat_code: str = ""
    import_chart_of_accounts: bool = False
    backfill: bool = False


class DineroPlanAccountOut(Schema):
    account: str
    name: str


class DineroPlanRenamedOut(Schema):
    account: str
    old_name: str
    name: str


class DineroImportPlanOut(Schema):
    added: list[DineroPlanAccountOut]
    renamed: list[DineroPlanRenamedOut]
    archived: list[DineroPlanAccountOut]
    suppliers_forgotten: int
    refusal: str
    refusal_message: str


class DineroStateOut(Schema):
    provider: str
    way: str
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
    return api_common.problem_of(setup.PROVIDER, exc)


def _state(integration: Integration | None) -> dict[str, Any]:
    if integration is None:
        return {
            "provider": setup.PROVIDER,
            "way": "",
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
        }
    s = integration.settings
    return {
        "provider": integration.provider,
        "way": str(s.get("way") or ("api_key" if integration.is_active else "")),
        "state": integration.state,
        "attention_code": integration.attention_code,
        "attention_message": integration.attention_text,
        "organization_id": str(s.get("organization_id", "")),
        "fallback_account": str(s.get("fallback_account", "")),
        "payment_account": str(s.get("payment_account", "")),
        "import_chart_of_accounts": bool(s.get("import_chart_of_accounts", False)),
        "connected_at": integration.connected_at,
        "accounts": len(integration.remote_data.get("accounts", [])),
        "progress": signals.progress(integration),
    }


def _integration(company_id: int) -> Integration | None:
    return api_common.integration_of(company_id, setup.PROVIDER)


def _choices(payload: DineroConnectIn | DineroVismaConnectIn) -> dict[str, Any]:
    """The set-up's choices (S-d6, S-d7), the same for both ways in."""
    return {
        "fallback_account": payload.fallback_account,
        "payment_account": payload.payment_account,
        "exchange_difference_account": payload.exchange_difference_account,
        "reverse_charge_vat_code": payload.reverse_charge_vat_code,
        "import_chart_of_accounts": payload.import_chart_of_accounts,
    }


def _imported(
    company: Company, integration: Integration, payload: DineroConnectIn | DineroVismaConnectIn
) -> dict[str, Any]:
    """A connect's answer, either way in, counts the categories an import made."""
    if not payload.import_chart_of_accounts:
        return {}
    count = company.categories.filter(imported_from=setup.PROVIDER, archived=False).count()
    return {"imported_categories": count}


def _connect(company: Company, user: User | None, payload: DineroConnectIn) -> Integration:
    """The personal integration: the key and ID are checked against Dinero at once; a refusal
    names the field at fault (`api_key`, `organization_id`), as e-conomic's names its token."""
    try:
        accounts = setup.validate_credentials(
            payload.api_key, payload.organization_id, company=company
        )
    except AccountingError as exc:
        _name_field(exc)
        raise
    return setup.connect(
        company,
        user,
        api_key=payload.api_key,
        organization_id=payload.organization_id,
        accounts=accounts,
        organization_name=setup.organization_name(
            payload.api_key, payload.organization_id, company=company
        ),
        **_choices(payload),
    )


def _name_field(exc: AccountingError) -> None:
    """The body's field a credentials refusal is about, when its code says which."""
    if exc.field is None and exc.code in CREDENTIAL_ERROR_FIELDS:
        exc.field = CREDENTIAL_ERROR_FIELDS[exc.code]


def _refresh(company: Company, integration: Integration) -> list[dict[str, Any]]:
    return [
        {
            "number": a.number,
            "name": a.name,
            "vat_code": a.vat_code,
            "kind": a.kind,
            "hidden": a.hidden,
        }  # fmt: skip
        for a in setup.refresh(company)
    ]


# connect, state, disconnect, refresh and backfill: built by the framework (api_common).
lifecycle = api_common.Lifecycle(
    connect_in=DineroConnectIn,
    state_out=DineroStateOut,
    connect=_connect,
    state=_state,
    refresh=_refresh,
    refresh_out=list[DineroAccountOut],
    connected_extra=_imported,
    docs={
        "connect": "Connect (or reconnect) Dinero: the key and ID are checked against Dinero "
        "at once.",
        "state": "State and settings; the API key is never shown again.",
        "refresh": "Fetch the chart from Dinero again (an account created since shows up).",
    },
)

# Dinero's own routes, beside the lifecycle's.
router = Router()


# ------------------------------------------------------------------ Visma Connect (S-d12)


@router.post("/visma-connect", response={200: DineroVismaStartOut, 403: ProblemOut})
def visma_start(request: HttpRequest, company_id: CompanyId) -> Any:
    """Start Visma Connect: send the user's browser to `authorize_url`; after their login and
    "Yes, Allow", billbridge's callback keeps the tokens with the company (15 minutes)."""
    company = api_common.manager_company(request, company_id)
    redirect_uri = request.build_absolute_uri(reverse("dinero_callback"))
    auth = visma.start(company.pk, redirect_uri)
    visma.remember_pending(company.pk, {"state": auth.state, "code_verifier": auth.code_verifier,
                                        "redirect_uri": redirect_uri})  # fmt: skip
    return Status(200, {"authorize_url": auth.url, "state": auth.state})


def _pending_tokens(company_id: int) -> Any:
    pending = visma.pending_of(company_id)
    if not pending or not pending.get("tokens"):
        return None
    return visma.tokens_of(pending["tokens"])


@router.get(
    "/visma-connect/organizations",
    response={200: list[DineroOrganizationOut], 400: ProblemOut, 403: ProblemOut, 503: ProblemOut},
)
def visma_organizations(request: HttpRequest, company_id: CompanyId) -> Any:
    """The Dinero organisations the user allowed, once they said "Yes, Allow"."""
    company = api_common.manager_company(request, company_id)
    tokens = _pending_tokens(company.pk)
    if tokens is None:
        return _problem(AccountingError(ErrorKind.CREDENTIALS, "connect_not_allowed_yet"))
    try:
        found = setup.organizations(tokens, company=company)
    except AccountingError as exc:
        return _problem(exc)
    return Status(200, [{"id": o.id, "name": o.name, "is_pro": o.is_pro} for o in found])


@router.put(
    "/visma-connect",
    response={200: DineroStateOut, 400: ProblemOut, 403: ProblemOut, 503: ProblemOut},
)
def visma_connect(
    request: HttpRequest, company_id: CompanyId, payload: DineroVismaConnectIn
) -> Any:
    """Finish Visma Connect: the organisation (with Dinero Pro), the accounts, the import."""
    company = api_common.manager_company(request, company_id)
    tokens = _pending_tokens(company.pk)
    if tokens is None:
        return _problem(AccountingError(ErrorKind.CREDENTIALS, "connect_not_allowed_yet"))
    try:
        accounts, name = setup.validate_named_organization(
            tokens, payload.organization_id, company=company
        )
        integration = setup.connect_visma(
            company,
            api_common.caller(request),
            tokens=tokens,
            organization_id=payload.organization_id,
            accounts=accounts,
            organization_name=name,
            **_choices(payload),
        )
    except AccountingError as exc:
        _name_field(exc)
        return _problem(exc)
    return lifecycle.connected(company, integration, payload)


@router.get("/import-plan", response={200: DineroImportPlanOut, 400: ProblemOut, 403: ProblemOut})
def import_plan(request: HttpRequest, company_id: CompanyId) -> Any:
    """What importing the chart fetched from Dinero would do (S-d7), changing nothing."""
    company = api_common.manager_company(request, company_id)
    integration = _integration(company_id)
    if integration is None or not integration.is_active:
        return _problem(AccountingError(ErrorKind.CREDENTIALS, "not_connected"))
    plan = setup.plan_import(company, setup.accounts_of(integration))
    refusal = AccountingError(ErrorKind.REJECTED, plan.refusal)
    words = api_common.words(setup.PROVIDER, refusal)
    return Status(200, {**plan.as_dict(), "refusal_message": words if plan.refusal else ""})


@router.post("/recheck", response={200: DineroStateOut, 403: ProblemOut})
def recheck(request: HttpRequest, company_id: CompanyId) -> Any:
    """Check again (say after Dinero Pro was bought): connected again if Dinero answers."""
    api_common.manager_company(request, company_id)
    integration = _integration(company_id)
    if integration is not None and integration.state == IntegrationState.NEEDS_ATTENTION:
        signals.recheck(integration)
        integration.refresh_from_db()
    return Status(200, _state(integration))
