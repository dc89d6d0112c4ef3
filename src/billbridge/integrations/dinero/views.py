"""The Dinero set-up flow, one view per step of the seed guide (S-d1…S-d11), two ways in:

Visma Connect (recommended, S-d12): page → connect → Visma Connect's login and consent
("Yes, Allow", S-d3) → callback → company → organization → accounts → import (Save) → done.
Personal integration (API key, for a company's own use): page → personal → consent →
company → credentials → accounts → import (Save) → done.

The flow's state lives in the server-side session under `FLOW_KEY`: the company being set
up, the validated credentials (encrypted, never in a form field or a page), the accounts
fetched and the accounts chosen. A step whose earlier steps are missing from the session
goes back to the company step, so reloading a page mid-flow resumes there (S-d10).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billbridge.accounts.models import MANAGING_ROLES, Company
from billbridge.accounts.tenancy import CompanyRequest, company_view, manager_required
from billbridge.bills.models import Bill
from billbridge.crypto import decrypt_json, encrypt_json
from billbridge.integrations import signals
from billbridge.integrations.base import Account, AccountingError
from billbridge.integrations.dinero import rules, setup, visma
from billbridge.integrations.dinero.client import BLOCKING_CODES
from billbridge.integrations.dinero.forms import (
    AccountsForm,
    CompanyChoiceForm,
    ConsentForm,
    CredentialsForm,
    DisconnectForm,
    ImportForm,
    OrganizationForm,
)
from billbridge.integrations.messages import message_for
from billbridge.integrations.models import Consent, Integration, IntegrationState
from billbridge.integrations.pages import backfill_context

PROVIDER = "dinero"
FLOW_KEY = "dinero_setup"
SAVED_KEY = "dinero_setup_saved"
AUTH_TIME_KEY = "billbridge_auth_time"
# S-d3: "you may be asked to log in again": a login older than this is asked for again.
FRESH_LOGIN = dt.timedelta(minutes=getattr(settings, "CONNECT_FRESH_LOGIN_MINUTES", 30))
# The steps shown at the top of each set-up page, per way in.
STEPS = [
    ("consent", gettext_lazy("Allow")),
    ("company", gettext_lazy("Company account")),
    ("credentials", gettext_lazy("API key")),
    ("accounts", gettext_lazy("Accounts")),
    ("import", gettext_lazy("Chart of accounts")),
]
VISMA_STEPS = [
    ("consent", gettext_lazy("Allow in Visma Connect")),
    ("company", gettext_lazy("Company account")),
    ("organization", gettext_lazy("Dinero organisation")),
    ("accounts", gettext_lazy("Accounts")),
    ("import", gettext_lazy("Chart of accounts")),
]


@receiver(user_logged_in, dispatch_uid="billbridge.dinero.record_auth_time")
def _record_auth_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Remember when this session logged in, for the fresh-login check before consent."""
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_TIME_KEY] = timezone.now().isoformat()


# ------------------------------------------------------------------------------ helpers


def _url(name: str, company: Company | int) -> str:
    company_id = company if isinstance(company, int) else company.pk
    return reverse(f"dinero:{name}", kwargs={"company_id": company_id})


def _login_is_fresh(request: HttpRequest) -> bool:
    """Whether this session logged in recently (else `last_login`, for older sessions)."""
    raw = request.session.get(AUTH_TIME_KEY)
    logged_in = dt.datetime.fromisoformat(raw) if raw else request.user.last_login
    return logged_in is not None and timezone.now() - logged_in <= FRESH_LOGIN


def _log_in_again(request: HttpRequest) -> HttpResponse:
    """S-d3 "you may be asked to log in again": end the stale session, come back here after."""
    next_url = request.get_full_path()
    logout(request)
    return redirect_to_login(next_url)


def _has_consent(request: HttpRequest, company: Company) -> bool:
    return Consent.objects.filter(user=request.user, company=company, provider=PROVIDER).exists()


