"""Logins into the security log: Django's signals fire for the web form and the token route."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from billbridge.accounts.lockout import username_of
from billbridge.accounts.models import SecurityEvent, User
from billbridge.accounts.security_log import record


@receiver(user_logged_in, dispatch_uid="billbridge.security.logged_in")
def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(SecurityEvent.Kind.LOGIN_SUCCEEDED, request, user=user)


@receiver(user_login_failed, dispatch_uid="billbridge.security.login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A wrong password, or the one that locked the account or address out (axes runs first
    and marks the request). Tries refused during a lockout are not written one by one: a flood
    of them would cost a database write each (their count is in axes' access attempts)."""
    email = username_of(request, credentials) if request is not None else ""
    locked = getattr(request, "axes_locked_out", False)
    if locked and getattr(request, "axes_failures_since_start", None) is None:
        return  # refused unchecked: axes counted nothing new either
    kind = SecurityEvent.Kind.LOCKED_OUT if locked else SecurityEvent.Kind.LOGIN_FAILED
    user = User.objects.filter(email=email).first() if email else None
    record(kind, request, user=user, email=email)
