"""Log-in landing: `/` opens the bills of the company used last."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from billbridge.web.decorators import SESSION_COMPANY_KEY


@login_required
def home(request: HttpRequest) -> HttpResponse:
    companies = request.user.companies()
    remembered = request.session.get(SESSION_COMPANY_KEY)
    company = companies.filter(pk=remembered).first() if remembered else None
    company = company or companies.first()
    if company is None:
        return render(request, "web/no_company.html")
    return redirect("web:bill_list", company_id=company.pk)
