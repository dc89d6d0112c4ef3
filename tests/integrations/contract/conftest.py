"""The contract suite's world: every provider of the registry, each against its own emulator."""

from __future__ import annotations

from typing import Any

import pytest

from billbridge.accounts.services import add_product
from billbridge.integrations.registry import PROVIDERS
from tests.integrations.contract.books import BOOKS, Books
from tests.integrations.dinero.fixtures import _dinero_process, emu  # noqa: F401
from tests.integrations.economic.conftest import _economic_process, economic  # noqa: F401


@pytest.fixture(params=sorted(PROVIDERS))
def books(request: Any, company: Any, settings: Any) -> Books:
    """One provider's books in its emulator (reset, the product pointed at it); the company
    has Integrate and reads English."""
    settings.LANGUAGE_CODE = "en"
    add_product(company, "integrate")
    kind = BOOKS.get(request.param)
    if kind is None:
        pytest.fail(f"{request.param} has no Books in tests/integrations/contract/books.py")
    return kind(request.getfixturevalue(kind.fixture))
