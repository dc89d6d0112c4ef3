"""Business products (P-1): any member sees them, only an owner or admin adds or removes."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.responses import Status

from billbridge.accounts.models import PRODUCT_DESCRIPTIONS, Company, Membership, Product
from billbridge.accounts.services import add_product, remove_product
from billbridge.api.auth import CompanyId, membership_for
from billbridge.api.errors import ApiError
from billbridge.api.schemas import ErrorOut, ProductIn, ProductOut

router = Router(tags=["products"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _product_out(company: Company, code: str) -> dict[str, Any]:
    product = Product(code)
    return {
        "code": product.value,
        "name": str(product.label),
        "description": str(PRODUCT_DESCRIPTIONS.get(product, "")),
        "added": company.has_product(code),
    }


def _managing_membership(request: HttpRequest, company_id: int) -> Membership:
    membership = membership_for(request, company_id)
    if not membership.can_manage:
        raise ApiError(403, "Only the company's owner or an admin can change its products.")
    return membership


@router.get("/products", response=list[ProductOut])
def list_products(request: HttpRequest, company_id: CompanyId) -> list[dict[str, Any]]:
    company = membership_for(request, company_id).company
    return [_product_out(company, code) for code in Product.values]


@router.post("/products", response={201: ProductOut, **ERRORS})
def add_company_product(
    request: HttpRequest, company_id: CompanyId, payload: ProductIn
) -> Status[dict[str, Any]]:
    membership = _managing_membership(request, company_id)
    if payload.code not in Product.values:
        raise ApiError(
            422, f"Unknown product; choose one of: {', '.join(Product.values)}.", field="code"
        )
    add_product(membership.company, payload.code, by=request.auth)
    return Status(201, _product_out(membership.company, payload.code))


@router.delete("/products/{code}", response={204: None, **ERRORS})
def remove_company_product(request: HttpRequest, company_id: CompanyId, code: str) -> Status[None]:
    membership = _managing_membership(request, company_id)
    if code not in Product.values:
        raise Http404
    remove_product(membership.company, code)
    return Status(204, None)
