"""The Visma Connect OAuth client's module (integrations/dinero/oauth.py)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_it_prints_no_authlib_deprecation_warning():
    """Authlib 1.9 warns of its move to httpx2 on import; the demo printed it once per process
    (web, worker, …) among the lines a new user reads. Warnings shown as Python shows them."""
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", "import billbridge.integrations.dinero.oauth"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "deprecated" not in done.stderr
