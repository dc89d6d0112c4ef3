"""The product's settings as the environment makes them; files billbridge writes are its own
user's only (issue 15 item 5): the data dir, the SQLite database with its WAL, the queue, the
generated keys and every stored document."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_queue_and_keys_are_owner_only(tmp_path):
    data = tmp_path / "data"
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('create table t (x int)'); "
        "c.execute('insert into t values (1)')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUEY_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        BILLBRIDGE_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="billbridge.settings",
        BILLBRIDGE_FERNET_KEYS="", DJANGO_SECRET_KEY="",
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert mode(data) == 0o700
    for name in ("billbridge.sqlite3", "huey.sqlite3", ".django_secret_key",
                 ".billbridge_fernet_keys"):  # fmt: skip
        assert mode(data / name) == 0o600, name
    wal = data / "billbridge.sqlite3-wal"
    assert not wal.exists() or mode(wal) == 0o600


def test_an_existing_database_file_is_narrowed_to_the_owner(tmp_path):
    from billbridge.settings import owner_only_file

    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    owner_only_file(path)
    assert mode(path) == 0o600


@pytest.mark.django_db
def test_a_stored_document_and_its_folder_are_owner_only(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    name = default_storage.save("documents/2026/12/bill.pdf", ContentFile(b"%PDF-1.4\n"))
    path = Path(default_storage.path(name))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_database_connections_are_kept_and_checked(monkeypatch):
    """Issue 16 item 4: no new PostgreSQL connection per request; a dead one is noticed."""
    import importlib

    import billbridge.settings as product_settings

    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example:5432/billbridge")
    try:
        database = importlib.reload(product_settings).DATABASES["default"]
    finally:
        monkeypatch.undo()
        importlib.reload(product_settings)
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_migrate_narrows_documents_and_the_database_written_before(tmp_path):
    """Issue 15 item 5: what an older billbridge wrote 0644 (documents, the SQLite file and its
    WAL, the data dir 0755) is owner-only after the next `migrate`, as a deployment starts."""
    data = tmp_path / "data"
    old_document = data / "media" / "documents" / "2025" / "01" / "bill.pdf"
    old_document.parent.mkdir(parents=True)
    old_document.write_bytes(b"%PDF-1.4\n")
    database = data / "billbridge.sqlite3"
    wal = data / "billbridge.sqlite3-wal"
    for path in (old_document, database, wal):
        path.touch()
        path.chmod(0o644)
    for folder in (data, *old_document.parents):
        if folder.is_relative_to(data):
            folder.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUEY_"))}
    env.pop("DATABASE_URL", None)
    env.update(BILLBRIDGE_DATA_DIR=str(data), BILLBRIDGE_FERNET_KEYS="", DJANGO_SECRET_KEY="")
    subprocess.run(
        [sys.executable, "-m", "billbridge", "migrate", "--noinput", "-v", "0"],
        env=env, check=True, timeout=300,
    )  # fmt: skip
    assert mode(old_document) == 0o600
    assert mode(database) == 0o600
    assert not wal.exists() or mode(wal) == 0o600
    assert {mode(f) for f in old_document.parents if f.is_relative_to(data)} == {0o700}


def test_narrowing_leaves_owner_only_files_and_symlinks_alone(tmp_path):
    from billbridge.accounts.file_modes import narrow_tree

    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"")
    kept.chmod(0o400)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_bytes(b"")
    outside.chmod(0o644)
    (tmp_path / "link").symlink_to(outside)
    tmp_path.chmod(0o700)
    assert narrow_tree(tmp_path) == 0
    assert mode(kept) == 0o400
    assert mode(outside) == 0o644
