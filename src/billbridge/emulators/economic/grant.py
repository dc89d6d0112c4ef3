"""The app-installation ("grant access") flow at ``/secure/api1/requestaccess.aspx``.

Rests on economic.md §1.3: query ``appPublicToken`` (older integrations: ``appId``),
``redirectUrl``, ``locale``; after **Tilføj app** the browser goes to ``redirectUrl`` with
``token=<AgreementGrantToken>`` appended (param name confirmed by code, not docs); no
redirectUrl → the token is shown on the page. It is not OAuth: nothing is echoed, but the
redirectUrl's own query (e.g. the client's ``state``) is kept. On **Annuller** the emulator
appends ``error=access_denied`` — the real parameter name is UNCONFIRMED (§9).
The real flow runs under a login session; here a cookie ``EconomicEmulatorSession``.
"""

from __future__ import annotations

import html
import secrets
import urllib.parse
from typing import Any

from ..common import Request, Response, html_response
from .seed import APP_NAME, APP_ROLE, new_grant_token

COOKIE = "EconomicEmulatorSession"
CANCEL_PARAM = ("error", "access_denied")

_CSS = """
body{font-family:system-ui,Arial,sans-serif;background:#f4f6f8;margin:0;color:#1d2b36}
header{background:#00263e;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.3px}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:8px;padding:28px 32px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:22px;margin:0 0 16px} label{display:block;margin:14px 0 4px;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:9px;border:1px solid #b8c2cc;
border-radius:4px;box-sizing:border-box}
button{padding:10px 18px;border-radius:4px;border:1px solid #00263e;font-size:15px;cursor:pointer}
.primary{background:#1b7f4f;border-color:#1b7f4f;color:#fff} .secondary{background:#fff}
.row{display:flex;gap:10px;margin-top:22px} .error{color:#b00020;margin:8px 0}
dl{display:grid;grid-template-columns:110px 1fr;gap:8px 12px} dt{font-weight:600}
.agreement{display:block;width:100%;text-align:left;margin:8px 0;background:#fff}
code{word-break:break-all;background:#eef1f4;padding:4px 6px;border-radius:3px}
"""


def _page(title: str, body: str, status: int = 200) -> Response:
    doc = (
        f'<!doctype html><html lang="da"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} - e-conomic</title><style>{_CSS}</style></head>"
        f"<body><header>e-conomic</header><main>{body}</main></body></html>"
    )
    return html_response(status, doc)


def _error_page(message: str) -> Response:
    return _page(
        "Fejl", f"<h1>Der opstod en fejl</h1><p class='error'>{html.escape(message)}</p>", 400
    )


def _action(request: Request) -> str:
    query = urllib.parse.urlencode([(k, v) for k, vs in request.query.items() for v in vs])
    return html.escape(f"{request.path}?{query}")


def _login_page(request: Request, error: str = "") -> Response:
    err = f"<p class='error'>{html.escape(error)}</p>" if error else ""
    body = f"""<h1>Log ind</h1>
<p>Log ind på e-conomic for at give en app adgang til dit regnskab.</p>{err}
<form method="post" action="{_action(request)}">
<input type="hidden" name="action" value="login">
<label for="username">Brugernavn</label>
<input type="text" id="username" name="username" autocomplete="username" required>
<label for="password">Adgangskode</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="row"><button class="primary" type="submit">Log ind</button></div>
</form>"""
    return _page("Log ind", body)


def _choose_page(request: Request, agreements: list[dict[str, Any]]) -> Response:
    buttons = "".join(
        f'<button class="agreement" type="submit" name="agreement" '
        f'value="{a["agreementNumber"]}">{html.escape(a["company"]["name"])} '
        f"(aftale {a['agreementNumber']})</button>"
        for a in agreements
    )
    body = f"""<h1>Vælg aftale</h1>
<p>Vælg den aftale (det regnskab), som appen skal have adgang til.</p>
<form method="post" action="{_action(request)}">
<input type="hidden" name="action" value="choose">{buttons}</form>"""
    return _page("Vælg aftale", body)


def _add_app_page(request: Request, agreement: dict[str, Any]) -> Response:
    n = agreement["agreementNumber"]
    body = f"""<h1>Tilføj app</h1>
<p>Appen <strong>{html.escape(APP_NAME)}</strong> ønsker adgang til dit regnskab.</p>
<dl><dt>App</dt><dd>{html.escape(APP_NAME)}</dd>
<dt>Aftale</dt><dd>{html.escape(agreement["company"]["name"])} ({n})</dd>
<dt>Rolle</dt><dd>{html.escape(APP_ROLE["name"])}</dd></dl>
<form method="post" action="{_action(request)}">
<input type="hidden" name="agreement" value="{n}">
<div class="row">
<button class="primary" type="submit" name="action" value="approve">Tilføj app</button>
<button class="secondary" type="submit" name="action" value="cancel">Annuller</button></div>
</form>"""
    return _page("Tilføj app", body)


