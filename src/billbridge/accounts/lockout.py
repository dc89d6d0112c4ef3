"""Login throttling with django-axes (issue 15 item 1): per account and per IP address.

Axes counts failed logins (the web form and POST /api/v1/auth/token both go through
`django.contrib.auth.authenticate`) and, past `AXES_FAILURE_LIMIT`, refuses further tries
from that IP address or for that account for `AXES_COOLOFF_TIME` without checking the
password, so a guesser costs no PBKDF2 time once locked out. This module tells axes who is
trying (the e-mail address as the login compares it) and answers a locked-out try with the
wait in plain words: a JSON problem for the API, the login page for the web.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

API_PREFIX = "/api/"


def normalise_email(value: str | None) -> str:
    """The e-mail address as logins compare it (users are stored lower-case)."""
    return (value or "").strip().lower()


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a login try is for: from the credentials, else the posted form."""
    raw = (credentials or {}).get("username") or (credentials or {}).get("email")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalise_email(raw)


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or behind `BILLBRIDGE_TRUSTED_PROXIES` proxies the
    address the nearest of them saw (X-Forwarded-For read from the right, so a client cannot
    choose its own by sending the header)."""
    proxies = settings.BILLBRIDGE_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[max(len(hops) - proxies, 0)]
    return request.META.get("REMOTE_ADDR", "")


def wait_for(request: HttpRequest, credentials: dict[str, Any] | None) -> timedelta:
    """How long until this IP address and this account may try again."""
    cool_off = get_cool_off(request) or timedelta(0)
    limit = get_failure_limit(request, credentials)
    username = username_of(request, credentials)
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    latest = (
        AccessAttempt.objects.filter(Q(ip_address=ip) | Q(username=username))
        .filter(failures_since_start__gte=limit)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if latest is None:
        return cool_off
    return max(latest + cool_off - timezone.now(), timedelta(seconds=1))


def lockout_message(wait: timedelta) -> str:
    """The words a locked-out person reads, with the wait rounded up to whole minutes."""
    minutes = max(math.ceil(wait.total_seconds() / 60), 1)
    return ngettext(
        "Too many failed log-ins. Try again in %(minutes)d minute, or reset your password.",
        "Too many failed log-ins. Try again in %(minutes)d minutes, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with the wait: the API's error shape with Retry-After, or the login page."""
    wait = wait_for(request, credentials)
    message = lockout_message(wait)
    retry_after = str(max(math.ceil(wait.total_seconds()), 1))
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse({"detail": message, "errors": []}, status=429)
    else:
        from django.contrib.auth.forms import AuthenticationForm

        # An unbound form: validating the posted one would try to log in once more.
        form = AuthenticationForm(request, initial={"username": username_of(request, credentials)})
        response = render(
            request,
            "web/login.html",
            {"form": form, "next": request.POST.get("next", ""), "lockout_error": message},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response
