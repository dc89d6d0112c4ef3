"""The REST API handlers (paths, fields and status codes per economic.md §1.5-§4).

Every handler takes ``(ctx, request)`` where ``ctx`` carries the authenticated agreement and
the base URL; it returns a ``Response`` or raises ``ApiError``. Auth, daily limit and
idempotency are applied by the server around these handlers.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..common import Request, Response, json_response
from . import ledger, periods, render
from .errors import ApiError, leaf_error
from .query import paginate
from .seed import (
    APP_NAME,
    APP_NUMBER,
    APP_PUBLIC_TOKEN,
    APP_ROLE,
    CURRENCIES,
    EXCHANGE_RATES,
    PAYMENT_TERMS,
    VAT_ZONES,
)
from .validation import nest_errors, query_capabilities, schema_errors

MAX_FILE_BYTES = 9 * 1024 * 1024  # "Maximum file size is 9.0 MB per request." (restdocs)
_MAGIC = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}
_MAGIC[b"\x89PNG"] = "image/png"


@dataclass
class Ctx:
    """The agreement a request acts on, and the base URL for links."""

    agreement: dict[str, Any]
    base: str
    app: Any  # EconomicApp; only for persist()/state


def _q(request: Request) -> dict[str, str]:
    return {k.lower(): v[0] for k, v in request.query.items() if v}


def _collection(
    ctx: Ctx, request: Request, items: list[dict[str, Any]], path: str, schema: str | None
) -> Response:
    caps = query_capabilities(schema) if schema else (frozenset(), frozenset(), None)
    doc = paginate(
        items,
        query=_q(request),
        base_url=ctx.base,
        path=path,
        filterable=caps[0],
        sortable=caps[1],
        default_sort=caps[2],
    )
    return json_response(200, doc)


def _not_found(what: str = "Resource not found.") -> ApiError:
    return ApiError(404, what)


def _require_json(request: Request) -> Any:
    ctype = request.header("content-type").lower()
    if not ctype.startswith("application/json"):
        raise ApiError(
            415,
            "Content-Type must be application/json.",
            developer_hint="Our API is a JSON api. Send Content-Type: application/json.",
        )
    try:
        return request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            400,
            "The request body is not valid JSON.",
            error_code="E04000",
            developer_hint="Check that the body is well-formed JSON.",
        ) from exc


def ref_value(obj: Any, key: str) -> Any:
    """A reference by id or by ``self`` link (§5.8 "References can be given by id or self")."""
    if not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    link = obj.get("self")
    if isinstance(link, str) and link.rstrip("/"):
        last = render.decode_id(link.rstrip("/").rsplit("/", 1)[-1])
        return int(last) if last.isascii() and last.isdigit() else last
    return None


# --------------------------------------------------------------------------- simple resources


def get_self(ctx: Ctx, request: Request) -> Response:
    """``GET /self`` (§1.5); Indscanning module only when enabled (§1.6)."""
    a = ctx.agreement
    b = ctx.base
    body = {
        "agreementNumber": a["agreementNumber"],
        "agreementType": {"agreementTypeNumber": 1, "name": "denmark"},
        "application": {
            "appNumber": APP_NUMBER,
            "appPublicToken": APP_PUBLIC_TOKEN,
            "name": APP_NAME,
            "requiredRoles": [{**APP_ROLE, "self": f"{b}/app-roles/{APP_ROLE['roleNumber']}"}],
            "self": f"{b}/apps/{APP_NUMBER}",
        },
        "company": dict(a["company"]),
        "companyAffiliation": "E-conomic",
        "modules": render.modules(b, a),
        # defaultPaymentTerm is a string [src: economic-schemas/self.get.schema.json]; was an object
        "settings": {"baseCurrency": "DKK", "defaultPaymentTerm": "Netto 8 dage"},
        "signupDate": "2024-01-15",
        "user": {
            "agreementNumber": a["agreementNumber"],
            "language": {
                "culture": "da-DK",
                "languageNumber": 1,
                "name": "Danish",
                "self": f"{b}/languages/1",
            },
        },
        "self": f"{b}/self",
    }
    return json_response(200, body)


def list_accounts(ctx: Ctx, request: Request) -> Response:
    items = [render.account(ctx.base, a) for a in ctx.agreement["accounts"].values()]
    return _collection(ctx, request, items, "/accounts", "accounts.get")


def get_account(ctx: Ctx, request: Request) -> Response:
    acc = ctx.agreement["accounts"].get(request.params["n"])
    if not acc:
        raise _not_found()
    return json_response(200, render.account(ctx.base, acc))


def list_journals(ctx: Ctx, request: Request) -> Response:
    items = [render.journal(ctx.base, j) for j in ctx.agreement["journals"].values()]
    return _collection(ctx, request, items, "/journals", "journals.get")


def _journal(ctx: Ctx, request: Request) -> dict[str, Any]:
    j = ctx.agreement["journals"].get(str(int(request.params["j"])))
    if not j:
        raise _not_found()
    return j


def get_journal(ctx: Ctx, request: Request) -> Response:
    return json_response(200, render.journal(ctx.base, _journal(ctx, request)))


def list_years(ctx: Ctx, request: Request) -> Response:
    items = [render.accounting_year(ctx.base, y) for y in ctx.agreement["accountingYears"]]
    return _collection(ctx, request, items, "/accounting-years", "accounting-years.get")


def _find_year(agreement: dict[str, Any], year: str) -> dict[str, Any] | None:
    return next((y for y in agreement["accountingYears"] if y["year"] == year), None)


def get_year(ctx: Ctx, request: Request) -> Response:
    y = _find_year(ctx.agreement, render.decode_id(request.params["y"]))
    if not y:
        raise _not_found()
    return json_response(200, render.accounting_year(ctx.base, y))


def _year(ctx: Ctx, request: Request) -> dict[str, Any]:
    y = _find_year(ctx.agreement, render.decode_id(request.params["y"]))
    if not y:
        raise _not_found()
    return y


def list_periods(ctx: Ctx, request: Request) -> Response:
    """``GET /accounting-years/{year}/periods``: ``closed`` only for closed periods; a barred
    one looks open here, as in production (see ``periods``)."""
    y = _year(ctx, request)
    items = [periods.legacy_period(ctx.base, y, p) for p in periods.ensure_periods(y)]
    path = f"/accounting-years/{render.encode_id(y['year'])}/periods"
    return _collection(ctx, request, items, path, "accounting-years.accountingYear.periods.get")


def _period(ctx: Ctx, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    y = _year(ctx, request)
    number = int(request.params["p"])
    p = next((p for p in periods.ensure_periods(y) if p["periodNumber"] == number), None)
    if p is None:
        raise _not_found()
    return y, p


def get_period(ctx: Ctx, request: Request) -> Response:
    y, p = _period(ctx, request)
    return json_response(200, periods.legacy_period(ctx.base, y, p))


def _booked(ctx: Ctx, year: str, lo: str = "", hi: str = "9999") -> list[dict[str, Any]]:
    return [
        render.booked_entry(ctx.base, ctx.agreement, line)
        for line in ctx.agreement["bookedEntries"]
        if line["year"] == year and lo <= line["date"] <= hi
    ]


def list_year_entries(ctx: Ctx, request: Request) -> Response:
    """``GET /accounting-years/{year}/entries``: what is booked; filterable by voucherNumber,
    text, date, supplier.supplierNumber … (schema ``accounting-years.accountingYear.entries``)."""
    y = _year(ctx, request)
    path = f"/accounting-years/{render.encode_id(y['year'])}/entries"
    schema = "accounting-years.accountingYear.entries.get"
    return _collection(ctx, request, _booked(ctx, y["year"]), path, schema)


def list_period_entries(ctx: Ctx, request: Request) -> Response:
    y, p = _period(ctx, request)
    items = _booked(ctx, y["year"], p["fromDate"], p["toDate"])
    path = f"/accounting-years/{render.encode_id(y['year'])}/periods/{p['periodNumber']}/entries"
    schema = "accounting-years.accountingYear.periods.accountingYearPeriod.entries.get"
    return _collection(ctx, request, items, path, schema)


def list_periods_new_api(ctx: Ctx, request: Request) -> Response:
    """The AccountingYears API's ``/accountingYears/periods/paged``: every period of the
    agreement, a bare array, ``isClosed`` and ``isBarred`` (S5; see ``periods``). ``pageSize``
    is held to 1…100 and ``skipPages`` counts from 0 [GUESS: out-of-range values are clamped]."""
    q = _q(request)
    try:
        size = int(q.get("pagesize", 20))
        skip = int(q.get("skippages", 0))
    except ValueError:
        size, skip = 20, 0
    size = min(max(size, 1), periods.NEW_API_MAX_PAGE_SIZE)
    skip = max(skip, 0)
    items = [
        periods.new_api_period(y, p)
        for y in ctx.agreement["accountingYears"]
        for p in periods.ensure_periods(y)
    ]
    return json_response(200, items[skip * size : (skip + 1) * size])


def list_vat_accounts(ctx: Ctx, request: Request) -> Response:
    items = [render.vat_account(ctx.base, v) for v in ctx.agreement["vatAccounts"].values()]
    return _collection(ctx, request, items, "/vat-accounts", "vat-accounts.get")


def get_vat_account(ctx: Ctx, request: Request) -> Response:
    code = render.decode_id(request.params["code"])
    va = next(
        (v for k, v in ctx.agreement["vatAccounts"].items() if k.lower() == code.lower()), None
    )
    if not va:
        raise _not_found()
    return json_response(200, render.vat_account(ctx.base, va))


def list_suppliers(ctx: Ctx, request: Request) -> Response:
    items = [render.supplier(ctx.base, s) for s in ctx.agreement["suppliers"].values()]
    return _collection(ctx, request, items, "/suppliers", "suppliers.get")


def get_supplier(ctx: Ctx, request: Request) -> Response:
    s = ctx.agreement["suppliers"].get(str(int(request.params["n"])))
    if not s:
        raise _not_found()
    return json_response(200, render.supplier(ctx.base, s))


def post_supplier(ctx: Ctx, request: Request) -> Response:
    """``POST /suppliers`` validated by ``suppliers.post.schema.json`` + the agreement's data."""
    body = _require_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.", error_code="E04000")
    pairs = schema_errors("suppliers.post", body)
    a = ctx.agreement
    if not pairs:
        checks = [
            (
                "paymentTerms",
                "paymentTermsNumber",
                {t["paymentTermsNumber"] for t in PAYMENT_TERMS},
            ),
            (
                "supplierGroup",
                "supplierGroupNumber",
                {int(k) for k in a["supplierGroups"]},
            ),
            ("vatZone", "vatZoneNumber", {z["vatZoneNumber"] for z in VAT_ZONES}),
        ]
        for prop, key, known in checks:
            value = ref_value(body.get(prop), key)
            if value not in known:
                pairs.append(
                    ((prop,), leaf_error(prop, f"{prop} does not exist.", "E06000", value))
                )
        if body["currency"].upper() not in {c["code"] for c in CURRENCIES}:
            pairs.append(
                (("currency",), leaf_error("currency", "currency does not exist.", "E06000"))
            )
        n = body.get("supplierNumber")
        if n is not None and str(n) in a["suppliers"]:
            pairs.append(
                (
                    ("supplierNumber",),
                    leaf_error("supplierNumber", "supplierNumber already in use.", "E06010", n),
                )
            )
    if pairs:
        raise ApiError(
            400,
            f"Validation failed. {len(pairs)} errors found.",
            error_code="E04300",
            developer_hint="Inspect validation errors and correct your request.",
            errors=nest_errors(pairs),
            error_count=len(pairs),
        )
    number = body.get("supplierNumber") or max([int(k) for k in a["suppliers"]] + [0]) + 1
    record: dict[str, Any] = {"supplierNumber": int(number)}
    for key in (
        "name",
        "address",
        "zip",
        "city",
        "country",
        "email",
        "phone",
        "bankAccount",
        "corporateIdentificationNumber",
        "defaultInvoiceText",
    ):
        if body.get(key):
            record[key] = body[key]
    if body.get("barred"):
        record["barred"] = True
    record["currency"] = body["currency"].upper()
    record["paymentTerms"] = {
        "paymentTermsNumber": ref_value(body["paymentTerms"], "paymentTermsNumber")
    }
    record["supplierGroup"] = {
        "supplierGroupNumber": ref_value(body["supplierGroup"], "supplierGroupNumber")
    }
    record["vatZone"] = {"vatZoneNumber": ref_value(body["vatZone"], "vatZoneNumber")}
    if "costAccount" in body:
        record["costAccount"] = {"accountNumber": ref_value(body["costAccount"], "accountNumber")}
    a["suppliers"][str(record["supplierNumber"])] = record
    out = render.supplier(ctx.base, record)
    return json_response(201, out, {"Location": out["self"]})


