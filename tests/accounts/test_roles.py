"""The roles table (issue 15 item 6): the README says what accounts/roles.py enforces."""

from __future__ import annotations

import re
from pathlib import Path

import billbridge
from billbridge.accounts.models import Role
from billbridge.accounts.roles import ALLOWED, Action

README = Path(billbridge.__file__).parent.parent.parent / "README.md"
COLUMNS = [Role.OWNER, Role.ADMIN, Role.ACCOUNTANT, Role.MEMBER]


def readme_table() -> dict[str, set[str]]:
    rows = {}
    for line in README.read_text().splitlines():
        match = re.match(r"^\|.*\(`(\w+)`\) \|(.*)\|$", line)
        if match:
            marks = [cell.strip() for cell in match.group(2).split("|")]
            rows[match.group(1)] = {
                r.value for r, m in zip(COLUMNS, marks, strict=True) if m == "✓"
            }
    return rows


def test_the_readme_table_is_the_enforced_table():
    assert readme_table() == {action.value: set(roles) for action, roles in ALLOWED.items()}


def test_every_action_has_a_row_for_every_role():
    assert set(ALLOWED) == set(Action)
    assert all(roles <= set(Role.values) for roles in ALLOWED.values())


def test_managing_the_company_is_what_can_manage_means():
    from billbridge.accounts.models import MANAGING_ROLES

    assert ALLOWED[Action.MANAGE_COMPANY] == frozenset(MANAGING_ROLES)
