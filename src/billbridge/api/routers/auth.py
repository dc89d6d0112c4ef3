"""Exchanging an e-mail address and password for an API token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router

from billbridge.accounts.models import ApiToken
from billbridge.api.errors import ApiError
from billbridge.api.schemas import ErrorOut, TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut})
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """A new token for the user; the raw value is shown this once and only its hash is kept."""
    user = authenticate(request, email=payload.email.strip().lower(), password=payload.password)
    if user is None:
        raise ApiError(401, "Wrong e-mail address or password.")
    _, raw = ApiToken.objects.issue(user, "api")
    return {"token": raw}
