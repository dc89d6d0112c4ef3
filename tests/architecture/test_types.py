"""mypy over the core packages (bills, ingest, sync, the integrations core) is part of the
suite, so CI fails on a type error as it fails on a test (issue 12 item 5). Which files it
checks is said once, in pyproject.toml's [tool.mypy] `files`; `make lint` runs the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_core_packages_type_check(tmp_path):
    # Its own process: mypy's Django plugin sets Django up with the product's settings.
    env = {**os.environ, "BILLBRIDGE_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
