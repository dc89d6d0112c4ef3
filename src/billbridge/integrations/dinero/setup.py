"""Setting Dinero up for a company (SPEC S-d5…S-d10): check credentials, save, import the chart.

The web pages (views.py) and the REST API (api.py) both call these functions; nothing here
knows about requests or forms.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from billbridge.accounts.models import Company, User
from billbridge.bills.models import Bill, Category, Supplier
from billbridge.integrations import services, signals
from billbridge.integrations.base import Account, AccountingError, ErrorKind
from billbridge.integrations.dinero import rules, visma
from billbridge.integrations.dinero.client import NO_PRO, DineroClient
from billbridge.integrations.dinero.oauth import Tokens
from billbridge.integrations.models import Integration

PROVIDER = "dinero"
DEFAULT_FALLBACK = "99999"  # the seed guide: "usually 99999 in Dinero"
DEFAULT_PAYMENT = "55000"  # the seed guide: "usually 55000 in Dinero" (the bank)


@dataclass(frozen=True)
class ImportResult:
    """What a chart import did, for the confirmation and the API answer."""

    created: int
    updated: int
    archived: int
    suppliers_forgotten: int
    seconds: float


def make_client(
    *, api_key: str, organization_id: str, company_id: int | None = None
) -> DineroClient:
    """A client with the URLs, app credentials, timeout and rate limit from settings; calls
    are audited when the company is known."""
    from billbridge.integrations.dinero.provider import client_for

    return client_for(api_key=api_key, organization_id=organization_id, company_id=company_id)


def validate_credentials(
    api_key: str, organization_id: str, *, company: Company | None = None
) -> list[Account]:
    """Check an API key and Organization ID against Dinero at once (S-d5) → the chart.

    Three requests at most: the token, the entry accounts and the deposit accounts. Raises
    AccountingError: CREDENTIALS "invalid_api_key" / "unknown_organization", UNAVAILABLE
    "unavailable" / "timeout", RATE_LIMITED "rate_limited".
    """
    api_key = (api_key or "").strip()
    organization_id = str(organization_id or "").strip()
    if not api_key:
        raise AccountingError(ErrorKind.CREDENTIALS, "invalid_api_key", "empty API key")
    if not (organization_id.isascii() and organization_id.isdigit()):
        raise AccountingError(
            ErrorKind.CREDENTIALS, "unknown_organization", "an Organization ID is digits"
        )
    with make_client(
        api_key=api_key,
        organization_id=organization_id,
        company_id=company.pk if company else None,
    ) as client:
        return _chart(client)


def organization_name(api_key: str, organization_id: str, *, company: Company | None = None) -> str:
    """The name of the API key's organisation (GET /v1/organizations), for the set-up pages
    to say which Dinero company is connected; "" when Dinero does not say (the name is only
    shown, so not knowing it stops nothing)."""
    with make_client(
        api_key=(api_key or "").strip(),
        organization_id=str(organization_id or "").strip(),
        company_id=company.pk if company else None,
    ) as client:
        try:
            rows = client.organizations()
        except AccountingError:
            return ""
    return _name_of(rows, str(organization_id or "").strip())


def _name_of(rows: list[dict[str, Any]], organization_id: str) -> str:
    for row in rows:
        found = row.get("Id") if row.get("Id") is not None else row.get("id", "")
        if str(found) == organization_id:
            return str(row.get("Name") or row.get("name") or "")
    return ""


def _chart(client: DineroClient) -> list[Account]:
    """The organisation's chart, with the failures of a read said the set-up's way."""
    try:
        return client.accounts()
    except AccountingError as exc:
        if exc.status == 404:  # some APIs answer 404 for an organisation you can't see
            raise AccountingError(
                ErrorKind.CREDENTIALS, "unknown_organization", exc.detail, status=404
            ) from exc
        if exc.kind == ErrorKind.UNCERTAIN:  # a read: nothing was written
            raise AccountingError(ErrorKind.UNAVAILABLE, exc.code, exc.detail) from exc
        raise


# ------------------------------------------------------------------ Visma Connect (S-d12)


@dataclass(frozen=True)
class Organization:
    """One of the Visma Connect user's Dinero organisations (GET /v1/organizations)."""

    id: str
    name: str
    is_pro: bool


