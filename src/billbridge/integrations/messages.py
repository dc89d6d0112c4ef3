"""Error codes of any accounting system → plain words for people (English source, Danish .po).

Codes come from `AccountingError.code` (integrations/base.py); providers say which system they
are with `%(system)s`. Danish lives in integrations/dinero/locale/da/LC_MESSAGES/django.po.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Promise] = {
    "invalid_api_key": _(
        "%(system)s did not accept the API key. Check that it is copied in full and has not "
        "been deleted in %(system)s, then enter it again."
    ),
    "unknown_organization": _(
        "The API key works, but not for this Organization ID (Firma ID). Check the ID in "
        "%(system)s under Settings, then try again."
    ),
    "invalid_client": _(
        "billbridge itself is not set up to talk to %(system)s (client id or secret). "
        "Please contact support."
    ),
    "unavailable": _("%(system)s is not answering right now. We will try again shortly."),
    "timeout": _("%(system)s took too long to answer. We will try again shortly."),
    "connection_lost": _(
        "The connection to %(system)s was lost during a call. We check what arrived before "
        "trying again, so nothing is posted twice."
    ),
    "rate_limited": _("%(system)s asked us to slow down. We will try again shortly."),
    "unknown_account": _(
        "Account %(account)s no longer exists in %(system)s. Choose another category or "
        "fallback account, then press Retry."
    ),
    "unknown_vat_code": _(
        "%(system)s does not know the VAT code of account %(account)s. Check the account in "
        "%(system)s, then press Retry."
    ),
    "unknown_file": _("%(system)s lost the attached document. Press Retry to send it again."),
    "file_rejected": _("%(system)s did not accept the bill's document."),
    "row_booked": _(
        "The row is already booked in %(system)s, so this change cannot be applied there. "
        "Correct it in %(system)s."
    ),
    "document_pending": _(
        "Posted. The bill's document is not attached in %(system)s yet; we try again shortly."
    ),
    "document_not_attached": _(
        "Posted, but the voucher was booked in %(system)s before its document could be "
        "attached. Attach the bill's document to the voucher in %(system)s."
    ),
    "row_changed": _("The row was changed in %(system)s at the same time. Press Retry."),
    "row_not_found": _("The row was deleted in %(system)s. Press Retry to post it again."),
    # One set of books, one company (integrations.services.check_remote_id).
    "remote_in_use": _(
        "These %(system)s books (%(remote_id)s) are already connected to another company "
        "account in billbridge, and one set of books takes one company's bills. Disconnect "
        "them there first, or connect other books."
    ),
    "not_connected": _("%(system)s is not connected. Connect it again to send the bill."),
    "rejected": _("%(system)s refused the bill: %(detail)s"),
    "duplicate": _("%(system)s already has this row."),
    # Dinero's BLOCKED codes (integrations/dinero/client.py): nothing is wrong with the bills,
    # which wait; Dinero takes no work until something changes there. The recheck intervals
    # named here are client.RECHECK_FULL_SECONDS and RECHECK_BROWNOUT_SECONDS.
    "dinero_pro_required": _(
        "This %(system)s organisation has no Dinero Pro subscription, and %(system)s lets "
        "integrations in only with one. Nothing is wrong with the bills: they wait here. Add "
        "Dinero Pro (or Total) to the organisation in %(system)s, then press Check again."
    ),
    "kassekladde_full": _(
        "The kassekladde in %(system)s is full: it holds at most 1,000 rows that are not "
        "booked. Nothing is wrong with the bills: they wait here. Ask your accountant to book "
        "the kassekladde in %(system)s. billbridge looks again every 15 minutes and sends the "
        "bills once there is room; or press Check again."
    ),
    "dinero_brownout": _(
        "%(system)s is switching off a part of its API that billbridge uses and refuses it "
        "for a while (HTTP 480, a brownout). Nothing is wrong with the bills: they wait here, "
        "and billbridge tries again by itself every 10 minutes. There is nothing for you to "
        "do; if it lasts, tell billbridge's support, who must update billbridge."
    ),
    # The VAT rule (integrations/vat.py, R-5): the bill's VAT cannot be booked as it says.
    "vat_sign": _(
        "The bill's VAT (%(vat)s) has the opposite sign of its total (%(total)s). Correct the "
        "VAT amount on the bill."
    ),
    "vat_without_total": _(
        "The bill has VAT (%(vat)s) but a total of 0. Correct the total or the VAT on the bill."
    ),
    "vat_exceeds_rate": _(
        "The bill's VAT (%(vat)s) is more than %(rate)s %% VAT of its total can be (at most "
        "%(allowed)s). Check the VAT amount on the bill."
    ),
    "vat_code_missing": _(
        "The bill has VAT (%(vat)s), but its account has no VAT code in %(system)s. Choose a "
        "category whose account has purchase VAT, or give the account a VAT code in %(system)s."
    ),
    "vat_code_unknown": _(
        "%(system)s has no VAT code %(vat_code)s. Fetch the chart of accounts again in the "
        "integration's set-up, then press Retry."
    ),
    "vat_rate_mismatch": _(
        "The e-invoice charges %(rate)s %% VAT, but VAT code %(vat_code)s is for "
        "%(vat_code_rate)s %%. Choose another category, or correct the VAT breakdown on the bill."
    ),
    "foreign_vat": _(
        "The bill's VAT (%(vat)s) from a supplier in %(country)s is not Danish VAT at "
        "%(rate)s %%, so it cannot be deducted in the Danish VAT return. If the foreign VAT is "
        "part of the cost, set the bill's VAT to 0; otherwise correct the VAT amount."
    ),
    "reverse_charge_code_missing": _(
        "The bill is reverse charge (you account for its VAT, %(amount)s before VAT), but no "
        "reverse-charge VAT code is chosen for %(system)s. Choose one in the integration's "
        "set-up, then press Retry."
    ),
    "vat_on_reverse_charge": _(
        "The e-invoice marks %(amount)s as reverse charge but also charges VAT on it. Correct "
        "the VAT breakdown on the bill."
    ),
    "vat_breakdown_mismatch": _(
        "The e-invoice's VAT breakdown (%(amount)s) is more than the bill's total "
        "(%(total)s). Correct the total or the VAT breakdown on the bill."
    ),
    # Official exchange rates (billbridge.fx, R-6).
    "rate_not_published": _(
        "The official %(currency)s rate of %(date)s is not published yet. The bill waits and is "
        "sent when it is, or you can type the rate on the bill."
    ),
    "rate_missing": _(
        "No official %(currency)s rate was published in the %(days)s days up to %(date)s. "
        "Type the rate on the bill."
    ),
    "rate_currency_unknown": _(
        "There is no official daily rate for %(currency)s. Type the rate on the bill."
    ),
    "rate_needed": _(
        "The bill is in %(currency)s and has no exchange rate. Type the rate on the bill, or "
        "choose the official rate there, then press Retry."
    ),
    "rates_unavailable": _(
        "The official exchange rates could not be fetched just now. We will try again shortly."
    ),
}


def _provider_messages(provider: str) -> dict[str, Promise]:
    """A provider's own words (its `messages.MESSAGES`), which win over the shared ones."""
    from billbridge.integrations.registry import PROVIDERS

    info = PROVIDERS.get(provider)
    module = info.optional(info.messages) if info else None
    words: dict[str, Promise] = getattr(module, "MESSAGES", {})
    return words


def message_for(code: str, *, system: str = "", provider: str = "", **params: Any) -> str:
    """The plain-words message for an error code, in the active language."""
    own = _provider_messages(provider) if provider else {}
    template = own.get(code) or MESSAGES.get(code, MESSAGES["rejected"])
    values: dict[str, Any] = {"system": system, "account": "", "detail": code, "currency": ""}
    values.update({k: v for k, v in params.items() if v is not None})
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return str(template)
