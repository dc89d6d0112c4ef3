"""Token authentication and the tenant check every company-scoped route relies on."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path
from ninja.security import HttpBearer

from billbridge.accounts.models import ApiToken, Company, Membership
from billbridge.accounts.services import membership_or_404

# Declare the company in a route as `company_id: CompanyId`: a router mounted under
# /companies/{company_id} needs the explicit Path marker, or ninja reads it as a query parameter.
CompanyId = Path[int]
# The largest id a database row can have (a 64-bit signed integer, in PostgreSQL and SQLite);
# a larger one is no row's, and would make the database driver fail rather than find nothing.
MAX_ID = 2**63 - 1


def is_db_id(value: int) -> bool:
    """Whether `value` can be a row's id at all (ids start at 1)."""
    return 1 <= value <= MAX_ID


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
            request._api_membership = membership_or_404(user, company_id)  # type: ignore[attr-defined]
        return user


def membership_for(request: HttpRequest, company_id: int) -> Membership:
    """The caller's membership of the company, or 404 (a foreign id reveals nothing)."""
    cached: Membership | None = getattr(request, "_api_membership", None)
    if cached is not None and cached.company_id == company_id:
        return cached
    if not is_db_id(company_id):
        raise Http404
    membership = membership_or_404(request.auth, company_id)  # type: ignore[attr-defined]
    request._api_membership = membership  # type: ignore[attr-defined]
    return membership


def company_for(request: HttpRequest, company_id: int) -> Company:
    """The company the caller belongs to, or 404."""
    return membership_for(request, company_id).company