def list_supplier_groups(ctx: Ctx, request: Request) -> Response:
    items = [render.supplier_group(ctx.base, g) for g in ctx.agreement["supplierGroups"].values()]
    return _collection(ctx, request, items, "/supplier-groups", None)


def get_supplier_group(ctx: Ctx, request: Request) -> Response:
    g = ctx.agreement["supplierGroups"].get(str(int(request.params["n"])))
    if not g:
        raise _not_found()
    return json_response(200, render.supplier_group(ctx.base, g))


def _static_list(items: list[dict[str, Any]], path: str, schema: str | None) -> Any:
    def handler(ctx: Ctx, request: Request) -> Response:
        return _collection(ctx, request, items(ctx.base), path, schema)  # type: ignore[operator]

    return handler


def _static_item(items: Any, key: str) -> Any:
    def handler(ctx: Ctx, request: Request) -> Response:
        wanted = render.decode_id(request.params["n"]).lower()
        found = next((i for i in items(ctx.base) if str(i[key]).lower() == wanted), None)
        if not found:
            raise _not_found()
        return json_response(200, found)

    return handler


list_payment_terms = _static_list(render.payment_terms, "/payment-terms", "payment-terms.get")  # type: ignore[arg-type]
get_payment_terms = _static_item(render.payment_terms, "paymentTermsNumber")
list_vat_zones = _static_list(render.vat_zones, "/vat-zones", "vat-zones.get")  # type: ignore[arg-type]
get_vat_zone = _static_item(render.vat_zones, "vatZoneNumber")
list_currencies = _static_list(render.currencies, "/currencies", "currencies.get")  # type: ignore[arg-type]
get_currency = _static_item(render.currencies, "code")


