"""Company-scoped views: every page under /c/<company_id>/ goes through `company_view`.

The membership check runs before anything else in the view (even the HTTP-method check of
an inner decorator), so a company the user is not in answers 404 and reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View as BaseView

from billbridge.accounts.services import membership_or_404

SESSION_COMPANY_KEY = "billbridge_company_id"

View = Callable[..., HttpResponse]


def company_view(view: View) -> View:
    """Require login, resolve `company_id` through the user's memberships, remember it.

    Sets `request.company` and `request.membership`; the company becomes the one `/` opens.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, company_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_or_404(request.user, company_id)
        request.membership = membership  # type: ignore[attr-defined]
        request.company = membership.company  # type: ignore[attr-defined]
        if request.session.get(SESSION_COMPANY_KEY) != membership.company_id:
            request.session[SESSION_COMPANY_KEY] = membership.company_id
        return view(request, *args, company_id=company_id, **kwargs)

    return wrapper


def manager_required(view: View) -> View:
    """`company_view` for owners and admins only: others get 403 (they may see the company)."""

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.can_manage:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return company_view(inner)


@method_decorator(company_view, name="dispatch")
class CompanyViewMixin(BaseView):
    """`company_view` for class-based views."""


@method_decorator(manager_required, name="dispatch")
class ManagerViewMixin(BaseView):
    """`manager_required` for class-based views."""
