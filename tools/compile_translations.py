"""Compile every django.po under src/billbridge/**/locale into the .mo beside it (polib).

The .mo files are build output (git-ignored); `make` runs this, and so do the web tests.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "billbridge"


def compile_all(root: Path = ROOT) -> list[Path]:
    """Compile each catalog whose .mo is missing or older than its .po; return those written."""
    written = []
    for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        # Written aside and moved into place: two test processes compiling at once (pytest-xdist
        # on a fresh checkout) must never let one read the other's half-written file — Django
        # keeps a catalogue once loaded, so a torn read meant English words all session.
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=".", suffix=".mo")
        os.close(fd)
        try:
            polib.pofile(str(po_path)).save_as_mofile(tmp)
            os.replace(tmp, mo_path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    force = "--force" in sys.argv
    if force:
        for mo in ROOT.glob("**/locale/*/LC_MESSAGES/*.mo"):
            mo.unlink()
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT.parent.parent)}")
