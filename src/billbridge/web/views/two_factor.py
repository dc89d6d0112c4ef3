"""Two-factor log-in on the web (issue 15 item 1; the rules are in accounts.two_factor).

- The log-in: after a right password, an account with two-factor is not logged in yet; the
  session remembers who for PENDING_SECONDS and /login/code/ asks for the code.
- The account page /account/two-factor/: turn it on (QR code as inline SVG, the secret as
  text, confirmed by the first code), see how many recovery codes are left, make new ones or
  turn it off (each with a code).
- The company's page: owners and admins require it of the company's owners and admins.
"""

from __future__ import annotations

import time
from typing import Any, cast

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from billbridge.accounts import two_factor
from billbridge.accounts.models import User
from billbridge.web.decorators import CompanyRequest, company_view
from billbridge.web.forms import TwoFactorCodeForm, TwoFactorPolicyForm

PENDING_KEY = "billbridge_two_factor_pending"
# How long the code may be given after the password, before the log-in starts over.
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    """Django's log-in, which asks for the code next when the account has two-factor."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.is_enabled(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("web:login_code")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING_KEY) or {}
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


def login_code(request: HttpRequest) -> HttpResponse:
    """The log-in's second step: the code from the app, or a recovery code."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        if request.method == "POST":
            messages.error(request, _("The log-in took too long. Give your password again."))
        return redirect("web:login")
    form = TwoFactorCodeForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(user, form.cleaned_data["code"], request)
        except two_factor.CodeRefused as refused:
            form.add_error("code", refused.message)
            status = 422 if refused.wait is None else 429
            retry_after = refused.retry_after
        else:
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=pending["backend"])  # the security log hears it
            django_otp.login(request, device)
            return redirect(pending["next"])
    elif form.errors:
        status = 422
    response = render(request, "web/login_code.html", {"form": form}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@login_required
def account_two_factor(request: HttpRequest) -> HttpResponse:
    """Turn two-factor log-in on (QR code, secret, first code) or off; recovery codes."""
    user = cast(User, request.user)
    form = TwoFactorCodeForm(request.POST or None)
    action = request.POST.get("action", "")
    new_codes: list[str] = []
    status = 200
    throttled = False
    if request.method == "POST" and action == "start":
        two_factor.start_setup(user)
        form = TwoFactorCodeForm()
    elif request.method == "POST" and action == "cancel":
        if pending := two_factor.pending_setup(user):
            pending.delete()
        form = TwoFactorCodeForm()
    elif request.method == "POST" and action in ("confirm", "recovery", "off"):
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                if action == "confirm":
                    new_codes = two_factor.confirm_setup(user, code, request)
                    django_otp.login(request, two_factor.app_device(user))
                    messages.success(request, _("Two-factor log-in is on."))
                elif action == "recovery":
                    new_codes = two_factor.new_recovery_codes(user, code, request)
                    messages.success(request, _("New recovery codes: the old ones no longer work."))
                else:
                    two_factor.turn_off(user, code, request)
                    messages.success(request, _("Two-factor log-in is off."))
                    return redirect("web:two_factor")
            except two_factor.CodeRefused as refused:
                form.add_error("code", refused.message)
                throttled = refused.wait is not None
        if form.errors:
            status = 429 if throttled else 422
        else:
            form = TwoFactorCodeForm()
    pending = None if two_factor.is_enabled(user) else two_factor.pending_setup(user)
    if pending is not None:  # a recovery code does not confirm the app
        form.fields["code"].help_text = _("The 6 digits the app shows now.")
    context = {
        "form": form,
        "status": two_factor.status(user),
        "pending": pending,
        "secret": two_factor.secret_text(pending) if pending else "",
        "qr_svg": two_factor.qr_svg(pending, _("QR code for the authenticator app"))
        if pending
        else "",
        "new_codes": new_codes,
        "next": _next_url(request),
    }
    return render(request, "web/two_factor.html", context, status=status)


@company_view
def two_factor_policy(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Require two-factor log-in of the company's owners and admins (roles: manage company)."""
    company = request.company
    form = TwoFactorPolicyForm(
        request.POST or None, initial={"require_two_factor": company.require_two_factor}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["require_two_factor"]
        try:
            two_factor.set_company_requirement(company, required, request.user, request)
        except two_factor.CodeRefused as refused:
            form.add_error("require_two_factor", refused.message)
            status = 422
        else:
            messages.success(
                request,
                _("Owners and admins now log in with two-factor.")
                if required
                else _("Two-factor log-in is no longer required."),
            )
            return redirect("web:two_factor_policy", company_id=company.pk)
    return render(
        request,
        "web/settings/two_factor.html",
        {"form": form, "without": two_factor.managers_without(company)},
        status=status,
    )
