"""REST shapes every provider's router answers with (mounted per provider by billbridge.api)."""

from __future__ import annotations

from ninja import Schema


class ProblemOut(Schema):
    """An error with a stable `code` and plain words in `detail`; `field` when one is wrong."""

    detail: str
    code: str
    field: str | None = None


class ProgressOut(Schema):
    """How far sending has come (R-4): posted of total, with waiting and failed."""

    total: int
    posted: int
    waiting: int
    failed: int
    percent: int
