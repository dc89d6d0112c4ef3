"""`python -m billbridge demo`: emulated Dinero, e-conomic and exchange rates, web, worker.

Everything runs on this machine on SQLite under ./var/; Ctrl-C stops all of it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from billbridge.emulators.registry import EMULATORS

# The bills inboxes' SMTP port when BILLBRIDGE_SMTP_PORT is not set (as in settings).
DEFAULT_SMTP_PORT = 2525


def _wait_for_port(port: int, proc: subprocess.Popen, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} stopped at start (exit code {proc.returncode}); see above.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start listening on port {port} within {timeout:.0f} s.")


def _port_free(port: int) -> bool:
    """Whether something listens there; connections still closing (TIME_WAIT) don't count."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _credentials(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/credentials", timeout=5) as r:
        return json.load(r)


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "billbridge", *args], env=env, check=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m billbridge demo")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    emulator_ports = {
        key: int(os.environ.get(e.port_env, e.default_port)) for key, e in EMULATORS.items()
    }
    smtp_port = int(os.environ.get("BILLBRIDGE_SMTP_PORT", str(DEFAULT_SMTP_PORT)))
    data_dir = Path(os.environ.get("BILLBRIDGE_DATA_DIR", Path.cwd() / "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = [
        ("web", args.port),
        *((EMULATORS[key].name, port) for key, port in emulator_ports.items()),
        ("SMTP", smtp_port),
    ]
    for name, port in ports:
        if not _port_free(port):
            names = ", ".join(
                ["PORT", *(e.port_env for e in EMULATORS.values()), "BILLBRIDGE_SMTP_PORT"]
            )
            raise SystemExit(
                f"Port {port} (for {name}) is in use. Stop what uses it, or choose another with "
                f"{names}."
            )

    env = dict(
        os.environ,
        BILLBRIDGE_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        BILLBRIDGE_SMTP_PORT=str(smtp_port),
    )
    env.setdefault("DJANGO_SETTINGS_MODULE", "billbridge.settings")
    env.setdefault(
        "CSRF_TRUSTED_ORIGINS", f"http://127.0.0.1:{args.port},http://localhost:{args.port}"
    )
    # Outgoing mail (password reset links) is written as files: the demo's mail log.
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    env.setdefault("EMAIL_FILE_PATH", str(data_dir / "sent-mail"))
    procs: list[tuple[str, subprocess.Popen]] = []

    def start(name: str, cmd: list[str]) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, env=env, start_new_session=True)
        procs.append((name, proc))
        return proc

    def stop_all(*_: object) -> None:
        for _name, proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), sys.exit(0)))
    # Ctrl-C even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        emulators: list[str] = []
        for system, port in emulator_ports.items():
            proc = start(
                f"{system} emulator",
                [
                    sys.executable,
                    "-m",
                    "billbridge",
                    "emulate",
                    system,
                    "--port",
                    str(port),
                    "--state",
                    str(data_dir / f"{system}-emulator.json"),
                ],
            )
            _wait_for_port(port, proc, f"The {system} emulator")
            base_url = f"http://127.0.0.1:{port}"
            credentials = _credentials(port)
            env.update(EMULATORS[system].settings_for(base_url, credentials))
            emulators += EMULATORS[system].banner(base_url, credentials)
        _run(["migrate", "--noinput", "-v", "0"], env)
        _run(["seed_demo"], env)
        start("worker", [sys.executable, "-m", "billbridge", "run_huey", "--quiet"])
        smtpd = start("SMTP server", [sys.executable, "-m", "billbridge", "smtpd"])
        _wait_for_port(smtp_port, smtpd, "The SMTP server")
        web = start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "billbridge.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
        )
        _wait_for_port(args.port, web, "The web server")
        _print_banner(args.port, emulators, _inboxes(env, smtp_port), env)
        while all(proc.poll() is None for _, proc in procs):
            time.sleep(0.5)
        for name, proc in procs:
            if proc.poll() is not None:
                print(f"\n{name} stopped (exit code {proc.returncode}); stopping the demo.")
    except KeyboardInterrupt:
        print("\nStopping the demo…")
    finally:
        stop_all()


def _inboxes(env: dict[str, str], smtp_port: int) -> list[str]:
    """Each demo company's bills address, and the command that mails it a sample bill."""
    listing = subprocess.run(
        [sys.executable, "-m", "billbridge", "inbox_addresses"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    lines = [f"Bills by e-mail: SMTP on 127.0.0.1:{smtp_port}"]
    # Typed in another shell, the command knows nothing of this run's BILLBRIDGE_SMTP_PORT.
    port = "" if smtp_port == DEFAULT_SMTP_PORT else f" --port {smtp_port}"
    for line in listing.splitlines():
        name, _, address = line.partition("\t")
        lines.append(f"  {name}: {address}")
        lines.append(f"    .venv/bin/python -m billbridge mail_sample_bill {address}{port}")
    return lines


def _print_banner(
    port: int, emulators: list[str], inboxes: list[str], env: dict[str, str] | None = None
) -> None:
    mail_log = (env or {}).get("EMAIL_FILE_PATH", "")
    lines = [
        "",
        "billbridge demo is running",
        f"  Open       http://127.0.0.1:{port}/",
        "  Log in     demo@example.com / demo",
        *(
            [f"  Mail log   {mail_log}  (password reset links; one file per mail)"]
            if mail_log
            else []
        ),
        "",
        *emulators,
        "",
        *inboxes,
        "",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    print("\n".join(lines), flush=True)
