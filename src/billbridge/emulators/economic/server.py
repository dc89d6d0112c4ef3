"""The e-conomic REST emulator: ``python -m billbridge emulate economic --port 8002``.

Built on the shared ``billbridge.emulators.common`` machinery (router, faults, stats, control
endpoints, HTTP server). This module adds what is e-conomic's own: token auth on every API
call, the fair-use daily limit, ``Idempotency-Key`` replay, e-conomic error bodies for faults,
404 and 405, the grant flow pages, and the extra control endpoints for agreements.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from typing import Any

from ..common import (
    EmulatorApp,
    Request,
    Response,
    format_amount_da,
    html_response,
    json_response,
    serve_app,
)
from . import api, grant
from .errors import ApiError
from .seed import seed_state

DAILY_LIMIT = 50_000  # fair use: 50,000 calls / 24 h / agreement (economic.md §5.1, S8)
IDEMPOTENCY_TTL = 3600.0  # "cached for only one hour window" (restdocs)


def _error(exc: ApiError) -> Response:
    return json_response(exc.status, exc.body, exc.headers)


class EconomicApp(EmulatorApp):
    """State: one dict (see ``seed.seed_state``) guarded by ``self.lock``."""

    def __init__(self, state_file: str | None = None) -> None:
        super().__init__(state_file)
        self.state: dict[str, Any] = {}
        self.sessions: dict[str, str] = {}
        self.idempotency: dict[tuple[int, str], dict[str, Any]] = {}
        self.daily: dict[int, tuple[str, int]] = {}
        add = self.router.add
        for method, pattern, handler, name in api.ROUTES:
            add(method, pattern, self._api(handler), name=name)
        add("GET", r"/secure/api1/requestaccess\.aspx", self._grant, api=False)
        add("POST", r"/secure/api1/requestaccess\.aspx", self._grant, api=False)
        add("GET", r"/secure/logout", lambda r: grant.logout(self, r), api=False)
        add("POST", r"/_emulator/agreements/(?P<n>\d+)", self._set_agreement, api=False)
        add("POST", r"/_emulator/agreements/(?P<n>\d+)/revoke", self._revoke, api=False)
        add(
            "DELETE",
            r"/_emulator/agreements/(?P<n>\d+)/accounts/(?P<acc>\d+)",
            self._delete_account,
            api=False,
        )

    # ---- EmulatorApp hooks
    def reset_state(self) -> None:
        self.state = seed_state()
        self.sessions = {}
        self.idempotency = {}
        self.daily = {}

    def dump_state(self) -> dict[str, Any]:
        return self.state

    def load_state(self, state: dict[str, Any]) -> None:
        self.state = state

    def credentials(self) -> dict[str, Any]:
        with self.lock:
            app = self.state["app"]
            return {
                "app_secret_token": app["appSecretToken"],
                "app_public_token": app["appPublicToken"],
                "agreements": [
                    {
                        "agreement_number": a["agreementNumber"],
                        "agreement_grant_token": a["grantToken"],
                        "company_name": a["company"]["name"],
                    }
                    for a in self.state["agreements"].values()
                ],
                "users": [
                    {
                        "username": u["username"],
                        "password": u["password"],
                        "agreement_numbers": list(u["agreementNumbers"]),
                    }
                    for u in self.state["users"]
                ],
            }

    def tenant_of(self, request: Request) -> str | None:
        """Rate-limit per agreement: the grant token names it."""
        token = request.header("x-agreementgranttoken")
        with self.lock:
            for a in self.state.get("agreements", {}).values():
                if a["grantToken"] == token:
                    return str(a["agreementNumber"])
        return token or None

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return _error(ApiError(status, headers=headers))

    def not_found_response(self, request: Request) -> Response:
        return _error(ApiError(404))

    def handle(self, request: Request) -> Response:
        """As the shared one, with e-conomic's 405 body."""
        route, _, path_exists = self.router.match(request.method, request.path)
        if route is None and path_exists:
            return _error(ApiError(405))
        return super().handle(request)

    # ---- API wrapper: auth → daily limit → idempotency → handler → persist
    def _base(self, request: Request) -> str:
        host = request.header("host") or "127.0.0.1"
        scheme = request.header("x-forwarded-proto") or "http"
        return f"{scheme}://{host}"

    def _authenticate(self, request: Request) -> dict[str, Any]:
        """401 for missing/wrong/revoked tokens (restdocs status table); 403 when the
        agreement's API access is off (how e-conomic answers that is UNCONFIRMED)."""
        secret = request.header("x-appsecrettoken")
        token = request.header("x-agreementgranttoken")
        demo_query = (request.query_value("demo") or "").lower() == "true"
        if (secret, token) == ("demo", "demo") or (demo_query and not secret and not token):
            return self._demo_agreement(request)
        if not secret or not token:
            raise ApiError(
                401,
                "Missing authentication headers.",
                error_code="E02200",
                developer_hint="Send both X-AppSecretToken and X-AgreementGrantToken.",
            )
        if secret != self.state["app"]["appSecretToken"]:
            raise ApiError(
                401,
                "AppSecretToken does not correspond to the token.",
                error_code="E02250",
                developer_hint="Check the X-AppSecretToken header.",
            )
        agreement = next(
            (a for a in self.state["agreements"].values() if a["grantToken"] == token), None
        )
        if agreement is None:
            raise ApiError(
                401,
                "The agreement grant token is not valid.",
                error_code="E02260",
                developer_hint="Check the X-AgreementGrantToken header.",
            )
        if agreement.get("grantRevoked"):
            raise ApiError(
                401,
                "The agreement has revoked the grant given to this app.",
                error_code="E02270",
                developer_hint="Ask the agreement to add the app again.",
            )
        if not agreement.get("apiEnabled", True):
            raise ApiError(
                403,
                "API access is not enabled on this agreement.",
                error_code="E02300",
                developer_hint="Enable API access on the e-conomic agreement.",
            )
        return agreement

    def _demo_agreement(self, request: Request) -> dict[str, Any]:
        """`demo`/`demo` headers or `?demo=true` → the demo agreement, GET only [src: economic.md
        §1.2, S1 "when using the demo integration, you can only use the GET http method"].
        The demo dataset is the first seeded agreement, read-only [GUESS: the real one is
        agreement 1118081 "The Demo Company"]; a write answers 401 [GUESS: 405 or 401 is
        UNCONFIRMED, economic.md §8.1]."""
        if request.method != "GET":
            raise ApiError(
                401,
                "The demo integration can only use the GET http method.",
                error_code="E02250",
                developer_hint="Use your own app and agreement tokens to write.",
            )
        return next(iter(self.state["agreements"].values()))

    def _count_call(self, agreement: dict[str, Any]) -> None:
        """Fair-use limit per agreement per (UTC) day → 429 with Retry-After until midnight."""
        n = agreement["agreementNumber"]
        today = dt.datetime.now(dt.UTC).date().isoformat()
        day, count = self.daily.get(n, (today, 0))
        if day != today:
            count = 0
        limit = self.faults.get("daily_limit")
        limit = DAILY_LIMIT if limit is None else limit
        if count >= limit:
            now = dt.datetime.now(dt.UTC)
            midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
            raise ApiError(
                429,
                f"The fair-use limit of {limit} API calls per day for this agreement is used up.",
                error_code="E05910",
                developer_hint="See https://www.e-conomic.com/developer/fair-use-policy.",
                headers={"Retry-After": str(max(1, int((midnight - now).total_seconds())))},
            )
        self.daily[n] = (today, count + 1)

    def _api(
        self, handler: Callable[[api.Ctx, Request], Response]
    ) -> Callable[[Request], Response]:
        def run(request: Request) -> Response:
            write = request.method in ("POST", "PUT", "PATCH", "DELETE")
            with self.lock:
                try:
                    agreement = self._authenticate(request)
                    self._count_call(agreement)
                except ApiError as exc:
                    return _error(exc)
                key = request.header("idempotency-key") if write else ""
                url = request.path + "?" + grant.request_query(request)
                ck = (agreement["agreementNumber"], key)
                if key:
                    cached = self.idempotency.get(ck)
                    if cached and time.time() - cached["at"] > IDEMPOTENCY_TTL:
                        cached = None
                    if cached:
                        if (cached["method"], cached["url"]) != (request.method, url):
                            # S5: reusing a key on another URL → 400 "URLChanged".
                            return _error(
                                ApiError(
                                    400,
                                    "The Idempotency-Key was already used with another URL.",
                                    error_code="URLChanged",
                                    developer_hint="Use a new Idempotency-Key for each request.",
                                )
                            )
                        headers = dict(cached["headers"], **{"X-ResultFromCache": "true"})
                        return Response(
                            status=cached["status"], body=cached["body"], headers=headers
                        )
                ctx = api.Ctx(agreement=agreement, base=self._base(request), app=self)
                try:
                    response = handler(ctx, request)
                except ApiError as exc:
                    response = _error(exc)
                if key and response.status < 500:
                    self.idempotency[ck] = {
                        "at": time.time(),
                        "method": request.method,
                        "url": url,
                        "status": response.status,
                        "headers": dict(response.headers),
                        "body": response.body,
                    }
                if write and response.status < 400:
                    self.persist()
                return response

        return run

    # ---- grant flow
    def _grant(self, request: Request) -> Response:
        return grant.request_access(self, request)

    # ---- extra control endpoints
    def _agreement(self, request: Request) -> dict[str, Any] | None:
        return self.state["agreements"].get(request.params["n"])

    def _set_agreement(self, request: Request) -> Response:
        try:
            body = request.json() if request.body else {}
        except ValueError:
            return json_response(400, {"error": "body must be JSON"})
        with self.lock:
            a = self._agreement(request)
            if a is None:
                return json_response(404, {"error": "no such agreement"})
            if "api_enabled" in body:
                a["apiEnabled"] = bool(body["api_enabled"])
            if "indscanning" in body:
                a["indscanning"] = bool(body["indscanning"])
            self.persist()
            return json_response(
                200,
                {
                    "agreement_number": a["agreementNumber"],
                    "api_enabled": a["apiEnabled"],
                    "indscanning": a["indscanning"],
                    "revoked": bool(a.get("grantRevoked")),
                },
            )

    def _revoke(self, request: Request) -> Response:
        with self.lock:
            a = self._agreement(request)
            if a is None:
                return json_response(404, {"error": "no such agreement"})
            a["grantRevoked"] = True
            self.persist()
            return json_response(200, {"agreement_number": a["agreementNumber"], "revoked": True})

    def _delete_account(self, request: Request) -> Response:
        with self.lock:
            a = self._agreement(request)
            if a is None or a["accounts"].pop(request.params["acc"], None) is None:
                return json_response(404, {"error": "no such agreement or account"})
            self.persist()
            return json_response(200, {"deleted": int(request.params["acc"])})

    def index_page(self, request: Request) -> Response:
        """Read-only kassekladde view; refreshes itself every 3 s."""
        with self.lock:
            sections = [self._agreement_html(a) for a in self.state["agreements"].values()]
        doc = (
            "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
            "<meta http-equiv='refresh' content='3'><title>e-conomic emulator</title><style>"
            "body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#1d2b36}"
            "table{border-collapse:collapse;margin:6px 0 18px;font-size:14px}"
            "td,th{border:1px solid #ccd3da;padding:4px 8px;text-align:left}"
            "th{background:#eef1f4} td.n{text-align:right} .muted{color:#6b7780}"
            "</style></head><body><h1>e-conomic emulator — kassekladder</h1>"
            + "".join(sections)
            + "</body></html>"
        )
        return html_response(200, doc)

    def _agreement_html(self, a: dict[str, Any]) -> str:
        esc = html.escape
        flags = (
            f"API {'til' if a.get('apiEnabled') else 'fra'}, "
            f"Indscanning {'til' if a.get('indscanning') else 'fra'}"
            + (", adgang tilbagekaldt" if a.get("grantRevoked") else "")
        )
        parts = [
            f"<h2>{esc(a['company']['name'])} <span class='muted'>"
            f"(aftale {a['agreementNumber']}; {esc(flags)})</span></h2>"
        ]
        for j in a["journals"].values():
            rows = [
                e
                for e in sorted(a["entries"].values(), key=lambda x: x["journalEntryNumber"])
                if e["journalNumber"] == j["journalNumber"]
            ]
            parts.append(f"<h3>{j['journalNumber']} {esc(j['name'])} ({len(rows)} poster)</h3>")
            if not rows:
                continue
            head = (
                "<tr><th>Nr.</th><th>Type</th><th>Bilag</th><th>Dato</th><th>Leverandør</th>"
                "<th>Fakturanr.</th><th>Tekst</th><th class='n'>Beløb</th><th>Valuta</th>"
                "<th>Konto</th><th>Modkonto</th><th>Moms</th><th>Bilagsfil</th></tr>"
            )
            body = []
            for e in rows:
                vkey = (
                    f"{e['journalNumber']}|{e['voucher']['year']}|{e['voucher']['voucherNumber']}"
                )
                att = (a["vouchers"].get(vkey) or {}).get("attachment")
                vat = (e.get("contraVatAccount") or e.get("vatAccount") or {}).get("vatCode", "")
                body.append(
                    "<tr>"
                    + "".join(
                        f"<td>{esc(str(v))}</td>"
                        for v in (
                            e["journalEntryNumber"],
                            e["entryType"],
                            f"{e['voucher']['year']}-{e['voucher']['voucherNumber']}",
                            e["date"],
                            supplier_label(a, e.get("supplier")),
                            e.get("supplierInvoiceNumber", ""),
                            e.get("text", ""),
                        )
                    )
                    + f"<td class='n'>{format_amount_da(e['amount'])}</td>"
                    + f"<td>{esc(e['currency']['code'])}</td>"
                    + f"<td>{(e.get('account') or {}).get('accountNumber', '')}</td>"
                    + f"<td>{(e.get('contraAccount') or {}).get('accountNumber', '')}</td>"
                    + f"<td>{esc(str(vat))}</td>"
                    + f"<td>{str(att['pages']) + ' s.' if att else ''}</td></tr>"
                )
            parts.append(f"<table>{head}{''.join(body)}</table>")
        return "".join(parts)


def supplier_label(agreement: dict[str, Any], ref: dict[str, Any] | None) -> str:
    """`1 Office Danmark A/S` for the page: the number alone says nothing to a bookkeeper."""
    if not ref:
        return ""
    n = ref.get("supplierNumber", "")
    name = (agreement["suppliers"].get(str(n)) or {}).get("name", "")
    return f"{n} {name}".strip()


def serve(host: str, port: int, state_file: str | None = None) -> None:
    """Entry point used by ``python -m billbridge emulate economic``."""
    serve_app(EconomicApp(state_file), host, port)
