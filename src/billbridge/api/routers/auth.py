"""API tokens (issue 15 item 3): exchanged for an e-mail address and password, named, expiring,
listed and revoked by their owner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import Http404, HttpRequest
from ninja import Router, Status

from billbridge.accounts import two_factor
from billbridge.accounts.models import ApiToken
from billbridge.accounts.services import create_token, revoke_token, tokens_of
from billbridge.api.auth import is_db_id
from billbridge.api.errors import ApiError
from billbridge.api.schemas import ErrorOut, NewTokenIn, TokenIn, TokenInfoOut, TokenOut

router = Router(tags=["auth"])
tokens_router = Router(tags=["auth"])


def token_info(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "usable": token.is_usable,
    }


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    """A new named token for the user; its value is shown this once and only its hash is kept.

    Throttled like the web login (accounts.lockout): after too many failures from one address
    or for one account the answer is 429 with `Retry-After`, whatever the password.

    An account with two-factor log-in also sends `code` (the authenticator app's, or a
    recovery code): without it, or with a wrong one, the answer is 401 naming `code`; after
    too many wrong codes, 429 with `Retry-After`.
    """
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None:
        raise ApiError(401, "Wrong e-mail address or password.")
    if two_factor.is_enabled(user):
        try:
            two_factor.verify(user, payload.code, request)
        except two_factor.CodeRefused as refused:
            if refused.retry_after is not None:
                headers = {"Retry-After": str(refused.retry_after)}
                raise ApiError(429, refused.message, headers=headers) from None
            raise ApiError(401, refused.message, field="code") from None
    # As the web login does: the security log and axes (which forgets earlier failures) hear it.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    token, raw = create_token(user, payload.name, payload.expires_in_days, request)
    return {**token_info(token), "token": raw}


@tokens_router.get("", response=list[TokenInfoOut])
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own tokens, newest first, revoked and expired ones included."""
    return [token_info(t) for t in tokens_of(request.auth)]  # type: ignore[arg-type]


@tokens_router.post("", response={201: TokenOut})
def new_token(request: HttpRequest, payload: NewTokenIn) -> Status:
    """Another token for the caller, e.g. one per program, each revocable on its own."""
    token, raw = create_token(request.auth, payload.name, payload.expires_in_days, request)  # type: ignore[arg-type]
    return Status(201, {**token_info(token), "token": raw})


@tokens_router.delete("/{token_id}", response={204: None})
def delete_token(request: HttpRequest, token_id: int) -> Status:
    """Revoke one of the caller's tokens at once (also the one making this call)."""
    if not is_db_id(token_id):
        raise Http404
    revoke_token(request.auth, token_id, request)  # type: ignore[arg-type]
    return Status(204, None)