def _with_params(url: str, *params: tuple[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + list(params)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _redirect(location: str, extra_headers: dict[str, str] | None = None) -> Response:
    headers = {"Location": location, "Content-Type": "text/html; charset=utf-8"}
    headers.update(extra_headers or {})
    return Response(status=302, body=b"", headers=headers)


def _session_user(app: Any, request: Request) -> dict[str, Any] | None:
    cookies = request.header("cookie")
    for part in cookies.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value in app.sessions:
            username = app.sessions[value]
            return next((u for u in app.state["users"] if u["username"] == username), None)
    return None


def request_access(app: Any, request: Request) -> Response:
    """GET shows the next page of the flow; POST handles login / choice / Tilføj app / Annuller."""
    q = {k.lower(): v[0] for k, v in request.query.items() if v}
    public = q.get("apppublictoken") or q.get("appid")
    if not public:
        return _error_page("Parameteren appPublicToken mangler.")
    if public != app.state["app"]["appPublicToken"]:
        return _error_page("Ukendt app. Kontroller appPublicToken.")
    redirect_url = q.get("redirecturl")
    if redirect_url and urllib.parse.urlsplit(redirect_url).scheme not in ("http", "https"):
        return _error_page("redirectUrl skal være en absolut http(s)-adresse.")
    with app.lock:
        user = _session_user(app, request)
        form = request.form() if request.method == "POST" else {}
        action = form.get("action", "")
        if action == "login":
            match = next(
                (
                    u
                    for u in app.state["users"]
                    if u["username"].lower() == form.get("username", "").strip().lower()
                    and u["password"] == form.get("password", "")
                ),
                None,
            )
            if not match:
                return _login_page(request, "Forkert brugernavn eller adgangskode.")
            sid = secrets.token_urlsafe(24)
            app.sessions[sid] = match["username"]
            cookie = f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"
            return _redirect(f"{request.path}?{request_query(request)}", {"Set-Cookie": cookie})
        if user is None:
            return _login_page(request)
        mine = [
            app.state["agreements"][str(n)]
            for n in user["agreementNumbers"]
            if str(n) in app.state["agreements"]
        ]
        chosen = None
        if form.get("agreement"):
            chosen = next((a for a in mine if str(a["agreementNumber"]) == form["agreement"]), None)
            if chosen is None:
                return _error_page("Du har ikke adgang til den valgte aftale.")
        if action == "cancel":
            if redirect_url:
                return _redirect(_with_params(redirect_url, CANCEL_PARAM))
            return _page("Annulleret", "<h1>Annulleret</h1><p>Appen blev ikke tilføjet.</p>")
        if action == "approve" and chosen is not None:
            if chosen.get("grantRevoked"):
                chosen["grantGeneration"] = chosen.get("grantGeneration", 0) + 1
                chosen["grantToken"] = new_grant_token(
                    chosen["agreementNumber"], chosen["grantGeneration"]
                )
                chosen["grantRevoked"] = False
                app.persist()
            token = chosen["grantToken"]
            if redirect_url:
                return _redirect(_with_params(redirect_url, ("token", token)))
            body = (
                "<h1>Appen er tilføjet</h1><p>Kopiér dette token til appen:</p>"
                f"<p><code id='token'>{html.escape(token)}</code></p>"
            )
            return _page("Appen er tilføjet", body)
        if chosen is not None:
            return _add_app_page(request, chosen)
        if len(mine) == 1:
            return _add_app_page(request, mine[0])
        if not mine:
            return _error_page("Brugeren har ingen aftaler.")
        return _choose_page(request, mine)


def request_query(request: Request) -> str:
    """The original query string (for redirecting back after login)."""
    return urllib.parse.urlencode([(k, v) for k, vs in request.query.items() for v in vs])


def logout(app: Any, request: Request) -> Response:
    """Drop the session (handy in manual tests)."""
    cookie = f"{COOKIE}=; Path=/; Max-Age=0"
    return Response(
        status=200, body=b"Logget ud.", headers={"Set-Cookie": cookie, "Content-Type": "text/plain"}
    )