def _flow(request: HttpRequest, company: Company) -> dict[str, Any] | None:
    """The flow state if it is for this company, else None."""
    state = request.session.get(FLOW_KEY)
    if isinstance(state, dict) and state.get("company_id") == company.pk:
        return state
    return None


def _save_flow(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[FLOW_KEY] = state


def _accounts(state: dict[str, Any]) -> list[Account]:
    return [Account(**row) for row in state.get("accounts", [])]


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so its errors show), else None."""
    return request.POST if request.method == "POST" else None


def _step(request: HttpRequest, step: str, context: dict[str, Any]) -> HttpResponse:
    """Render one set-up step's page, with the list of steps (of its way in) on top."""
    state = request.session.get(FLOW_KEY)
    visma_way = isinstance(state, dict) and state.get("way") == visma.WAY
    steps = VISMA_STEPS if visma_way else STEPS
    return render(request, f"dinero/{step}.html", {"step": step, "steps": steps, **context})


def _integration(company: Company) -> Integration | None:
    return Integration.objects.filter(company=company, provider=PROVIDER).first()


def _back_to_company_step(request: CompanyRequest) -> HttpResponse:
    """S-d10: a step reached without the steps before it starts again at the company step."""
    return redirect(_url("company", request.company))


def _managed_companies(request: HttpRequest) -> Any:
    return Company.objects.filter(
        memberships__user=request.user, memberships__role__in=MANAGING_ROLES
    ).order_by("name")


def _unsent_bills(company: Company) -> int:
    """Bills the backfill would send (R-4): postable, complete, with no Dinero sync record."""
    return (
        Bill.objects.filter(company=company)
        .postable()
        .exclude(sync_records__provider=PROVIDER)
        .count()
    )


def _optional_url(name: str, **kwargs: Any) -> str:
    """A URL of a page built elsewhere, or "" while it does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _account_labels(integration: Integration | None) -> dict[str, str]:
    """The chosen accounts as "number name", from the chart fetched at connect time."""
    chosen = integration.settings if integration is not None else {}
    names = {a.number: a.name for a in setup.accounts_of(integration)} if integration else {}
    return {
        f"{key.split('_')[0]}_label": f"{number} {names.get(number, '')}".strip()
        for key in ("fallback_account", "payment_account")
        if (number := str(chosen.get(key, "")))
    }


def _attention_text(integration: Integration) -> str:
    """Why the integration needs attention, in plain words in the reader's language."""
    return integration.attention_text


# ------------------------------------------------------------------------------ S-d1 page


