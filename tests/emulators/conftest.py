"""Fixtures that run an emulator as a real subprocess on a free port (no Django needed).

Generic for both emulators:
  - `start_emulator(system, state_file=None)` → a fresh `RunningEmulator` (stopped at teardown);
  - `shared_emulator(system)` → one process per test session and system, reset before each use.
Dinero conveniences: `dinero` (shared, reset) and `dinero_api` (a token for org 112233).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningEmulator:
    """An emulator subprocess and an HTTP client pointed at it."""

    system: str
    port: int
    proc: subprocess.Popen[bytes]
    state_file: str | None = None
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        # 30 s: a reset reseeds every organisation, which took over 10 s once on a machine
        # loaded by other test processes (a ReadTimeout in a test's set-up, not a failure).
        self.client = httpx.Client(base_url=self.base_url, timeout=30.0)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        self.client.post("/_emulator/reset").raise_for_status()

    def faults(self, **changes: Any) -> dict[str, Any]:
        response = self.client.post("/_emulator/faults", json=changes)
        response.raise_for_status()
        return response.json()

    def credentials(self) -> dict[str, Any]:
        return self.client.get("/_emulator/credentials").json()

    def stop(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def launch_emulator(system: str, state_file: str | None = None) -> RunningEmulator:
    """Start `python -m billbridge emulate <system>` and wait until it accepts connections."""
    port = free_port()
    cmd = [sys.executable, "-m", "billbridge", "emulate", system, "--port", str(port)]
    if state_file:
        cmd += ["--state", state_file]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"{system} emulator exited with {proc.returncode}:\n{err}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return RunningEmulator(system=system, port=port, proc=proc, state_file=state_file)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{system} emulator did not start listening on port {port}")


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., RunningEmulator]]:
    started: list[RunningEmulator] = []

    def start(system: str, state_file: str | None = None) -> RunningEmulator:
        emulator = launch_emulator(system, state_file)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture(scope="session")
def _emulator_pool() -> Iterator[dict[str, RunningEmulator]]:
    pool: dict[str, RunningEmulator] = {}
    yield pool
    for emulator in pool.values():
        emulator.stop()


@pytest.fixture
def shared_emulator(
    _emulator_pool: dict[str, RunningEmulator],
) -> Callable[[str], RunningEmulator]:
    def get(system: str) -> RunningEmulator:
        if system not in _emulator_pool or _emulator_pool[system].proc.poll() is not None:
            _emulator_pool[system] = launch_emulator(system)
        emulator = _emulator_pool[system]
        emulator.reset()
        return emulator

    return get


# ------------------------------------------------------------------------------ Dinero


@pytest.fixture
def dinero(shared_emulator: Callable[[str], RunningEmulator]) -> RunningEmulator:
    return shared_emulator("dinero")


def dinero_token(emulator: RunningEmulator, api_key: str) -> str:
    creds = emulator.credentials()
    response = emulator.client.post(
        "/dineroapi/oauth/token",
        auth=(creds["client_id"], creds["client_secret"]),
        data={
            "grant_type": "password",
            "scope": "read write",
            "username": api_key,
            "password": api_key,
        },
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@dataclass
class DineroApi:
    """A Bearer-authenticated client for one organisation (plain HTTP, no billbridge code)."""

    emulator: RunningEmulator
    org: str
    api_key: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        path = path.replace("{org}", self.org)
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.emulator.client.request(method, path, headers=headers, **kwargs)


@pytest.fixture
def dinero_api(dinero: RunningEmulator) -> DineroApi:
    org = next(o for o in dinero.credentials()["organizations"] if o["organization_id"] == "112233")
    return DineroApi(dinero, "112233", org["api_key"], dinero_token(dinero, org["api_key"]))


@pytest.fixture
def dinero_api_for(dinero: RunningEmulator) -> Callable[[str], DineroApi]:
    """A `DineroApi` for any seeded organisation id, with its own API key's token."""

    def make(org_id: str) -> DineroApi:
        orgs = dinero.credentials()["organizations"]
        org = next(o for o in orgs if o["organization_id"] == org_id)
        return DineroApi(dinero, org_id, org["api_key"], dinero_token(dinero, org["api_key"]))

    return make
