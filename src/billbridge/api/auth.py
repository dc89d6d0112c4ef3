"""Token authentication and the tenant check every company-scoped route relies on."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from billbridge.accounts.models import ApiToken
from billbridge.accounts.services import membership_or_404
from billbridge.accounts.tenancy import (
    MAX_ID,
    CompanyId,
    company_for,
    is_db_id,
    membership_for,
    require_route_role,
)
from billbridge.integrations.pages import integrate_refusal


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, and membership of `{company_id}` when the path has one.

    The membership is checked here, before ninja validates the body, so a foreign company is a
    404 on every route (never a 403 or a 422 that would reveal the route's shape).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.objects.authenticate(token)
        if user is None:
            return None
        request.user = user
        match = getattr(request, "resolver_match", None)
        raw_company_id = match.kwargs.get("company_id") if match else None
        if raw_company_id is not None:
            try:
                company_id = int(raw_company_id)
            except (TypeError, ValueError):
                raise Http404 from None
            if not is_db_id(company_id):
                raise Http404
            membership = membership_or_404(user, company_id)
            require_route_role(request, membership)  # the one roles table, accounts.roles
            request._api_membership = membership  # type: ignore[attr-defined]
        return user


__all__ = [
    "MAX_ID",
    "CompanyId",
    "IntegrationAuth",
    "TokenAuth",
    "company_for",
    "is_db_id",
    "membership_for",
]


class IntegrationAuth(TokenAuth):
    """TokenAuth for an integration's routes: the company must also have Integrate (P-1,
    S-e1), else 403 with the words of integrations.pages.integrate_refusal. api/main.py mounts
    every provider's router with it, so no provider can forget the check (issue 12 item 3)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        membership = getattr(request, "_api_membership", None)
        if user is not None and membership is not None:
            refusal = integrate_refusal(membership.company)
            if refusal:
                raise HttpError(403, refusal)
        return user