@require_GET
@company_view
def page(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d1: what the integration does, what it needs, its state, and the buttons."""
    company = request.company
    integration = _integration(company)
    active = integration is not None and integration.is_active
    return render(
        request,
        "dinero/page.html",
        {
            "integration": integration,
            "active": active,
            "settings": integration.settings if integration else {},
            **_account_labels(integration),
            "attention_text": _attention_text(integration) if integration else "",
            # Dinero takes no work for now (full kassekladde, no Pro, brownout): the bills
            # wait and the integration resumes by itself or on Check again; no new key needed.
            "attention_blocked": bool(integration) and integration.attention_code in BLOCKING_CODES,
            "integrations_url": _optional_url("web:integrations", company_id=company.pk),
            # the bills added before, sent in one go, with the sync engine's progress.
            **backfill_context(company, integration),
            "provider_name": "Dinero",
        },
    )


# ------------------------------------------------------------------------------ S-d2 start


def _callback_uri(request: HttpRequest) -> str:
    """The one redirect URI billbridge registers with Visma Connect, for every company."""
    return request.build_absolute_uri(reverse("dinero_callback"))


@require_GET
@manager_required
def connect(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d2 CONNECT DINERO, the recommended way: off to Visma Connect's login and consent
    (S-d3, "Yes, Allow"), with PKCE; its answer comes back to `callback`."""
    request.session.pop(FLOW_KEY, None)
    if not _login_is_fresh(request):
        return _log_in_again(request)
    redirect_uri = _callback_uri(request)
    locale = "da-DK" if (request.LANGUAGE_CODE or "").startswith("da") else "en-US"
    auth = visma.start(request.company.pk, redirect_uri, locale=locale)
    _save_flow(
        request,
        {
            "company_id": request.company.pk,
            "way": visma.WAY,
            "state": auth.state,
            "verifier": encrypt_json({"code_verifier": auth.code_verifier}),
            "redirect_uri": redirect_uri,
        },
    )
    return redirect(auth.url)


@require_GET
@manager_required
def personal(request: CompanyRequest, company_id: int) -> HttpResponse:
    """The personal integration (API key, for your own company): a fresh flow; consent first
    if not given, else the company step."""
    request.session.pop(FLOW_KEY, None)
    if not _login_is_fresh(request):
        return _log_in_again(request)
    if not _has_consent(request, request.company):
        return redirect(_url("consent", request.company))
    return redirect(_url("company", request.company))


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Visma Connect's answer: `code` (or `error`) and our `state`. The web flow's state is
    in the session; one started through the REST API is the company's pending one."""
    state = request.GET.get("state", "")
    flow = request.session.get(FLOW_KEY)
    if (
        request.user.is_authenticated
        and isinstance(flow, dict)
        and flow.get("way") == visma.WAY
        and flow.get("state")
        and secrets.compare_digest(str(flow["state"]), state)
    ):
        return _web_callback(request, flow)
    return _api_callback(request, state)


def _web_callback(request: HttpRequest, flow: dict[str, Any]) -> HttpResponse:
    company = Company.objects.get(pk=flow["company_id"])
    page_url = _url("page", company)
    if request.GET.get("error") or not request.GET.get("code"):
        request.session.pop(FLOW_KEY, None)
        error = request.GET.get("error", "")
        key = "connect_denied" if error == "access_denied" else "connect_refused"
        messages.error(request, message_for(key, system="Dinero", provider=PROVIDER))
        return redirect(page_url)
    try:
        tokens = visma.exchange(
            company.pk,
            code=request.GET["code"],
            redirect_uri=flow["redirect_uri"],
            code_verifier=decrypt_json(flow["verifier"])["code_verifier"],
        )
    except AccountingError as error:
        request.session.pop(FLOW_KEY, None)
        messages.error(request, message_for(error.code, system="Dinero", provider=PROVIDER))
        return redirect(page_url)
    # S-d3: the user said "Yes, Allow" at Visma Connect.
    Consent.objects.get_or_create(user=request.user, company=company, provider=PROVIDER)
    _save_flow(request, {"company_id": company.pk, "way": visma.WAY,
                         "tokens": encrypt_json(tokens.as_dict())})  # fmt: skip
    return redirect(_url("company", company))


def _api_callback(request: HttpRequest, state: str) -> HttpResponse:
    """An authorization started through the REST API: the tokens wait with the company's
    integration until the API client chooses the organisation."""
    company_id = visma.company_of_state(state)
    pending = visma.pending_of(company_id) if company_id else None
    if pending is None or not secrets.compare_digest(str(pending.get("state", "")), state):
        return render(request, "dinero/callback.html", {"ok": False}, status=400)
    if request.GET.get("error") or not request.GET.get("code"):
        visma.forget_pending(company_id)  # type: ignore[arg-type]
        return render(request, "dinero/callback.html", {"ok": False}, status=400)
    try:
        tokens = visma.exchange(
            company_id,  # type: ignore[arg-type]
            code=request.GET["code"],
            redirect_uri=pending["redirect_uri"],
            code_verifier=pending["code_verifier"],
        )
    except AccountingError:
        visma.forget_pending(company_id)  # type: ignore[arg-type]
        return render(request, "dinero/callback.html", {"ok": False}, status=400)
    visma.remember_pending(company_id, {**pending, "tokens": tokens.as_dict()})  # type: ignore[arg-type]
    return render(request, "dinero/callback.html", {"ok": True})


# ------------------------------------------------------------------------------ S-d3 consent


@require_http_methods(["GET", "POST"])
@manager_required
def consent(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d3: "Allow billbridge to connect to your Dinero account?" — Yes, Allow."""
    company = request.company
    if not _login_is_fresh(request):
        return _log_in_again(request)
    picked = _flow(request, company) is not None  # came here from the company step
    next_url = _url("credentials" if picked else "company", company)
    if request.method == "POST" and ConsentForm(request.POST).is_valid():
        Consent.objects.get_or_create(user=request.user, company=company, provider=PROVIDER)
        return redirect(next_url)
    if _has_consent(request, company):
        return redirect(next_url)
    return _step(request, "consent", {"form": ConsentForm()})


# ------------------------------------------------------------------------------ S-d4 company


@require_http_methods(["GET", "POST"])
@manager_required
def company(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d4: pick one of the user's own company accounts; the flow continues in that one."""
    companies = _managed_companies(request)
    form = CompanyChoiceForm(
        _posted(request),
        companies=companies,
        initial={"company": request.company.pk},
    )
    if request.method == "POST" and form.is_valid():
        picked: Company = form.cleaned_data["company"]
        request.session.pop(SAVED_KEY, None)
        flow = request.session.get(FLOW_KEY)
        if isinstance(flow, dict) and flow.get("way") == visma.WAY and flow.get("tokens"):
            # The Visma Connect tokens are the user's, not one company's: they go along.
            _save_flow(request, {"company_id": picked.pk, "way": visma.WAY,
                                 "tokens": flow["tokens"]})  # fmt: skip
            Consent.objects.get_or_create(user=request.user, company=picked, provider=PROVIDER)
            return redirect(_url("organization", picked))
        if isinstance(flow, dict) and flow.get("way") == visma.WAY:
            return redirect(_url("connect", picked))  # no tokens yet (S-d10's reload)
        _save_flow(request, {"company_id": picked.pk})
        if not _has_consent(request, picked):
            return redirect(_url("consent", picked))
        return redirect(_url("credentials", picked))
    return _step(
        request,
        "company",
        {"form": form, "logout_url": _optional_url("web:logout")},
    )


# ------------------------------------------------------------------------------ S-d5 credentials


@require_http_methods(["GET", "POST"])
@manager_required
def credentials(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d5: API key and Organization ID, checked against Dinero before going on."""
    company = request.company
    state = _flow(request, company)
    if state is None:
        return _back_to_company_step(request)
    if not _has_consent(request, company):
        return redirect(_url("consent", company))
    previous = _integration(company)
    initial = {"organization_id": previous.settings.get("organization_id", "") if previous else ""}
    form = CredentialsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        api_key = form.cleaned_data["api_key"]
        organization_id = form.cleaned_data["organization_id"]
        try:
            accounts = setup.validate_credentials(api_key, organization_id, company=company)
        except AccountingError as error:
            form.add_accounting_error(error)
        else:
            secret = {"api_key": api_key, "organization_id": organization_id}
            state = {
                "company_id": company.pk,
                "credentials": encrypt_json(secret),
                "organization_id": organization_id,
                "organization_name": setup.organization_name(
                    api_key, organization_id, company=company
                ),
                "accounts": [asdict(a) for a in accounts],
            }
            _save_flow(request, state)
            return redirect(_url("accounts", company))
    return _step(request, "credentials", {"form": form})


# ------------------------------------------------------------------------------ S-d5 organisation


@require_http_methods(["GET", "POST"])
@manager_required
def organization(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d5 the Visma Connect way: one of the user's Dinero organisations; only those with
    Dinero Pro can be chosen."""
    company = request.company
    state = _flow(request, company)
    if state is None or not state.get("tokens"):
        return _back_to_company_step(request)
    tokens = visma.tokens_of(decrypt_json(state["tokens"]))
    try:
        found = setup.organizations(tokens, company=company)
    except AccountingError as error:
        return _step(request, "organization", {"form": None, "error": message_for(
            error.code, system="Dinero", provider=PROVIDER)})  # fmt: skip
    form = OrganizationForm(_posted(request), organizations=found)
    if request.method == "POST" and form.is_valid():
        organization_id = form.cleaned_data["organization"]
        try:
            accounts = setup.validate_organization(tokens, organization_id, company=company)
        except AccountingError as error:
            form.add_accounting_error(error)
        else:
            state.update(
                credentials=encrypt_json({"way": visma.WAY, **tokens.as_dict()}),
                organization_id=organization_id,
                organization_name=next((o.name for o in found if o.id == organization_id), ""),
                accounts=[asdict(a) for a in accounts],
            )
            _save_flow(request, state)
            return redirect(_url("accounts", company))
    return _step(request, "organization", {"form": form, "organizations": found})


# ------------------------------------------------------------------------------ S-d6 accounts


def _account_defaults(integration: Integration | None, accounts: list[Account]) -> dict[str, str]:
    """The choices made last time if still possible, else the usual 99999 and 55000, the
    chart's exchange-difference account (2400) and Dinero's standard reverse-charge code."""
    fallback, payment = setup.default_accounts(accounts)
    initial = {
        "fallback_account": fallback,
        "payment_account": payment,
        "exchange_difference_account": rules.default_exchange_difference_account(accounts),
        "reverse_charge_vat_code": rules.DEFAULT_REVERSE_CHARGE_CODE,
    }
    chosen = integration.settings if integration is not None else {}
    numbers = {a.number for a in accounts}
    for key in ("fallback_account", "payment_account", "exchange_difference_account"):
        if chosen.get(key) in numbers:
            initial[key] = chosen[key]
    if chosen.get("reverse_charge_vat_code") in rules.REVERSE_CHARGE_CODES:
        initial["reverse_charge_vat_code"] = chosen["reverse_charge_vat_code"]
    return initial


def _split_accounts(accounts: list[Account]) -> tuple[list[Account], list[Account]]:
    """Entry accounts (for the fallback) and deposit accounts (for payments)."""
    visible = [a for a in accounts if not a.hidden and a.kind != "heading"]
    deposit = [a for a in visible if a.kind == "deposit"]
    return visible, deposit or visible


@require_http_methods(["GET", "POST"])
@manager_required
def accounts(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d6: the fallback account and the counter account for payments."""
    company = request.company
    state = _flow(request, company)
    if state is None or "credentials" not in state:
        return _back_to_company_step(request)
    fetched = _accounts(state)
    entry, deposit = _split_accounts(fetched)
    form = AccountsForm(
        _posted(request),
        entry=entry,
        deposit=deposit,
        initial=_account_defaults(_integration(company), fetched),
    )
    if request.method == "POST" and form.is_valid():
        state.update(form.cleaned_data)
        _save_flow(request, state)
        return redirect(_url("import", company))
    return _step(
        request,
        "accounts",
        {
            "form": form,
            "organization_id": state.get("organization_id", ""),
            "organization_name": state.get("organization_name", ""),
        },
    )


# ------------------------------------------------------------------------------ S-d7/8 import


@require_http_methods(["GET", "POST"])
@manager_required
def import_chart(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d7 import the chart or not (warning when categories are in use); S-d8 Save."""
    company = request.company
    state = _flow(request, company)
    if state is None or "payment_account" not in state:
        return _back_to_company_step(request)
    # Shown (not saved): a plan the import would refuse starts on "No, do not import".
    plan = None if request.method == "POST" else setup.plan_import(company, _accounts(state))
    initial = {"import_chart": "no"} if plan is not None and plan.refusal else None
    form = ImportForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        secret = decrypt_json(state["credentials"])
        started = time.perf_counter()
        choices = {
            "fallback_account": state["fallback_account"],
            "payment_account": state["payment_account"],
            "exchange_difference_account": state.get("exchange_difference_account", ""),
            "reverse_charge_vat_code": state.get("reverse_charge_vat_code", ""),
            "import_chart_of_accounts": form.cleaned_data["import_chart"],
            "accounts": _accounts(state),
            "organization_name": state.get("organization_name", ""),
        }
        try:
            if secret.get("way") == visma.WAY:
                setup.connect_visma(
                    company,
                    request.user,
                    tokens=visma.tokens_of(secret),
                    organization_id=state["organization_id"],
                    **choices,
                )
            else:
                setup.connect(
                    company,
                    request.user,
                    api_key=secret["api_key"],
                    organization_id=secret["organization_id"],
                    **choices,
                )
        except AccountingError as error:
            words = message_for(error.code, provider=PROVIDER, **error.params)
            form.add_error(None, ValidationError(words, code=error.code))
        else:
            request.session.pop(FLOW_KEY, None)
            request.session[SAVED_KEY] = {
                "company_id": company.pk,
                "imported": form.cleaned_data["import_chart"],
                "seconds": round(time.perf_counter() - started, 2),
            }
            return redirect(_url("done", company))
    plan = plan or setup.plan_import(company, _accounts(state))
    refusal = message_for(plan.refusal, system="Dinero", provider=PROVIDER) if plan.refusal else ""
    return _step(
        request,
        "import",
        {
            "form": form,
            "overwritten": plan.overwritten,
            "plan": plan,
            "refusal_text": refusal,
        },
    )


# ------------------------------------------------------------------------------ S-d9 done


@require_GET
@manager_required
def done(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-d9/S-d11: the integration is saved, and what happens now. Reloaded: S-d10."""
    saved = request.session.pop(SAVED_KEY, None)
    if not isinstance(saved, dict) or saved.get("company_id") != request.company.pk:
        # S-d10: reloaded after the Visma Connect way, the company step goes on that way (its
        # steps on top; a company picked goes back through Visma Connect for fresh tokens).
        connected = _integration(request.company)
        if (
            FLOW_KEY not in request.session
            and connected is not None
            and connected.settings.get("way") == visma.WAY
        ):
            _save_flow(request, {"company_id": request.company.pk, "way": visma.WAY})
        return _back_to_company_step(request)
    integration = _integration(request.company)
    categories = request.company.categories.filter(imported_from=PROVIDER, archived=False)
    return render(
        request,
        "dinero/done.html",
        {
            "integration": integration,
            "settings": integration.settings if integration else {},
            "imported": categories.count() if saved.get("imported") else None,
            "seconds": saved.get("seconds"),
            "unsent": _unsent_bills(request.company),
        },
    )


# ------------------------------------------------------------------------------ check again


@require_POST
@manager_required
def recheck(request: CompanyRequest, company_id: int) -> HttpResponse:
    """ "Check again" on an integration that needs attention (say Dinero Pro was just added):
    asks Dinero now; if it answers, the waiting bills are sent."""
    integration = _integration(request.company)
    if integration is not None and integration.state == IntegrationState.NEEDS_ATTENTION:
        error = signals.recheck(integration)
        if error is None:
            messages.success(request, _("Dinero answers again. The waiting bills are sent now."))
        else:
            messages.error(request, _("Dinero still refuses. See why below."))
    return redirect(_url("page", request.company))


# ------------------------------------------------------------------------------ disconnect


@require_http_methods(["GET", "POST"])
@manager_required
def disconnect(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Ask, then disconnect: bills are no longer sent; what was sent stays in Dinero."""
    company = request.company
    integration = _integration(company)
    if integration is None or not integration.is_active:
        return redirect(_url("page", company))
    if request.method == "POST" and DisconnectForm(request.POST).is_valid():
        setup.disconnect(company)
        request.session.pop(FLOW_KEY, None)
        messages.success(request, _("Dinero is disconnected. No more bills are sent to Dinero."))
        return redirect(_url("page", company))
    return render(
        request,
        "dinero/disconnect.html",
        {"form": DisconnectForm(), "settings": integration.settings},
    )
