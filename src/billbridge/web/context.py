"""Template context shared by every page: the user's companies and the current one."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    return {}
