"""Test settings: the product's settings with a throwaway data dir and the test database.

`TEST_DATABASE_URL` picks the server (PostgreSQL in CI); without it, SQLite.
"""

import os
import tempfile

# One throwaway data dir per test process (it holds the SQLite queue file, documents, keys).
# pytest-xdist's workers inherit the controller's environment, so without the worker's own
# dir both shared one queue file, and a test's flush or 500 wake-ups met the other's (a flaky
# tests/sync/test_sync_tasks.py). A subprocess a test starts keeps its worker's dir.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_inherited = os.environ.get("BILLBRIDGE_TEST_WORKER", _worker) != _worker
if "BILLBRIDGE_DATA_DIR" not in os.environ or _inherited:
    os.environ["BILLBRIDGE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"billbridge-test-{_worker}")
    os.environ["BILLBRIDGE_TEST_WORKER"] = _worker
os.environ.setdefault("BILLBRIDGE_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("HUEY_IMMEDIATE", "1")
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]

from billbridge.settings import *  # noqa: E402,F403
from billbridge.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    test_db = os.path.join(os.environ["BILLBRIDGE_DATA_DIR"], "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": test_db}
