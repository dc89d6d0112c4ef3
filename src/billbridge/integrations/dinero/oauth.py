"""Visma Connect, the way into Dinero for a product used by many companies (dinero.md §1.1).

OAuth 2.0 authorization code with PKCE (S256), through Authlib's httpx client (no hand-made
PKCE): `start` gives the authorize URL with its state and code verifier, `exchange` turns the
code into tokens, `refresh` renews them (Visma Connect may rotate the refresh token: the new
one always replaces the old). No Django here: URLs and app credentials come in as arguments.
Failures leave as `AccountingError`: a refused code or refresh token is CREDENTIALS
"connect_refused" (a person must connect again), a transport failure UNAVAILABLE.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import authlib.deprecate  # noqa: F401  imported first for its warnings filter, see below
import httpx

# Authlib 1.9 announces a move to httpx2; httpx is ours. Its deprecate module turns its own
# warnings to "always" as it is first imported, which inside catch_warnings would win over the
# "ignore" (the demo printed the warning once per process): imported above, its filter is in
# place before, and the "ignore" comes first.

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.common.security import generate_token
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

from billbridge.integrations.base import AccountingError, ErrorKind
from billbridge.integrations.transport import CallInfo

# The scopes Dinero's public API asks for; offline_access brings the refresh token.
SCOPES = "dineropublicapi:read dineropublicapi:write offline_access"
AUTHORIZE_PATH = "/connect/authorize"
TOKEN_PATH = "/connect/token"
# Renew an access token this many seconds before Visma Connect says it expires.
EXPIRY_MARGIN_SECONDS = 60.0
# Words for RFC 6749's error codes a person can meet on the way back from Visma Connect.
REFUSED = "connect_refused"
DENIED = "connect_denied"


@dataclass(frozen=True)
class Authorization:
    """A started authorization: send the browser to `url`; keep `state` and `code_verifier`
    (secret) until the callback."""

    url: str
    state: str
    code_verifier: str


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
        }

    def fresh(self, now: float | None = None) -> bool:
        """Whether the access token still has more than the margin to live."""
        return self.expires_at - EXPIRY_MARGIN_SECONDS > (now or time.time())


class VismaConnect:
    """billbridge's Visma Connect app (client id `isv_…` and secret) at `base_url`."""

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 15.0,
        on_call: Callable[[CallInfo], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self.on_call = on_call
        self.transport = transport

    @property
    def authorize_url(self) -> str:
        return self.base_url + AUTHORIZE_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def _client(self, redirect_uri: str | None = None) -> OAuth2Client:
        hooks: dict[str, list[Any]] = {}
        if self.on_call is not None:
            hooks = {"request": [_started], "response": [self._report]}
        return OAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scope=SCOPES,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=self.timeout,
            event_hooks=hooks,
            transport=self.transport,
        )

    def _report(self, response: httpx.Response) -> None:
        started = response.request.extensions.get("billbridge_started", time.monotonic())
        assert self.on_call is not None
        self.on_call(
            CallInfo(
                method=response.request.method,
                path=response.request.url.path,
                status=response.status_code,
                duration_ms=int((time.monotonic() - started) * 1000),
                outcome="ok" if response.status_code < 400 else f"http_{response.status_code}",
            )
        )

    def start(self, redirect_uri: str, *, state: str, locale: str = "") -> Authorization:
        """The authorize URL for the browser: PKCE S256 with a fresh code verifier."""
        verifier = generate_token(64)
        extra = {"ui_locales": locale} if locale else {}
        with self._client(redirect_uri) as client:
            url, state = client.create_authorization_url(
                self.authorize_url, state=state, code_verifier=verifier, **extra
            )
        return Authorization(url=url, state=state, code_verifier=verifier)

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
        """The code from the callback → tokens (the code is good once, for minutes)."""
        with self._client(redirect_uri) as client:
            return self._tokens(
                lambda: client.fetch_token(
                    self.token_url,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
            )

    def refresh(self, refresh_token: str) -> Tokens:
        """New tokens; the refresh token that comes back replaces the old one (rotation)."""
        with self._client() as client:
            tokens = self._tokens(
                lambda: client.refresh_token(self.token_url, refresh_token=refresh_token)
            )
        if not tokens.refresh_token:  # a re-usable refresh token is not sent again
            tokens = Tokens(tokens.access_token, refresh_token, tokens.expires_at)
        return tokens

    @staticmethod
    def _tokens(call: Callable[[], dict[str, Any]]) -> Tokens:
        try:
            body = call()
        except OAuthError as exc:
            # invalid_client: billbridge's own app credentials, an operator's matter.
            code = "invalid_client" if exc.error == "invalid_client" else REFUSED
            raise AccountingError(ErrorKind.CREDENTIALS, code, exc.error or "") from exc
        except httpx.TimeoutException as exc:
            raise AccountingError(ErrorKind.UNAVAILABLE, "timeout", type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", type(exc).__name__) from exc
        except ValueError as exc:  # not JSON: a proxy's error page, an outage
            raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", "no JSON") from exc
        access = str(body.get("access_token") or "")
        if not access:
            raise AccountingError(ErrorKind.UNAVAILABLE, "unavailable", "no access_token")
        expires_at = body.get("expires_at")
        if expires_at is None:
            expires_at = time.time() + float(body.get("expires_in") or 3600)
        return Tokens(access, str(body.get("refresh_token") or ""), float(expires_at))


def _started(request: httpx.Request) -> None:
    request.extensions["billbridge_started"] = time.monotonic()
