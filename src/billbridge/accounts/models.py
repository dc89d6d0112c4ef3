"""Users (e-mail login), company accounts, memberships with roles, products (P-1)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.email

    def companies(self) -> models.QuerySet[Company]:
        return Company.objects.filter(memberships__user=self).order_by("name")


cvr_validator = RegexValidator(r"^\d{8}$", _("A CVR number has 8 digits."))


class Company(models.Model):
    """A company account ("virksomhedskonto"): the tenant every other row belongs to."""

    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[cvr_validator], blank=True)
    base_currency = models.CharField(max_length=3, default="DKK")
    # Owners and admins must log in with a two-factor code (accounts.two_factor, issue 15 item 1).
    require_two_factor = models.BooleanField(_("two-factor log-in required"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_product(self, code: str) -> bool:
        return self.products.filter(code=code).exists()


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    ACCOUNTANT = "accountant", _("Accountant")


MANAGING_ROLES = {Role.OWNER, Role.ADMIN}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="one_membership_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING_ROLES


class Product(models.TextChoices):
    INTEGRATE = "integrate", _("Integrate")


PRODUCT_DESCRIPTIONS = {
    Product.INTEGRATE: _(
        "Connect Dinero or e-conomic and post every bill and payment to the kassekladde "
        "automatically."
    ),
}


class CompanyProduct(models.Model):
    """A product a company has added (P-1): Integrate unlocks the Integrations menu."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="products")
    code = models.CharField(max_length=40, choices=Product.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="one_product_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.company} + {self.code}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# A token's life when its maker names none (issue 15 item 3), and the longest one may ask for.
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
# last_used_at is written at most this often per token: a busy client costs no write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenManager(models.Manager["ApiToken"]):
    def issue(
        self, user: User, name: str = "", days: int | None = DEFAULT_TOKEN_DAYS
    ) -> tuple[ApiToken, str]:
        """Create a token valid for `days` (None: until revoked); the raw value is returned
        once and only its hash is stored."""
        raw = "bb_" + secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        token = self.create(
            user=user,
            name=name,
            key_hash=_hash_token(raw),
            prefix=raw[:10],
            expires_at=expires_at,
        )
        return token, raw

    def usable(self) -> models.QuerySet[ApiToken]:
        """Tokens that open the API now: not revoked, not expired, of an active user."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def authenticate(self, raw: str) -> User | None:
        token = self.usable().select_related("user").filter(key_hash=_hash_token(raw)).first()
        if token is None:
            return None
        token.touch()
        return token.user


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def touch(self) -> None:
        """Record a use, at most once per LAST_USED_RESOLUTION (issue 16 item 4): the update
        only matches while the stored time is older, so concurrent calls write once."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_RESOLUTION:
            return
        ApiToken.objects.filter(pk=self.pk).filter(
            models.Q(last_used_at__isnull=True)
            | models.Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        self.last_used_at = now

    def revoke(self) -> bool:
        """Stop the token working; False when it already was revoked."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=self.revoked_at
        )
        return True


class SecurityEvent(models.Model):
    """One line of the security log (issue 15 item 1): logins, lockouts, resets, tokens.

    Kept apart from axes' own counters (which it deletes once a lockout is over) so an owner
    can still read who tried what, when and from where.
    """

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Wrong password")
        LOCKED_OUT = "locked_out", _("Locked out after too many failed log-ins")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password changed by reset link")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TWO_FACTOR_ADDED = "two_factor_added", _("Two-factor log-in turned on")
        TWO_FACTOR_REMOVED = "two_factor_removed", _("Two-factor log-in turned off")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong two-factor code")
        TWO_FACTOR_LOCKED_OUT = (
            "two_factor_locked_out",
            _("Two-factor codes refused after too many wrong ones"),
        )
        RECOVERY_CODES_CREATED = "recovery_codes_created", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_code_used", _("Logged in with a recovery code")
        TWO_FACTOR_REQUIRED = "two_factor_required", _("Company requires two-factor log-in")
        TWO_FACTOR_NOT_REQUIRED = (
            "two_factor_not_required",
            _("Company no longer requires two-factor log-in"),
        )

    class Via(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.WEB)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events"
    )
    # The address the person typed, also when no user has it (a guesser's tries).
    email = models.CharField(max_length=254, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.email}"
