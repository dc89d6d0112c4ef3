"""The e-conomic set-up pages, one view per step of the seed guide (S-e2…S-e10).

page → connect (access type, Authenticate) → authenticate (notice, OK) → e-conomic's grant
pages → callback (state checked) → [several companies: choose the company per agreement] →
loading (htmx fetch) → setup (SAVE / CANCEL, refresh top right).

Between the callback and the fetch the grant token waits in the session, encrypted, keyed by
the company it is meant for; it is never put in a page or a form field.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billbridge.accounts.models import Company
from billbridge.accounts.tenancy import CompanyRequest, company_view, manager_required
from billbridge.crypto import decrypt_json, encrypt_json
from billbridge.integrations.base import AccountingError
from billbridge.integrations.economic import setup
from billbridge.integrations.economic.forms import (
    ONE,
    AccessTypeForm,
    AgreementCompanyForm,
    SetupForm,
    managed_companies,
)
from billbridge.integrations.messages import message_for
from billbridge.integrations.pages import backfill_context

FLOW_KEY = "economic_flow"  # {"state", "access", "company"}
PENDING_KEY = "economic_pending"  # company id → encrypted {"token", "agreement"}
AGREEMENTS_KEY = "economic_agreements"  # the accountant's grants of this session


def _url(name: str, company: Company | int, **query: str) -> str:
    company_id = company if isinstance(company, int) else company.pk
    url = reverse(f"economic:{name}", kwargs={"company_id": company_id})
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    return url


def _company(request: CompanyRequest) -> Company:
    return request.company


def _words(exc: AccountingError) -> str:
    params = {"detail": exc.detail or exc.code, **exc.params}
    return message_for(exc.code, provider=setup.PROVIDER, **params)


def _pending(request: HttpRequest, company_id: int) -> dict[str, Any] | None:
    raw = (request.session.get(PENDING_KEY) or {}).get(str(company_id))
    return decrypt_json(raw) if raw else None


def _set_pending(request: HttpRequest, company_id: int, value: dict[str, Any] | None) -> None:
    pending = dict(request.session.get(PENDING_KEY) or {})
    if value is None:
        pending.pop(str(company_id), None)
    else:
        pending[str(company_id)] = encrypt_json(value)
    request.session[PENDING_KEY] = pending


# ------------------------------------------------------------------------------ S-e2, S-e3


@require_GET
@company_view
def page(request: CompanyRequest, company_id: int) -> HttpResponse:
    """The e-conomic page: what it does, the two prerequisites, the state, CONNECT."""
    company = _company(request)
    integration = setup.integration_of(company)
    agreement = (integration.remote_data.get("agreement") if integration else None) or {}
    return render(
        request,
        "economic/page.html",
        {
            # the bills added before, sent in one go, with progress (as on Dinero's page).
            **backfill_context(company, integration),
            "provider_name": "e-conomic",
            "integration": integration,
            "agreement": agreement,
            "prerequisites": setup.prerequisites(integration),
            "active": integration is not None and integration.is_active,
            "has_grant": bool(integration and integration.encrypted_credentials),
            "can_manage": request.membership.can_manage,
            "attention_text": integration.attention_text if integration else "",
        },
    )


# ------------------------------------------------------------------------------ S-e4, S-e5


@require_http_methods(["GET", "POST"])
@manager_required
def connect(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-e4: the type of access, then Authenticate."""
    form = AccessTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[FLOW_KEY] = {
            "access": form.cleaned_data["access"],
            "company": company_id,
            "state": "",
        }
        return redirect(_url("authenticate", company_id))
    return render(request, "economic/connect.html", {"form": form})