# --------------------------------------------------------------------------- entries / vouchers


def _entries_of(agreement: dict[str, Any], journal_number: int) -> list[dict[str, Any]]:
    return [e for e in agreement["entries"].values() if e["journalNumber"] == journal_number]


def list_entries(ctx: Ctx, request: Request) -> Response:
    """``GET /journals/{n}/entries``: "sorted by entry type" (restdocs), then entry number."""
    j = _journal(ctx, request)
    stored = sorted(
        _entries_of(ctx.agreement, j["journalNumber"]),
        key=lambda e: (e["entryType"], e["journalEntryNumber"]),
    )
    items = [render.entry(ctx.base, e) for e in stored]
    path = f"/journals/{j['journalNumber']}/entries"
    return _collection(ctx, request, items, path, "journals.journalNumber.entries.get")


def get_entry(ctx: Ctx, request: Request) -> Response:
    j = _journal(ctx, request)
    e = ctx.agreement["entries"].get(str(int(request.params["e"])))
    if not e or e["journalNumber"] != j["journalNumber"]:
        raise _not_found()
    return json_response(200, render.entry(ctx.base, e))


def delete_entry(ctx: Ctx, request: Request) -> Response:
    j = _journal(ctx, request)
    key = str(int(request.params["e"]))
    e = ctx.agreement["entries"].get(key)
    if not e or e["journalNumber"] != j["journalNumber"]:
        raise _not_found()
    del ctx.agreement["entries"][key]
    vkey = _vkey(j["journalNumber"], e["voucher"]["year"], e["voucher"]["voucherNumber"])
    if not _voucher_entries(ctx.agreement, vkey):
        ctx.agreement["vouchers"].pop(vkey, None)
    return Response(status=204)


