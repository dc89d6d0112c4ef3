"""The product's settings as the environment makes them."""

from __future__ import annotations


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
