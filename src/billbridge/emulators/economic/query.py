"""Collections: ``filter=``, ``sort=`` and paging as restdocs describe (economic.md §3.3-3.5).

Rests on restdocs "Pagination", "Filtering", "Sorting": operators ``$eq: $ne: $gt: $gte: $lt:
$lte: $like: $in: $nin:``, logic ``$and:``/``$or:`` with parentheses, escapes ``$$ $( $) $* $, $[
$]``, ``$null:``, case-insensitive strings, ``$like:`` without ``*`` = contains, ``$in:`` only on
numbers (max 200), only ``filterable``/``sortable`` properties. ``$and:`` binding tighter than
``$or:`` is this emulator's choice (the docs only say to use parentheses).
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

WILDCARD = object()
OPS = ("$eq:", "$ne:", "$gte:", "$gt:", "$lte:", "$lt:", "$like:", "$in:", "$nin:")
ESCAPABLE = "$()*,[]"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 20


def _bad_filter(message: str) -> ApiError:
    return ApiError(
        400,
        message,
        error_code="E07300",
        developer_hint="See https://restdocs.e-conomic.com/#filtering for the filter syntax.",
    )


@dataclass
class Predicate:
    """One ``property$op:value`` term; ``value`` is None for ``$null:``."""

    prop: str
    op: str
    value: list[Any] | None  # characters and WILDCARD markers

    def text(self) -> str:
        return "".join("*" if c is WILDCARD else c for c in (self.value or []))


class _Parser:
    def __init__(self, text: str, filterable: frozenset[str]) -> None:
        self.s = text
        self.i = 0
        self.filterable = filterable

    def parse(self) -> Any:
        node = self.expr()
        if self.i != len(self.s):
            raise _bad_filter(f"Unexpected character at position {self.i} in filter.")
        return node

    def expr(self) -> Any:
        node = self.and_expr()
        while self.s.startswith("$or:", self.i):
            self.i += 4
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> Any:
        node = self.atom()
        while self.s.startswith("$and:", self.i):
            self.i += 5
            node = ("and", node, self.atom())
        return node

    def atom(self) -> Any:
        if self.s.startswith("(", self.i):
            self.i += 1
            node = self.expr()
            if not self.s.startswith(")", self.i):
                raise _bad_filter("Unbalanced parentheses in filter.")
            self.i += 1
            return node
        start = self.i
        while self.i < len(self.s) and self.s[self.i] != "$":
            self.i += 1
        prop = self.s[start : self.i]
        if not prop:
            raise _bad_filter("Missing property name in filter.")
        op = next((o for o in OPS if self.s.startswith(o, self.i)), None)
        if op is None:
            raise _bad_filter(f"Unknown or missing operator after '{prop}' in filter.")
        if prop not in self.filterable:
            raise _bad_filter(f"Filtering on '{prop}' is not allowed.")
        self.i += len(op)
        if self.s.startswith("$null:", self.i):
            self.i += 6
            return Predicate(prop, op, None)
        chars: list[Any] = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "$":
                if self.s.startswith("$and:", self.i) or self.s.startswith("$or:", self.i):
                    break
                nxt = self.s[self.i + 1 : self.i + 2]
                if nxt and nxt in ESCAPABLE:
                    chars.append(nxt)
                    self.i += 2
                    continue
                raise _bad_filter(f"Unescaped '$' at position {self.i} in filter.")
            if c == ")":
                break
            chars.append(WILDCARD if c == "*" else c)
            self.i += 1
        return Predicate(prop, op, chars)


def get_path(obj: Any, dotted: str) -> Any:
    """``a.b`` lookup; missing → None."""
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _matches(pred: Predicate, item: dict[str, Any]) -> bool:
    field = get_path(item, pred.prop)
    if pred.value is None:
        return (field is None) == (pred.op == "$eq:")
    raw = pred.text()
    if pred.op in ("$in:", "$nin:"):
        m = re.fullmatch(r"\[(.*)\]", raw)
        if not m:
            raise _bad_filter("$in:/$nin: take a list in brackets, e.g. [2,5,7].")
        try:
            values = [float(v) for v in m.group(1).split(",") if v.strip()]
        except ValueError as exc:
            raise _bad_filter("$in:/$nin: only work on numeric properties.") from exc
        if len(values) > 200:
            raise _bad_filter("$in:/$nin: take at most 200 values.")
        found = isinstance(field, int | float) and float(field) in values
        return found if pred.op == "$in:" else not found
    if pred.op == "$like:":
        if field is None:
            return False
        parts = pred.value if WILDCARD in pred.value else [WILDCARD, *pred.value, WILDCARD]
        rx = "".join(".*" if c is WILDCARD else re.escape(c) for c in parts)
        return re.fullmatch(rx, str(field), re.IGNORECASE | re.DOTALL) is not None
    # Booleans are omitted when false (§5.6): a missing field compares as false.
    if raw.lower() in ("true", "false") and (field is None or isinstance(field, bool)):
        left: Any = bool(field)
        right: Any = raw.lower() == "true"
    elif isinstance(field, int | float) and not isinstance(field, bool):
        try:
            left, right = float(field), float(raw)
        except ValueError as exc:
            raise _bad_filter(f"'{raw}' is not a number for '{pred.prop}'.") from exc
    else:
        if field is None:
            return pred.op == "$ne:"
        left, right = str(field).lower(), raw.lower()
    return {
        "$eq:": left == right,
        "$ne:": left != right,
        "$gt:": left > right,
        "$gte:": left >= right,
        "$lt:": left < right,
        "$lte:": left <= right,
    }[pred.op]


def _evaluate(node: Any, item: dict[str, Any]) -> bool:
    if isinstance(node, Predicate):
        return _matches(node, item)
    kind, left, right = node
    if kind == "and":
        return _evaluate(left, item) and _evaluate(right, item)
    return _evaluate(left, item) or _evaluate(right, item)


def compile_filter(text: str, filterable: frozenset[str]) -> Callable[[dict[str, Any]], bool]:
    """Parse a filter string once; return a predicate over items."""
    tree = _Parser(text, filterable).parse()
    return lambda item: _evaluate(tree, item)


def apply_sort(
    items: list[dict[str, Any]], sort: str | None, sortable: frozenset[str], default: str | None
) -> list[dict[str, Any]]:
    """``sort=-name,age``; ``~`` forces alphabetical comparison."""
    spec = sort or default
    if not spec:
        return items
    keys = [k for k in spec.split(",") if k]
    for raw in reversed(keys):
        desc = raw.startswith("-")
        name = raw.lstrip("-~")
        alpha = "~" in raw
        if sort and name not in sortable:
            raise ApiError(
                400,
                f"Sorting on '{name}' is not allowed.",
                error_code="E07310",
                developer_hint="See https://restdocs.e-conomic.com/#sorting.",
            )

        def key(item: dict[str, Any], name: str = name, alpha: bool = alpha) -> tuple[Any, ...]:
            v = get_path(item, name)
            if v is None:
                return (0, "")
            if alpha or isinstance(v, str):
                return (1, str(v).lower())
            return (1, float(v)) if not isinstance(v, bool) else (1, int(v))

        try:
            items = sorted(items, key=key, reverse=desc)
        except TypeError:
            items = sorted(items, key=lambda it, n=name: str(get_path(it, n)), reverse=desc)
    return items


def _int_param(query: dict[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError(400, f"'{name}' must be an integer.", error_code="E07320") from exc


def paginate(
    items: list[dict[str, Any]],
    *,
    query: dict[str, str],
    base_url: str,
    path: str,
    filterable: frozenset[str] = frozenset(),
    sortable: frozenset[str] = frozenset(),
    default_sort: str | None = None,
    meta_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Filter, sort and page ``items``; return the collection document.

    ``pagesize`` above 1000 or below 1 → 400 (guess; the docs only give the maximum).
    """
    skip = _int_param(query, "skippages", 0)
    size = _int_param(query, "pagesize", DEFAULT_PAGE_SIZE)
    if size < 1 or size > MAX_PAGE_SIZE:
        raise ApiError(
            400,
            f"pagesize must be between 1 and {MAX_PAGE_SIZE}.",
            error_code="E07330",
            developer_hint="See https://restdocs.e-conomic.com/#pagination.",
        )
    if skip < 0:
        raise ApiError(400, "skippages must be 0 or more.", error_code="E07330")
    total_without = len(items)
    flt = query.get("filter")
    if flt:
        pred = compile_filter(flt, filterable)
        items = [it for it in items if pred(it)]
    items = apply_sort(items, query.get("sort"), sortable, default_sort)
    results = len(items)
    page = items[skip * size : (skip + 1) * size]
    last = max(math.ceil(results / size) - 1, 0)

    def link(n: int) -> str:
        params = [("skippages", str(n)), ("pagesize", str(size))]
        params += [(k, query[k]) for k in ("filter", "sort") if query.get(k)]
        return f"{base_url}{path}?{urllib.parse.urlencode(params, safe='$:*,()[]~-')}"

    pagination: dict[str, Any] = {
        "maxPageSizeAllowed": MAX_PAGE_SIZE,
        "skipPages": skip,
        "pageSize": size,
        "results": results,
        "resultsWithoutFilter": total_without,
        "firstPage": link(0),
    }
    if skip > 0:
        pagination["previousPage"] = link(min(skip - 1, last))
    if skip < last:
        pagination["nextPage"] = link(skip + 1)
    pagination["lastPage"] = link(last)
    doc: dict[str, Any] = {"collection": page, "pagination": pagination}
    if meta_data:
        doc["metaData"] = meta_data
    doc["self"] = link(skip)
    return doc