_vkey = ledger.vkey
_voucher_entries = ledger.voucher_entries


def list_vouchers(ctx: Ctx, request: Request) -> Response:
    j = _journal(ctx, request)
    items = []
    for vkey, v in ctx.agreement["vouchers"].items():
        if v["journalNumber"] == j["journalNumber"]:
            entries = _voucher_entries(ctx.agreement, vkey)
            items.append(
                render.voucher(ctx.base, v["journalNumber"], v["year"], v["voucherNumber"], entries)
            )
    items.sort(key=lambda d: (d["accountingYear"]["year"], d["voucherNumber"]))
    path = f"/journals/{j['journalNumber']}/vouchers"
    return _collection(ctx, request, items, path, None)


def _voucher(ctx: Ctx, request: Request) -> tuple[str, dict[str, Any]]:
    j = _journal(ctx, request)
    year = render.decode_id(request.params["y"])
    vkey = _vkey(j["journalNumber"], year, int(request.params["v"]))
    v = ctx.agreement["vouchers"].get(vkey)
    if not v:
        raise _not_found("Voucher not found.")
    return vkey, v


def get_voucher(ctx: Ctx, request: Request) -> Response:
    vkey, v = _voucher(ctx, request)
    entries = _voucher_entries(ctx.agreement, vkey)
    doc = render.voucher(ctx.base, v["journalNumber"], v["year"], v["voucherNumber"], entries)
    return json_response(200, doc)


def _account_problem(agreement: dict[str, Any], number: Any) -> str | None:
    acc = agreement["accounts"].get(str(number))
    if acc is None:
        return f"Account '{number}' not found."
    if acc.get("barred"):
        return f"Account '{number}' is barred."
    if acc["accountType"] not in ("profitAndLoss", "status") or acc.get("blockDirectEntries"):
        return f"Account '{number}' does not allow direct entries."
    return None


def _check_entry(
    agreement: dict[str, Any],
    journal: dict[str, Any],
    year: dict[str, Any] | None,
    kind: str,
    item: dict[str, Any],
    path: tuple[Any, ...],
) -> tuple[list[tuple[tuple[Any, ...], dict[str, Any]]], bool]:
    """Data checks on one entry; returns (errors, any account error)."""
    errs: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    account_error = False
    restricted = journal.get("entryTypeRestrictedTo")
    if restricted and restricted != kind:
        # Error code UNCONFIRMED (economic.md §9).
        errs.append(
            (
                (*path, "entryType"),
                leaf_error(
                    "entryType",
                    f"Journal {journal['journalNumber']} only accepts entries of type "
                    f"'{restricted}'.",
                    "E04320",
                    kind,
                ),
            )
        )
    for prop in ("account", "contraAccount"):
        if prop in item:
            number = ref_value(item[prop], "accountNumber")
            problem = _account_problem(agreement, number)
            if problem:
                account_error = True
                errs.append(
                    (
                        (*path, prop),
                        leaf_error(
                            prop[0].upper() + prop[1:],
                            problem,
                            "E07150",
                            number,
                            "Find a list of accounts at https://restapi.e-conomic.com/accounts .",
                        ),
                    )
                )
    for prop in ("vatAccount", "contraVatAccount"):
        if prop in item:
            code = ref_value(item[prop], "vatCode")
            if not any(k.lower() == str(code).lower() for k in agreement["vatAccounts"]):
                errs.append(
                    (
                        (*path, prop),
                        leaf_error(
                            prop,
                            f"VAT account '{code}' not found.",
                            "E07160",
                            code,
                            "Find a list of VAT accounts at "
                            "https://restapi.e-conomic.com/vat-accounts .",
                        ),
                    )
                )
    if "supplier" in item:
        number = ref_value(item["supplier"], "supplierNumber")
        s = agreement["suppliers"].get(str(number))
        if not s or s.get("barred"):
            errs.append(
                (
                    (*path, "supplier"),
                    leaf_error(
                        "Supplier",
                        f"Supplier '{number}' not found or barred.",
                        "E07170",
                        number,
                        "Find a list of suppliers at https://restapi.e-conomic.com/suppliers .",
                    ),
                )
            )
    if kind in ("supplierInvoice", "supplierPayment") and not (
        "supplier" in item or "contraAccount" in item
    ):
        errs.append(
            (
                (*path, "supplier"),
                leaf_error(
                    "supplier", "Either 'supplier' or 'contraAccount' is required.", "E04730"
                ),
            )
        )
    if kind == "financeVoucher" and not ("account" in item or "contraAccount" in item):
        errs.append(
            (
                (*path, "account"),
                leaf_error("account", "Either 'account' or 'contraAccount' is required.", "E04730"),
            )
        )
    if "currency" in item:
        code = str(ref_value(item["currency"], "code") or "").upper()
        if code not in EXCHANGE_RATES:
            errs.append(
                (
                    (*path, "currency"),
                    leaf_error(
                        "currency",
                        "currency does not exist.",
                        "E06000",
                        code,
                        "Find a list of currencies at https://restapi.e-conomic.com/currencies.",
                    ),
                )
            )
    date = item.get("date")
    if year and isinstance(date, str):
        if not (year["fromDate"] <= date <= year["toDate"]):
            errs.append(
                (
                    (*path, "date"),
                    leaf_error(
                        "Date",
                        "Datoen ligger ikke i regnskabsåret.",
                        "E04041",
                        {"voucherAccountingYear": year["year"], "entryDate": date},
                        "The entry date must be inside the voucher's accounting year.",
                    ),
                )
            )
        elif periods.refuses_postings(year, date):
            # Verbatim production body, 2026-08-30 (economic.md §10.2; S5
            # EconomicsVoucherEntryDateTest): E04041 under the entry's `date`, propertyName "Date",
            # Danish message whatever the agreement's language [GUESS: an English agreement may
            # get English words]. A closed period answers the same [GUESS].
            errs.append(
                (
                    (*path, "date"),
                    leaf_error(
                        "Date",
                        "Perioden er spærret.",
                        "E04041",
                        {"voucherAccountingYear": year["year"], "entryDate": date},
                        "You cannot create an entry with a date that is barred in the accounting "
                        "year.",
                    ),
                )
            )
    return errs, account_error