def _token_client(
    tokens: Tokens, organization_id: str = "", company: Company | None = None
) -> DineroClient:
    """A client with a just-issued access token (before anything is saved)."""
    from billbridge.integrations.dinero.provider import client_for

    access = tokens.access_token
    return client_for(
        organization_id=organization_id or "0",
        company_id=company.pk if company else None,
        token_source=lambda force: access,
    )


def organizations(tokens: Tokens, *, company: Company | None = None) -> list[Organization]:
    """The organisations the user reached through Visma Connect, Pro ones first; only those
    can be chosen (the others answer every call with 403)."""
    with _token_client(tokens, company=company) as client:
        try:
            rows = client.organizations()
        except AccountingError as exc:
            if exc.kind == ErrorKind.UNCERTAIN:
                raise AccountingError(ErrorKind.UNAVAILABLE, exc.code, exc.detail) from exc
            raise
    out = [
        Organization(
            id=str(row.get("Id") if row.get("Id") is not None else row.get("id", "")),
            name=str(row.get("Name") or row.get("name") or ""),
            is_pro=bool(row.get("IsPro", row.get("isPro", False))),
        )
        for row in rows
    ]
    return sorted(out, key=lambda o: (not o.is_pro, o.name.lower()))


def validate_organization(
    tokens: Tokens, organization_id: str, *, company: Company | None = None
) -> list[Account]:
    """The chosen organisation (S-d5 the Visma Connect way): one of the user's, with Pro →
    its chart. CREDENTIALS "unknown_organization", BLOCKED "dinero_pro_required"."""
    return validate_named_organization(tokens, organization_id, company=company)[0]


def validate_named_organization(
    tokens: Tokens, organization_id: str, *, company: Company | None = None
) -> tuple[list[Account], str]:
    """`validate_organization`, with the organisation's name as Dinero lists it."""
    organization_id = str(organization_id or "").strip()
    chosen = next((o for o in organizations(tokens, company=company)
                   if o.id == organization_id), None)  # fmt: skip
    if chosen is None:
        raise AccountingError(ErrorKind.CREDENTIALS, "unknown_organization", organization_id)
    if not chosen.is_pro:
        raise AccountingError(ErrorKind.BLOCKED, NO_PRO, organization_id)
    with _token_client(tokens, organization_id, company) as client:
        return _chart(client), chosen.name


def connect_visma(
    company: Company,
    user: User | None,
    *,
    tokens: Tokens,
    organization_id: str,
    fallback_account: str = DEFAULT_FALLBACK,
    payment_account: str = DEFAULT_PAYMENT,
    import_chart_of_accounts: bool,
    accounts: list[Account] | None = None,
    organization_name: str = "",
    **money: str,
) -> Integration:
    """Save a Visma Connect integration (S-d8): the tokens encrypted, like `connect`."""
    organization_id = str(organization_id).strip()
    if accounts is None:
        accounts = validate_organization(tokens, organization_id, company=company)
    credentials = {"way": visma.WAY, "organization_id": organization_id, **tokens.as_dict()}
    return _save(company, user, credentials, organization_id, fallback_account,
                 payment_account, import_chart_of_accounts, accounts,
                 organization_name=organization_name, **money)  # fmt: skip


def default_accounts(accounts: list[Account]) -> tuple[str, str]:
    """(fallback account, counter account for payments) to preselect in S-d6.

    99999 and 55000 when the chart has them (the seed guide's usual choices), else the first
    visible balance account and the first deposit account.
    """
    numbers = {a.number for a in accounts}
    fallback = DEFAULT_FALLBACK if DEFAULT_FALLBACK in numbers else ""
    if not fallback:
        balance = [a for a in accounts if not a.hidden and a.kind in ("balance", "")]
        fallback = balance[-1].number if balance else (accounts[-1].number if accounts else "")
    deposit = [a for a in accounts if a.kind == "deposit"]
    if any(a.number == DEFAULT_PAYMENT for a in deposit):
        payment = DEFAULT_PAYMENT
    else:
        payment = deposit[0].number if deposit else (DEFAULT_PAYMENT if not accounts else "")
    return fallback, payment


