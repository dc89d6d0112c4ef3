"""What each role may do in a company: the one table every page and route asks (issue 15
item 6). The README's roles table is written from it."""

from __future__ import annotations

from enum import StrEnum

from billbridge.accounts.models import Membership, Role


class Action(StrEnum):
    READ_SECURITY_LOG = "read_security_log"


ALLOWED: dict[Action, frozenset[str]] = {
    Action.READ_SECURITY_LOG: frozenset({Role.OWNER}),
}


def may(membership: Membership, action: Action) -> bool:
    """Whether the member's role allows `action` in that company."""
    return membership.role in ALLOWED[action]
