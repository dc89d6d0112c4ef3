"""Dinero's own words for error codes (integrations/messages.py looks here first).

Danish in integrations/dinero/locale/da/LC_MESSAGES/django.po.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Promise] = {
    # Visma Connect (dinero/oauth.py): a refused code or refresh token.
    "connect_refused": _(
        "Visma Connect no longer lets billbridge into %(system)s for this company: the "
        "permission has run out or was withdrawn. The bills wait here. Press Reconnect and log "
        "in to Visma Connect again."
    ),
    "connect_not_allowed_yet": _(
        "The user has not said Yes, Allow in Visma Connect yet, or that was more than 15 "
        "minutes ago. Start the connection again and open its authorize URL in a browser."
    ),
    "connect_denied": _(
        "You did not allow billbridge to reach %(system)s in Visma Connect, so nothing was "
        "connected. Press CONNECT DINERO to try again."
    ),
    # S-d6's money choices (issue 11 items 1 and 3).
    "unknown_reverse_charge_code": _(
        "%(system)s's standard VAT codes for reverse charge are IEUY (services from the EU), "
        "IEUV (goods from the EU) and IVY (services from outside the EU). Choose one of them."
    ),
    # The chart import (setup.plan_import, S-d7): refused, nothing changed.
    "chart_no_expense_accounts": _(
        "The chart of accounts fetched from %(system)s has no expense accounts (in Dinero's "
        "standard chart the accounts 2000-9420 for costs), so importing it would leave you no "
        "categories. Nothing was changed. Choose not to import, or check the chart in "
        "%(system)s."
    ),
    "chart_archives_all_in_use": _(
        "Importing this chart of accounts would archive every category your bills and "
        "suppliers use, because none of them has an account number of an expense account in "
        "%(system)s. Nothing was changed. Choose not to import, or give your categories the "
        "account numbers from %(system)s first."
    ),
}
