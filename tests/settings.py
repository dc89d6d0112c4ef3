"""Test settings: the product's settings with a throwaway data dir and the test database.

`TEST_DATABASE_URL` picks the server (PostgreSQL in CI); without it, SQLite.
"""

import os
import tempfile

os.environ.setdefault("BILLBRIDGE_DATA_DIR", tempfile.mkdtemp(prefix="billbridge-test-"))
os.environ.setdefault("BILLBRIDGE_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("HUEY_IMMEDIATE", "1")
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]

from billbridge.settings import *  # noqa: E402,F403
from billbridge.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    test_db = os.path.join(os.environ["BILLBRIDGE_DATA_DIR"], "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": test_db}