def _validate_voucher(
    agreement: dict[str, Any], journal: dict[str, Any], voucher: Any
) -> tuple[list[tuple[tuple[Any, ...], dict[str, Any]]], dict[str, Any] | None]:
    pairs = schema_errors("journals.journalNumber.vouchers.post", voucher)
    if not isinstance(voucher, dict):
        return pairs, None
    year_name = ref_value(voucher.get("accountingYear"), "year")
    year = _find_year(agreement, str(year_name)) if year_name is not None else None
    if pairs:
        return pairs, year
    if year is None:
        pairs.append(
            (
                ("accountingYear",),
                leaf_error(
                    "accountingYear",
                    "accountingYear does not exist.",
                    "E06000",
                    year_name,
                    "Find a list of accounting years at "
                    "https://restapi.e-conomic.com/accounting-years .",
                ),
            )
        )
    jn = ref_value(voucher.get("journal"), "journalNumber")
    if jn is not None and str(jn).removesuffix(".0") != str(journal["journalNumber"]):
        pairs.append(
            (
                ("journal",),
                leaf_error("journal", "journal does not match the URL.", "E04330", jn),
            )
        )
    any_account = False
    entries = voucher.get("entries") or {}
    count = 0
    for array, kind in render.ENTRY_KINDS.items():
        for i, item in enumerate(entries.get(array) or []):
            count += 1
            errs, acc_err = _check_entry(
                agreement, journal, year, kind, item, ("entries", array, i)
            )
            pairs.extend(errs)
            any_account = any_account or acc_err
    if count == 0:
        pairs.append(
            (("entries",), leaf_error("entries", "A voucher must contain entries.", "E04500"))
        )
    if any_account:
        # Observed 2026: voucher-level E04041 next to the per-entry E07150 (§5.2 b), whose
        # inputValue is the first bad account number as a string ("3562") [src: economic.md
        # §5.2 b, verbatim production body]; it was missing here before.
        bad = next(
            (
                leaf["inputValue"]
                for _, leaf in pairs
                if leaf.get("errorCode") == "E07150" and "inputValue" in leaf
            ),
            None,
        )
        pairs.insert(
            0,
            (
                ("account",),
                leaf_error(
                    "account",
                    "Account(s) is not found or barred.",
                    "E04041",
                    None if bad is None else str(bad),
                    "You must provide an accessible account.",
                ),
            ),
        )
    return pairs, year


_COPY_KEYS = {
    "financeVoucher": (
        "text",
        "vatAmount",
        "vatAmountBaseCurrency",
        "contraVatAmount",
        "contraVatAmountInBaseCurrency",
    ),
    "supplierInvoice": (
        "text",
        "supplierInvoiceNumber",
        "dueDate",
        "contraVatAmount",
        "contraVatAmountInBaseCurrency",
        "paymentDetails",
    ),
    "supplierPayment": (
        "text",
        "supplierInvoiceNumber",
        "contraVatAmount",
        "contraVatAmountInBaseCurrency",
    ),
}


