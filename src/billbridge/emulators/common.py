"""Shared machinery for the stand-alone API emulators (Dinero, e-conomic).

Stdlib only: the emulators must run without Django or any billbridge app. An emulator is an
`EmulatorApp` subclass that registers its API routes on `app.router`; this module supplies the
request/response types, the router, fault injection, request statistics, the `/_emulator/`
control endpoints that both emulators share, JSON state persistence and the HTTP server.

Stable API (the e-conomic emulator imports these names): `Request`, `Response`,
`json_response`, `html_response`, `format_amount_da`, `empty_response`, `Router`, `Route`,
`Faults`, `FaultPlan`, `Stats`, `EmulatorApp`, `serve_app`, `save_json_atomic`, `load_json`.

Fault injection (the one place it is documented): `GET /_emulator/faults` shows the config,
`POST /_emulator/faults` merges a JSON object into it (unknown keys → 400). Keys, same for both
emulators (see `FAULT_DEFAULTS`):

- `reset` (bool): clear everything back to the defaults before applying the other keys.
- `latency_ms` (int, 0) / `jitter_ms` (int, 0): fixed + random extra delay on every API call.
- `error_rate` (0..1, 0.0) with `error_status` (int, 503): random early error, nothing applied.
- `throttle_rate` (0..1, 0.0) with `retry_after` (int seconds, 1): random 429 + Retry-After.
- `drop_after_write_rate` (0..1, 0.0): a write is applied, then the connection is dropped.
- `fail_next` (list, appended): `{"status": int|"drop"|"timeout", "count": 1, "method": "POST",
  "path_contains": "/vouchers", "retry_after": 5}` - the next `count` matching calls fail;
  "timeout" applies the write and answers nothing for `timeout_seconds` (float, 30.0).
- `token_ttl_seconds` (int|null): override of the lifetime of new Dinero access tokens.
- `rate_limit_per_second` (number|null): token bucket per organisation/agreement → 429.
- `daily_limit` (int|null): e-conomic's fair-use threshold of calls per agreement per UTC day
  (null = 50,000), a figure in its stats, never a 429; Dinero ignores it.
- `seed` (int|null): seeds the random faults, for reproducible runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# --------------------------------------------------------------------------- request / response


@dataclass
class Request:
    """One parsed HTTP request, as handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    route: Route | None = None

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def query_value(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter, name matched case-insensitively."""
        for key, values in self.query.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return default

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not JSON."""
        if not self.body:
            raise ValueError("empty body")
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        """An application/x-www-form-urlencoded body as a flat dict (first value wins)."""
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def multipart_files(self) -> list[tuple[str, str, str, bytes]]:
        """Parts of a multipart/form-data body as (field name, filename, content type, data)."""
        ctype = self.header("content-type")
        if not ctype.lower().startswith("multipart/form-data"):
            return []
        raw = b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + self.body
        message = BytesParser(policy=HTTP).parsebytes(raw)
        parts = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition") or ""
            filename = part.get_filename() or ""
            data = part.get_payload(decode=True) or b""
            parts.append((str(name), str(filename), part.get_content_type(), data))
        return parts


@dataclass
class Response:
    """What a handler returns. `after` makes the server misbehave after the effect is applied."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    after: str | None = None  # None | "drop" | "timeout"
    timeout_seconds: float = 30.0


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    all_headers = {"Content-Type": "application/json; charset=utf-8"}
    all_headers.update(headers or {})
    return Response(status=status, body=body, headers=all_headers)


def format_amount_da(value: Any) -> str:
    """An amount as a Danish bookkeeper reads it on the `/_emulator/` pages: `-1.250,00`."""
    text = f"{float(value or 0):,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def html_response(status: int, html: str) -> Response:
    return Response(
        status=status,
        body=html.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def empty_response(status: int = 204) -> Response:
    return Response(status=status)


# --------------------------------------------------------------------------- router

Handler = Callable[[Request], Response]


@dataclass
class Route:
    """One route: METHOD + full-match regex. `api` routes are counted and get faults."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    name: str  # label used in stats, e.g. "POST /v1.1/{org}/ledgeritems"
    api: bool = True
    write: bool = False


class Router:
    """Method + regex → handler. Regexes are full-matched against the path (no query)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        pattern: str,
        handler: Handler,
        *,
        name: str | None = None,
        api: bool = True,
        write: bool | None = None,
    ) -> None:
        method = method.upper()
        self.routes.append(
            Route(
                method=method,
                pattern=re.compile(pattern, re.IGNORECASE),
                handler=handler,
                name=name or f"{method} {pattern}",
                api=api,
                write=(method in WRITE_METHODS) if write is None else write,
            )
        )

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, params, path_exists). path_exists lets the caller answer 405 vs 404."""
        path_exists = False
        for route in self.routes:
            m = route.pattern.fullmatch(path)
            if not m:
                continue
            path_exists = True
            if route.method == method.upper():
                return route, {k: v for k, v in m.groupdict().items() if v is not None}, True
        return None, {}, path_exists


# --------------------------------------------------------------------------- faults

FAULT_DEFAULTS: dict[str, Any] = {
    "latency_ms": 0,
    "jitter_ms": 0,
    "error_rate": 0.0,
    "error_status": 503,
    "throttle_rate": 0.0,
    "retry_after": 1,
    "drop_after_write_rate": 0.0,
    "fail_next": [],
    "token_ttl_seconds": None,
    "rate_limit_per_second": None,
    "seed": None,
    "timeout_seconds": 30.0,
    "daily_limit": None,
}


@dataclass
class FaultPlan:
    """What the fault injector decided for one API request."""

    delay_seconds: float = 0.0
    early_status: int | None = None  # answer this status instead of running the handler
    retry_after: int | None = None  # with early 429
    after: str | None = None  # "drop" | "timeout" after the handler has run
    timeout_seconds: float = 30.0


class Faults:
    """Fault configuration for one emulator, switched on per run via `/_emulator/faults`.

    Why: the product's exactly-once and retry logic can only be tested against a server that
    fails in the ways real ones do (5xx, 429 + Retry-After, slowness, a write that was applied
    but never answered, expired tokens).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: dict[str, Any] = {}
        self._rng = random.Random()
        self._buckets: dict[str, tuple[float, float]] = {}  # tenant → (tokens, last time)
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._config = json.loads(json.dumps(FAULT_DEFAULTS))
            self._rng = random.Random()
            self._buckets = {}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return json.loads(json.dumps(self._config))

    def get(self, key: str) -> Any:
        with self._lock:
            return self._config.get(key)

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge `changes` into the config (`"reset": true` clears first); returns the result.

        Raises ValueError on unknown keys or bad values, so a typo in a test fails loudly.
        """
        if not isinstance(changes, dict):
            raise ValueError("faults must be a JSON object")
        changes = dict(changes)
        if changes.pop("reset", False):
            self.reset()
        unknown = set(changes) - set(FAULT_DEFAULTS)
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        for item in changes.get("fail_next") or []:
            if not isinstance(item, dict):
                raise ValueError("fail_next items must be objects")
            status = item.get("status")
            if status not in ("drop", "timeout") and not isinstance(status, int):
                raise ValueError(f"bad fail_next status {status!r}")
        limit = changes.get("daily_limit")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        ):
            raise ValueError("daily_limit must be null or an integer >= 0")
        for key in ("error_rate", "throttle_rate", "drop_after_write_rate"):
            if key in changes and not 0 <= float(changes[key]) <= 1:
                raise ValueError(f"{key} must be between 0 and 1")
        with self._lock:
            for key, value in changes.items():
                if key == "fail_next":
                    normalised = []
                    for item in value or []:
                        entry = dict(item)
                        entry["count"] = int(entry.get("count", 1))
                        normalised.append(entry)
                    self._config["fail_next"] = self._config["fail_next"] + normalised
                else:
                    self._config[key] = value
            if "seed" in changes and changes["seed"] is not None:
                self._rng = random.Random(changes["seed"])
            if "rate_limit_per_second" in changes:
                self._buckets = {}
            return json.loads(json.dumps(self._config))

    def plan(self, method: str, path: str, write: bool, tenant: str | None) -> FaultPlan:
        """Decide the faults for one API request (consumes fail_next and rate-limit tokens)."""
        with self._lock:
            cfg = self._config
            plan = FaultPlan(timeout_seconds=float(cfg.get("timeout_seconds") or 30.0))
            plan.delay_seconds = (cfg["latency_ms"] or 0) / 1000.0
            if cfg["jitter_ms"]:
                plan.delay_seconds += self._rng.uniform(0, cfg["jitter_ms"]) / 1000.0
            # 1. deterministic faults first: the next `count` matching requests
            for entry in cfg["fail_next"]:
                if entry["count"] <= 0:
                    continue
                if entry.get("method") and entry["method"].upper() != method.upper():
                    continue
                if entry.get("path_contains") and entry["path_contains"] not in path:
                    continue
                entry["count"] -= 1
                status = entry["status"]
                if status in ("drop", "timeout"):
                    plan.after = status
                else:
                    plan.early_status = int(status)
                    if plan.early_status == 429:
                        plan.retry_after = int(entry.get("retry_after", cfg["retry_after"]))
                break
            cfg["fail_next"] = [e for e in cfg["fail_next"] if e["count"] > 0]
            if plan.early_status is not None or plan.after is not None:
                return plan
            # 2. random faults, answered before any effect
            if cfg["error_rate"] and self._rng.random() < float(cfg["error_rate"]):
                plan.early_status = int(cfg["error_status"] or 503)
                return plan
            if cfg["throttle_rate"] and self._rng.random() < float(cfg["throttle_rate"]):
                plan.early_status = 429
                plan.retry_after = int(cfg["retry_after"])
                return plan
            # 3. token bucket per tenant (organisation / agreement)
            rate = cfg.get("rate_limit_per_second")
            if rate:
                key = tenant or "-"
                now = time.monotonic()
                tokens, last = self._buckets.get(key, (float(rate), now))
                tokens = min(float(rate), tokens + (now - last) * float(rate))
                if tokens < 1.0:
                    self._buckets[key] = (tokens, now)
                    plan.early_status = 429
                    plan.retry_after = max(1, int((1.0 - tokens) / float(rate) + 0.999))
                    return plan
                self._buckets[key] = (tokens - 1.0, now)
            # 4. applied, then the connection is dropped
            drop_rate = float(cfg["drop_after_write_rate"] or 0)
            if write and drop_rate and self._rng.random() < drop_rate:
                plan.after = "drop"
            return plan


