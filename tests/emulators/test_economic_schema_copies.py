"""The repository's copies of e-conomic's official schemas are the official files, unchanged."""

from __future__ import annotations

import pytest

from .economic_schemas import OFFICIAL_DIR, SCHEMA_DIR


def test_the_repository_carries_schema_copies() -> None:
    assert len(list(SCHEMA_DIR.glob("*.schema.json"))) >= 30


@pytest.mark.skipif(OFFICIAL_DIR is None, reason="the shared api folder is not on this machine")
@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json")))
def test_schema_copy_equals_the_official_file(name: str) -> None:
    assert OFFICIAL_DIR is not None
    official = OFFICIAL_DIR / name
    assert official.is_file(), f"{name} is not an official schema"
    assert (SCHEMA_DIR / name).read_bytes() == official.read_bytes()
