"""Inbox addresses and who may send to them: pure rules, no I/O."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from email.utils import getaddresses

from django.utils.text import slugify

#: Random part of an address: 8 characters of a lower-case base-32 alphabet (40 bits).
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 8


def new_local_part(company_name: str) -> str:
    """``<company slug>-<random token>``: readable, and not guessable from the name."""
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    slug = slugify(company_name)[:30].strip("-") or "bills"
    return f"{slug}-{token}"


def split_address(address: str) -> tuple[str, str]:
    """``("local", "domain")`` of an address, lower-cased; ("", "") when it is not one."""
    address = address.strip().strip("<>").lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return "", ""
    return local, domain


def sender_allowed(rules: Iterable[str], senders: Iterable[str]) -> bool:
    """Whether any of the mail's senders matches the inbox's list (issue 13 item 4).

    No rules: anyone who knows the address may send. A rule is an address
    (``bogholderi@leverandor.dk``) or a domain (``leverandor.dk`` or ``@leverandor.dk``).
    """
    rules = [r.strip().lower() for r in rules if r.strip()]
    if not rules:
        return True
    for sender in senders:
        local, domain = split_address(sender)
        if not domain:
            continue
        for rule in rules:
            if "@" in rule.lstrip("@"):
                if rule == f"{local}@{domain}":
                    return True
            elif domain == rule.lstrip("@"):
                return True
    return False


def header_addresses(value: str) -> list[tuple[str, str]]:
    """``[(name, address)]`` from a From/To header value."""
    return [(name, addr) for name, addr in getaddresses([value]) if "@" in addr]
