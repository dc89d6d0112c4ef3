"""The app-installation ("grant access") flow at ``/secure/api1/requestaccess.aspx``.

Rests on economic.md §1.3: query ``appPublicToken`` (older integrations: ``appId``),
``redirectUrl``, ``locale``; after **Tilføj app** the browser goes to ``redirectUrl`` with
``token=<AgreementGrantToken>`` appended (param name confirmed by code, not docs); no
redirectUrl → the token is shown on the page. It is not OAuth: nothing is echoed, but the
redirectUrl's own query (e.g. the client's ``state``) is kept. On **Annuller** the emulator
appends ``error=access_denied`` — the real parameter name is UNCONFIRMED (§9).
The real flow runs under a login session; here a cookie ``EconomicEmulatorSession``.

Administrators (accountants, economic.md §1.4, §10.3): there is no agreement chooser. An
administrator logs in to e-conomic (``/secure/``), clicks *Administrer* on one client agreement
and then follows the installation URL; the grant goes to that agreement. Following it while
administering none shows e-conomic's "You must be actively administering an agreement" page.
One agreement is administered at a time per login session. [GUESS: the administration page's
address (``/secure/``), its layout and the words "Kunder", "Administrer" (e-conomic's English
"Administer"), "Afslut administration"; a 403 for the "actively administering" page.]
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
table{border-collapse:collapse;margin:8px 0} td,th{padding:4px 8px;text-align:left}
.muted{color:#6b7780}
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


def _session(app: Any, request: Request) -> dict[str, Any] | None:
    """The login session named by the cookie: ``{"username", "administering"}``."""
    for part in request.header("cookie").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value in app.sessions:
            return app.sessions[value]  # type: ignore[no-any-return]
    return None


def _session_user(app: Any, session: dict[str, Any] | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return next((u for u in app.state["users"] if u["username"] == session["username"]), None)


def active_agreement(
    app: Any, session: dict[str, Any], user: dict[str, Any]
) -> dict[str, Any] | None:
    """The agreement the user is in right now: an administrator's is the one administered (none
    until *Administrer* is clicked); anyone else's is their own [GUESS: a user who is not an
    administrator belongs to one agreement]."""
    agreements = app.state["agreements"]
    if user.get("administrator"):
        number = session.get("administering")
        return agreements.get(str(number)) if number is not None else None
    own = [agreements[str(n)] for n in user["agreementNumbers"] if str(n) in agreements]
    return own[0] if own else None


def _login(app: Any, request: Request, form: dict[str, str]) -> Response | None:
    """Log in from `form`; a redirect back to the same page with the session cookie, or None
    when the user name or password is wrong."""
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
        return None
    sid = secrets.token_urlsafe(24)
    app.sessions[sid] = {"username": match["username"], "administering": None}
    cookie = f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax"
    return _redirect(f"{request.path}?{request_query(request)}", {"Set-Cookie": cookie})


def _logged_in(
    app: Any, request: Request
) -> tuple[Response | None, dict[str, Any], dict[str, Any], dict[str, str]]:
    """The login step of both pages: (a page to answer instead, or None; session; user;
    form)."""
    session = _session(app, request)
    user = _session_user(app, session)
    form = request.form() if request.method == "POST" else {}
    if form.get("action") == "login":
        answer = _login(app, request, form)
        page = answer or _login_page(request, "Forkert brugernavn eller adgangskode.")
        return page, {}, {}, form
    if user is None or session is None:
        return _login_page(request), {}, {}, form
    return None, session, user, form


def _not_administering_page(request: Request) -> Response:
    """An administrator who administers no agreement cannot add apps. The English words are
    e-conomic's, as quoted by Pleo's help centre (economic.md §1.4); the Danish are [GUESS]."""
    back = urllib.parse.quote(f"{request.path}?{request_query(request)}", safe="")
    body = f"""<h1>Vælg den aftale, du administrerer</h1>
