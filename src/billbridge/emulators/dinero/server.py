"""The Dinero emulator app: state, routes, Bearer auth, limits, control endpoints.

One port serves the three hosts of the real thing, whose paths do not overlap: api.dinero.dk
(`/v1…`, `/v1.2…`), authz.dinero.dk (`/dineroapi/oauth/token`, the personal integration's
API-key grant) and connect.visma.com (`/connect/…`, `/.well-known/…`). Only the paths, versions
and methods of `openapi.json` that billbridge uses are served; anything else is 404 (405 for
a known path with another method).

Dinero's own settings beside the shared faults (common.py): `GET/POST /_emulator/config`,
keys in `CONFIG_DEFAULTS`, put back by `POST /_emulator/reset`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from billbridge.emulators.common import (
    EmulatorApp,
    Request,
    Response,
    json_response,
    serve_app,
)
from billbridge.emulators.dinero import accounts, connect, files, ledger, page, seed
from billbridge.emulators.dinero.errors import (
    BROWNOUT_TEXT,
    CODE_NO_PRO,
    CODE_NOT_FOUND,
    CODE_UNAUTHORIZED,
    RATE_LIMIT_TEXT,
    ApiError,
    dinero_error,
)

TOKEN_LIFETIME_SECONDS = 3600  # the personal integration's token: "about an hour"
ORG = r"(?P<org>[^/]+)"

CONFIG_DEFAULTS: dict[str, Any] = {
    # Booking is asynchronous: PendingBooking for this long, then Booked ("several seconds
    # or indeed minutes") [GUESS default].
    "booking_delay_seconds": 2.0,
    # An uploaded file is usable this long after upload ("it might take a second").
    "file_ready_seconds": 1.0,
    # ... and, for tests that must not depend on the machine's speed, only after this many
    # rows naming it were refused.
    "file_refusals": 0,
    # "on_create": a row without a VoucherNumber gets the next one at once; "on_book": it
    # stays null until booked [GUESS which Dinero does; the file allows null].
    "voucher_numbers": "on_create",
    # The create answer: "object" as the file says, or "list" as a maintained client reads.
    "create_answer": "object",
    # 100 requests a minute per organisation → 429 (developer.dinero.dk); null = no limit.
    "requests_per_minute": 100,
    # 480 brownout on every API call (a deprecated endpoint failing at random), as a switch.
    "brownout": False,
    "max_unbooked_items": 1000,  # "The maximum number of ledger items in the same ledger"
    "connect_refresh_rotation": True,  # one-time refresh tokens (else re-usable for a year)
    "connect_refresh_grace_seconds": 30.0,  # "a grace period of 5-60 s set in the app"
    "connect_access_token_seconds": 3600,
    "connect_redirect_uris": [],  # registered redirect URIs beyond the seeded app's
}


class DineroEmulator(EmulatorApp):
    """In-memory Dinero: organisations, API keys, Visma Connect users, tokens, chart,
    kassekladde, files."""

    def __init__(self, state_file: str | None = None) -> None:
        super().__init__(state_file)
        self.state: dict[str, Any] = {}
        self.config: dict[str, Any] = dict(CONFIG_DEFAULTS)
        self.file_bytes: dict[str, bytes] = {}  # not persisted: only metadata goes to the file
        self._windows: dict[str, deque[float]] = {}  # organisation → times of recent calls
        self._routes()

    # ------------------------------------------------------------------ routes
    def _routes(self) -> None:
        add = self.router.add
        add("POST", r"/dineroapi/oauth/token", self.api_key_token,
            name="POST /dineroapi/oauth/token")  # fmt: skip
        for method, path, handler, name in (
            ("GET", r"/\.well-known/openid-configuration", connect.discovery,
             "GET /.well-known/openid-configuration"),
            ("GET", r"/connect/authorize", connect.authorize, "GET /connect/authorize"),
            ("POST", r"/connect/authorize/login", connect.login, "POST /connect/authorize/login"),
            ("POST", r"/connect/authorize/consent", connect.consent,
             "POST /connect/authorize/consent"),
            ("POST", r"/connect/token", connect.token, "POST /connect/token"),
        ):  # fmt: skip
            add(method, path, self._bind(handler), name=name, write=False)
        add("GET", r"/v1/organizations", self._organizations, name="GET /v1/organizations")
        api = self._api
        for method, path, handler, write in (
            ("GET", rf"/v1/{ORG}/accounts/entry", accounts.entry_accounts, False),
            ("GET", rf"/v1/{ORG}/accounts/purchase", accounts.purchase_accounts, False),
            ("GET", rf"/v1/{ORG}/accounts/deposit", accounts.deposit_accounts, False),
            ("GET", rf"/v1/{ORG}/vatTypes", accounts.vat_types, False),
            ("POST", rf"/v1\.2/{ORG}/ledgeritems", ledger.create, True),
            ("PUT", rf"/v1/{ORG}/ledgeritems", ledger.update, True),
            ("POST", rf"/v1/{ORG}/ledgeritems/ledgers", ledger.ledgers, False),
            ("POST", rf"/v1/{ORG}/ledgeritems/status", ledger.status, False),
            ("POST", rf"/v1/{ORG}/ledgeritems/book", ledger.book, True),
            ("DELETE", rf"/v1/{ORG}/ledgeritems/delete", ledger.delete, True),
            ("POST", rf"/v1/{ORG}/files", files.upload, True),
        ):
            name = f"{method} " + path.replace(ORG, "{org}").replace("\\", "")
            add(method, path, api(handler, write=write), name=name, write=write)
        control = (
            ("DELETE", rf"/_emulator/organizations/{ORG}/accounts/(?P<number>\d+)",
             self.control_delete_account),
            ("POST", rf"/_emulator/organizations/{ORG}/api-keys/(?P<key>[^/]+)/revoke",
             self.control_revoke_key),
            ("POST", rf"/_emulator/organizations/{ORG}/api-keys/(?P<key>[^/]+)/restore",
             self.control_restore_key),
            ("GET", rf"/_emulator/organizations/{ORG}/ledgeritems", self.control_items),
            ("POST", rf"/_emulator/organizations/{ORG}/book", self.control_book),
            ("POST", rf"/_emulator/organizations/{ORG}/pro", self.control_pro),
            ("GET", r"/_emulator/config", lambda r: json_response(200, self.config)),
            ("POST", r"/_emulator/config", self.control_config),
        )  # fmt: skip
        for method, path, handler in control:
            add(method, path, handler, api=False)

    def _bind(self, handler: Callable[[DineroEmulator, Request], Response]) -> Any:
        return lambda request: handler(self, request)

    # ------------------------------------------------------------------ state
    def reset_state(self) -> None:
        orgs: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        for org in seed.ORGANIZATIONS:
            chart = seed.bench_chart() if org["chart"] == "bench" else seed.standard_chart()
            orgs[org["organization_id"]] = {
                "name": org["name"],
                "is_pro": org["is_pro"],
                "accounts": {str(a["AccountNumber"]): a for a in chart},
                "items": {},  # Id → ledger item, insertion order = creation order
                "files": {},
                "next_voucher": 1,
            }
            keys[org["api_key"]] = {"organizations": [org["organization_id"]], "revoked": False}
        self.state = {
            "client_id": seed.CLIENT_ID,
            "client_secret": seed.CLIENT_SECRET,
            "organizations": orgs,
            "api_keys": keys,
            "tokens": {},
            "refresh_tokens": {},
            "version_counter": 0,
            "connect_clients": {
                seed.CONNECT_CLIENT_ID: {
                    "name": "billbridge",
                    "secret": seed.CONNECT_CLIENT_SECRET,
                    "redirect_uris": [],
                    "loopback_redirects": True,
                }
            },
            "connect_users": {u["email"]: dict(u) for u in seed.USERS},
            "connect": connect.fresh_state(),
            "config": dict(CONFIG_DEFAULTS),
        }
        self.config = self.state["config"]
        self.file_bytes = {}
        self._windows = {}

    def dump_state(self) -> dict[str, Any]:
        return self.state

    def load_state(self, state: dict[str, Any]) -> None:
        if "connect" not in state:  # a state file from before Visma Connect: start afresh
            self.reset_state()
            return
        self.state = state
        self.config = state.setdefault("config", dict(CONFIG_DEFAULTS))

    def credentials(self) -> dict[str, Any]:
        with self.lock:
            by_org = {o["organization_id"]: o for o in seed.ORGANIZATIONS}
            out = []
            for org_id, org in self.state["organizations"].items():
                key = next(
                    (k for k, v in self.state["api_keys"].items() if org_id in v["organizations"]),
                    by_org.get(org_id, {}).get("api_key"),
                )
                out.append({"organization_id": org_id, "api_key": key, "name": org["name"],
                            "is_pro": org["is_pro"]})  # fmt: skip
            client_id, client = next(iter(self.state["connect_clients"].items()))
            return {
                "client_id": self.state["client_id"],
                "client_secret": self.state["client_secret"],
                "organizations": out,
                "connect": {
                    "client_id": client_id,
                    "client_secret": client["secret"],
                    "users": [
                        {k: u[k] for k in ("email", "password", "name", "organizations")}
                        for u in self.state["connect_users"].values()
                    ],
                },
            }

    def new_version(self) -> str:
        """Versions look like SQL Server rowversions, base64 of 8 bytes (the file's example
        "AAAAAAYb0Eo1")."""
        self.state["version_counter"] += 1
        raw = self.state["version_counter"].to_bytes(8, "big")
        return base64.b64encode(raw).decode("ascii")

    # ------------------------------------------------------------------ errors
    def fault_response(self, status: int, retry_after: int | None) -> Response:
        if status == 429:
            return self._rate_limited(retry_after if retry_after is not None else 60)
        if status == 480:
            return self._brownout()
        return dinero_error(status, status, f"Service error (HTTP {status})")  # body: [GUESS]

    def not_found_response(self, request: Request) -> Response:
        return dinero_error(404, CODE_NOT_FOUND, f"No resource at {request.path}")

    @staticmethod
    def _rate_limited(retry_after: int) -> Response:
        """429 with Dinero's plain-text body; `Retry-After` in seconds [GUESS: whether Dinero
        sends one is not known; clients must cope without it]."""
        return Response(
            status=429,
            body=RATE_LIMIT_TEXT.encode(),
            headers={
                "Content-Type": "text/plain; charset=utf-8",
                "Retry-After": str(max(1, retry_after)),
            },  # fmt: skip
        )

    @staticmethod
    def _brownout() -> Response:
        return dinero_error(480, 480, BROWNOUT_TEXT)  # body: [GUESS]

    def _over_limit(self, org_id: str) -> int | None:
        """Seconds to wait when this call is over 100 a minute for the organisation."""
        limit = self.config.get("requests_per_minute")
        if not limit:
            return None
        now = time.monotonic()
        window = self._windows.setdefault(org_id, deque())
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= int(limit):
            return int(window[0] + 60 - now) + 1
        window.append(now)
        return None

    # ------------------------------------------------------------------ personal integration
    def api_key_token(self, request: Request) -> Response:
        """POST /dineroapi/oauth/token: Basic client auth + password grant with the API key as
        username and password (dinero.md §1.2). Error bodies follow RFC 6749 §5.2
        (invalid_client → 401, invalid_grant → 400) [GUESS: Dinero's exact texts]."""
        auth = request.header("authorization")
        client_ok = False
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
                cid, _, csecret = decoded.partition(":")
                client_ok = (cid, csecret) == (
                    self.state["client_id"],
                    self.state["client_secret"],
                )
            except (binascii.Error, UnicodeDecodeError):
                client_ok = False
        if not client_ok:
            return json_response(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
                {"WWW-Authenticate": 'Basic realm="dineroapi"'},
            )
        form = request.form()
        grant = form.get("grant_type", "")
        with self.lock:
            if grant == "password":
                key = form.get("username", "")
                if key != form.get("password", "") or not self._key_active(key):
                    return json_response(
                        400, {"error": "invalid_grant", "error_description": "Invalid API key"}
                    )
            elif grant == "refresh_token":  # [GUESS] dinero.md: "renew by asking again"
                key = self.state["refresh_tokens"].get(form.get("refresh_token", ""), "")
                if not self._key_active(key):
                    return json_response(
                        400,
                        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
                    )
            else:
                return json_response(
                    400,
                    {"error": "unsupported_grant_type",
                     "error_description": f"grant_type {grant!r} is not supported"},
                )  # fmt: skip
            ttl = self.faults.get("token_ttl_seconds")
            lifetime = float(ttl) if ttl is not None else TOKEN_LIFETIME_SECONDS
            access = secrets.token_urlsafe(32)
            refresh = secrets.token_urlsafe(32)
            self.state["tokens"][access] = {
                "kind": "api_key",
                "api_key": key,
                "expires_at": time.time() + lifetime,
            }
            self.state["refresh_tokens"][refresh] = key
            self._prune_tokens()
            self.persist()
        # expires_in stays the documented lifetime even when token_ttl_seconds shortens it:
        # the fault emulates a token that dies early, which clients must survive via 401.
        return json_response(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME_SECONDS,
                "refresh_token": refresh,
            },
        )

    def _key_active(self, key: str) -> bool:
        info = self.state["api_keys"].get(key)
        return bool(info) and not info["revoked"]

    def _prune_tokens(self) -> None:
        now = time.time()
        tokens = self.state["tokens"]
        for tok in [t for t, v in tokens.items() if v["expires_at"] < now - 3600]:
            del tokens[tok]

    # ------------------------------------------------------------------ Bearer auth
    def _principal(self, request: Request) -> tuple[dict[str, Any] | None, Response | None]:
        """(token info, None) for a good Bearer token, else (None, the 401 answer).

        401 for a missing/unknown/expired token or a revoked key; body [GUESS]."""
        auth = request.header("authorization")
        if not auth.lower().startswith("bearer "):
            return None, dinero_error(
                401,
                CODE_UNAUTHORIZED,
                "Authorization has been denied for this request.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        info = self.state["tokens"].get(auth[7:].strip())
        if info is None:
            return None, dinero_error(401, CODE_UNAUTHORIZED, "Invalid token", headers=challenge)
        if info["expires_at"] <= time.time():
            return None, dinero_error(401, CODE_UNAUTHORIZED, "Token expired", headers=challenge)
        if info.get("kind", "api_key") == "api_key" and not self._key_active(info["api_key"]):
            return None, dinero_error(401, CODE_UNAUTHORIZED, "API key revoked",
                                      headers=challenge)  # fmt: skip
        if info.get("kind") == "connect" and info["user"] not in self.state["connect_users"]:
            return None, dinero_error(401, CODE_UNAUTHORIZED, "Invalid token", headers=challenge)
        return info, None

    def _reachable(self, info: dict[str, Any]) -> list[str]:
        """The organisations a token reaches: its API key's, or its Visma Connect user's."""
        if info.get("kind") == "connect":
            return list(self.state["connect_users"][info["user"]]["organizations"])
        return list(self.state["api_keys"][info["api_key"]]["organizations"])

    def _api(self, handler: Any, *, write: bool) -> Any:
        """Bearer auth, organisation access, Pro, scope, brownout and the per-organisation
        limit, then the handler under the state lock.

        A good token for an organisation it does not reach → 403 code 41, the same for one
        that does not exist, so ids can't be probed [GUESS]. An organisation without Dinero
        Pro → 403 code 90 ("every other request will return a 403 error"; message [GUESS]).
        A Visma Connect token without `dineropublicapi:write` on a write → 403 code 41
        [GUESS].
        """

        def wrapped(request: Request) -> Response:
            with self.lock:
                info, refusal = self._principal(request)
                if refusal is not None:
                    return refusal
                assert info is not None
                org_id = request.params["org"]
                if org_id not in self._reachable(info) or org_id not in self.state["organizations"]:
                    return dinero_error(
                        403,
                        CODE_UNAUTHORIZED,
                        f"The user does not have access to organization {org_id}",
                    )
                org = self.state["organizations"][org_id]
                if not org["is_pro"]:
                    return dinero_error(
                        403,
                        CODE_NO_PRO,
                        "The organization does not have a Dinero Pro subscription",
                    )
                if info.get("kind") == "connect":
                    needed = "dineropublicapi:write" if write else "dineropublicapi:read"
                    if needed not in info["scopes"]:
                        return dinero_error(403, CODE_UNAUTHORIZED, f"Missing scope {needed}")
                if self.config.get("brownout"):
                    return self._brownout()
                wait = self._over_limit(org_id)
                if wait is not None:
                    return self._rate_limited(wait)
                try:
                    return handler(self, request, org)
                except ApiError as exc:
                    return exc.response()

        return wrapped

    def _organizations(self, request: Request) -> Response:
        """GET /v1/organizations: the token's organisations, Pro or not (the file: "used to
        validate if the users has a Pro subscription")."""
        with self.lock:
            info, refusal = self._principal(request)
            if refusal is not None:
                return refusal
            assert info is not None
            if self.config.get("brownout"):
                return self._brownout()
            return accounts.organizations(self, request, self._reachable(info))

    # ------------------------------------------------------------------ control
    def _org(self, request: Request) -> dict[str, Any] | None:
        return self.state["organizations"].get(request.params["org"])

    def control_delete_account(self, request: Request) -> Response:
        with self.lock:
            org = self._org(request)
            number = request.params["number"]
            if org is None or number not in org["accounts"]:
                return json_response(404, {"error": "no such organisation or account"})
            del org["accounts"][number]
            self.persist()
        return json_response(200, {"deleted": int(number)})

    def control_revoke_key(self, request: Request) -> Response:
        with self.lock:
            key = self.state["api_keys"].get(request.params["key"])
            if key is None or request.params["org"] not in key["organizations"]:
                return json_response(404, {"error": "no such API key for that organisation"})
            key["revoked"] = True
            self.persist()
        return json_response(200, {"revoked": True})

    def control_restore_key(self, request: Request) -> Response:
        """The key works again (the user made it anew in Dinero: same key, for the tests)."""
        with self.lock:
            key = self.state["api_keys"].get(request.params["key"])
            if key is None or request.params["org"] not in key["organizations"]:
                return json_response(404, {"error": "no such API key for that organisation"})
            key["revoked"] = False
            self.persist()
        return json_response(200, {"revoked": False})

    def control_items(self, request: Request) -> Response:
        """Every row of an organisation, booked or not, with the VAT each line booked: the
        read-back for tests and people (never part of the emulated API)."""
        with self.lock:
            org = self._org(request)
            if org is None:
                return json_response(404, {"error": "no such organisation"})
            ledger.refresh_statuses(self, org)
            return json_response(200, [readback(it) for it in org["items"].values()])

    def control_book(self, request: Request) -> Response:
        """The accountant books the whole kassekladde in Dinero, at once."""
        with self.lock:
            org = self._org(request)
            if org is None:
                return json_response(404, {"error": "no such organisation"})
            return json_response(200, {"booked": ledger.book_everything(self, org)})

    def control_pro(self, request: Request) -> Response:
        """`{"is_pro": bool}`: the organisation gains or loses its Dinero Pro subscription."""
        try:
            is_pro = request.json()["is_pro"]
        except (ValueError, KeyError, TypeError):
            return json_response(400, {"error": 'expected {"is_pro": true|false}'})
        with self.lock:
            org = self._org(request)
            if org is None or not isinstance(is_pro, bool):
                return json_response(404, {"error": "no such organisation"})
            org["is_pro"] = is_pro
            self.persist()
        return json_response(200, {"is_pro": is_pro})

    def control_config(self, request: Request) -> Response:
        try:
            changes = request.json() if request.body else {}
            if not isinstance(changes, dict):
                raise ValueError("config must be a JSON object")
            unknown = set(changes) - set(CONFIG_DEFAULTS) - {"reset"}
            if unknown:
                raise ValueError(f"unknown config keys: {sorted(unknown)}")
        except ValueError as exc:
            return json_response(400, {"error": str(exc)})
        with self.lock:
            if changes.pop("reset", False):
                self.config.clear()
                self.config.update(CONFIG_DEFAULTS)
            self.config.update(changes)
            if "requests_per_minute" in changes:
                self._windows = {}
            self.persist()
            return json_response(200, self.config)

    def index_page(self, request: Request) -> Response:
        with self.lock:
            for org in self.state["organizations"].values():
                ledger.refresh_statuses(self, org)
            return page.kassekladde(self.state["organizations"])


def readback(item: dict[str, Any]) -> dict[str, Any]:
    """A row for the control read-back: the file's fields, its Status, each line's booked
    VAT (`Lines[].Vat`), the total VAT, and the first line's fields flat for short tests."""
    first = item["Lines"][0] if item["Lines"] else {}
    vat_total = sum(
        float(ln["Vat"]["AccountVatAmount"]) + float(ln["Vat"]["BalancingAccountVatAmount"])
        for ln in item["Lines"]
    )
    return {
        **ledger.render(item),
        "Status": item["Status"],
        "Lines": [dict(ln) for ln in item["Lines"]],
        "VatAmount": round(vat_total, 2),
        "AccountNumber": first.get("AccountNumber"),
        "AccountVatCode": first.get("AccountVatCode"),
        "Amount": first.get("Amount"),
        "BalancingAccountNumber": first.get("BalancingAccountNumber"),
        "BalancingAccountVatCode": first.get("BalancingAccountVatCode"),
        "Description": first.get("Description"),
    }


def serve(host: str, port: int, state_file: str | None = None) -> None:
    """Entry point used by `python -m billbridge emulate dinero`."""
    serve_app(DineroEmulator(state_file), host, port)
