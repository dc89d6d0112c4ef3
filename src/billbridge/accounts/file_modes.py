"""Owner-only files also for what was written before (issue 15 item 5).

New documents, the SQLite database, the queue and the keys are created owner-only (settings:
FILE_UPLOAD_PERMISSIONS, owner_only_file). Files an older billbridge wrote stay as they were
(documents 0644, the database 0644, the data dir 0755), so every `migrate` (a deployment's
start-up step, and the demo's) narrows what is already there: everything under the data dir,
MEDIA_ROOT and the SQLite files (with their -wal, -shm and -journal) wherever they are, folders
to 0700 and files to 0600. Only modes that give anything to group or others change; symlinks
are left alone; a file of another user (PermissionError) is theirs to keep.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)
DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")


def narrow(path: Path) -> bool:
    """Owner-only `path` (a folder 0700, a file 0600) if group or others have any right on it."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode) or not stat.S_IMODE(st.st_mode) & 0o077:
        return False
    wanted = DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE
    with contextlib.suppress(PermissionError):
        path.chmod(wanted)
        return True
    return False


def narrow_tree(root: Path) -> int:
    """`narrow` the folder and everything below it; the number of paths changed."""
    if not root.is_dir() or root.is_symlink():
        return int(narrow(root))
    changed = int(narrow(root))
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder)
        changed += sum(narrow(base / name) for name in (*dirs, *files))
    return changed


def data_paths() -> Iterable[Path]:
    """Every place billbridge keeps data: the data dir, the documents, the SQLite files."""
    yield Path(settings.DATA_DIR)
    yield Path(settings.MEDIA_ROOT)
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) not in (
        "",
        ":memory:",
    ):
        yield from (Path(f"{database['NAME']}{suffix}") for suffix in SQLITE_SIDECARS)
    if queue_file := settings.HUEY.get("filename"):
        yield from (Path(f"{queue_file}{suffix}") for suffix in SQLITE_SIDECARS)


def narrow_data_files() -> int:
    """Bring every existing data file and folder to owner-only; the number changed."""
    changed = sum(narrow_tree(path) for path in data_paths())
    if changed:
        logger.info("narrowed %d data files and folders to owner-only (issue 15 item 5)", changed)
    return changed


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """After `migrate` (once, for this app): the data written before is narrowed too."""
    narrow_data_files()