<p class='error' data-testid='not-administering'>Du skal aktivt administrere en aftale for at
tilføje apps som administrator. Skift til den kundeaftale, du vil give adgang til, og følg
app-linket igen.</p>
<p class='muted' lang='en'>You must be actively administering an agreement to add apps as an
administrator. Please switch to the client agreement you wish to grant access to and follow the
app-link again.</p>
<p><a href="/secure/?returnUrl={back}">Gå til administration</a></p>"""
    return _page("Administrer en aftale", body, 403)


def request_access(app: Any, request: Request) -> Response:
    """GET shows the next page of the flow; POST handles login / Tilføj app / Annuller.

    There is no agreement chooser (economic.md §10.3): the grant goes to the agreement the user
    is in — for an administrator, the one they clicked *Administrer* on (``/secure/``)."""
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
        page, session, user, form = _logged_in(app, request)
        if page is not None:
            return page
        action = form.get("action", "")
        active = active_agreement(app, session, user)
        if active is None:
            if user.get("administrator"):
                return _not_administering_page(request)
            return _error_page("Brugeren har ingen aftaler.")
        if form.get("agreement") and form["agreement"] != str(active["agreementNumber"]):
            # The page was for another agreement than the one administered now [GUESS].
            return _error_page(
                "Du administrerer nu en anden aftale end den, siden blev vist for. "
                "Følg app-linket igen."
            )
        if action == "cancel":
            if redirect_url:
                return _redirect(_with_params(redirect_url, CANCEL_PARAM))
            return _page("Annulleret", "<h1>Annulleret</h1><p>Appen blev ikke tilføjet.</p>")
        if action == "approve":
            if active.get("grantRevoked"):
                renew_grant(active)
                app.persist()
            token = active["grantToken"]
            if redirect_url:
                return _redirect(_with_params(redirect_url, ("token", token)))
            body = (
                "<h1>Appen er tilføjet</h1><p>Kopiér dette token til appen:</p>"
                f"<p><code id='token'>{html.escape(token)}</code></p>"
            )
            return _page("Appen er tilføjet", body)
        return _add_app_page(request, active)


def renew_grant(agreement: dict[str, Any]) -> None:
    """A revoked agreement adds the app again: a new grant token (the old one stays dead)."""
    if agreement.get("grantRevoked"):
        agreement["grantGeneration"] = agreement.get("grantGeneration", 0) + 1
        agreement["grantToken"] = new_grant_token(
            agreement["agreementNumber"], agreement["grantGeneration"]
        )
        agreement["grantRevoked"] = False


def _return_url(request: Request) -> str:
    """Where the administration page links back to: only the installation URL [GUESS: an
    emulator convenience; real e-conomic leaves it to the user to follow the app link again]."""
    url = request.query_value("returnUrl") or ""
    return url if url.startswith("/secure/api1/requestaccess.aspx") else ""


def administration(app: Any, request: Request) -> Response:
    """``/secure/``: log in to e-conomic; an administrator clicks *Administrer* on one client
    agreement at a time (economic.md §1.4: "first click 'Administer' on the accounting
    agreement you want to generate a token for, before you can follow the Installation URL")."""
    with app.lock:
        page, session, user, form = _logged_in(app, request)
        if page is not None:
            return page
        action = form.get("action", "")
        here = f"{request.path}?{request_query(request)}"
        if action == "administer" and user.get("administrator"):
            number = form.get("agreement", "")
            if number not in {str(n) for n in user["agreementNumbers"]}:
                return _error_page("Du administrerer ikke den aftale.")
            session["administering"] = int(number)
            return _redirect(here)
        if action == "stop":
            session["administering"] = None
            return _redirect(here)
        return _administration_page(app, request, session, user)


def _administration_page(
    app: Any, request: Request, session: dict[str, Any], user: dict[str, Any]
) -> Response:
    esc = html.escape
    active = active_agreement(app, session, user)
    back = _return_url(request)
    parts = [f"<h1>e-conomic</h1><p>Logget ind som {esc(user.get('name', user['username']))}.</p>"]
    if active is not None:
        label = f"{esc(active['company']['name'])} (aftale {active['agreementNumber']})"
        verb = "administrerer nu" if user.get("administrator") else "er i"
        parts.append(f"<p data-testid='active-agreement'>Du {verb} <strong>{label}</strong>.</p>")
    if user.get("administrator"):
        rows = []
        for n in user["agreementNumbers"]:
            a = app.state["agreements"].get(str(n))
            if a is None:
                continue
            current = active is not None and active["agreementNumber"] == n
            button = (
                "<em>administreres nu</em>"
                if current
                else f'<button class="secondary" type="submit" name="agreement" value="{n}">'
                f"Administrer</button>"
            )
            rows.append(
                f"<tr data-testid='client-{n}'><td>{esc(a['company']['name'])}</td>"
                f"<td>{n}</td><td>{button}</td></tr>"
            )
        parts.append(
            "<h2>Kunder</h2>"
            f'<form method="post" action="{_action(request)}">'
            '<input type="hidden" name="action" value="administer">'
            "<table><tr><th>Virksomhed</th><th>Aftale</th><th></th></tr>"
            + "".join(rows)
            + "</table></form>"
        )
        if active is not None:
            parts.append(
                f'<form method="post" action="{_action(request)}">'
                '<button class="secondary" type="submit" name="action" value="stop">'
                "Afslut administration</button></form>"
            )
    if back:
        parts.append(f'<p><a href="{esc(back)}">Følg app-linket igen</a></p>')
    parts.append('<p><a href="/secure/logout">Log ud</a></p>')
    return _page("e-conomic", "".join(parts))


def request_query(request: Request) -> str:
    """The original query string (for redirecting back after login)."""
    return urllib.parse.urlencode([(k, v) for k, vs in request.query.items() for v in vs])


def logout(app: Any, request: Request) -> Response:
    """Drop the session (handy in manual tests)."""
    cookie = f"{COOKIE}=; Path=/; Max-Age=0"
    return Response(
        status=200, body=b"Logget ud.", headers={"Set-Cookie": cookie, "Content-Type": "text/plain"}
    )
