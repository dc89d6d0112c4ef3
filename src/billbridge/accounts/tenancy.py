"""Tenancy: which company a request acts for and what the caller may do there.

One place for the web pages (`company_view`, `manager_required`) and the REST routes
(`membership_for`, `company_for`), used by web, api, sync, mailin and every provider package,
so none of them reaches up into another for it (issue 12 item 3).

The membership check runs before anything else in a view (even the HTTP-method check of an
inner decorator), so a company the user is not in answers 404 and reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View as BaseView
from ninja import Path
from ninja.errors import HttpError

from billbridge.accounts import roles, two_factor
from billbridge.accounts.models import Company, Membership, User
from billbridge.accounts.services import membership_or_404

SESSION_COMPANY_KEY = "billbridge_company_id"
# The largest id a database row can have (a 64-bit signed integer, in PostgreSQL and SQLite);
# a larger one is no row's, and would make the database driver fail rather than find nothing.
MAX_ID = 2**63 - 1

View = Callable[..., HttpResponse]
# Declare the company in a REST route as `company_id: CompanyId`: a router mounted under
# /companies/{company_id} needs the explicit Path marker, or ninja reads it as a query parameter.
CompanyId = Path[int]


class CompanyRequest(HttpRequest):
    """A request that went through `company_view`: the company and the caller's membership.

    Annotate a company view's `request` with it instead of `# type: ignore` on
    `request.company` (issue 12 item 5).
    """

    company: Company
    membership: Membership
    user: User  # type: ignore[assignment]  # company_view lets only a logged-in user through
    htmx: Any  # django_htmx's HtmxDetails (falsy when the request is not htmx's)


def company_view(view: View) -> View:
    """Require login, resolve `company_id` through the user's memberships, remember it.

    Sets `request.company` and `request.membership`; the company becomes the one `/` opens.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, company_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_or_404(cast(User, request.user), company_id)
        scoped = cast(CompanyRequest, request)
        scoped.membership = membership
        scoped.company = membership.company
        if two_factor.setup_required(membership):
            return two_factor_setup_redirect(request, membership)
        require_page_role(request, membership)
        if request.session.get(SESSION_COMPANY_KEY) != membership.company_id:
            request.session[SESSION_COMPANY_KEY] = membership.company_id
        return view(request, *args, company_id=company_id, **kwargs)

    return wrapper


# The account page where two-factor log-in is turned on (web app; named, not imported).
TWO_FACTOR_PAGE = "web:two_factor"


def two_factor_setup_redirect(request: HttpRequest, membership: Membership) -> HttpResponse:
    """To the account's two-factor page, back here after: the company requires it of this
    owner or admin (accounts.two_factor), before any of its pages."""
    messages.warning(request, two_factor.required_message(membership.company))
    target = reverse(TWO_FACTOR_PAGE)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        # htmx's request would follow a 302 by itself and swap the page into a fragment: it
        # is told to move the whole page instead.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def require_page_role(request: HttpRequest, membership: Membership) -> None:
    """403 unless the role may do what this page and method do (accounts.roles.WEB_RULES)."""
    match = request.resolver_match
    action = roles.action_for_page(match.view_name if match else "", request.method or "GET")
    if not roles.may(membership, action):
        raise PermissionDenied


ROLE_REFUSALS = {
    roles.Action.MANAGE_CATALOG: "Only the company's owners, admins and accountant can change "
    "categories and payment methods.",
    roles.Action.MANAGE_COMPANY: "Only the company's owners and admins can do this.",
}


def require_route_role(request: HttpRequest, membership: Membership) -> None:
    """403 unless the role may make this REST call (accounts.roles.API_RULES)."""
    if two_factor.setup_required(membership):
        raise HttpError(403, two_factor.required_message(membership.company))
    action = roles.action_for_route(request.path, request.method or "GET")
    if not roles.may(membership, action):
        raise HttpError(403, ROLE_REFUSALS.get(action, "Your role does not allow this."))


def manager_required(view: View) -> View:
    """`company_view` for owners and admins only: others get 403 (they may see the company)."""

    @wraps(view)
    def inner(request: CompanyRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.can_manage:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return company_view(inner)


@method_decorator(company_view, name="dispatch")
class CompanyViewMixin(BaseView):
    """`company_view` for class-based views."""


@method_decorator(manager_required, name="dispatch")
class ManagerViewMixin(BaseView):
    """`manager_required` for class-based views."""


def is_db_id(value: int) -> bool:
    """Whether `value` can be a row's id at all (ids start at 1)."""
    return 1 <= value <= MAX_ID


def membership_for(request: HttpRequest, company_id: int) -> Membership:
    """A REST caller's membership of the company, or 404 (a foreign id reveals nothing).

    The API's token check caches it on the request (`_api_membership`)."""
    cached: Membership | None = getattr(request, "_api_membership", None)
    if cached is not None and cached.company_id == company_id:
        return cached
    if not is_db_id(company_id):
        raise Http404
    user = getattr(request, "auth", None) or request.user
    membership = membership_or_404(cast(User, user), company_id)
    request._api_membership = membership  # type: ignore[attr-defined]
    return membership


def company_for(request: HttpRequest, company_id: int) -> Company:
    """The company the REST caller belongs to, or 404."""
    return membership_for(request, company_id).company
