"""Every error is JSON a person can read: `{"detail": "...", "errors": [{"field", "message"}]}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# The services name model fields; the API names the JSON fields a client sent.
FIELD_ALIASES = {"category": "category_id", "payment_method": "payment_method_id"}
NON_FIELD = "__all__"
# Where ninja says an error sits; the next part of `loc` is the field (or the schema's name).
LOCATIONS = {"body", "form", "file", "query", "path", "header", "cookie"}
# The error type of a body that is not a JSON object (schemas.InputSchema): about no one field.
NOT_AN_OBJECT = "not_an_object"


class ApiError(Exception):
    """An error a route raises on purpose, with its status and words (e.g. 403, 409)."""

    def __init__(
        self,
        status: int,
        detail: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.headers = headers or {}


def error_body(detail: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _summary(errors: list[dict[str, Any]]) -> str:
    parts = [f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors]
    return "; ".join(parts) or "The request is not valid."


def _field_from_loc(loc: list[Any] | tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
        # A body schema is nested under its parameter's name ("payload"): drop it.
        if len(parts) > 1 and loc[0] in ("body", "form"):
            parts = parts[1:]
    return ".".join(parts) or None


def _clean_message(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def ninja_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "field": None if e.get("type") == NOT_AN_OBJECT else _field_from_loc(e.get("loc", ())),
            "message": _clean_message(str(e.get("msg"))),
        }
        for e in errors
    ]


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "field": None if field == NON_FIELD else FIELD_ALIASES.get(field, field),
                "message": message,
            }
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's defaults so no error is a bare list or an HTML page."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = ninja_errors(exc.errors)
        return respond(request, 422, error_body(_summary(errors), errors))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = django_errors(exc)
        return respond(request, 422, error_body(_summary(errors), errors))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            error_body(
                "Authentication required: send 'Authorization: Bearer <token>' with a token "
                "from POST /api/v1/auth/token."
            ),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("Not found."))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return respond(request, exc.status_code, error_body(detail))

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.detail}] if exc.field else []
        response = respond(request, exc.status, error_body(exc.detail, errors))
        for name, value in exc.headers.items():
            response[name] = value
        return response
