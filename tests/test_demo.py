"""`python -m billbridge demo` starts everything, serves the app, and Ctrl-C stops it all."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_banner(proc: subprocess.Popen, timeout: float = 120) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if "Press Ctrl-C" in line:
            return "".join(seen)
    raise AssertionError("the demo did not start:\n" + "".join(seen))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    web, dinero, economic = _free_port(), _free_port(), _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "HUEY_", "TEST_", "BILLBRIDGE_"))
    }
    env.update(
        PORT=str(web),
        DINERO_EMULATOR_PORT=str(dinero),
        ECONOMIC_EMULATOR_PORT=str(economic),
        BILLBRIDGE_DATA_DIR=str(tmp_path_factory.mktemp("demo-var")),
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "billbridge", "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = _wait_for_banner(proc)
        yield {"proc": proc, "banner": banner, "web": web, "dinero": dinero, "economic": economic}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_demo_prints_the_address_and_the_login(demo):
    assert f"http://127.0.0.1:{demo['web']}/" in demo["banner"]
    assert "demo@example.com / demo" in demo["banner"]


def test_demo_prints_the_emulated_systems_credentials(demo):
    assert re.search(r"Organization ID \d+, API key \S+", demo["banner"])
    assert "revisor@example.com" in demo["banner"]


def test_demo_user_logs_in_over_http(demo):
    base = f"http://127.0.0.1:{demo['web']}"
    with httpx.Client(base_url=base, follow_redirects=True, timeout=20) as http:
        login = http.get("/login/")
        assert login.status_code == 200
        token = http.cookies["csrftoken"]
        page = http.post(
            "/login/",
            data={"username": "demo@example.com", "password": "demo", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
        )
        assert page.status_code == 200
        assert "Nordlys Design ApS" in page.text


def test_demo_emulators_answer(demo):
    for port in (demo["dinero"], demo["economic"]):
        assert httpx.get(f"http://127.0.0.1:{port}/_emulator/credentials").status_code == 200


def test_ctrl_c_stops_everything_the_demo_started(demo):
    proc = demo["proc"]
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    for port in (demo["web"], demo["dinero"], demo["economic"]):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served"
