"""e-conomic error bodies.

Shape rests on economic.md §5.2: the observed 2026 production body (``message``, ``errorCode``,
``developerHint``, ``logId`` as ``<16 hex>-<DC>``, ``httpStatusCode``, ``logTime`` without zone,
optional ``errors`` and ``errorCount``) and the 404 fixture of traels-it/economic-rest.
Error codes other than E04300/E04041/E07150/E06000/E04740/E04730 are this emulator's guesses.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

# Default messages per status; wording of 404 is the fixture's, the rest are guesses.
_DEFAULTS: dict[int, tuple[str, str, str]] = {
    400: ("Bad request.", "E04000", "Inspect your request and correct it."),
    401: (
        "Unauthorized. The supplied tokens are not valid.",
        "E02250",
        "Supply a valid X-AppSecretToken and X-AgreementGrantToken header.",
    ),
    403: (
        "Forbidden.",
        "E02300",
        "The agreement or the role of the grant does not give access to this resource.",
    ),
    404: (
        "Resource not found.",
        "E06000",
        "The API tries to provide all the resource urls you need. "
        "Follow the links instead of building urls yourself.",
    ),
    405: ("Method not allowed.", "E05000", "This resource does not support this HTTP method."),
    415: (
        "Unsupported media type.",
        "E05100",
        "Our API is a JSON api. Send Content-Type: application/json.",
    ),
    429: (
        "Too many requests.",
        "E05900",
        "Slow down and retry after the number of seconds in the Retry-After header.",
    ),
    500: ("Internal server error.", "E09000", "Try again, or contact support."),
    503: ("Service unavailable.", "E09100", "Try again later."),
}


def log_id() -> str:
    """A fresh ``logId`` in the 2024-2026 format (16 hex + data-centre suffix)."""
    return f"{secrets.token_hex(8)}-CPH"


def log_time() -> str:
    """``logTime``: no zone, as observed."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


def error_body(
    status: int,
    message: str | None = None,
    *,
    error_code: str | None = None,
    developer_hint: str | None = None,
    errors: Any = None,
    error_count: int | None = None,
) -> dict[str, Any]:
    """Build one error body; keys in the observed order."""
    d_msg, d_code, d_hint = _DEFAULTS.get(status, ("Error.", "E00000", ""))
    body: dict[str, Any] = {
        "message": message or d_msg,
        "errorCode": error_code or d_code,
        "developerHint": developer_hint or d_hint,
        "logId": log_id(),
        "httpStatusCode": status,
    }
    if errors is not None:
        body["errors"] = errors
    body["logTime"] = log_time()
    if error_count is not None:
        body["errorCount"] = error_count
    return body


class ApiError(Exception):
    """Raised by handlers; the server turns it into a JSON error response."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        error_code: str | None = None,
        developer_hint: str | None = None,
        errors: Any = None,
        error_count: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or str(status))
        self.status = status
        self.headers = headers or {}
        self.body = error_body(
            status,
            message,
            error_code=error_code,
            developer_hint=developer_hint,
            errors=errors,
            error_count=error_count,
        )


def leaf_error(
    property_name: str,
    message: str,
    error_code: str,
    input_value: Any = None,
    hint: str = "Inspect validation errors and correct your request.",
) -> dict[str, Any]:
    """One leaf of a validation error, keys as in the 2026 production body."""
    leaf: dict[str, Any] = {
        "propertyName": property_name,
        "errorMessage": message,
        "errorCode": error_code,
    }
    if input_value is not None:
        leaf["inputValue"] = input_value
    leaf["developerHint"] = hint
    return leaf
