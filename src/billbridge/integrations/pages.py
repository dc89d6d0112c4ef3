"""What every provider's set-up shares, web pages and REST routes alike: the Integrate check
(P-1, S-e1), applied by the framework where it mounts a provider (integrations/urls.py for the
pages, api/main.py for the routes), so no provider can forget it (issue 12 item 3)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils.translation import gettext as _

from billbridge.accounts.models import Company, Product
from billbridge.accounts.tenancy import CompanyRequest, company_view
from billbridge.bills.models import Bill
from billbridge.integrations import signals
from billbridge.integrations.models import Integration

View = Callable[..., HttpResponse]


def url_exists(path: str) -> bool:
    """Whether a path resolves: pages built by others appear in menus once they exist."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def backfill_context(company: Company, integration: Integration | None) -> dict[str, Any]:
    """R-4 for a provider's page (integrations/_backfill.html): the backfill's address while
    the integration is active and the sync engine mounts it, the bills it would send
    (postable, with no sync record of this provider) and how far sending has come."""
    if integration is None or not integration.is_active:
        return {"backfill_url": "", "unsent": 0, "progress": None}
    url = f"/c/{company.pk}/sync/backfill/{integration.provider}/"
    if not url_exists(url):
        return {"backfill_url": "", "unsent": 0, "progress": None}
    unsent = (
        Bill.objects.filter(company=company)
        .postable()
        .exclude(sync_records__provider=integration.provider)
        .count()
    )
    return {"backfill_url": url, "unsent": unsent, "progress": signals.progress(integration)}


def integrate_refusal(company: Company) -> str:
    """Why this company may not use integrations, in the active language; "" when it may."""
    if company.has_product(Product.INTEGRATE):
        return ""
    return _(
        "Integrations are part of the product Integrate, which this company account has not "
        "added yet. An owner or admin adds it under Settings → Business Products."
    )


def requires_integrate(view: View) -> View:
    """A provider's page, only for a company with Integrate: others are sent to the
    Integrations page, which explains how to add it (P-1, S-e1). Membership is checked first,
    so a company the user is not in still answers 404."""

    @wraps(view)
    def inner(request: CompanyRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if integrate_refusal(request.company):
            return redirect(f"/c/{request.company.pk}/integrations/")
        return view(request, *args, **kwargs)

    return company_view(inner)


def gated(patterns: list[Any]) -> list[Any]:
    """A provider's urlpatterns with every view behind `requires_integrate`."""
    out: list[Any] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            raise TypeError(
                f"{pattern!r}: a provider's set-up pages are plain paths (no include()), so the "
                "framework can put each behind the Integrate check"
            )
        if not isinstance(pattern, URLPattern):
            raise TypeError(f"{pattern!r} is not a URL pattern")
        out.append(
            URLPattern(
                pattern.pattern,
                requires_integrate(pattern.callback),
                pattern.default_args,
                pattern.name,
            )
        )
    return out
