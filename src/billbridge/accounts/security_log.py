"""The security log (issue 15 item 1): one place that writes it, and what an owner may read.

Written from Django's login signals (web form and API token alike), from the password-reset
views and from the token service; also sent to the `billbridge.security` logger, so a
deployment can ship it to its own log store.
"""

from __future__ import annotations

import ipaddress
import logging

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from billbridge.accounts.lockout import API_PREFIX, client_ip, normalise_email
from billbridge.accounts.models import Company, SecurityEvent, User

logger = logging.getLogger("billbridge.security")


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    raw = client_ip(request)
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def record(
    kind: str,
    request: HttpRequest | None = None,
    *,
    user: User | None = None,
    email: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Write one event; `email` defaults to the user's."""
    via = (
        SecurityEvent.Via.API
        if request is not None and request.path.startswith(API_PREFIX)
        else SecurityEvent.Via.WEB
    )
    event = SecurityEvent.objects.create(
        kind=kind,
        via=via,
        user=user,
        email=normalise_email(email or (user.email if user else ""))[:254],
        ip_address=_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
        detail=detail[:200],
    )
    logger.info(
        "security %s via=%s email=%s ip=%s %s",
        kind, via, event.email, event.ip_address, detail,
    )  # fmt: skip
    return event


def events_for_company(company: Company) -> QuerySet[SecurityEvent]:
    """The events about the company's members: theirs, and tries at their e-mail addresses."""
    members = User.objects.filter(memberships__company=company)
    emails = list(members.values_list("email", flat=True))
    return SecurityEvent.objects.filter(Q(user__in=members) | Q(email__in=emails)).select_related(
        "user"
    )