@require_http_methods(["GET", "POST"])
@manager_required
def authenticate(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-e5: "you will be sent to e-conomic to log in" — OK sends the browser there."""
    flow = request.session.get(FLOW_KEY) or {}
    if flow.get("company") != company_id:
        return redirect(_url("connect", company_id))
    if request.method == "POST":
        state = secrets.token_urlsafe(24)
        request.session[FLOW_KEY] = {**flow, "state": state}
        callback = request.build_absolute_uri(_url("callback", company_id, state=state))
        return redirect(setup.grant_url(callback))
    return render(request, "economic/authenticate.html", {"access": flow.get("access", ONE)})


# ------------------------------------------------------------------------------ S-e6


@require_GET
@manager_required
def callback(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Back from e-conomic with `token=`; the state must be the one this session sent."""
    flow = request.session.get(FLOW_KEY) or {}
    state = request.GET.get("state", "")
    if not flow.get("state") or not secrets.compare_digest(state, str(flow["state"])):
        return render(
            request,
            "economic/error.html",
            {
                "message": _(
                    "The answer from e-conomic does not belong to this browser session (the "
                    "security check failed), so it was ignored. Start the connection again."
                )
            },  # fmt: skip
            status=400,
        )
    request.session[FLOW_KEY] = {**flow, "state": ""}  # a state is good for one answer only
    token = request.GET.get("token", "")
    if not token:
        messages.warning(request, _("e-conomic did not give access, so nothing was changed."))
        return redirect(_url("page", company_id))
    try:
        agreement = setup.identify(token, company=_company(request))
    except AccountingError as exc:
        return render(
            request, "economic/error.html", {"message": _words(exc)},
            status=400,
        )  # fmt: skip
    pending = {"token": token, "agreement": agreement}
    if flow.get("access") == ONE:
        _set_pending(request, company_id, pending)
        return redirect(_url("loading", company_id))
    grants = list(request.session.get(AGREEMENTS_KEY) or [])
    grants = [g for g in grants if g["agreement"]["number"] != agreement["number"]]
    grants.append({"agreement": agreement, "secret": encrypt_json(pending)})
    request.session[AGREEMENTS_KEY] = grants
    return redirect(_url("agreements", company_id))


@require_http_methods(["GET", "POST"])
@manager_required
def agreements(request: CompanyRequest, company_id: int) -> HttpResponse:
    """The accountant's path: for each granted agreement, the billbridge company it is."""
    grants = list(request.session.get(AGREEMENTS_KEY) or [])
    if not grants:
        return redirect(_url("connect", company_id))
    user = request.user
    companies = list(managed_companies(user))  # type: ignore[arg-type]
    rows = []
    for i, grant in enumerate(grants):
        cvr = grant["agreement"].get("cvr", "")
        guess = next((c.pk for c in companies if cvr and c.cvr == cvr), None)
        name = grant["agreement"]["company_name"].lower()
        guess = guess or next((c.pk for c in companies if c.name.lower() == name), None)
        form = AgreementCompanyForm(
            request.POST if request.POST.get("grant") == str(i) else None,
            user=user,  # type: ignore[arg-type]
            initial={"company": guess},
            prefix=f"g{i}",
        )
        rows.append({"index": i, "agreement": grant["agreement"], "form": form})
    if request.method == "POST":
        row = next((r for r in rows if str(r["index"]) == request.POST.get("grant")), None)
        if row is not None and row["form"].is_valid():
            target: Company = row["form"].cleaned_data["company"]
            pending = decrypt_json(grants[row["index"]]["secret"])
            _set_pending(request, target.pk, pending)
            del grants[row["index"]]
            request.session[AGREEMENTS_KEY] = grants
            return redirect(_url("loading", target.pk))
    return render(request, "economic/agreements.html", {"rows": rows})


# ------------------------------------------------------------------------------ S-e7


@require_GET
@manager_required
def loading(request: CompanyRequest, company_id: int) -> HttpResponse:
    """The loading state while journals, accounts, VAT codes and suppliers are fetched."""
    if _pending(request, company_id) is None and setup.integration_of(_company(request)) is None:
        return redirect(_url("connect", company_id))
    return render(request, "economic/loading.html", {"fetch_url": _url("fetch", company_id)})


@require_http_methods(["GET", "POST"])
@manager_required
def fetch(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Fetch e-conomic's data for the pending grant (or the stored one), then the form."""
    company = _company(request)
    pending = _pending(request, company_id)
    try:
        if pending is not None:
            data = setup.fetch(pending["token"], company=company)
            setup.store_grant(company, pending["token"], request.user, data)  # type: ignore[arg-type]
            _set_pending(request, company_id, None)
        else:
            integration = setup.integration_of(company)
            if integration is None:
                return redirect(_url("connect", company_id))
            setup.refresh(integration)
    except AccountingError as exc:
        if request.htmx:  # the loading page must not hang
            messages.error(request, _words(exc))
            return _hx_redirect(_url("page", company_id))
        return render(
            request, "economic/error.html", {"message": _words(exc)},
            status=502,
        )  # fmt: skip
    target = _url("setup", company_id)
    if request.htmx:
        return _hx_redirect(target)
    return redirect(target)


def _hx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


# ------------------------------------------------------------------------------ S-e8, S-e10


@require_http_methods(["GET", "POST"])
@manager_required
def setup_form(request: CompanyRequest, company_id: int) -> HttpResponse:
    """The set-up form: SAVE stores and connects, CANCEL leaves without changes."""
    integration = setup.integration_of(_company(request))
    if integration is None or not integration.encrypted_credentials:
        return redirect(_url("connect", company_id))
    if not integration.remote_data.get("journals"):
        return redirect(_url("loading", company_id))
    form = SetupForm(request.POST or None, integration=integration)
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        errors = setup.validate_mapping(integration, mapping)
        if not errors:
            setup.save(integration, mapping, request.user)  # type: ignore[arg-type]
            messages.success(request, _("The e-conomic integration is saved."))
            return redirect(_url("page", company_id))
        for key, code in errors.items():
            form.add_error(form.field_for(key), message_for(code, provider=setup.PROVIDER))
    return render(
        request,
        "economic/setup.html",
        {
            "form": form,
            "integration": integration,
            "agreement": integration.remote_data.get("agreement") or {},
            "prerequisites": setup.prerequisites(integration),
        },
    )


@require_POST
@manager_required
def refresh(request: CompanyRequest, company_id: int) -> HttpResponse:
    """S-e10: fetch both systems again and show the form with what is new."""
    integration = setup.integration_of(_company(request))
    if integration is None or not integration.encrypted_credentials:
        return redirect(_url("connect", company_id))
    try:
        setup.refresh(integration)
    except AccountingError as exc:
        messages.error(request, _words(exc))
    else:
        messages.success(request, _("Fetched again from e-conomic and billbridge."))
    return redirect(_url("setup", company_id))


@require_http_methods(["GET", "POST"])
@manager_required
def disconnect(request: CompanyRequest, company_id: int) -> HttpResponse:
    if request.method == "POST":
        setup.disconnect(_company(request))
        messages.success(request, _("e-conomic is disconnected. Nothing more is sent."))
        return redirect(_url("page", company_id))
    return render(request, "economic/disconnect.html", {})
