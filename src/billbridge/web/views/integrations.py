"""The Integrations list (P-2): every provider from the registry with this company's state."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from billbridge.accounts.models import Product
from billbridge.accounts.tenancy import CompanyRequest
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.integrations.registry import PROVIDERS
from billbridge.web.context import url_exists
from billbridge.web.decorators import company_view


@company_view
def integration_list(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Without Integrate the page explains how to add it instead (P-1, S-e1)."""
    company = request.company
    if not company.has_product(Product.INTEGRATE):
        return render(request, "web/integrations/list.html", {"needs_product": True})
    integrations = {i.provider: i for i in Integration.objects.filter(company=company)}
    rows = []
    for info in PROVIDERS.values():
        integration = integrations.get(info.key)
        state = IntegrationState(integration.state if integration else "not_connected")
        url = f"/c/{company.pk}/integrations/{info.key}/"
        rows.append(
            {
                "info": info,
                "state": state,
                "integration": integration,
                "url": url if url_exists(url) else "",
            }
        )
    return render(request, "web/integrations/list.html", {"rows": rows})
