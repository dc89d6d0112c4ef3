"""Categories (B-3), payment methods (B-4) and suppliers of one company."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.responses import Status

from billbridge.api.auth import CompanyId, company_for
from billbridge.api.schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    ErrorOut,
    PaymentMethodIn,
    PaymentMethodOut,
    PaymentMethodPatch,
    SearchText,
    SupplierOut,
)
from billbridge.bills import catalog
from billbridge.bills.models import Category, PaymentMethod, Supplier

router = Router()
ERRORS = {404: ErrorOut, 422: ErrorOut}


@router.get("/categories", response=list[CategoryOut], tags=["categories"])
def list_categories(
    request: HttpRequest, company_id: CompanyId, archived: bool | None = None
) -> list[Category]:
    """All categories; `?archived=false` for the ones a bill can still get."""
    categories = Category.objects.filter(company=company_for(request, company_id))
    if archived is not None:
        categories = categories.filter(archived=archived)
    return list(categories)


@router.post("/categories", response={201: CategoryOut, **ERRORS}, tags=["categories"])
def create_category(
    request: HttpRequest, company_id: CompanyId, payload: CategoryIn
) -> Status[Category]:
    company = company_for(request, company_id)
    return Status(201, catalog.create_category(company, payload.name, payload.account_number))


@router.get("/categories/{category_id}", response={200: CategoryOut, **ERRORS}, tags=["categories"])
def get_category(request: HttpRequest, company_id: CompanyId, category_id: int) -> Category:
    company = company_for(request, company_id)
    return get_object_or_404(Category, company=company, pk=category_id)


@router.patch(
    "/categories/{category_id}", response={200: CategoryOut, **ERRORS}, tags=["categories"]
)
def update_category(
    request: HttpRequest, company_id: CompanyId, category_id: int, payload: CategoryPatch
) -> Category:
    """Rename, re-map to another account, or archive (`{"archived": true}`)."""
    company = company_for(request, company_id)
    category = get_object_or_404(Category, company=company, pk=category_id)
    return catalog.update_category(category, **payload.model_dump(exclude_unset=True))


@router.get("/payment-methods", response=list[PaymentMethodOut], tags=["payment methods"])
def list_payment_methods(
    request: HttpRequest, company_id: CompanyId, archived: bool | None = None
) -> list[PaymentMethod]:
    methods = PaymentMethod.objects.filter(company=company_for(request, company_id))
    if archived is not None:
        methods = methods.filter(archived=archived)
    return list(methods)


@router.post(
    "/payment-methods", response={201: PaymentMethodOut, **ERRORS}, tags=["payment methods"]
)
def create_payment_method(
    request: HttpRequest, company_id: CompanyId, payload: PaymentMethodIn
) -> Status[PaymentMethod]:
    company = company_for(request, company_id)
    method = catalog.create_payment_method(
        company, payload.name, payload.type, payload.account_number
    )
    return Status(201, method)


@router.get(
    "/payment-methods/{payment_method_id}",
    response={200: PaymentMethodOut, **ERRORS},
    tags=["payment methods"],
)
def get_payment_method(
    request: HttpRequest, company_id: CompanyId, payment_method_id: int
) -> PaymentMethod:
    company = company_for(request, company_id)
    return get_object_or_404(PaymentMethod, company=company, pk=payment_method_id)


@router.patch(
    "/payment-methods/{payment_method_id}",
    response={200: PaymentMethodOut, **ERRORS},
    tags=["payment methods"],
)
def update_payment_method(
    request: HttpRequest,
    company_id: CompanyId,
    payment_method_id: int,
    payload: PaymentMethodPatch,
) -> PaymentMethod:
    company = company_for(request, company_id)
    method = get_object_or_404(PaymentMethod, company=company, pk=payment_method_id)
    return catalog.update_payment_method(method, **payload.model_dump(exclude_unset=True))


@router.get("/suppliers", response=list[SupplierOut], tags=["suppliers"])
def list_suppliers(
    request: HttpRequest, company_id: CompanyId, q: SearchText | None = None
) -> list[Supplier]:
    """The company's suppliers; `q` searches names and CVR numbers."""
    suppliers = Supplier.objects.filter(company=company_for(request, company_id))
    if q:
        suppliers = suppliers.filter(name__icontains=q) | suppliers.filter(cvr__icontains=q)
    return list(suppliers.order_by("name", "id"))


@router.get("/suppliers/{supplier_id}", response={200: SupplierOut, **ERRORS}, tags=["suppliers"])
def get_supplier(request: HttpRequest, company_id: CompanyId, supplier_id: int) -> Supplier:
    company = company_for(request, company_id)
    return get_object_or_404(Supplier, company=company, pk=supplier_id)
