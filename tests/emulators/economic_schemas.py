"""e-conomic's official draft-03 JSON schemas, as the tests read them.

The repository carries the files the tests need (`src/billbridge/emulators/economic/schemas/`,
verbatim copies of restapi.e-conomic.com/schema/*.schema.json, economic.md §6), so a fresh
machine without the team's shared folder runs every test; `test_economic_schema_copies.py`
holds each copy equal to the shared original wherever that folder exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft3Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "src" / "billbridge" / "emulators" / "economic" / "schemas"
# the team's shared folder: beside the work tree (/work/main → /work/shared), or /work/shared
OFFICIAL_DIR = next(
    (
        p
        for p in (ROOT.parent / "shared" / "api" / "economic-schemas",
                  Path("/work/shared/api/economic-schemas"))
        if p.is_dir()
    ),
    None,
)  # fmt: skip


def load_schema(name: str) -> dict[str, Any]:
    """`name` is the file name; two official files carry trailing commas, tolerated here."""
    text = (SCHEMA_DIR / name).read_text(encoding="utf-8-sig")
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def schema_errors(body: Any, name: str) -> list[str]:
    """Every Draft3Validator error of `body` against the official schema `name`."""
    validator = Draft3Validator(load_schema(name))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]
