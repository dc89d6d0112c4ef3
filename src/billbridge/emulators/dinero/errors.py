"""Dinero's error answers, as far as they are known.

The OpenAPI file has no schema for error bodies. The body used here is what public clients
parse (dinero.md §5): `{code, message, validationErrors: {field: message}, errorMessageList:
[{Code, Message}]}` - key casing and the field-key format are a [GUESS]; clients must never
rely on `validationErrors` keys to tell which row of a batch failed (they ask the status call).
"""

from __future__ import annotations

from typing import Any

from billbridge.emulators.common import Response, json_response

# Error codes in the body's `code` (developer.dinero.dk error and status page, dinero.md §5).
CODE_NOT_FOUND = 40
CODE_UNAUTHORIZED = 41
CODE_VALIDATION = 42
CODE_LIMIT = 43
CODE_OUTDATED = 58  # an outdated Version ("timestamp outdated")
CODE_NO_PRO = 90  # 403 without a Dinero Pro subscription (48 in the old docs)
CODE_DUPLICATE = 72  # [GUESS] a public client treats 409 or code 72 as "already exists"

RATE_LIMIT_TEXT = "API calls quota exceeded! maximum admitted 100 per 1m."
# "API calls quota exceeded! (...)" is Dinero's text (best-practices page); the rest is a
# [GUESS] after the Ocelot gateway's default message, which that text matches; plain text.

BROWNOUT_TEXT = (
    "This endpoint is deprecated and is temporarily unavailable (brownout). "
    "Please migrate to the current version."
)  # [GUESS] 480's body: Dinero's pages name the status and its meaning, not the body


def dinero_error(
    status: int,
    code: int,
    message: str,
    validation_errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Dinero's error body [GUESS keys, see the module docstring]."""
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "validationErrors": validation_errors or {},
        "errorMessageList": [
            {"Code": key, "Message": value} for key, value in (validation_errors or {}).items()
        ],
    }
    return json_response(status, body, headers)


class ApiError(Exception):
    """Raised inside a handler: answer `status` with Dinero's error body."""

    def __init__(
        self,
        errors: dict[str, str],
        message: str = "Validation failed",
        status: int = 400,
        code: int = CODE_VALIDATION,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.errors = errors
        self.message = message
        self.status = status
        self.code = code
        self.headers = headers

    def response(self) -> Response:
        return dinero_error(self.status, self.code, self.message, self.errors, self.headers)


# The old name, kept for readers of earlier commits' tests.
ValidationFailed = ApiError
