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


def _wait_for_banner(proc: subprocess.Popen, timeout: float = 300) -> str:
    # Generous: on a loaded machine five Django processes start one after another.
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
    web, dinero, economic, smtp, rates = (_free_port() for _ in range(5))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "HUEY_", "TEST_", "BILLBRIDGE_"))
    }
    env.update(
        PORT=str(web),
        DINERO_EMULATOR_PORT=str(dinero),
        ECONOMIC_EMULATOR_PORT=str(economic),
        BILLBRIDGE_SMTP_PORT=str(smtp),
        RATES_EMULATOR_PORT=str(rates),
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
        yield {
            "proc": proc,
            "banner": banner,
            "web": web,
            "dinero": dinero,
            "economic": economic,
            "smtp": smtp,
            "rates": rates,
            "env": env,
        }
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


def test_demo_prints_the_emulated_visma_connect_logins(demo):
    assert "logins, for CONNECT DINERO" in demo["banner"]  # the recommended way (issue 9 item 5)
    assert "nordlys@example.com / demo (organisations 112233)" in demo["banner"]
    assert "(no Dinero Pro)" in demo["banner"]


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
    for port in (demo["dinero"], demo["economic"], demo["rates"]):
        assert httpx.get(f"http://127.0.0.1:{port}/_emulator/credentials").status_code == 200
    assert f"http://127.0.0.1:{demo['rates']}/_emulator/" in demo["banner"]


def test_a_bill_mailed_with_the_printed_command_appears_on_the_bills_page(demo):
    """Issue 13 item 8 and its "done when": the demo's SMTP server, worker and web server."""
    assert f"SMTP on 127.0.0.1:{demo['smtp']}" in demo["banner"]
    command = re.search(
        r"(\S*python -m billbridge mail_sample_bill \S+@\S+(?: --port \d+)?)", demo["banner"]
    )
    assert command, demo["banner"]
    # As typed in another shell: nothing of the demo's environment but where billbridge is.
    shell = {k: v for k, v in demo["env"].items() if k not in ("BILLBRIDGE_SMTP_PORT", "PORT")}
    sent = subprocess.run(
        [sys.executable, "-m", "billbridge", *command[1].split()[3:]],
        env={**shell, "DJANGO_SETTINGS_MODULE": "billbridge.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    number = re.search(r"Mailed bill (\S+)", sent.stdout)[1]
    base = f"http://127.0.0.1:{demo['web']}"
    with httpx.Client(base_url=base, timeout=20) as http:
        token = http.post(
            "/api/v1/auth/token", json={"email": "demo@example.com", "password": "demo"}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        companies = http.get("/api/v1/companies", headers=headers).json()
        deadline = time.monotonic() + 60
        found = None
        while found is None and time.monotonic() < deadline:
            for company in companies:
                url = f"/api/v1/companies/{company['id']}/bills"
                bills = http.get(url, params={"q": number}, headers=headers).json()["results"]
                found = next((b for b in bills if b["status"] == "UPCOMING"), found)
            time.sleep(0.2)
    assert found is not None, f"bill {number} did not appear"
    assert found["supplier_name"] == "Papirhuset A/S" and found["total"] == "1250.00"


def test_ctrl_c_stops_everything_the_demo_started(demo):
    proc = demo["proc"]
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    for port in (demo["web"], demo["dinero"], demo["economic"], demo["smtp"], demo["rates"]):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served"