def _accounts_to_json(accounts: list[Account]) -> list[dict[str, Any]]:
    return [asdict(a) for a in accounts]


def accounts_of(integration: Integration) -> list[Account]:
    """The chart fetched at connect/refresh time, from `remote_data`."""
    return [Account(**a) for a in integration.remote_data.get("accounts", [])]


def connect(
    company: Company,
    user: User | None,
    *,
    api_key: str,
    organization_id: str,
    fallback_account: str = DEFAULT_FALLBACK,
    payment_account: str = DEFAULT_PAYMENT,
    import_chart_of_accounts: bool,
    accounts: list[Account] | None = None,
    organization_name: str = "",
    **money: str,
) -> Integration:
    """Save the integration (S-d8): encrypted credentials, settings, the fetched chart.

    Validates the credentials unless `accounts` were just fetched with them (the set-up pages
    fetch in S-d5 and save in S-d8). A reconnect clears "needs attention" and re-queues every
    held record. Raises AccountingError (REJECTED "unknown_account", field
    "fallback_account"/"payment_account") when a chosen account is not in the chart.
    """
    api_key = api_key.strip()
    organization_id = str(organization_id).strip()
    if accounts is None:
        accounts = validate_credentials(api_key, organization_id, company=company)
    credentials = {"way": visma.API_KEY_WAY, "api_key": api_key,
                   "organization_id": organization_id}  # fmt: skip
    return _save(company, user, credentials, organization_id, fallback_account,
                 payment_account, import_chart_of_accounts, accounts,
                 organization_name=organization_name, **money)  # fmt: skip


def _save(
    company: Company,
    user: User | None,
    credentials: dict[str, Any],
    organization_id: str,
    fallback_account: str,
    payment_account: str,
    import_chart_of_accounts: bool,
    accounts: list[Account],
    exchange_difference_account: str = "",
    reverse_charge_vat_code: str = "",
    organization_name: str = "",
) -> Integration:
    """Both ways' Save: credentials encrypted, settings, the chart, connected, resumed.

    The money choices (issue 11 items 1 and 3) may be left empty: the provider then takes
    Dinero's standard reverse-charge code and the chart's exchange-difference account."""
    numbers = {a.number for a in accounts}
    exchange = str(exchange_difference_account or "")
    reverse_charge = str(reverse_charge_vat_code or "")
    if reverse_charge and reverse_charge not in rules.REVERSE_CHARGE_CODES:
        raise AccountingError(
            ErrorKind.REJECTED,
            "unknown_reverse_charge_code",
            reverse_charge,
            field="reverse_charge_vat_code",
            params={"reverse_charge": reverse_charge},
        )
    for field, number in (("fallback_account", fallback_account),
                          ("payment_account", payment_account),
                          ("exchange_difference_account", exchange)):  # fmt: skip
        if field == "exchange_difference_account" and not number:
            continue
        if str(number) not in numbers:
            raise AccountingError(
                ErrorKind.REJECTED,
                "unknown_account",
                str(number),
                field=field,
                params={"account": str(number)},
            )
    with transaction.atomic():
        integration, _ = Integration.objects.select_for_update().get_or_create(
            company=company, provider=PROVIDER
        )
        services.claim_remote_id(integration, organization_id)
        integration.credentials = credentials
        integration.settings = {
            **integration.settings,
            "way": credentials["way"],
            "organization_id": organization_id,
            # shown beside the id on the set-up pages; kept from before when not told now
            "organization_name": str(organization_name)
            or (
                integration.settings.get("organization_name", "")
                if integration.settings.get("organization_id") == organization_id
                else ""
            ),
            "fallback_account": str(fallback_account),
            "payment_account": str(payment_account),
            "import_chart_of_accounts": bool(import_chart_of_accounts),
            "exchange_difference_account": exchange,
            "reverse_charge_vat_code": reverse_charge,
        }
        integration.remote_data = {
            "accounts": _accounts_to_json(accounts),
            "fetched_at": timezone.now().isoformat(),
        }
        services.mark_connected(integration, user)
        if import_chart_of_accounts:
            import_chart(company, accounts)
        signals.connected(integration)
    return integration


