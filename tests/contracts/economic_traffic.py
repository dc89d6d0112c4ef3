"""e-conomic's official JSON schemas as a validator of billbridge's real HTTP traffic.

The counterpart of `dinero_openapi.Watch` for e-conomic: every request body billbridge's
e-conomic client sends (POST/PUT) is validated against the official `<path>.<method>` schema
of the call, and every 2xx answer to a GET against its `.get` schema, with jsonschema's
Draft3Validator (the same reading the emulator conformance tests use,
`tests.emulators.economic_schemas`). The schemas are the repository's verbatim copies, held
equal to the shared originals by `tests/emulators/test_economic_schema_copies.py`.

A call the official files have no schema for is not a violation — the files are silent about
it — but it is counted in `Watch.silent`, so that a test can hold the list of such calls to
the ones the client's code marks [GUESS] (`test_economic_traffic.py`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from tests.emulators.economic_schemas import SCHEMA_DIR, schema_errors

_SCHEMA_SUFFIX = ".schema.json"


@dataclass(frozen=True)
class Route:
    """One official schema file read as a route: its path segments and method."""

    name: str  # the file name
    segments: tuple[str, ...]  # literal words and named values (see `is_variable`)
    method: str

    @staticmethod
    def is_variable(segment: str) -> bool:
        """`journalNumber`, `accountingYear-voucherNumber`, `code`, `id`: a value, not a word
        (the files name path parameters in camelCase; the literal words are lower-case)."""
        return segment != segment.lower() or segment in {"code", "id"}

    def matches(self, method: str, parts: tuple[str, ...]) -> int | None:
        """How many literal segments match (higher is better), or None when it does not fit."""
        if method != self.method or len(parts) != len(self.segments):
            return None
        literal = 0
        for want, got in zip(self.segments, parts, strict=True):
            if self.is_variable(want):
                continue
            if want != got:
                return None
            literal += 1
        return literal


@functools.cache
def routes() -> tuple[Route, ...]:
    found = []
    for path in sorted(SCHEMA_DIR.glob(f"*{_SCHEMA_SUFFIX}")):
        stem = path.name[: -len(_SCHEMA_SUFFIX)]
        *segments, method = stem.split(".")
        found.append(Route(path.name, tuple(segments), method.upper()))
    return tuple(found)


def schema_for(method: str, path: str) -> str | None:
    """The official schema file of a call (`POST /journals/2/vouchers` →
    `journals.journalNumber.vouchers.post.schema.json`), or None when the files have none."""
    parts = tuple(p for p in path.split("/") if p)
    best: tuple[int, str] | None = None
    for route in routes():
        score = route.matches(method.upper(), parts)
        if score is not None and (best is None or score > best[0]):
            best = (score, route.name)
    return best[1] if best else None


def route_of(method: str, path: str) -> str:
    """`GET /journals/{n}/entries`: a call with its numbers taken out, for reporting."""
    shape = re.sub(r"/\d[^/]*", "/{n}", path)
    return f"{method.upper()} {shape}"


def _json(content: bytes) -> Any:
    return json.loads(content.decode("utf-8")) if content else None


class Watch:
    """httpx event hooks for an e-conomic client: violations collected for the test to fail
    on (an exception inside the client would be swallowed by the sync engine's guard)."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked = 0
        self.silent: set[str] = set()

    @staticmethod
    def is_rest_call(request: httpx.Request) -> bool:
        """A call to the REST API: not to the newer OpenAPI-described services
        (apis.e-conomic.com, `/accountingyearsapi/…`), nor the emulator's control pages."""
        first = request.url.path.lstrip("/").split("/", 1)[0]
        return first != "_emulator" and not first.endswith("api")

    def on_request(self, request: httpx.Request) -> None:
        if not self.is_rest_call(request):
            return
        method, path = request.method, request.url.path
        if method == "GET":
            return  # validated by its answer
        name = schema_for(method, path)
        if name is None:
            self.silent.add(route_of(method, path))
            return
        request.read()
        if "json" not in request.headers.get("content-type", ""):
            self.violations.append(f"{method} {path}: not a JSON body ({name})")
            return
        body = _json(request.content)
        # A bulk POST of vouchers is an array of what the schema describes (economic.md §5).
        for item in body if isinstance(body, list) and method == "POST" else [body]:
            self.checked += 1
            errors = schema_errors(item, name)
            if errors:
                self.violations.append(f"{method} {path} against {name}: {errors}")

    def on_response(self, response: httpx.Response) -> None:
        request = response.request
        if not self.is_rest_call(request) or request.method != "GET":
            return
        if not 200 <= response.status_code < 300:
            return
        name = schema_for("GET", request.url.path)
        if name is None:
            self.silent.add(route_of("GET", request.url.path))
            return
        response.read()
        self.checked += 1
        errors = schema_errors(_json(response.content), name)
        if errors:
            self.violations.append(f"answer to GET {request.url.path} against {name}: {errors}")

    def install(self, http: httpx.Client) -> None:
        http.event_hooks["request"].append(self.on_request)
        http.event_hooks["response"].append(self.on_response)
