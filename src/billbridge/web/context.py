"""Template context shared by every page: the user's companies, the current one, the menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from billbridge.accounts.models import Product
from billbridge.accounts.roles import Action, may
from billbridge.integrations.pages import url_exists

__all__ = ["navigation", "url_exists"]


def navigation(request: HttpRequest) -> dict[str, Any]:
    # Each language named in itself ("Dansk", "English"), never translated.
    context: dict[str, Any] = {"language_choices": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    company = getattr(request, "company", None)
    context["user_companies"] = list(user.companies())
    if company is not None:
        membership = request.membership  # type: ignore[attr-defined]
        audit = reverse("sync:audit", kwargs={"company_id": company.pk})
        context.update(
            current_company=company,
            current_membership=membership,
            can_manage=membership.can_manage,
            has_integrate=company.has_product(Product.INTEGRATE),
            audit_url=audit if membership.can_manage else "",
            can_read_security_log=may(membership, Action.READ_SECURITY_LOG),
        )
    return context
