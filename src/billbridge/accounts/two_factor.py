"""Two-factor log-in (issue 15 item 1): a TOTP authenticator app and recovery codes, on django-otp.

A user turns it on from their account page: billbridge makes an unconfirmed TOTP device, shows
its QR code and secret, and confirms it with the first code the app shows; ten recovery codes
(django-otp's static tokens, each good once) are shown that once. From then on the web log-in
asks for a code after the password, and POST /api/v1/auth/token wants it as `code`. Turning it
off, or making new recovery codes, takes a code too.

Code guesses are throttled per account: django-otp itself waits 1, 2, 4, 8 … seconds after each
wrong code, and after BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT wrong codes in a row every code is
refused for BILLBRIDGE_TWO_FACTOR_LOCKOUT, with the wait said (as axes does for passwords).
Devices added and removed, wrong codes and the lockout go to the security log.

A company may require it (Company.require_two_factor): its owners and admins (REQUIRED_ROLES)
without a device are then sent to set it up before any of its pages (accounts.tenancy), and
the REST API refuses their tokens for the company with 403.
"""

from __future__ import annotations

import math
import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from billbridge.accounts import security_log
from billbridge.accounts.models import Company, Membership, Role, SecurityEvent, User

# Who must have two-factor log-in when their company requires it: those who can connect the
# accounting systems, change the inbox and add people's products (not the accountant, not a
# member, who only work with bills).
REQUIRED_ROLES = frozenset({Role.OWNER, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_CODE = re.compile(r"^\d{6}$")


class CodeRefused(Exception):
    """A code that was wrong, missing, or tried while the account's codes are locked."""

    def __init__(self, message: str, wait: timedelta | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait

    @property
    def retry_after(self) -> int | None:
        return None if self.wait is None else max(math.ceil(self.wait.total_seconds()), 1)


@dataclass(frozen=True)
class Status:
    enabled: bool
    since: object  # datetime of the app's confirmation, or None
    recovery_codes_left: int


def app_device(user: User, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def is_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def status(user: User) -> Status:
    device = app_device(user)
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return Status(
        enabled=device is not None,
        since=device.created_at if device is not None else None,
        recovery_codes_left=left,
    )


# --- turning it on and off -----------------------------------------------------------------


def start_setup(user: User) -> TOTPDevice:
    """A new secret for the app, not yet in force (until confirmed by a code from it)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def pending_setup(user: User) -> TOTPDevice | None:
    return app_device(user, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The set-up QR code as inline SVG markup (no script, no style attribute: the CSP holds)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, title=title)


def confirm_setup(user: User, code: str, request: HttpRequest | None = None) -> list[str]:
    """Put the pending app in force when `code` is its current code; returns the new recovery
    codes (shown once). Raises CodeRefused for a wrong code."""
    device = pending_setup(user)
    if device is None:
        raise CodeRefused(_("Start again: the set-up was not found."))
    wait, _locked = _wait([device])
    if wait is not None:
        raise CodeRefused(wait_message(wait), wait)
    if not device.verify_token(_clean(code)):
        raise CodeRefused(
            _("That is not the code the app shows. Check the phone's clock and try again.")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
    security_log.record(SecurityEvent.Kind.TWO_FACTOR_ADDED, request, user=user)
    return codes


def new_recovery_codes(user: User, code: str, request: HttpRequest | None = None) -> list[str]:
    """Replace the recovery codes (the old ones stop working), after a valid code."""
    verify(user, code, request)
    codes = _replace_recovery_codes(user)
    security_log.record(SecurityEvent.Kind.RECOVERY_CODES_CREATED, request, user=user)
    return codes


def turn_off(user: User, code: str, request: HttpRequest | None = None) -> None:
    """Remove the app and the recovery codes, after a valid code."""
    verify(user, code, request)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_log.record(SecurityEvent.Kind.TWO_FACTOR_REMOVED, request, user=user)


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


# --- checking a code -----------------------------------------------------------------------


def _clean(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _devices(user: User, lock: bool = False) -> list[Device]:
    devices: list[Device] = []
    for model in (TOTPDevice, StaticDevice):
        queryset = model.objects.filter(user=user, confirmed=True).order_by("pk")
        devices.extend(queryset.select_for_update() if lock else queryset)
    return devices


def _wait(devices: list[Device]) -> tuple[timedelta | None, bool]:
    """How long codes are refused (None: not refused), and whether it is the hard lockout."""
    now = timezone.now()
    limit = settings.BILLBRIDGE_TWO_FACTOR_FAILURE_LIMIT
    longest: timedelta | None = None
    locked = False
    for device in devices:
        allowed, data = device.verify_is_allowed()
        until = None if allowed else (data or {}).get("locked_until")
        failed_at = getattr(device, "throttling_failure_timestamp", None)
        if getattr(device, "throttling_failure_count", 0) >= limit and failed_at is not None:
            hard = failed_at + settings.BILLBRIDGE_TWO_FACTOR_LOCKOUT
            if hard > now and (until is None or hard > until):
                until, locked = hard, True
        if until is not None and until > now and (longest is None or until - now > longest):
            longest = until - now
    return longest, locked


def wait_message(wait: timedelta) -> str:
    seconds = max(math.ceil(wait.total_seconds()), 1)
    if seconds < 60:
        return ngettext(
            "Too many wrong codes. Try again in %(seconds)d second.",
            "Too many wrong codes. Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def code_needed_message() -> str:
    return _(
        "This account logs in with two-factor: give the 6-digit code from the authenticator "
        "app, or one of the recovery codes."
    )


def verify(user: User, code: str | None, request: HttpRequest | None = None) -> Device:
    """The device that accepts `code` (the app for six digits, else a recovery code).

    Raises CodeRefused when the code is missing or wrong, or while codes are refused after too
    many wrong ones (with the wait). Wrong codes and the lockout go to the security log; codes
    tried during a lockout are not written one by one (nor counted: the device is not asked).
    """
    cleaned = _clean(code)
    if not cleaned:
        raise CodeRefused(code_needed_message())
    with transaction.atomic():
        devices = _devices(user, lock=True)
        wait, _locked = _wait(devices)
        accepted: Device | None = None
        wait_after: timedelta | None = None
        locked_now = False
        if wait is None:
            model = TOTPDevice if TOTP_CODE.match(cleaned) else StaticDevice
            tried = [d for d in devices if isinstance(d, model)]
            accepted = next((d for d in tried if d.verify_token(cleaned)), None)
            if accepted is not None:
                for device in devices:  # a right code forgives the wrong ones before it
                    if device is not accepted and device.throttling_failure_count:
                        device.throttle_reset()
            else:
                wait_after, locked_now = _wait(_devices(user))
    if wait is not None:
        raise CodeRefused(wait_message(wait), wait)
    if accepted is None:
        kind = (
            SecurityEvent.Kind.TWO_FACTOR_LOCKED_OUT
            if locked_now
            else SecurityEvent.Kind.TWO_FACTOR_FAILED
        )
        security_log.record(kind, request, user=user)
        if locked_now and wait_after is not None:
            raise CodeRefused(wait_message(wait_after), wait_after)
        raise CodeRefused(_("Wrong two-factor code."))
    if isinstance(accepted, StaticDevice):
        security_log.record(SecurityEvent.Kind.RECOVERY_CODE_USED, request, user=user)
    return accepted


# --- what a company requires ---------------------------------------------------------------


def setup_required(membership: Membership) -> bool:
    """Whether the company requires two-factor of this member and the member has none yet
    (a query only in a company that requires it, for its owners and admins)."""
    return (
        membership.company.require_two_factor
        and membership.role in REQUIRED_ROLES
        and not TOTPDevice.objects.filter(user_id=membership.user_id, confirmed=True).exists()
    )


def required_message(company: Company) -> str:
    return _(
        "%(company)s requires two-factor log-in for its owners and admins. Turn it on for your "
        "account first, on the page Two-factor log-in (/account/two-factor/)."
    ) % {"company": company.name}


def set_company_requirement(
    company: Company, required: bool, by: User, request: HttpRequest | None = None
) -> None:
    """Turn the company's requirement on or off; on only by someone who has two-factor."""
    if required and not is_enabled(by):
        raise CodeRefused(
            _("Turn on two-factor log-in for your own account first, then require it.")
        )
    if company.require_two_factor == required:
        return
    company.require_two_factor = required
    company.save(update_fields=["require_two_factor"])
    kind = (
        SecurityEvent.Kind.TWO_FACTOR_REQUIRED
        if required
        else SecurityEvent.Kind.TWO_FACTOR_NOT_REQUIRED
    )
    security_log.record(kind, request, user=by, detail=company.name)


def managers_without(company: Company) -> list[Membership]:
    """The company's owners and admins who have no two-factor log-in yet."""
    with_app = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return list(
        Membership.objects.filter(company=company, role__in=REQUIRED_ROLES)
        .exclude(user_id__in=with_app)
        .select_related("user")
        .order_by("user__email")
    )