def _make_entry(
    agreement: dict[str, Any], journal_number: int, kind: str, item: dict[str, Any]
) -> dict[str, Any]:
    """Store an entry. Keys the schema lacks (e.g. ``account`` on supplierInvoices) are dropped,
    as production does (economic.md §2.3, S5)."""
    e: dict[str, Any] = {"journalNumber": journal_number, "entryType": kind}
    refs = {"contraAccount": "accountNumber", "contraVatAccount": "vatCode"}
    if kind in ("supplierInvoice", "supplierPayment"):
        refs["supplier"] = "supplierNumber"
    else:
        refs.update({"account": "accountNumber", "vatAccount": "vatCode"})
    for prop, key in refs.items():
        if prop in item:
            value = ref_value(item[prop], key)
            if key == "vatCode":
                value = next(
                    (k for k in agreement["vatAccounts"] if k.lower() == str(value).lower()), value
                )
            e[prop] = {key: value}
    for key in _COPY_KEYS.get(kind, ("text",)):
        if key in item:
            e[key] = item[key]
    e["date"] = item["date"]
    e["amount"] = round(float(item["amount"]), 2)
    supplier = agreement["suppliers"].get(str(e.get("supplier", {}).get("supplierNumber")))
    code = ref_value(item.get("currency"), "code")
    # Default currency: the supplier's, else the base currency (UNCONFIRMED, §9).
    code = str(code or (supplier or {}).get("currency") or "DKK").upper()
    e["currency"] = {"code": code}
    e["exchangeRate"] = float(item.get("exchangeRate") or EXCHANGE_RATES[code])
    e["amountDefaultCurrency"] = float(
        item.get("amountBaseCurrency", round(e["amount"] * e["exchangeRate"] / 100, 2))
    )
    if kind == "supplierInvoice" and "dueDate" not in e and supplier:
        # Default due date from the supplier's payment terms (UNCONFIRMED, §4.4).
        terms = next(
            t
            for t in PAYMENT_TERMS
            if t["paymentTermsNumber"] == supplier["paymentTerms"]["paymentTermsNumber"]
        )
        e["dueDate"] = (
            dt.date.fromisoformat(e["date"]) + dt.timedelta(days=terms["daysOfCredit"])
        ).isoformat()
    if kind in ("supplierInvoice", "supplierPayment"):
        e["remainder"] = e["amount"]
        e["remainderDefaultCurrency"] = e["amountDefaultCurrency"]
    return e


def _write_vouchers(
    ctx: Ctx, journal: dict[str, Any], pairs: list[tuple[Any, dict[str, Any] | None]]
) -> list[dict[str, Any]]:
    """Write validated vouchers (each with its accounting year) → their answer documents."""
    jn = journal["journalNumber"]
    a = ctx.agreement
    created: list[dict[str, Any]] = []
    for voucher, year in pairs:
        assert year is not None
        if voucher.get("voucherNumber"):
            # An existing number adds the entries to that voucher (UNCONFIRMED, §9).
            number = int(voucher["voucherNumber"])
        else:
            number = ledger.next_voucher_number(a, journal, year["year"])
        vkey = _vkey(jn, year["year"], number)
        a["vouchers"].setdefault(
            vkey, {"journalNumber": jn, "year": year["year"], "voucherNumber": number}
        )
        new_entries = []
        for array, kind in render.ENTRY_KINDS.items():
            for item in (voucher.get("entries") or {}).get(array) or []:
                e = _make_entry(a, jn, kind, item)
                e["journalEntryNumber"] = a["nextEntryNumber"]
                a["nextEntryNumber"] += 1
                e["voucher"] = {"year": year["year"], "voucherNumber": number}
                a["entries"][str(e["journalEntryNumber"])] = e
                new_entries.append(e)
        created.append(render.voucher(ctx.base, jn, year["year"], number, new_entries))
    return created


def post_vouchers(ctx: Ctx, request: Request) -> Response:
    """``POST /journals/{n}/vouchers``: object or array; 201 + array (§2.3/2.4); a refused array
    writes nothing, or its valid vouchers when the bulk switch says ``partial`` (control)."""
    journal = _journal(ctx, request)
    body = _require_json(request)
    vouchers = body if isinstance(body, list) else [body]
    if not vouchers:
        raise ApiError(400, "The array of vouchers is empty.", error_code="E04500")
    a = ctx.agreement
    all_errors: list[dict[str, Any]] = []
    total = 0
    years: list[dict[str, Any] | None] = []
    for index, voucher in enumerate(vouchers):
        pairs, year = _validate_voucher(a, journal, voucher)
        years.append(year)
        if pairs:
            total += len(pairs)
            all_errors.append({"arrayIndex": index, **nest_errors(pairs)})
    if all_errors:
        if getattr(ctx.app, "bulk_mode", "") == "partial":
            # the valid vouchers are written although the answer is a 400 (control: /bulk)
            refused = {e["arrayIndex"] for e in all_errors}
            _write_vouchers(ctx, journal, [
                (v, y) for n, (v, y) in enumerate(zip(vouchers, years, strict=True))
                if n not in refused
            ])  # fmt: skip
            ctx.app.persist()
        raise ApiError(
            400,
            f"Validation failed. {total} error{'s' if total != 1 else ''} found.",
            error_code="E04300",
            developer_hint="Inspect validation errors and correct your request.",
            errors=all_errors,
            error_count=total,
        )
    created = _write_vouchers(ctx, journal, list(zip(vouchers, years, strict=True)))
    headers = {"Location": created[0]["self"]} if len(created) == 1 else {}
    return json_response(201, created, headers)


# --------------------------------------------------------------------------- attachments


def _pdf_pages(data: bytes) -> int:
    return max(1, len(re.findall(rb"/Type\s*/Page(?!s)", data)))


def _attachment_doc(ctx: Ctx, request: Request, att: dict[str, Any]) -> dict[str, Any]:
    path = request.path.rstrip("/")
    if path.endswith("/file"):
        path = path[: -len("/file")]
    self_link = f"{ctx.base}{path}"
    return {
        "createdAt": att["createdAt"],
        "pages": att["pages"],
        "file": f"{self_link}/file",
        "self": self_link,
    }


