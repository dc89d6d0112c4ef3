"""Official draft-03 JSON schemas (copied from restapi.e-conomic.com/schema, economic.md §6).

``jsonschema.Draft3Validator`` is extended with e-conomic's own keywords: ``maxDecimal`` /
``maxDecimals`` (scale of a number) and ``format: full-date``; ``oneOf`` (draft-4, used in
``paymentDetails``) is ignored like the draft-03 meta-schema would. The schemas also carry
``filterable``/``sortable``/``defaultSorting``, which drive the collection filters (§3.4/3.5).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import validators

from .errors import leaf_error

SCHEMA_DIR = Path(__file__).with_name("schemas")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """Load ``<name>.schema.json`` tolerantly: two official files carry trailing commas."""
    text = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    text = re.sub(r",\s*([}\]])", r"\1", text)
    return json.loads(text)


def _max_decimal(validator: Any, limit: int, instance: Any, schema: dict[str, Any]) -> Any:
    if isinstance(instance, bool) or not isinstance(instance, int | float):
        return
    exp = decimal.Decimal(repr(instance)).normalize().as_tuple().exponent
    if isinstance(exp, int) and -exp > limit:
        yield jsonschema.ValidationError(
            f"scale cannot be greater than {limit} decimal places.", validator_value=limit
        )


_format_checker = jsonschema.FormatChecker(formats=())


@_format_checker.checks("full-date", raises=ValueError)
def _full_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not a full-date")
    dt.date.fromisoformat(value)
    return True


@_format_checker.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return _full_date(value)


EconomicValidator = validators.extend(
    jsonschema.Draft3Validator,
    {"maxDecimal": _max_decimal, "maxDecimals": _max_decimal},
)


def _null_errors(instance: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """§5.6: null is never accepted as a value; omit the property instead."""
    found: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(instance, dict):
        for k, v in instance.items():
            if v is None:
                found.append(((*path, k), "null is not accepted; omit the property instead."))
            else:
                found.extend(_null_errors(v, (*path, k)))
    elif isinstance(instance, list):
        for i, v in enumerate(instance):
            found.extend(_null_errors(v, (*path, i)))
    return found


def _code_for(error: jsonschema.ValidationError) -> str:
    # E04740 (scale) and E04730 (required) are seen in the docs; the rest are guesses.
    return {
        "maxDecimal": "E04740",
        "maxDecimals": "E04740",
        "required": "E04730",
        "type": "E04200",
        "format": "E04210",
        "pattern": "E04210",
        "maxLength": "E04220",
        "minLength": "E04220",
        "minimum": "E04230",
        "maximum": "E04230",
        "enum": "E04240",
    }.get(str(error.validator), "E04290")


def schema_errors(schema_name: str, instance: Any) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Validate ``instance``; return ``(path, leaf error)`` pairs (path relative to the doc)."""
    validator = EconomicValidator(load_schema(schema_name), format_checker=_format_checker)
    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path))):
        path = tuple(err.path)
        if err.validator == "required":
            # Draft-3 reports property-level "required" on the parent; name the property.
            m = re.search(r"'([^']+)'", err.message)
            if m:
                path = (*path, m.group(1))
        name = next((str(p) for p in reversed(path) if isinstance(p, str)), "body")
        value = err.instance if err.validator != "required" else None
        message = f"{name}: {err.message}"
        if err.validator in ("maxDecimal", "maxDecimals"):
            message = f"{name} {err.message}"
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            value = None
        out.append((path, leaf_error(name, message, _code_for(err), value)))
    for path, msg in _null_errors(instance):
        name = next((str(p) for p in reversed(path) if isinstance(p, str)), "body")
        out.append((path, leaf_error(name, f"{name}: {msg}", "E04250")))
    return out


def nest_errors(pairs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> dict[str, Any]:
    """Fold leaf errors into e-conomic's nested shape (§5.2 b).

    ``{"prop": {"errors": [...]}}`` for a property of the document; for voucher entries
    ``{"entries": {"errors": [], "items": [{"arrayIndex": i, "prop": {"errors": [...]}}]}}``
    as in the 2026 production body (index within the entry-type array).
    """
    tree: dict[str, Any] = {}
    for path, leaf in pairs:
        if len(path) >= 3 and path[0] == "entries" and isinstance(path[2], int):
            ent = tree.setdefault("entries", {"errors": []})
            items = ent.setdefault("items", [])
            item = next(
                (it for it in items if (it["arrayName"], it["arrayIndex"]) == (path[1], path[2])),
                None,
            )
            if item is None:
                # "arrayName" (which entry array) is this emulator's addition, kept only when a
                # voucher has errors in several entry arrays: the observed body had one type.
                item = {"arrayIndex": path[2], "arrayName": path[1]}
                items.append(item)
            key = str(path[3]) if len(path) > 3 else str(path[1])
            item.setdefault(key, {"errors": []})["errors"].append(leaf)
        else:
            key = str(path[0]) if path else "body"
            node = tree.setdefault(key, {"errors": []})
            node.setdefault("errors", []).append(leaf)
    items = tree.get("entries", {}).get("items", [])
    if len({it["arrayName"] for it in items}) <= 1:
        # One entry array: the body is exactly the production one, without our key.
        for it in items:
            del it["arrayName"]
    return tree


@functools.cache
def query_capabilities(schema_name: str) -> tuple[frozenset[str], frozenset[str], str | None]:
    """Filterable and sortable dotted property names and default sorting of a GET schema."""
    schema = load_schema(schema_name)
    props = schema.get("properties", {})
    if "collection" in props:
        props = props["collection"].get("items", {}).get("properties", {})
    filterable: set[str] = set()
    sortable: set[str] = set()
    default: str | None = None

    def walk(node: dict[str, Any], prefix: str) -> None:
        nonlocal default
        for key, sub in node.items():
            if not isinstance(sub, dict):
                continue
            name = f"{prefix}{key}"
            if sub.get("filterable"):
                filterable.add(name)
            if sub.get("sortable"):
                sortable.add(name)
            # spelt `defaultSorting: "asc"` in most files, `defaultsorting: "ascending"` in some
            order = sub.get("defaultSorting") or sub.get("defaultsorting")
            if order and default is None:
                default = name if str(order).startswith("asc") else f"-{name}"
            if isinstance(sub.get("properties"), dict):
                walk(sub["properties"], f"{name}.")

    walk(props, "")
    return frozenset(filterable), frozenset(sortable), default
