"""The e-conomic REST emulator: ``python -m billbridge emulate economic --port 8002``.

Built on the shared ``billbridge.emulators.common`` machinery (router, faults, stats, control
endpoints, HTTP server). This module adds what is e-conomic's own: token auth on every API
call, the cost-based token bucket and the fair-use counter (``throttle``), ``Idempotency-Key``
replay, e-conomic error bodies for faults, 404 and 405, the grant flow and administration pages
(``grant``), the extra control endpoints (``control``) and the kassekladde page (``page``).

Stats (``GET /_emulator/stats``) add ``fair_use``: per agreement and UTC day, the calls made,
how many the token bucket answered 429, and the fair-use threshold (50,000, or the shared
``daily_limit`` fault key) — a figure, never a 429 (economic.md §10.5).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..common import (
    EmulatorApp,
    Request,
    Response,
    Stats,
    html_response,
    json_response,
    serve_app,
)
from . import api, grant, page
from .control import Control
from .errors import ApiError
from .seed import seed_state, upgrade_state
from .throttle import FairUse, TokenBucket

IDEMPOTENCY_TTL = 3600.0  # "cached for only one hour window" (restdocs)


def _error(exc: ApiError) -> Response:
    return json_response(exc.status, exc.body, exc.headers)


class EconomicStats(Stats):
    """The shared request counts plus the fair-use figure per agreement."""

    def __init__(self, app: EconomicApp) -> None:
        super().__init__()
        self._app = app

    def reset(self) -> None:
        super().reset()
        self._app.fair_use.reset()

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        snap["fair_use"] = self._app.fair_use.snapshot(self._app.faults.get("daily_limit"))
        return snap


class EconomicApp(EmulatorApp):
    """State: one dict (see ``seed.seed_state``) guarded by ``self.lock``."""

    def __init__(self, state_file: str | None = None) -> None:
        super().__init__(state_file)
        self.state: dict[str, Any] = {}
        self.sessions: dict[str, dict[str, Any]] = {}  # login sessions of the grant pages
        self.idempotency: dict[tuple[int, str], dict[str, Any]] = {}
        self.bulk_mode = "all_or_nothing"  # see control: a refused array partly written or not
        self.bucket = TokenBucket()
        self.fair_use = FairUse()
        self.stats = EconomicStats(self)
        add = self.router.add
        for method, pattern, handler, name in api.ROUTES:
            add(method, pattern, self._api(handler), name=name)
        for method in ("GET", "POST"):
            add(method, r"/secure/api1/requestaccess\.aspx", self._grant, api=False)
            add(method, r"/secure/?", lambda r: grant.administration(self, r), api=False)
        add("GET", r"/secure/logout", lambda r: grant.logout(self, r), api=False)
        for method, pattern, handler in Control(self).routes():
            add(method, pattern, handler, api=False)

    # ---- EmulatorApp hooks
    def reset_state(self) -> None:
        self.state = seed_state()
        self.sessions = {}
        self.idempotency = {}
        self.bulk_mode = "all_or_nothing"
        self.bucket.reset()
        self.fair_use.reset()

    def dump_state(self) -> dict[str, Any]:
        return self.state

    def load_state(self, state: dict[str, Any]) -> None:
        self.state = upgrade_state(state)

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
                        # an administrator administers these one at a time (see ``grant``)
                        "administrator": bool(u.get("administrator")),
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
        """401 for missing/wrong/revoked tokens (restdocs status table). There is no "API
        access" switch that could answer 403 (economic.md §10.4)."""
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

    def _throttle(self, agreement: dict[str, Any], request: Request) -> None:
        """The token bucket (429 + Retry-After) and the fair-use counter (see ``throttle``)."""
        number = str(agreement["agreementNumber"])
        route = request.route.name if request.route else request.path
        retry_after = self.bucket.take(number, route)
        self.fair_use.count(number, throttled=retry_after is not None)
        if retry_after is not None:
            raise ApiError(429, headers={"Retry-After": str(retry_after)})

    def _api(
        self, handler: Callable[[api.Ctx, Request], Response]
    ) -> Callable[[Request], Response]:
        def run(request: Request) -> Response:
            write = request.method in ("POST", "PUT", "PATCH", "DELETE")
            with self.lock:
                try:
                    agreement = self._authenticate(request)
                    self._throttle(agreement, request)
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
                # A refusal (4xx) is cached and replayed like a success [GUESS: restdocs "you
                # will get the original response from our cache" draws no line; S5 uses a fresh
                # key when it re-posts with another date]. A 429 and a 5xx did nothing: not kept.
                if key and response.status < 500 and response.status != 429:
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

    def index_page(self, request: Request) -> Response:
        """The kassekladder, periods and ledger with the bookkeeper's buttons (``page``)."""
        with self.lock:
            return html_response(200, page.render_page(self.state, self.bucket))


def serve(host: str, port: int, state_file: str | None = None) -> None:
    """Entry point used by ``python -m billbridge emulate economic``."""
    serve_app(EconomicApp(state_file), host, port)
