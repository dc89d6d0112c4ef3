"""What every provider's set-up pages share (the framework side of the web set-up)."""

from __future__ import annotations

from django.urls import Resolver404, resolve


def url_exists(path: str) -> bool:
    """Whether a path resolves: pages built by others appear in menus once they exist."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
