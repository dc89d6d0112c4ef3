"""Dinero's official OpenAPI description (`openapi.json`, a copy of shared/api's) as validators.

The emulator checks every JSON request body against the operation's schema in the file with
`jsonschema` (OpenAPI 3.1 schemas are JSON Schema 2020-12): types, `additionalProperties:
false`, `required`, `format: uuid`. What the file cannot say (line Ids on update, one
kassekladde's limits) is checked in the handlers, marked where it is a [GUESS].
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("openapi.json")
BASE_URI = "urn:dinero-openapi"


@functools.cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(BASE_URI, Resource(contents=spec(), specification=DRAFT202012))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@functools.cache
def _validator(path: str, method: str) -> jsonschema.Draft202012Validator:
    """The validator of one operation's JSON body (KeyError: not in the file)."""
    spec()["paths"][path][method]["requestBody"]["content"]["application/json"]
    pointer = _pointer(
        "paths", path, method, "requestBody", "content", "application/json", "schema"
    )
    return jsonschema.Draft202012Validator(
        {"$ref": f"{BASE_URI}#/{pointer}"},
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def body_errors(path: str, method: str, body: Any) -> dict[str, str]:
    """The file's objections to a request body: JSON path ("[0].Lines[1].Amount") → message."""
    errors: dict[str, str] = {}
    for error in sorted(_validator(path, method).iter_errors(body), key=lambda e: e.path):
        key = ""
        for part in error.absolute_path:
            key += f"[{part}]" if isinstance(part, int) else f".{part}"
        errors.setdefault(key.lstrip(".") or "body", error.message)
    return errors


def schema(name: str) -> dict[str, Any]:
    """A component schema by name (e.g. "LedgerItemModelV2")."""
    return spec()["components"]["schemas"][name]
