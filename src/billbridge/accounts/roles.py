"""What each role may do in a company: the one table every page and route is checked against
(issue 15 item 6), in `accounts.tenancy` (web pages, through `company_view`) and
`api.auth.TokenAuth` (REST routes), before the view runs. The README's roles table says the
same in words; tests/accounts/test_roles.py walks every page and route for every role.

Decided: a member records and pays bills but does not choose account numbers. Creating or
changing categories and payment methods (which carry the accounts bills are booked on) is for
owners, admins and the accountant; products, integrations, the inbox's settings, backfills and
the audit log for owners and admins; the security log for owners.
"""

from __future__ import annotations

import re
from enum import StrEnum

from billbridge.accounts.models import Membership, Role


class Action(StrEnum):
    WORK_WITH_BILLS = "work_with_bills"
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_COMPANY = "manage_company"
    READ_SECURITY_LOG = "read_security_log"
    # how a bill an accounting system holds back is posted (issue 10 item 2: a locked period)
    CHOOSE_HELD_POSTING = "choose_held_posting"


ALL_ROLES = frozenset(Role.values)
ALLOWED: dict[Action, frozenset[str]] = {
    # See, add, edit, pay and retry bills; see categories, payment methods, products, inbox.
    Action.WORK_WITH_BILLS: ALL_ROLES,
    # Create, rename, re-map (account numbers) and archive categories and payment methods.
    Action.MANAGE_CATALOG: frozenset({Role.OWNER, Role.ADMIN, Role.ACCOUNTANT}),
    # Products, integrations (connect, set up, disconnect, backfill), the inbox's address,
    # senders and mailbox, the audit log.
    Action.MANAGE_COMPANY: frozenset({Role.OWNER, Role.ADMIN}),
    # Log-ins, failures, lockouts, resets and tokens of the company's users.
    Action.READ_SECURITY_LOG: frozenset({Role.OWNER}),
    Action.CHOOSE_HELD_POSTING: frozenset({Role.OWNER, Role.ADMIN, Role.ACCOUNTANT}),
}

ANY = "*"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
_MANAGE_ALL = {ANY: Action.MANAGE_COMPANY}

# Web pages by URL name, then HTTP method ("*": every method); unlisted = WORK_WITH_BILLS.
WEB_RULES: dict[str, dict[str, Action]] = {
    "web:products": {"POST": Action.MANAGE_COMPANY},
    "web:categories": {"POST": Action.MANAGE_CATALOG},
    "web:category_update": {ANY: Action.MANAGE_CATALOG},
    "web:payment_methods": {"POST": Action.MANAGE_CATALOG},
    "web:payment_method_update": {ANY: Action.MANAGE_CATALOG},
    "web:security_log": {ANY: Action.READ_SECURITY_LOG},
    "web:two_factor_policy": _MANAGE_ALL,
    "sync:choose": {ANY: Action.CHOOSE_HELD_POSTING},
    "sync:backfill": _MANAGE_ALL,
    "sync:audit": _MANAGE_ALL,
    "mailin:settings": _MANAGE_ALL,
    "mailin:change_address": _MANAGE_ALL,
    "mailin:disconnect_imap": _MANAGE_ALL,
    **{
        f"dinero:{name}": _MANAGE_ALL
        for name in (
            "connect", "consent", "company", "credentials", "accounts", "import", "done",
            "disconnect",
        )
    },
    **{
        f"economic:{name}": _MANAGE_ALL
        for name in (
            "connect", "authenticate", "callback", "agreements", "loading", "fetch", "setup",
            "refresh", "disconnect",
        )
    },
}  # fmt: skip

# REST routes below /api/v1/companies/{company_id}: (pattern of the rest, methods, action);
# the first that matches decides, none = WORK_WITH_BILLS.
API_RULES: list[tuple[re.Pattern[str], tuple[str, ...], Action]] = [
    (re.compile(r"^/(categories|payment-methods)(/[^/]+)?$"), WRITES, Action.MANAGE_CATALOG),
    (re.compile(r"^/products(/[^/]+)?$"), WRITES, Action.MANAGE_COMPANY),
    # Set-up reads on the books (the user's organisations, what an import would do): managers.
    (
        re.compile(r"^/integrations/[^/]+/(visma-connect/organizations|import-plan)$"),
        ("GET",),
        Action.MANAGE_COMPANY,
    ),
    # Every provider's router: reading its state is for all, changing it for managers.
    (re.compile(r"^/integrations/[^/]+(/.*)?$"), WRITES, Action.MANAGE_COMPANY),
]
API_COMPANY_PREFIX = re.compile(r"^/?(?:api/v1/)?companies/[^/]+")


def may(membership: Membership, action: Action) -> bool:
    """Whether the member's role allows `action` in that company."""
    return membership.role in ALLOWED[action]


def action_for_page(view_name: str, method: str) -> Action:
    rules = WEB_RULES.get(view_name, {})
    return rules.get(method.upper()) or rules.get(ANY) or Action.WORK_WITH_BILLS


def action_for_route(path: str, method: str) -> Action:
    """The action of a REST call, by its path (concrete or template) below the company."""
    rest = API_COMPANY_PREFIX.sub("", path, count=1)
    for pattern, methods, action in API_RULES:
        if method.upper() in methods and pattern.match(rest):
            return action
    return Action.WORK_WITH_BILLS