# --------------------------------------------------------------------------- stats


class Stats:
    """Counts API requests per route label, so tests and benchmarks can count calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0
        self._by_route: dict[str, int] = {}

    def record(self, name: str) -> None:
        with self._lock:
            self._total += 1
            self._by_route[name] = self._by_route.get(name, 0) + 1

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._by_route = {}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"requests": self._total, "by_route": dict(self._by_route)}


# --------------------------------------------------------------------------- persistence


def save_json_atomic(path: str, payload: Any) -> None:
    """Write JSON via a temp file + rename, so a crash never leaves half a state file."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".emulator-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1, default=str)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_json(path: str | None) -> Any:
    """The JSON in `path`, or None when there is no such file."""
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# --------------------------------------------------------------------------- the app


class EmulatorApp:
    """Base for an emulator: routing, faults, stats and the shared `/_emulator/` endpoints.

    Subclasses implement `reset_state()`, `credentials()`, `dump_state()`/`load_state()`
    (for `--state`), `fault_response()` (the system's own error body), and register their API
    routes on `self.router`. `self.lock` serialises all state changes.
    """

    def __init__(self, state_file: str | None = None) -> None:
        self.lock = threading.RLock()
        self.router = Router()
        self.faults = Faults()
        self.stats = Stats()
        self.state_file = state_file
        self._add_control_routes()

    # ---- to override
    def reset_state(self) -> None:
        raise NotImplementedError

    def credentials(self) -> dict[str, Any]:
        raise NotImplementedError

    def dump_state(self) -> dict[str, Any]:
        raise NotImplementedError

    def load_state(self, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def tenant_of(self, request: Request) -> str | None:
        """Rate-limit key: the organisation/agreement the request is for."""
        return request.params.get("org")

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        body: dict[str, Any] = {"message": f"Emulated fault: HTTP {status}"}
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return json_response(status, body, headers)

    def not_found_response(self, request: Request) -> Response:
        return json_response(404, {"message": f"No route for {request.method} {request.path}"})

    def index_page(self, request: Request) -> Response:
        return html_response(200, "<h1>Emulator</h1>")

    # ---- state
    def start(self) -> None:
        """Load the state file if there is one, else seed."""
        state = load_json(self.state_file)
        with self.lock:
            if state is not None:
                self.load_state(state)
            else:
                self.reset_state()
                self.persist()

    def persist(self) -> None:
        """Save state to the state file (if any). Call under `self.lock` after each change."""
        if self.state_file:
            save_json_atomic(self.state_file, self.dump_state())

    # ---- control endpoints, the same contract for every emulator
    def _add_control_routes(self) -> None:
        for method, pattern, handler in (
            ("GET", r"/_emulator/?", self.index_page),
            ("GET", r"/_emulator/credentials", lambda r: json_response(200, self.credentials())),
            ("POST", r"/_emulator/reset", self._control_reset),
            ("GET", r"/_emulator/faults", lambda r: json_response(200, self.faults.snapshot())),
            ("POST", r"/_emulator/faults", self._control_faults),
            ("GET", r"/_emulator/stats", lambda r: json_response(200, self.stats.snapshot())),
            ("POST", r"/_emulator/stats/reset", self._control_stats_reset),
        ):
            self.router.add(method, pattern, handler, api=False)

    def _control_reset(self, request: Request) -> Response:
        with self.lock:
            self.reset_state()
            self.faults.reset()
            self.stats.reset()
            self.persist()
        return json_response(200, {"reset": True})

    def _control_faults(self, request: Request) -> Response:
        try:
            payload = request.json() if request.body else {}
            return json_response(200, self.faults.configure(payload))
        except (ValueError, TypeError) as exc:
            return json_response(400, {"error": str(exc)})

    def _control_stats_reset(self, request: Request) -> Response:
        self.stats.reset()
        return json_response(200, self.stats.snapshot())

    # ---- dispatch
    def handle(self, request: Request) -> Response:
        """Route, count, inject faults, run the handler."""
        route, params, path_exists = self.router.match(request.method, request.path)
        if route is None:
            if path_exists:
                return json_response(405, {"message": f"Method {request.method} not allowed"})
            return self.not_found_response(request)
        request.params = params
        request.route = route
        if not route.api:
            return route.handler(request)
        self.stats.record(route.name)
        plan = self.faults.plan(request.method, request.path, route.write, self.tenant_of(request))
        if plan.delay_seconds > 0:
            time.sleep(plan.delay_seconds)
        if plan.early_status is not None:
            return self.fault_response(plan.early_status, plan.retry_after)
        response = route.handler(request)
        if plan.after:
            response.after = plan.after
            response.timeout_seconds = plan.timeout_seconds
        return response


# --------------------------------------------------------------------------- HTTP server


def _make_handler(app: EmulatorApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "billbridge-emulator/1"

        def setup(self) -> None:
            super().setup()
            # headers and body go out in separate writes: without NODELAY, Nagle + delayed
            # ACK add ~40 ms to every answer
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            if os.environ.get("EMULATOR_LOG"):
                super().log_message(format, *args)

        def _dispatch(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            try:
                response = app.handle(request)
            except Exception as exc:  # an emulator bug must answer, not hang the client
                response = json_response(500, {"message": f"emulator error: {exc!r}"})
            if response.after == "timeout":
                time.sleep(response.timeout_seconds)
            if response.after in ("drop", "timeout"):
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_app(app: EmulatorApp, host: str, port: int) -> None:
    """Start the app (load or seed state) and serve until interrupted."""
    app.start()
    server = _Server((host, port), _make_handler(app))
    print(f"{type(app).__name__} listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