def get_attachment(ctx: Ctx, request: Request) -> Response:
    """Attachment metadata; a voucher without a file answers 200 with ``pages: 0``
    (economic.md §10.8) [GUESS: and no ``createdAt``]."""
    _, v = _voucher(ctx, request)
    if not v.get("attachment"):
        doc = _attachment_doc(ctx, request, {"createdAt": "", "pages": 0})
        doc.pop("createdAt")
        return json_response(200, doc)
    return json_response(200, _attachment_doc(ctx, request, v["attachment"]))


def get_attachment_file(ctx: Ctx, request: Request) -> Response:
    """The stored file. Real e-conomic always answers PDF; images are returned as stored."""
    _, v = _voucher(ctx, request)
    att = v.get("attachment")
    if not att:
        raise _not_found("Voucher has no attachment.")
    first = att["files"][0]
    data = base64.b64decode(first["data"])
    return Response(status=200, body=data, headers={"Content-Type": first["contentType"]})


def _with_boundary(request: Request) -> Request:
    """A multipart body whose header names no boundary is accepted: e-conomic finds it in the
    body (economic.md §10.8; restdocs: "Some clients do not automatically set boundaries …
    define 'multipart/form-data; boundary= ;'")."""
    ctype = request.header("content-type")
    named = re.search(r"boundary=\s*\"?([^\";\s]+)", ctype, re.IGNORECASE)
    if named:
        return request
    first = request.body.lstrip(b"\r\n").split(b"\r\n", 1)[0]
    if not first.startswith(b"--") or len(first) <= 2:
        return request
    boundary = first[2:].decode("latin-1")
    headers = {**request.headers, "content-type": f"multipart/form-data; boundary={boundary}"}
    return dataclasses.replace(request, headers=headers)


def _read_upload(ctx: Ctx, request: Request) -> tuple[bytes, str]:
    """The uploaded file. No Indscanning check: uploads need none of their own (economic.md
    §10.8; Trustworks and Rackbeat upload without looking at modules)."""
    if not request.header("content-type").lower().startswith("multipart/form-data"):
        raise ApiError(
            415,
            "For the file upload 'application/json' is not a valid content-type.",
            developer_hint="Send the file as multipart/form-data.",
        )
    if len(request.body) > MAX_FILE_BYTES + 64 * 1024:
        raise ApiError(
            400,
            "Maximum file size is 9.0 MB per request.",
            error_code="E04600",
            developer_hint="Split the document or lower its resolution.",
        )
    try:
        parts = _with_boundary(request).multipart_files()
    except Exception as exc:  # a malformed multipart body
        raise ApiError(400, "Malformed multipart body.", error_code="E04610") from exc
    files = [p for p in parts if p[3]]
    if not files:
        raise ApiError(400, "No file found in the multipart body.", error_code="E04610")
    data = files[0][3]
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(
            400,
            "Maximum file size is 9.0 MB per request.",
            error_code="E04600",
            developer_hint="Split the document or lower its resolution.",
        )
    ctype = next((t for magic, t in _MAGIC.items() if data.startswith(magic)), None)
    if ctype is None:
        raise ApiError(
            400,
            "Unsupported file format. Supported formats are: .jpg, .jpeg, .pdf, .gif and .png",
            error_code="E04620",
        )
    return data, ctype


def _new_file(data: bytes, ctype: str) -> dict[str, Any]:
    return {"data": base64.b64encode(data).decode(), "contentType": ctype}


def post_attachment_file(ctx: Ctx, request: Request) -> Response:
    """POST: 201; a second POST → 400 "Voucher already has attachment" (§2.6)."""
    _, v = _voucher(ctx, request)
    data, ctype = _read_upload(ctx, request)
    if v.get("attachment"):
        raise ApiError(
            400,
            "Voucher already has attachment.",
            error_code="E04630",
            developer_hint="Use PATCH to add pages, or DELETE the file first.",
        )
    pages = _pdf_pages(data) if ctype == "application/pdf" else 1
    v["attachment"] = {
        "createdAt": dt.date.today().isoformat(),
        "pages": pages,
        "files": [_new_file(data, ctype)],
    }
    return json_response(201, _attachment_doc(ctx, request, v["attachment"]))


def patch_attachment_file(ctx: Ctx, request: Request) -> Response:
    """PATCH appends pages; creates the file when none (201 then, 200 otherwise — guess)."""
    _, v = _voucher(ctx, request)
    data, ctype = _read_upload(ctx, request)
    pages = _pdf_pages(data) if ctype == "application/pdf" else 1
    if not v.get("attachment"):
        v["attachment"] = {
            "createdAt": dt.date.today().isoformat(),
            "pages": pages,
            "files": [_new_file(data, ctype)],
        }
        return json_response(201, _attachment_doc(ctx, request, v["attachment"]))
    v["attachment"]["pages"] += pages
    v["attachment"]["files"].append(_new_file(data, ctype))
    return json_response(200, _attachment_doc(ctx, request, v["attachment"]))


def delete_attachment_file(ctx: Ctx, request: Request) -> Response:
    _, v = _voucher(ctx, request)
    if not v.get("attachment"):
        raise _not_found("Voucher has no attachment.")
    v["attachment"] = None
    return Response(status=204)


