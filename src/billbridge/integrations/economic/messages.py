"""Error codes only e-conomic's set-up and posting use → plain words (English source; Danish in
this package's locale). Codes shared by every provider are worded in integrations/messages.py.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billbridge.integrations.messages import message_for

SYSTEM = "e-conomic"

MESSAGES: dict[str, Promise] = {
    "not_connected": _(
        "e-conomic did not accept the agreement grant token: the app may have been removed "
        "from the agreement (Alle indstillinger → Udvidelser → Apps), or the user who added it "
        "lost the rights. Connect e-conomic again."
    ),
    "no_account": _(
        "The bill has no category mapped to an e-conomic account and no default account is "
        "chosen. Choose one in the e-conomic set-up, then press Retry."
    ),
    "no_payment_account": _(
        "The bill's payment method is not mapped to an e-conomic account. Choose one in the "
        "e-conomic set-up, then press Retry."
    ),
    "no_accounting_year": _(
        "e-conomic has no accounting year for the bill's date. Create it in e-conomic, then "
        "press Retry."
    ),
    "not_configured": _(
        "No kassekladde is chosen for this kind of entry. Finish the e-conomic set-up, then "
        "press Retry."
    ),
    "unknown_journal": _("That kassekladde does not exist in e-conomic (any more)."),
    "unknown_item": _("That payment method or category does not belong to this company."),
    "unknown_reverse_charge_code": _(
        "e-conomic has no such VAT code. Choose the reverse-charge code from the list."
    ),
    # E04041 on the entry date (economic.md §10.2): the bill waits, nothing is wrong with it
    "period_locked": _(
        "The bookkeeper has locked the period of this bill's date in e-conomic (usually after "
        "the VAT return), so e-conomic does not take the bill now. It can be posted on the "
        "first open date, with its own date kept in the entry text, or wait until the period "
        "is opened again: billbridge checks by itself."
    ),
    # the choices for a bill held for `period_locked` (registry hold_choices, sync/choices.py)
    "period_locked:first_open_date": _("Post it on the first open date"),
    "period_locked:wait": _("Wait until the period is opened"),
}


def error_text(code: str, detail: str = "", **params: Any) -> str:
    """Plain words for an error code, in the active language (`params` fill them in)."""
    if code in MESSAGES:
        return str(MESSAGES[code])
    return message_for(code, system=SYSTEM, **{"detail": detail or code, **params})
