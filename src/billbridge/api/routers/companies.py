"""The companies the caller belongs to: the entry point to every company-scoped route."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router

from billbridge.accounts.models import Company, CompanyProduct, Membership
from billbridge.api.schemas import CompanyOut

router = Router(tags=["companies"])


@router.get("", response=list[CompanyOut])
def list_companies(request: HttpRequest) -> list[dict[str, Any]]:
    memberships = (
        Membership.objects.filter(user=request.auth)
        .select_related("company")
        .prefetch_related(
            Prefetch("company__products", queryset=CompanyProduct.objects.order_by("code"))
        )
        .order_by("company__name", "company_id")
    )
    return [_company_out(m.company, m.role) for m in memberships]


def _company_out(company: Company, role: str) -> dict[str, Any]:
    return {
        "id": company.pk,
        "name": company.name,
        "cvr": company.cvr,
        "role": role,
        "products": [p.code for p in company.products.all()],
    }
