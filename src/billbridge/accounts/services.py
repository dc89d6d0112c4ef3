"""Who may see what: every company-scoped lookup goes through here."""

from __future__ import annotations

from django.http import Http404

from billbridge.accounts.models import Company, CompanyProduct, Membership, Product, User


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
