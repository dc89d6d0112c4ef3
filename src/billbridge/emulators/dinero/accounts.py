"""Accounts, VAT types and organisations, with `?fields=` as the file describes it.

`fields` is "a comma separated list of fields to include … not case sensitive, the property
name will be returned the way you request it"; left empty it takes the parameter's `default`
in the file (entry: AccountNumber,Name,IsHidden; purchase: AccountNumber,Name,VatCode,
Category,CategoryName,IsHidden; deposit: AccountNumber,Name; organizations: id,name,isPro).
Names that are not a property of the read model are left out [GUESS].

Note: the file's read models mark properties `required` (EntryAccountReadModel:
IsDefaultSalesAccount; DepositAccountReadModel: IsDefault; OrganizationReadModel: IsVatFree,
IsTaxFreeUnion) that its own default `fields` leave out, and a lower-case field comes back
lower-case, which `additionalProperties: false` does not allow: an answer to the defaults
cannot match the file's schema. Asking for every required property in the schema's casing
gives an answer that does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from billbridge.emulators.common import Request, Response, json_response
from billbridge.emulators.dinero import openapi, seed

if TYPE_CHECKING:
    from billbridge.emulators.dinero.server import DineroEmulator

ENTRY = "/v1/{organizationId}/accounts/entry"
PURCHASE = "/v1/{organizationId}/accounts/purchase"
DEPOSIT = "/v1/{organizationId}/accounts/deposit"
ORGANIZATIONS = "/v1/organizations"
PURCHASE_RANGE = (2000, 9399)  # "entry accounts, in the range from 2000 to 9399"


def _default_fields(path: str) -> str:
    for parameter in openapi.spec()["paths"][path]["get"].get("parameters", []):
        if parameter["name"] == "fields":
            return str(parameter["schema"]["default"])
    raise KeyError(path)


def select(request: Request, path: str, model: str, rows: list[dict[str, Any]]) -> Any:
    """Each row with the asked fields, named as asked."""
    wanted = (request.query_value("fields") or "").strip() or _default_fields(path)
    properties = {name.lower(): name for name in openapi.schema(model)["properties"]}
    asked = []
    for name in (f.strip() for f in wanted.split(",")):
        if name and name.lower() in properties and name not in [a for a, _ in asked]:
            asked.append((name, properties[name.lower()]))
    return [{shown: row.get(real) for shown, real in asked} for row in rows]


def _entry_row(account: dict[str, Any]) -> dict[str, Any]:
    return {**account, "PublicStandardNumber": None}


def entry_accounts(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """All accounts; `categoryFilter` keeps one category (case-insensitive [GUESS])."""
    rows = [_entry_row(a) for a in org["accounts"].values()]
    category = (request.query_value("categoryFilter") or "").strip().lower()
    if category:
        rows = [r for r in rows if (r.get("Category") or "").lower() == category]
    return json_response(200, select(request, ENTRY, "EntryAccountReadModel", rows))


def purchase_accounts(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    low, high = PURCHASE_RANGE
    rows = [_entry_row(a) for a in org["accounts"].values() if low <= a["AccountNumber"] <= high]
    return json_response(200, select(request, PURCHASE, "EntryAccountReadModel", rows))


def deposit_accounts(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    rows = [
        {
            "AccountNumber": a["AccountNumber"],
            "PublicStandardNumber": None,
            "Name": a["Name"],
            "IsDefault": a["AccountNumber"] == seed.DEFAULT_DEPOSIT,
            "IsHidden": bool(a.get("IsHidden")),
            "BankRegistrationNumber": None,
            "BankAccountNumber": None,
            "BankSwiftNumber": None,
            "BankIbanNumber": None,
        }
        for a in org["accounts"].values()
        if a.get("IsDeposit")
    ]
    return json_response(200, select(request, DEPOSIT, "DepositAccountReadModel", rows))


def vat_types(app: DineroEmulator, request: Request, org: dict[str, Any]) -> Response:
    """`[{VatCode, Name, VatRate}]` - the standard set (dinero.md §3)."""
    return json_response(
        200, [{k: v[k] for k in ("VatCode", "Name", "VatRate")} for v in seed.VAT_TYPES]
    )


def organization_row(org_id: str, org: dict[str, Any]) -> dict[str, Any]:
    """OrganizationReadModel of one organisation (unknown properties null [GUESS])."""
    return {
        "Id": int(org_id),
        "Name": org["name"],
        "Type": "Default",
        "IsPro": org["is_pro"],
        "IsPayingPro": org["is_pro"],
        "IsVatFree": False,
        "Email": None,
        "Phone": None,
        "Street": None,
        "City": None,
        "ZipCode": None,
        "AttPerson": None,
        "IsTaxFreeUnion": False,
        "VatNumber": None,
        "CountryKey": "DK",
        "Website": None,
    }


def organizations(app: DineroEmulator, request: Request, org_ids: list[str]) -> Response:
    """The user's organisations (a Visma Connect token), or the API key's own [GUESS]."""
    orgs = app.state["organizations"]
    rows = [organization_row(i, orgs[i]) for i in org_ids if i in orgs]
    return json_response(200, select(request, ORGANIZATIONS, "OrganizationReadModel", rows))
