"""The security log page (issue 15 item 1): owners read their members' logins and lockouts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from billbridge.accounts.roles import Action, may
from billbridge.accounts.security_log import events_for_company
from billbridge.accounts.tenancy import CompanyRequest
from billbridge.web.decorators import company_view

PAGE_SIZE = 50


@company_view
def security_log(request: CompanyRequest, company_id: int) -> HttpResponse:
    if not may(request.membership, Action.READ_SECURITY_LOG):
        raise PermissionDenied
    events = events_for_company(request.company)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/settings/security_log.html", {"page": page})
