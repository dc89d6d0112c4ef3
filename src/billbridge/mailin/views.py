"""The inbox page (issue 13 item 5) and its settings (items 1, 2, 4). Mounted at /c/<id>/inbox/.

Any member reads the inbox; owners and admins change the address, the senders and the IMAP
mailbox.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from billbridge.accounts.tenancy import CompanyRequest, company_view, manager_required
from billbridge.ingest.errors import ERROR_MESSAGES
from billbridge.mailin import imap, services
from billbridge.mailin.forms import AllowedSendersForm, ImapForm
from billbridge.mailin.models import ImapMailbox, InboundMail, MailBill

PAGE_SIZE = 25
IMAP_FIELDS = ("host", "port", "security", "username", "folder", "move_to")
AUTH_RESULTS = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"}


@company_view
def inbox(request: CompanyRequest, company_id: int) -> HttpResponse:
    """Received mails, newest first, each with its bills or why it made none."""
    company = request.company
    mails = InboundMail.objects.filter(company=company).prefetch_related(
        Prefetch("bill_links", queryset=MailBill.objects.select_related("bill__supplier"))
    )
    page = Paginator(mails, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "inbox": services.inbox_for(company),
        "page": page,
        "mails": [_mail_row(mail) for mail in page.object_list],
        "imap_mailbox": ImapMailbox.objects.filter(company=company).first(),
    }
    return render(request, "mailin/inbox.html", context)


def _mail_row(mail: InboundMail) -> dict:
    parts = [
        {
            **part,
            "reason": _(ERROR_MESSAGES[part["code"]])
            if part.get("outcome") == "refused" and part.get("code") in ERROR_MESSAGES
            else "",
        }
        for part in mail.parts
    ]
    auth = mail.authentication or {}
    return {
        "mail": mail,
        "bills": [link.bill for link in mail.bill_links.all()],
        "parts": parts,
        "dkim": _auth_result(auth.get("dkim")),
        "spf": _auth_result(auth.get("spf")),
    }


def _auth_result(result: dict | None) -> dict:
    if not result:
        return {}
    value = result.get("result", "")
    return {"result": value if value in AUTH_RESULTS else "none", "domain": result.get("domain")}


@manager_required
def inbox_settings(request: CompanyRequest, company_id: int) -> HttpResponse:
    company = request.company
    inbox = services.inbox_for(company)
    mailbox = ImapMailbox.objects.filter(company=company).first()
    senders = AllowedSendersForm(
        request.POST if request.POST.get("form") == "senders" else None,
        initial={"allowed_senders": inbox.allowed_senders},
    )
    imap_initial = {f: getattr(mailbox, f) for f in IMAP_FIELDS} if mailbox else None
    imap_form = ImapForm(
        request.POST if request.POST.get("form") == "imap" else None,
        initial=imap_initial,
        has_password=bool(mailbox and mailbox.encrypted_password),
    )
    if request.method == "POST":
        if request.POST.get("form") == "senders" and senders.is_valid():
            services.set_allowed_senders(inbox, senders.cleaned_data["allowed_senders"])
            messages.success(request, _("Who may send bills has been saved."))
            return redirect("mailin:settings", company_id=company.pk)
        imap_posted = request.POST.get("form") == "imap" and imap_form.is_valid()
        if imap_posted and _connect_imap(request, company, imap_form, mailbox):
            return redirect("mailin:settings", company_id=company.pk)
    context = {"inbox": inbox, "senders_form": senders, "imap_form": imap_form, "mailbox": mailbox}
    return render(request, "mailin/settings.html", context)


IMAP_ERRORS = {
    "cannot_connect": _lazy(
        "The IMAP server cannot be reached. Check the server, port and security."
    ),
    "login_failed": _lazy("The IMAP server refused the user name or password."),
    "no_folder": _lazy("The mailbox has no such folder."),
}


def _connect_imap(request, company, form: ImapForm, mailbox: ImapMailbox | None) -> bool:
    """Save the mailbox only once a log-in with it works."""
    data = dict(form.cleaned_data)
    password = data.pop("password") or (mailbox.password if mailbox else "")
    trial = ImapMailbox(company=company, **data)
    trial.password = password
    try:
        imap.check_mailbox(trial)
    except imap.ImapError as exc:
        form.add_error(None, str(IMAP_ERRORS.get(exc.code, exc.code)))
        return False
    services.connect_imap(company, password=password, **data)
    messages.success(request, _("The mailbox is connected: new mail is fetched every minute."))
    return True


@require_POST
@manager_required
def change_address(request: CompanyRequest, company_id: int) -> HttpResponse:
    inbox = services.change_address(services.inbox_for(request.company))
    messages.success(
        request,
        _("The inbox has a new address, %(address)s. The old one no longer works.")
        % {"address": inbox.address},
    )
    return redirect("mailin:settings", company_id=company_id)


@require_POST
@manager_required
def disconnect_imap(request: CompanyRequest, company_id: int) -> HttpResponse:
    ImapMailbox.objects.filter(company=request.company).delete()
    messages.success(request, _("The mailbox is disconnected."))
    return redirect("mailin:settings", company_id=company_id)