# Why an import is refused (S-d7, S-d13): error keys, words in dinero/messages.py.
NO_EXPENSE_ACCOUNTS = "chart_no_expense_accounts"
ARCHIVES_ALL_IN_USE = "chart_archives_all_in_use"


@dataclass(frozen=True)
class ImportPlan:
    """What an import of `accounts` would do to a company's categories, before it does it
    (S-d7): shown on the import step and by the REST API, and what `import_chart` carries
    out. `refusal` is an error key when the import must not run."""

    added: list[tuple[str, str]]  # (account number, name)
    renamed: list[tuple[str, str, str]]  # (account number, old name, new name)
    archived: list[tuple[str, str]]  # (account number, name)
    suppliers_forgotten: int
    refusal: str
    # Categories in use (given to a bill or remembered for a supplier) that the import renames
    # or archives: what the warning before Save counts; 0 when nothing would change them.
    overwritten: int
    # internal: what to write
    to_create: list[Account]
    to_update: list[tuple[str, str, str, bool, int]]
    to_archive: list[int]
    forget: list[int]  # categories whose suppliers' memory is forgotten

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [{"account": n, "name": name} for n, name in self.added],
            "renamed": [
                {"account": n, "old_name": o, "name": name} for n, o, name in self.renamed
            ],  # fmt: skip
            "archived": [{"account": n, "name": name} for n, name in self.archived],
            "suppliers_forgotten": self.suppliers_forgotten,
            "refusal": self.refusal,
        }


def expense_accounts(accounts: list[Account]) -> dict[str, Account]:
    """The accounts that hold a business's costs, by number: Dinero's expense categories
    (client.EXPENSE_CATEGORIES, the 2000-9420 range of the standard chart), visible ones."""
    return {a.number: a for a in accounts if a.kind == "expense" and not a.hidden and a.number}


def plan_import(company: Company, accounts: list[Account]) -> ImportPlan:
    """S-d7: afterwards the active categories are exactly the chart's visible expense
    accounts, one per account number. A category that has the number is kept (renamed, VAT
    code updated) so its bills keep it; any other active category is archived (bills keep
    theirs). A supplier forgets its remembered category when that category is archived or
    renamed (it may mean something else now); unchanged categories keep their suppliers.

    Refused, with nothing changed: a chart with no expense accounts, or one that would archive
    every category in use (given to a bill or remembered for a supplier).
    """
    wanted = expense_accounts(accounts)
    existing = list(Category.objects.filter(company=company).order_by("archived", "id"))
    used_by_bill = Bill.objects.filter(category=OuterRef("pk"))
    remembered = Supplier.objects.filter(remembered_category=OuterRef("pk"))
    in_use = set(
        Category.objects.filter(company=company, archived=False)
        .filter(Q(Exists(used_by_bill)) | Q(Exists(remembered)))
        .values_list("pk", flat=True)
    )
    by_number: dict[str, Category] = {}
    to_archive: list[Category] = []
    for category in existing:
        if category.account_number in wanted and category.account_number not in by_number:
            by_number[category.account_number] = category
        elif not category.archived:
            to_archive.append(category)
    to_create: list[Account] = []
    to_update: list[tuple[str, str, str, bool, int]] = []
    renamed: list[tuple[str, str, str]] = []
    renamed_ids: list[int] = []
    for number, account in wanted.items():
        category = by_number.get(number)
        if category is None:
            to_create.append(account)
            continue
        values = (account.name[:200], account.vat_code[:20], PROVIDER, False)
        if (category.name, category.vat_code, category.imported_from, category.archived) != (
            values
        ):
            to_update.append((*values, category.pk))
        if category.name != values[0]:
            renamed.append((number, category.name, values[0]))
            renamed_ids.append(category.pk)
    forget = [c.pk for c in to_archive] + renamed_ids
    refusal = ""
    if not wanted:
        refusal = NO_EXPENSE_ACCOUNTS
    elif in_use and in_use <= {c.pk for c in to_archive}:
        refusal = ARCHIVES_ALL_IN_USE
    forgotten = Supplier.objects.filter(company=company, remembered_category__in=forget).count()
    overwritten = 0 if refusal else len(in_use & set(forget))
    return ImportPlan(
        added=[(a.number, a.name) for a in to_create],
        renamed=renamed,
        archived=[(c.account_number, c.name) for c in to_archive],
        suppliers_forgotten=forgotten,
        refusal=refusal,
        overwritten=overwritten,
        to_create=to_create,
        to_update=to_update,
        to_archive=[c.pk for c in to_archive],
        forget=forget,
    )


