"""Settings: Business Products (P-1), categories (B-3) and payment methods (B-4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billbridge.accounts.models import PRODUCT_DESCRIPTIONS, Company, Product
from billbridge.accounts.services import add_product, remove_product
from billbridge.accounts.tenancy import CompanyRequest
from billbridge.bills.catalog import (
    create_category,
    create_payment_method,
    update_category,
    update_payment_method,
)
from billbridge.bills.models import Category, PaymentMethod
from billbridge.web.decorators import company_view
from billbridge.web.forms import CategoryForm, PaymentMethodForm
from billbridge.web.views.helpers import add_service_errors


@company_view
def products(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Everyone sees the products; owners and admins add or remove them (S-e1)."""
    company = request.company
    if request.method == "POST":
        if not request.membership.can_manage:
            raise PermissionDenied
        code = request.POST.get("product", "")
        if code not in Product.values:
            raise PermissionDenied
        label = Product(code).label
        if request.POST.get("action") == "remove":
            remove_product(company, code)
            messages.success(request, _("%(product)s has been removed.") % {"product": label})
        else:
            add_product(company, code, by=request.user)
            messages.success(request, _("%(product)s has been added.") % {"product": label})
        return redirect("web:products", company_id=company.pk)
    added = set(company.products.values_list("code", flat=True))
    rows = [
        {
            "code": product.value,
            "label": product.label,
            "description": PRODUCT_DESCRIPTIONS.get(product, ""),
            "added": product.value in added,
        }
        for product in Product
    ]
    return render(request, "web/settings/products.html", {"products": rows})


def _catalog_page(
    request: CompanyRequest,
    *,
    model: type[Model],
    form_class: type[CategoryForm] | type[PaymentMethodForm],
    template: str,
    create,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """List + create form for categories and payment methods, which behave the same."""
    company = request.company
    form = form_class(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            create(company, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    items = model.objects.filter(company=company).order_by("archived", "name")
    rows = [
        {"item": item, "form": form_class(initial=_initial(item), prefix=f"item{item.pk}")}
        for item in items
    ]
    return render(request, template, {"form": form, "rows": rows, **(extra or {})})


def _initial(item: Category | PaymentMethod) -> dict[str, str]:
    initial = {"name": item.name, "account_number": item.account_number}
    if isinstance(item, PaymentMethod):
        initial["type"] = item.type
    return initial


def _catalog_item_update(
    request: CompanyRequest,
    item: Category | PaymentMethod,
    *,
    form_class: type[CategoryForm] | type[PaymentMethodForm],
    update,
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Rename / re-map one item, or archive / unarchive it (POST `archived`)."""
    list_url = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
    if "archived" in request.POST:
        update(item, archived=request.POST["archived"] == "1")
        messages.success(request, _("Saved."))
        return redirect(list_url)
    form = form_class(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            update(item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, _("Saved."))
            return redirect(list_url)
    # Show the list again with this row's errors and what was typed.
    company = request.company
    new_form = form_class(prefix="new")
    rows = [
        {
            "item": other,
            "form": form
            if other.pk == item.pk
            else form_class(initial=_initial(other), prefix=f"item{other.pk}"),
        }
        for other in type(item).objects.filter(company=company).order_by("archived", "name")
    ]
    context = {"form": new_form, "rows": rows, **(extra or {})}
    return render(request, template, context, status=400)


@company_view
def categories(request: CompanyRequest, company_id: int) -> HttpResponse:
    return _catalog_page(
        request,
        model=Category,
        form_class=CategoryForm,
        template="web/settings/categories.html",
        create=create_category,
    )


@company_view
@require_POST
def category_update(request: CompanyRequest, company_id: int, category_id: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=category_id, company=request.company)
    return _catalog_item_update(
        request,
        category,
        form_class=CategoryForm,
        update=update_category,
        template="web/settings/categories.html",
    )


@company_view
def payment_methods(request: CompanyRequest, company_id: int) -> HttpResponse:
    return _catalog_page(
        request,
        model=PaymentMethod,
        form_class=PaymentMethodForm,
        template="web/settings/payment_methods.html",
        create=create_payment_method,
        extra={"payment_hints": payment_hints(request.company)},
    )


@company_view
@require_POST
def payment_method_update(
    request: CompanyRequest, company_id: int, payment_method_id: int
) -> HttpResponse:
    method = get_object_or_404(PaymentMethod, pk=payment_method_id, company=request.company)
    return _catalog_item_update(
        request,
        method,
        form_class=PaymentMethodForm,
        update=update_payment_method,
        template="web/settings/payment_methods.html",
        extra={"payment_hints": payment_hints(request.company)},
    )


def payment_hints(company: Company) -> list[str]:
    """The connected systems' hints on where payment accounts sit (integrations.registry), in
    the registry's order; none when no system is connected (the page then says it neutrally)."""
    from billbridge.integrations import registry
    from billbridge.sync.engine import active_integrations

    connected = {i.provider for i in active_integrations(company.pk)}
    return [
        str(info.payment_hint)
        for key, info in registry.PROVIDERS.items()
        if key in connected and info.payment_hint
    ]
