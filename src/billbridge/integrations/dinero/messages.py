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
    "connect_denied": _(
        "You did not allow billbridge to reach %(system)s in Visma Connect, so nothing was "
        "connected. Press CONNECT DINERO to try again."
    ),
}
