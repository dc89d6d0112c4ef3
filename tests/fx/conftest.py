"""Counting what the product asked the rates emulator for."""

from __future__ import annotations


def requests_to(emulator, feed: str) -> int:
    """How many times the product asked for one eurofxref file ("daily", "hist-90d", "hist")."""
    by_route = emulator.client.get("/_emulator/stats").json()["by_route"]
    return sum(n for route, n in by_route.items() if route.endswith(f"/eurofxref-{feed}.xml"))