def method_not_allowed(ctx: Ctx, request: Request) -> Response:
    """e.g. DELETE on a voucher: not supported by the legacy REST API → 405 (S5)."""
    raise ApiError(405)


# (method, regex, handler, stats name)
ROUTES: list[tuple[str, str, Any, str]] = [
    ("GET", r"/self/?", get_self, "GET /self"),
    ("GET", r"/accounts/?", list_accounts, "GET /accounts"),
    ("GET", r"/accounts/(?P<n>\d+)/?", get_account, "GET /accounts/{n}"),
    ("GET", r"/journals/?", list_journals, "GET /journals"),
    ("GET", r"/journals/(?P<j>\d+)/?", get_journal, "GET /journals/{n}"),
    ("GET", r"/journals/(?P<j>\d+)/entries/?", list_entries, "GET /journals/{n}/entries"),
    (
        "GET",
        r"/journals/(?P<j>\d+)/entries/(?P<e>\d+)/?",
        get_entry,
        "GET /journals/{n}/entries/{e}",
    ),
    (
        "DELETE",
        r"/journals/(?P<j>\d+)/entries/(?P<e>\d+)/?",
        delete_entry,
        "DELETE /journals/{n}/entries/{e}",
    ),
    ("GET", r"/journals/(?P<j>\d+)/vouchers/?", list_vouchers, "GET /journals/{n}/vouchers"),
    ("POST", r"/journals/(?P<j>\d+)/vouchers/?", post_vouchers, "POST /journals/{n}/vouchers"),
]
_V = r"/journals/(?P<j>\d+)/vouchers/(?P<y>[^/]+)-(?P<v>\d+)"
ROUTES += [
    ("GET", _V + r"/?", get_voucher, "GET /journals/{n}/vouchers/{id}"),
    ("DELETE", _V + r"/?", method_not_allowed, "DELETE /journals/{n}/vouchers/{id}"),
    ("PUT", _V + r"/?", method_not_allowed, "PUT /journals/{n}/vouchers/{id}"),
    ("GET", _V + r"/attachment/?", get_attachment, "GET …/attachment"),
    ("GET", _V + r"/attachment/file/?", get_attachment_file, "GET …/attachment/file"),
    ("POST", _V + r"/attachment/file/?", post_attachment_file, "POST …/attachment/file"),
    ("PATCH", _V + r"/attachment/file/?", patch_attachment_file, "PATCH …/attachment/file"),
    ("DELETE", _V + r"/attachment/file/?", delete_attachment_file, "DELETE …/attachment/file"),
    ("GET", r"/accounting-years/?", list_years, "GET /accounting-years"),
    ("GET", r"/accounting-years/(?P<y>[^/]+)/?", get_year, "GET /accounting-years/{y}"),
    (
        "GET",
        r"/accounting-years/(?P<y>[^/]+)/entries/?",
        list_year_entries,
        "GET /accounting-years/{y}/entries",
    ),
    (
        "GET",
        r"/accounting-years/(?P<y>[^/]+)/periods/?",
        list_periods,
        "GET /accounting-years/{y}/periods",
    ),
    (
        "GET",
        r"/accounting-years/(?P<y>[^/]+)/periods/(?P<p>\d+)/?",
        get_period,
        "GET /accounting-years/{y}/periods/{p}",
    ),
    (
        "GET",
        r"/accounting-years/(?P<y>[^/]+)/periods/(?P<p>\d+)/entries/?",
        list_period_entries,
        "GET /accounting-years/{y}/periods/{p}/entries",
    ),
    # the newer AccountingYears API (apis.e-conomic.com), served under its own path prefix
    (
        "GET",
        r"/accountingyearsapi/v[0-9.]+/accountingYears/periods/paged/?",
        list_periods_new_api,
        "GET accountingyearsapi /accountingYears/periods/paged",
    ),
    ("GET", r"/vat-accounts/?", list_vat_accounts, "GET /vat-accounts"),
    ("GET", r"/vat-accounts/(?P<code>[^/]+)/?", get_vat_account, "GET /vat-accounts/{code}"),
    ("GET", r"/suppliers/?", list_suppliers, "GET /suppliers"),
    ("POST", r"/suppliers/?", post_supplier, "POST /suppliers"),
    ("GET", r"/suppliers/(?P<n>\d+)/?", get_supplier, "GET /suppliers/{n}"),
    ("GET", r"/supplier-groups/?", list_supplier_groups, "GET /supplier-groups"),
    ("GET", r"/supplier-groups/(?P<n>\d+)/?", get_supplier_group, "GET /supplier-groups/{n}"),
    ("GET", r"/payment-terms/?", list_payment_terms, "GET /payment-terms"),
    ("GET", r"/payment-terms/(?P<n>\d+)/?", get_payment_terms, "GET /payment-terms/{n}"),
    ("GET", r"/vat-zones/?", list_vat_zones, "GET /vat-zones"),
    ("GET", r"/vat-zones/(?P<n>\d+)/?", get_vat_zone, "GET /vat-zones/{n}"),
    ("GET", r"/currencies/?", list_currencies, "GET /currencies"),
    ("GET", r"/currencies/(?P<n>[A-Za-z]{3})/?", get_currency, "GET /currencies/{code}"),
]
