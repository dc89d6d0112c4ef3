"""The days the rates emulator knows: real ECB reference rates from `eurofxref-hist.csv`.

The CSV is the ECB's own history file format (newest day first, `N/A` where a currency was not
published), cut to 1 October 2025 – 13 April 2026; its header says where it comes from.
"""

from __future__ import annotations

import csv
from pathlib import Path

SEED_FILE = Path(__file__).with_name("eurofxref-hist.csv")

Days = dict[str, dict[str, str]]  # "YYYY-MM-DD" → currency → units per 1 EUR, as published


def load_days(path: Path = SEED_FILE) -> Days:
    """Every day of the file: date → {currency: rate text}, currencies not published left out."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = csv.reader(lines)
    header = [h.strip() for h in next(rows)]
    days: Days = {}
    for row in rows:
        if not row or not row[0].strip():
            continue
        values = dict(zip(header[1:], (v.strip() for v in row[1:]), strict=False))
        days[row[0].strip()] = {c: v for c, v in values.items() if c and v and v != "N/A"}
    return days