def import_chart(company: Company, accounts: list[Account]) -> ImportResult:
    """S-d7: carry out `plan_import` (a handful of bulk queries, whatever the size of the
    chart). Raises AccountingError REJECTED with the plan's refusal, changing nothing."""
    started = time.perf_counter()
    with transaction.atomic():
        plan = plan_import(company, accounts)
        if plan.refusal:
            raise AccountingError(ErrorKind.REJECTED, plan.refusal, field="import_chart")
        Category.objects.bulk_create(
            [
                Category(
                    company=company,
                    name=a.name[:200],
                    account_number=a.number,
                    vat_code=a.vat_code[:20],
                    imported_from=PROVIDER,
                )
                for a in plan.to_create
            ],
            batch_size=500,
        )
        _update_categories(plan.to_update)
        archived = Category.objects.filter(pk__in=plan.to_archive).update(archived=True)
        forgotten = Supplier.objects.filter(
            company=company, remembered_category__in=plan.forget
        ).update(remembered_category=None)
    return ImportResult(
        created=len(plan.to_create),
        updated=len(plan.to_update),
        archived=archived,
        suppliers_forgotten=forgotten,
        seconds=time.perf_counter() - started,
    )


def _update_categories(rows: list[tuple[str, str, str, bool, int]]) -> None:
    """One prepared UPDATE run for many rows: Django's bulk_update builds a CASE per field,
    which costs seconds for a 1,000-account chart; executemany costs milliseconds."""
    if not rows:
        return
    meta = Category._meta
    columns = [meta.get_field(f).column for f in ("name", "vat_code", "imported_from", "archived")]
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {sets} "
        f"WHERE {connection.ops.quote_name(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def disconnect(company: Company) -> None:
    """Stop sending bills here; what was posted stays (see integrations.services)."""
    services.disconnect(company, PROVIDER)


def refresh(company: Company) -> list[Account]:
    """Fetch the chart again (an account created since shows up) and keep it."""
    integration = Integration.objects.get(company=company, provider=PROVIDER)
    creds = integration.credentials
    if visma.is_visma(creds):
        from billbridge.integrations.dinero.provider import client_for

        with client_for(
            organization_id=creds["organization_id"],
            company_id=company.pk,
            token_source=visma.token_source(integration.pk),
        ) as client:
            accounts = _chart(client)
    elif creds.get("api_key"):
        accounts = validate_credentials(creds["api_key"], creds["organization_id"], company=company)
    else:
        raise AccountingError(ErrorKind.CREDENTIALS, "not_connected", "no credentials")
    integration.remote_data = {
        **integration.remote_data,
        "accounts": _accounts_to_json(accounts),
        "fetched_at": timezone.now().isoformat(),
    }
    integration.save(update_fields=["remote_data", "updated_at"])
    return accounts
