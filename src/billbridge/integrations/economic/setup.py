"""Setting e-conomic up for a company (SPEC S-e3…S-e10): grant, fetch, map, save.

The web pages (views.py) and the REST API (api.py) both call these functions; nothing here
knows about requests or forms. The agreement grant token is kept only in
`Integration.credentials` (encrypted) and never returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.db import transaction

from billbridge.accounts.models import Company, User
from billbridge.bills.models import Category, PaymentMethod
from billbridge.integrations import services, signals
from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.economic import provider, rules
from billbridge.integrations.models import Integration, IntegrationState

PROVIDER = provider.KEY
MAPPING_KEYS = (
    "creditor_invoice_journal",
    "creditor_payment_journal",
    "default_account",
    "payment_method_accounts",
    "category_accounts",
)


@dataclass(frozen=True)
class Prerequisite:
    """One of the two S-e3 prerequisites; `met` is None until the app can see it."""

    key: str
    met: bool | None


def grant_url(redirect_url: str) -> str:
    """e-conomic's installation URL for our app, coming back to `redirect_url` (§1.3)."""
    query = urlencode(
        {"appPublicToken": django_settings.ECONOMIC_APP_PUBLIC_TOKEN, "redirectUrl": redirect_url}
    )
    return f"{django_settings.ECONOMIC_GRANT_URL}?{query}"


def identify(grant_token: str, *, company: Company | None = None) -> dict[str, Any]:
    """The agreement behind a grant token (`GET /self`), or AccountingError (bad token)."""
    token = (grant_token or "").strip()
    if not token:
        raise AccountingError(ErrorKind.CREDENTIALS, "not_connected", "empty grant token")
    with provider.make_client(token, company_id=company.pk if company else None) as client:
        me = client.self_info()
        provider.flush_audit(client)
    comp = me.get("company") or {}
    return {
        "number": me.get("agreementNumber"),
        "company_name": comp.get("name", ""),
        "cvr": comp.get("companyIdentificationNumber", ""),
    }


def fetch(grant_token: str, *, company: Company | None = None) -> dict[str, Any]:
    """Everything the set-up form needs from e-conomic (S-e7), as `remote_data`."""
    with provider.make_client(grant_token, company_id=company.pk if company else None) as client:
        return provider.fetch_remote_data(client)


def store_grant(
    company: Company, grant_token: str, user: User | None, remote_data: dict[str, Any]
) -> Integration:
    """Keep a fresh grant (encrypted) and the fetched data; SAVE in the form connects it.

    Raises AccountingError `remote_in_use` when another company uses the agreement."""
    with transaction.atomic():
        integration, _ = Integration.objects.select_for_update().get_or_create(
            company=company, provider=PROVIDER
        )
        old_agreement = (integration.remote_data.get("agreement") or {}).get("number")
        new_agreement = (remote_data.get("agreement") or {}).get("number")
        services.claim_remote_id(integration, str(new_agreement or ""))
        integration.credentials = {"agreement_grant_token": grant_token.strip()}
        integration.remote_data = remote_data
        if old_agreement != new_agreement:
            # Another agreement: the old journals and accounts mean nothing there.
            integration.settings = {}
            integration.state = IntegrationState.NOT_CONNECTED
        integration.save()
    return integration


def integration_of(company: Company) -> Integration | None:
    return Integration.objects.filter(company=company, provider=PROVIDER).first()


def grant_of(integration: Integration) -> str:
    token = (integration.credentials or {}).get("agreement_grant_token", "")
    if not token:
        raise AccountingError(ErrorKind.CREDENTIALS, "not_connected", "no grant token stored")
    return str(token)


def refresh(integration: Integration) -> dict[str, Any]:
    """S-e10: fetch e-conomic's side again (our categories and methods are read live)."""
    data = fetch(grant_of(integration), company=integration.company)
    integration.remote_data = data
    integration.save(update_fields=["remote_data", "updated_at"])
    return data


