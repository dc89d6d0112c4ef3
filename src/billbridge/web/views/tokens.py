"""The user's API tokens (issue 15 item 3): listed with their last use, made and revoked.

Logging out of the web leaves tokens as they are (a program keeps working); revoking one
stops it at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billbridge.accounts.services import create_token, revoke_token, tokens_of
from billbridge.web.forms import NewTokenForm
from billbridge.web.views.helpers import add_service_errors


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = NewTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = create_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["expires_in_days"],
                request,
            )  # type: ignore[arg-type]  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, {})
        else:
            form = NewTokenForm()
    return render(
        request,
        "web/tokens.html",
        {"form": form, "tokens": tokens_of(request.user), "new_token": new_token},  # type: ignore[arg-type]
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = revoke_token(request.user, token_id, request)  # type: ignore[arg-type]
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("web:tokens")
