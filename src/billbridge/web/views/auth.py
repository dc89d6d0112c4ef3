"""Password reset by e-mail (issue 15 item 1): Django's own views, our pages and log lines.

The mail goes through the project's mail settings (EMAIL_*; the demo writes it to
var/sent-mail/). A reset is logged, and it lifts a lockout for that account: whoever can read
the account's mail may log in again at once.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from billbridge.accounts.models import SecurityEvent, User
from billbridge.accounts.security_log import record


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/password_reset/form.html"
    email_template_name = "web/password_reset/email.txt"
    subject_template_name = "web/password_reset/subject.txt"
    success_url = reverse_lazy("web:password_reset_done")

    def form_valid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        email = form.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email).first()
        record(SecurityEvent.Kind.PASSWORD_RESET_REQUESTED, self.request, user=user, email=email)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset/done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset/confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")

    def form_valid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        user = form.user
        record(SecurityEvent.Kind.PASSWORD_RESET, self.request, user=user)
        axes_reset(username=user.email)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset/complete.html"
