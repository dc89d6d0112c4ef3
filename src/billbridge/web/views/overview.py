"""The accountant's overview: the sync health of every company the user belongs to (SPEC §7)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from billbridge.accounts.models import Company, Membership, Product
from billbridge.bills.models import Bill, BillStatus
from billbridge.integrations.models import Integration, IntegrationState
from billbridge.integrations.registry import PROVIDERS
from billbridge.sync.models import SyncRecord, SyncState
from billbridge.web.decorators import SESSION_COMPANY_KEY


def record_counts(company_ids: list[int]) -> QuerySet:
    """Sync records by company, provider and state: read from the ``sync_record_counts`` index
    alone (issue 16 item 3), never the records' rows."""
    return (
        SyncRecord.objects.filter(company_id__in=company_ids)
        .values("company_id", "provider", "state")
        .annotate(n=Count("*"))
        .order_by()
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """One row per company and connected system, in three queries whatever the count."""
    companies = list(request.user.companies())
    ids = [c.pk for c in companies]
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for row in record_counts(ids):
        counts[(row["company_id"], row["provider"])][row["state"]] = row["n"]
    waiting_for_fields = dict(
        Bill.objects.filter(company_id__in=ids, status=BillStatus.ANALYSING)
        .values_list("company_id")
        .annotate(n=Count("id"))
    )
    integrations = defaultdict(list)
    for integration in Integration.objects.filter(company_id__in=ids).exclude(
        state=IntegrationState.NOT_CONNECTED
    ):
        per_state = counts[(integration.company_id, integration.provider)]
        info = PROVIDERS.get(integration.provider)
        integrations[integration.company_id].append(
            {
                "integration": integration,
                "name": info.name if info else integration.provider,
                "waiting": per_state.get(SyncState.WAITING, 0),
                "failed": per_state.get(SyncState.FAILED, 0),
                "posted": per_state.get(SyncState.POSTED, 0),
            }
        )
    rows = [
        {
            "company": company,
            "integrations": integrations.get(company.pk, []),
            "analysing": waiting_for_fields.get(company.pk, 0),
            "healthy": all(
                i["integration"].state == IntegrationState.CONNECTED and not i["failed"]
                for i in integrations.get(company.pk, [])
            ),
        }
        for company in companies
    ]
    remembered = request.session.get(SESSION_COMPANY_KEY)
    current = next(
        (c for c in companies if c.pk == remembered), companies[0] if companies else None
    )
    context = {"rows": rows, "current_company": current, **_menu_for(request, current)}
    return render(request, "web/overview.html", context)


def _menu_for(request: HttpRequest, company: Company | None) -> dict[str, object]:
    """The side menu as every company page has it (web/context.py fills it only for pages
    under /c/<id>/): without this, Integrations and the Audit log vanish on the overview."""
    if company is None:
        return {}
    membership = Membership.objects.filter(user=request.user, company=company).first()
    can_manage = bool(membership and membership.can_manage)
    return {
        "current_membership": membership,
        "can_manage": can_manage,
        "has_integrate": company.has_product(Product.INTEGRATE),
        "audit_url": reverse("sync:audit", kwargs={"company_id": company.pk}) if can_manage else "",
    }
