"""A real IMAP server for the tests: Debian's dovecot with a config of its own, on a free port.

It runs as an unprivileged user: the test's own, or (when the tests run as root) the package's
"dovecot" user through runuser, with every directory under a temporary folder it owns.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox Archive {{
    auto = create
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
service stats {{
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


def available() -> bool:
    return Path(DOVECOT).exists()


class Dovecot:
    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.proc: subprocess.Popen[bytes] | None = None
        as_root = os.geteuid() == 0
        account = pwd.getpwnam("dovecot") if as_root else pwd.getpwuid(os.geteuid())
        self.user, self.uid, self.gid = account.pw_name, account.pw_uid, account.pw_gid
        self.group = grp.getgrgid(self.gid).gr_name
        self.run_as = ["runuser", "-u", self.user, "--"] if as_root else []

    def add_user(self, name: str, password: str) -> None:
        with open(self.root / "users", "a") as fh:
            fh.write(f"{name}:{{PLAIN}}{password}\n")

    def start(self) -> None:
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "users").touch()
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root, user=self.user, group=self.group, uid=self.uid, gid=self.gid,
                port=self.port,
            )
        )  # fmt: skip
        if self.run_as:
            shutil.chown(self.root, self.user, self.group)
            for path in self.root.rglob("*"):
                shutil.chown(path, self.user, self.group)
        self.proc = subprocess.Popen(
            [*self.run_as, DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"dovecot stopped: {self.proc.stderr.read().decode()}{self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
