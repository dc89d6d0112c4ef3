"""The repository's copy of Dinero's OpenAPI description is the shared one, unchanged (issue 9:
a fresh machine without ../shared runs the tests from the copy)."""

from __future__ import annotations

import pytest

from tests.contracts.dinero_openapi import SHARED_PATH, SPEC_PATH


@pytest.mark.skipif(not SHARED_PATH.exists(), reason="no shared/api beside the repository")
def test_the_copy_equals_the_shared_dinero_openapi_file():
    assert SPEC_PATH.read_bytes() == SHARED_PATH.read_bytes()
