"""Company-scoped pages of the sync engine: retry a record, backfill, progress, the audit log.

Mounted at /c/<company_id>/sync/ (urls.py). Everything goes through `company_view`, so a
company the user is not a member of answers 404.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from billbridge.accounts.tenancy import CompanyRequest, company_view, manager_required
from billbridge.integrations.models import Integration
from billbridge.integrations.registry import PROVIDERS
from billbridge.sync import choices, engine
from billbridge.sync.models import AuditEntry, SyncRecord


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or request.headers.get("Referer") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


@require_POST
@company_view
def retry(request: CompanyRequest, company_id: int, record_id: int) -> HttpResponse:
    """R-3 "failed … with a retry": any member who can see the bill may press Retry."""
    record = get_object_or_404(SyncRecord, pk=record_id, company_id=request.company.pk)
    engine.retry(record)
    record.refresh_from_db()
    if getattr(request, "htmx", False):
        return render(request, "sync/_record.html", {"record": engine.describe(record)})
    return _back(request, f"/c/{company_id}/bills/{record.bill_id}/")


@require_POST
@company_view
def choose(request: CompanyRequest, company_id: int, record_id: int) -> HttpResponse:
    """A person's choice for a bill held back (issue 10 item 2): owners, admins and the
    company's accountant (accounts/roles.py, checked before the view); "wait" is rechecked
    by itself, any other choice is sent now."""
    record = get_object_or_404(SyncRecord, pk=record_id, company_id=request.company.pk)
    choice = request.POST.get("choice", "")
    try:
        choices.choose(record, choice, send_now=choice != "wait")
    except ValueError:
        return HttpResponseBadRequest("choice not offered")
    return _back(request, f"/c/{company_id}/bills/{record.bill_id}/")


def _integration(request: CompanyRequest, provider: str) -> Integration:
    if provider not in PROVIDERS:
        raise Http404
    return get_object_or_404(Integration, company=request.company, provider=provider)


def _progress_context(integration: Integration) -> dict[str, object]:
    return {
        "integration": integration,
        "provider_name": PROVIDERS[integration.provider].name,
        "progress": engine.progress(integration),
    }


@require_POST
@manager_required
def backfill(request: CompanyRequest, company_id: int, provider: str) -> HttpResponse:
    """R-4: send every bill added before the connection, in one go."""
    integration = _integration(request, provider)
    if not integration.is_active:
        raise Http404
    created = engine.backfill(integration)
    context = {**_progress_context(integration), "created": created}
    if getattr(request, "htmx", False):
        return render(request, "sync/_progress.html", context)
    return _back(request, f"/c/{company_id}/integrations/{provider}/")


@require_GET
@company_view
def progress(request: CompanyRequest, company_id: int, provider: str) -> HttpResponse:
    """An htmx fragment: posted / total, polling itself while anything is waiting."""
    integration = _integration(request, provider)
    return render(request, "sync/_progress.html", _progress_context(integration))


@require_GET
@manager_required
def audit(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Every call made to an accounting system for this company (never a secret)."""
    entries = AuditEntry.objects.filter(company=request.company)
    provider = request.GET.get("provider", "")
    if provider in PROVIDERS:
        entries = entries.filter(provider=provider)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "sync/audit.html",
        {"page": page, "providers": PROVIDERS.values(), "provider": provider},
    )
