"""Visma Connect (connect.visma.com), the OAuth 2.0 / OpenID Connect way into Dinero.

Paths as the real ones (dinero.md §1.1), so that only the base URL differs:
  GET  /.well-known/openid-configuration   discovery
  GET  /connect/authorize                  response_type=code, PKCE S256, scope, state,
                                           redirect_uri, response_mode=query|form_post,
                                           ui_locales → the login page, then the consent page
  POST /connect/authorize/login            the login form (e-mail and password)
  POST /connect/authorize/consent          the consent form: "Yes, Allow" (seed step S-d3)
  POST /connect/token                      authorization_code (code_verifier + client
                                           credentials) and refresh_token

Refresh tokens are one-time (rotating) with a grace period by default, or re-usable for a
year (`connect_refresh_rotation`, `connect_refresh_grace_seconds`). The pages' look and
wording, the login form's path, the code's lifetime, the session cookie and the error
descriptions are the emulator's own [GUESS]; the error codes are RFC 6749's. No `id_token` is
issued [GUESS: a simplification; billbridge does not read one].
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import secrets
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from billbridge.emulators.common import Request, Response, html_response, json_response
from billbridge.emulators.dinero import seed

if TYPE_CHECKING:
    from billbridge.emulators.dinero.server import DineroEmulator

CODE_LIFETIME_SECONDS = 300  # [GUESS]
REFRESH_LIFETIME_SECONDS = 365 * 24 * 3600  # re-usable tokens: "up to a year"
SESSION_COOKIE = "vc_session"
API_SCOPES = ("dineropublicapi:read", "dineropublicapi:write")


def fresh_state() -> dict[str, Any]:
    return {"requests": {}, "codes": {}, "sessions": {}, "consents": {}, "refresh": {}}


def _base(request: Request) -> str:
    return f"http://{request.header('host') or '127.0.0.1'}"


def discovery(app: DineroEmulator, request: Request) -> Response:
    base = _base(request)
    return json_response(
        200,
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/connect/authorize",
            "token_endpoint": f"{base}/connect/token",
            "scopes_supported": list(seed.CONNECT_SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "ui_locales_supported": ["da-DK", "en-US"],
        },
    )


# ------------------------------------------------------------------ pages


def _page(title: str, body: str, status: int = 200, headers: dict[str, str] | None = None
          ) -> Response:  # fmt: skip
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} - Visma Connect (emulated)</title>"
        "<style>body{font-family:sans-serif;max-width:28em;margin:4em auto}"
        "label,input,button{display:block;margin:.4em 0}input{width:100%}"
        ".error{color:#b00}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    response = html_response(status, page)
    response.headers.update(headers or {})
    return response


def _error_page(message: str) -> Response:
    """An error that cannot go back to the app (unknown client or redirect_uri)."""
    return _page("Error", f'<p class="error">{html.escape(message)}</p>', status=400)


def _login_page(request_id: str, error: str = "") -> Response:
    note = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return _page(
        "Log in",
        f"{note}<p>Log in with your Visma account to continue to Dinero.</p>"
        '<form method="post" action="/connect/authorize/login">'
        f'<input type="hidden" name="request" value="{html.escape(request_id)}">'
        '<label for="email">E-mail</label>'
        '<input id="email" name="email" type="email" autocomplete="username" required>'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" required>'
        '<button type="submit">Log in</button></form>',
    )


def _consent_page(app: DineroEmulator, request_id: str, pending: dict[str, Any]) -> Response:
    client = app.state["connect_clients"][pending["client_id"]]
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in pending["scopes"])
    return _page(
        "Allow access",
        f"<p><strong>{html.escape(client['name'])}</strong> would like to access your Dinero "
        f"organisations:</p><ul>{scopes}</ul>"
        '<form method="post" action="/connect/authorize/consent">'
        f'<input type="hidden" name="request" value="{html.escape(request_id)}">'
        '<button type="submit" name="decision" value="allow">Yes, Allow</button>'
        '<button type="submit" name="decision" value="deny">No, cancel</button></form>',
    )


# ------------------------------------------------------------------ authorize


def _redirect_allowed(app: DineroEmulator, client: dict[str, Any], uri: str) -> bool:
    """The app's registered redirect URIs; the demo app also takes any loopback address
    [GUESS: real Visma Connect compares with the registered URIs exactly]."""
    registered = list(client.get("redirect_uris", [])) + list(
        app.config.get("connect_redirect_uris") or []
    )
    if uri in registered:
        return True
    parts = urlsplit(uri)
    return (
        bool(client.get("loopback_redirects"))
        and parts.scheme in ("http", "https")
        and (parts.hostname in ("127.0.0.1", "localhost", "::1"))
    )


def _back_to_app(pending: dict[str, Any], params: dict[str, str]) -> Response:
    """Answer the app at its redirect_uri, by query string or by an auto-posted form."""
    values = dict(params)
    if pending.get("state") is not None:
        values["state"] = pending["state"]
    uri = pending["redirect_uri"]
    if pending.get("response_mode") == "form_post":
        fields = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in values.items()
        )
        return _page(
            "Continue",
            f'<form method="post" action="{html.escape(uri)}">{fields}'
            '<button type="submit">Continue</button></form>'
            "<script>document.forms[0].submit()</script>",
        )
    sep = "&" if urlsplit(uri).query else "?"
    return Response(status=302, headers={"Location": f"{uri}{sep}{urlencode(values)}"})


def _session_user(app: DineroEmulator, request: Request) -> str | None:
    for part in request.header("cookie").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            return app.state["connect"]["sessions"].get(value)
    return None


def authorize(app: DineroEmulator, request: Request) -> Response:
    q = {k: v[0] for k, v in request.query.items() if v}
    client = app.state["connect_clients"].get(q.get("client_id", ""))
    if client is None:
        return _error_page("Unknown client_id.")
    redirect_uri = q.get("redirect_uri", "")
    if not _redirect_allowed(app, client, redirect_uri):
        return _error_page("The redirect_uri is not registered for this application.")
    pending: dict[str, Any] = {
        "client_id": q["client_id"],
        "redirect_uri": redirect_uri,
        "state": q.get("state"),
        "response_mode": q.get("response_mode", "query"),
        "scopes": q.get("scope", "").split(),
        "code_challenge": q.get("code_challenge", ""),
        "ui_locales": q.get("ui_locales", ""),
    }
    if pending["response_mode"] not in ("query", "form_post"):
        pending["response_mode"] = "query"
        return _back_to_app(pending, {"error": "invalid_request",
                                      "error_description": "response_mode"})  # fmt: skip
    if q.get("response_type") != "code":
        return _back_to_app(pending, {"error": "unsupported_response_type"})
    if not pending["code_challenge"] or q.get("code_challenge_method") != "S256":
        return _back_to_app(
            pending,
            {"error": "invalid_request", "error_description": "PKCE with S256 is required"},
        )
    unknown = [s for s in pending["scopes"] if s not in seed.CONNECT_SCOPES]
    if unknown or not any(s in API_SCOPES for s in pending["scopes"]):
        return _back_to_app(pending, {"error": "invalid_scope"})
    with app.lock:
        request_id = secrets.token_urlsafe(16)
        app.state["connect"]["requests"][request_id] = pending
        user = _session_user(app, request)
        if user is None:
            return _login_page(request_id)
        return _after_login(app, request_id, pending, user)


def _after_login(
    app: DineroEmulator, request_id: str, pending: dict[str, Any], user: str
) -> Response:
    pending["user"] = user
    granted = set(app.state["connect"]["consents"].get(f"{user}|{pending['client_id']}", []))
    if set(pending["scopes"]) <= granted:
        return _issue_code(app, request_id, pending)
    return _consent_page(app, request_id, pending)


def login(app: DineroEmulator, request: Request) -> Response:
    form = request.form()
    with app.lock:
        request_id = form.get("request", "")
        pending = app.state["connect"]["requests"].get(request_id)
        if pending is None:
            return _error_page("This login has expired. Start again from the application.")
        user = next(
            (u for u in app.state["connect_users"].values()
             if u["email"].lower() == form.get("email", "").strip().lower()),
            None,
        )  # fmt: skip
        if user is None or not secrets.compare_digest(user["password"], form.get("password", "")):
            return _login_page(request_id, "The e-mail or password is not right.")
        session = secrets.token_urlsafe(16)
        app.state["connect"]["sessions"][session] = user["email"]
        response = _after_login(app, request_id, pending, user["email"])
        response.headers["Set-Cookie"] = f"{SESSION_COOKIE}={session}; Path=/; HttpOnly"
        app.persist()
        return response


def consent(app: DineroEmulator, request: Request) -> Response:
    form = request.form()
    with app.lock:
        request_id = form.get("request", "")
        pending = app.state["connect"]["requests"].get(request_id)
        if pending is None or "user" not in pending:
            return _error_page("This consent has expired. Start again from the application.")
        if form.get("decision") != "allow":
            del app.state["connect"]["requests"][request_id]
            return _back_to_app(pending, {"error": "access_denied"})
        key = f"{pending['user']}|{pending['client_id']}"
        consents = app.state["connect"]["consents"]
        consents[key] = sorted(set(consents.get(key, [])) | set(pending["scopes"]))
        return _issue_code(app, request_id, pending)


def _issue_code(app: DineroEmulator, request_id: str, pending: dict[str, Any]) -> Response:
    code = secrets.token_urlsafe(24)
    app.state["connect"]["requests"].pop(request_id, None)
    app.state["connect"]["codes"][code] = {**pending, "expires_at": time.time()
                                           + CODE_LIFETIME_SECONDS}  # fmt: skip
    app.persist()
    return _back_to_app(pending, {"code": code, "scope": " ".join(pending["scopes"])})


# ------------------------------------------------------------------ token


def _oauth_error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description})


def _client(app: DineroEmulator, request: Request, form: dict[str, str]) -> str | None:
    """The authenticated client id (client_secret_basic or client_secret_post), else None."""
    auth = request.header("authorization")
    cid, secret = form.get("client_id", ""), form.get("client_secret", "")
    if auth.lower().startswith("basic "):
        try:
            cid, _, secret = (
                base64.b64decode(auth[6:].strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return None
    client = app.state["connect_clients"].get(cid)
    if client is None or not secrets.compare_digest(client["secret"], secret):
        return None
    return cid


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token(app: DineroEmulator, request: Request) -> Response:
    form = request.form()
    with app.lock:
        client_id = _client(app, request, form)
        if client_id is None:
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        grant = form.get("grant_type", "")
        if grant == "authorization_code":
            return _code_grant(app, client_id, form)
        if grant == "refresh_token":
            return _refresh_grant(app, client_id, form)
        return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant!r}")


def _code_grant(app: DineroEmulator, client_id: str, form: dict[str, str]) -> Response:
    grant = app.state["connect"]["codes"].pop(form.get("code", ""), None)  # one use only
    if grant is None or grant["expires_at"] < time.time() or grant["client_id"] != client_id:
        return _oauth_error(400, "invalid_grant", "The code is invalid or has expired")
    if form.get("redirect_uri", "") != grant["redirect_uri"]:
        return _oauth_error(400, "invalid_grant", "redirect_uri does not match")
    verifier = form.get("code_verifier", "")
    if not verifier or not secrets.compare_digest(_s256(verifier), grant["code_challenge"]):
        return _oauth_error(400, "invalid_grant", "code_verifier does not match")
    return _tokens(app, client_id, grant["user"], grant["scopes"])


def _refresh_grant(app: DineroEmulator, client_id: str, form: dict[str, str]) -> Response:
    refresh = app.state["connect"]["refresh"]
    old = form.get("refresh_token", "")
    info = refresh.get(old)
    now = time.time()
    if info is None or info["client_id"] != client_id or info["expires_at"] < now:
        return _oauth_error(400, "invalid_grant", "The refresh token is invalid")
    if app.config["connect_refresh_rotation"]:
        used = info.get("used_at")
        if used is not None and now - used > float(app.config["connect_refresh_grace_seconds"]):
            return _oauth_error(400, "invalid_grant", "The refresh token has been used")
        info.setdefault("used_at", now)
        return _tokens(app, client_id, info["user"], info["scopes"])
    return _tokens(app, client_id, info["user"], info["scopes"], keep_refresh=old)


def _tokens(
    app: DineroEmulator,
    client_id: str,
    user: str,
    scopes: list[str],
    keep_refresh: str | None = None,
) -> Response:
    lifetime = float(app.config["connect_access_token_seconds"])
    access = secrets.token_urlsafe(32)
    app.state["tokens"][access] = {
        "kind": "connect",
        "user": user,
        "client_id": client_id,
        "scopes": list(scopes),
        "expires_at": time.time() + lifetime,
    }
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(lifetime),
        "scope": " ".join(scopes),
    }
    if "offline_access" in scopes:
        refresh = keep_refresh or secrets.token_urlsafe(32)
        if keep_refresh is None:
            app.state["connect"]["refresh"][refresh] = {
                "client_id": client_id,
                "user": user,
                "scopes": list(scopes),
                "expires_at": time.time() + REFRESH_LIFETIME_SECONDS,
            }
        body["refresh_token"] = refresh
    app.persist()
    return json_response(200, body)
