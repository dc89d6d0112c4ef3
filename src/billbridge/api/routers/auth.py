"""Exchanging an e-mail address and password for an API token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from ninja import Router

from billbridge.accounts.models import ApiToken
from billbridge.api.errors import ApiError
from billbridge.api.schemas import ErrorOut, TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """A new token for the user; the raw value is shown this once and only its hash is kept.

    Throttled like the web login (accounts.lockout): after too many failures from one address
    or for one account the answer is 429 with `Retry-After`, whatever the password.
    """
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None:
        raise ApiError(401, "Wrong e-mail address or password.")
    # As the web login does: the security log and axes (which forgets earlier failures) hear it.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    _, raw = ApiToken.objects.issue(user, "api")
    return {"token": raw}
