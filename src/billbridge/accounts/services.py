"""Who may see what: every company-scoped lookup goes through here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from billbridge.accounts import security_log
from billbridge.accounts.models import (
    MAX_TOKEN_DAYS,
    ApiToken,
    Company,
    CompanyProduct,
    Membership,
    Product,
    SecurityEvent,
    User,
)


def membership_or_404(user: User, company_id: int) -> Membership:
    """The user's membership of a company; 404 (not 403) so foreign ids reveal nothing."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("company")
        .filter(user=user, company_id=company_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def add_product(company: Company, code: str, by: User | None = None) -> CompanyProduct:
    product, _ = CompanyProduct.objects.get_or_create(
        company=company, code=Product(code), defaults={"added_by": by}
    )
    return product


def remove_product(company: Company, code: str) -> None:
    CompanyProduct.objects.filter(company=company, code=code).delete()


def create_company(name: str, cvr: str, owner: User) -> Company:
    company = Company.objects.create(name=name, cvr=cvr)
    Membership.objects.create(user=owner, company=company, role="owner")
    return company


def create_token(
    user: User, name: str, days: int | None, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A named API token for `user` (issue 15 item 3), in the security log; returns the raw
    value, shown this once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the program that uses it.")})
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            {
                "expires_in_days": _("A token lasts from 1 to %(max)d days.")
                % {"max": MAX_TOKEN_DAYS}
            }
        )
    token, raw = ApiToken.objects.issue(user, name[:100], days)
    security_log.record(
        SecurityEvent.Kind.TOKEN_CREATED,
        request,
        user=user,
        detail=f"{token.name} ({token.prefix}…)",
    )
    return token, raw


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def revoke_token(user: User, token_id: int, request: HttpRequest | None = None) -> ApiToken:
    """Revoke one of the user's own tokens; another's is a 404 (reveals nothing)."""
    token = tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    if token.revoke():
        security_log.record(
            SecurityEvent.Kind.TOKEN_REVOKED, request, user=user,
            detail=f"{token.name} ({token.prefix}…)",
        )  # fmt: skip
    return token