def prerequisites(integration: Integration | None) -> list[Prerequisite]:
    """S-e3: Indscanning (module 3 in /self) and the app's access to the agreement, as far as
    the app can see. SPEC's "API access enabled" is no switch of its own (economic.md §10.4):
    access is the app added to the agreement, met while e-conomic accepts the grant."""
    agreement = (integration.remote_data.get("agreement") if integration else None) or {}
    if not agreement:
        return [Prerequisite("indscanning", None), Prerequisite("api_access", None)]
    if integration is not None and integration.attention_code == "not_connected":
        api = False
    else:
        api = bool(agreement.get("api_enabled"))
    return [
        Prerequisite("indscanning", bool(agreement.get("indscanning"))),
        Prerequisite("api_access", api),
    ]


def choices(integration: Integration) -> dict[str, list[tuple[int, str]]]:
    """Drop-down options from the fetched data: journals, postable accounts."""
    data = integration.remote_data or {}
    journals = [(j["number"], f"{j['number']} {j['name']}") for j in data.get("journals", [])]
    accounts = [
        (a["number"], f"{a['number']} {a['name']}")
        for a in data.get("accounts", [])
        if a.get("postable", True)
    ]
    return {"journals": journals, "accounts": accounts}


def vat_code_choices(integration: Integration) -> list[tuple[str, str]]:
    """The agreement's VAT codes (`/vat-accounts`, fetched at set-up) for a drop-down."""
    rows = (integration.remote_data or {}).get("vat_accounts", [])
    return [(str(v["code"]), f"{v['code']} {v.get('name', '')}".strip()) for v in rows]


def reverse_charge_code(integration: Integration) -> str:
    """The company's reverse-charge code (R-5): its choice, else the standard code when the
    agreement has it, else none (a reverse-charge bill then says a code must be chosen)."""
    codes = [code for code, _ in vat_code_choices(integration)]
    return rules.reverse_charge_code(integration.settings or {}, codes)


def validate_mapping(integration: Integration, mapping: dict[str, Any]) -> dict[str, str]:
    """Field → error code for choices e-conomic does not have (or are missing)."""
    opts = choices(integration)
    journals = {n for n, _ in opts["journals"]}
    accounts = {n for n, _ in opts["accounts"]}
    errors: dict[str, str] = {}
    for key in ("creditor_invoice_journal", "creditor_payment_journal"):
        if as_int(mapping.get(key)) not in journals:
            errors[key] = "unknown_journal"
    if as_int(mapping.get("default_account")) not in accounts:
        errors["default_account"] = "unknown_account"
    code = mapping.get("reverse_charge_vat_code")
    if code and str(code) not in {c for c, _ in vat_code_choices(integration)}:
        errors["reverse_charge_vat_code"] = "unknown_reverse_charge_code"
    company = integration.company
    methods = {
        str(pk) for pk in PaymentMethod.objects.filter(company=company).values_list("pk", flat=True)
    }
    categories = {
        str(pk) for pk in Category.objects.filter(company=company).values_list("pk", flat=True)
    }
    for key, known in (("payment_method_accounts", methods), ("category_accounts", categories)):
        for item, account in (mapping.get(key) or {}).items():
            if str(item) not in known:
                errors[f"{key}.{item}"] = "unknown_item"
            elif account not in (None, "") and as_int(account) not in accounts:
                errors[f"{key}.{item}"] = "unknown_account"
    return errors


def save(integration: Integration, mapping: dict[str, Any], user: User | None) -> Integration:
    """SAVE (S-e8): store the mapping and connect; held bills are resumed."""
    clean = {
        "creditor_invoice_journal": as_int(mapping["creditor_invoice_journal"]),
        "creditor_payment_journal": as_int(mapping["creditor_payment_journal"]),
        "default_account": as_int(mapping["default_account"]),
        "reverse_charge_vat_code": str(mapping.get("reverse_charge_vat_code") or ""),
        "payment_method_accounts": {
            str(k): as_int(v)
            for k, v in (mapping.get("payment_method_accounts") or {}).items()
            if v
        },
        "category_accounts": {
            str(k): as_int(v) for k, v in (mapping.get("category_accounts") or {}).items() if v
        },
    }
    with transaction.atomic():
        integration.settings = {**integration.settings, **clean}
        services.mark_connected(integration, user)
        signals.connected(integration)
    return integration


def disconnect(company: Company) -> None:
    """Stop sending bills here; what was posted stays (see integrations.services)."""
    services.disconnect(company, PROVIDER)


def as_int(value: Any) -> int | None:
    """An account or journal number from a form or a mapping, or None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
